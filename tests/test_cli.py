"""The CLI's ingest, docs and outline commands: exit codes and exact output, plain and --json."""
from __future__ import annotations

import json

import pytest
from pathlib import Path
from click.testing import CliRunner

from cli import cli
from conftest import CORPUS, EVAL, EVAL_ID, PLAN, PLAN_ID

EVAL_PDF = EVAL


@pytest.fixture()
def runner():
    return CliRunner()


def run(runner, index, *args):
    return runner.invoke(cli, ["--index", str(index), *args], catch_exceptions=False)


def test_ingest_reports_a_summary_then_reuses_unchanged_files(runner, tmp_path):
    index = tmp_path / "index"
    first = run(runner, index, "ingest", str(CORPUS))
    assert first.exit_code == 0
    summary = first.output.splitlines()[-1]
    assert summary.startswith("2 documents, 46 pages, 78 sections")
    assert summary.endswith(f" in {index} (2 added)")
    again = run(runner, index, "ingest", str(CORPUS), "--json")
    assert again.exit_code == 0
    record = json.loads(again.output)
    assert set(record["unchanged"]) == {PLAN_ID, EVAL_ID}
    assert record["added"] == [] and record["skipped"] == [] and record["ok"] is True
    assert (record["documents"], record["pages"], record["sections"]) == (2, 46, 78)


def test_ingest_names_each_refused_file_and_exits_2(runner, tmp_path):
    bad = tmp_path / "notes.pdf"
    bad.write_text("<html><body>not a pdf</body></html>", encoding="utf-8")
    missing = tmp_path / "missing.pdf"
    result = run(runner, tmp_path / "index", "ingest", str(PLAN), str(bad), str(missing))
    assert result.exit_code == 2  # a refused file is an error (issue 15: errors exit 2)
    lines = result.output.splitlines()
    assert f"skipped {missing}: no such file or directory" in lines
    assert f"skipped {bad}: not a PDF file (the file is HTML)" in lines
    assert lines[-1].startswith("1 documents, 39 pages, 64 sections")
    assert lines[-1].endswith("(1 added, 2 skipped)")


@pytest.mark.parametrize("args, value", [(("docs", "--as-of", "2015-02-30"), "2015-02-30"),
                                         (("search", "入户", "--in-force", "2015-13-45"), "2015-13-45"),
                                         (("docs", "--as-of", "abc"), "abc")])
def test_a_date_that_is_not_one_is_named(runner, corpus_index, args, value):
    """A first-time user typed 2015-02-30: the error said 'day is out of range for month' without
    the value; every date refusal names what was typed, on one line, exit 2."""
    result = run(runner, corpus_index, *args)
    assert result.exit_code == 2
    (line,) = [ln for ln in result.output.splitlines() if ln.startswith("Error:")]
    assert f"'{value}' is not a date" in line


@pytest.mark.parametrize("args, empty", [(("export", "不存在"), None), (("outline", "不存在"), None),
                                         (("glossary", "不存在的词"), [])])
def test_nothing_found_with_json_is_still_one_json_document(runner, corpus_index, args, empty):
    """The README's contract: exit 1, the reason on stderr, and stdout one JSON document (null for
    export and outline, which answer with one section or document; [] for glossary)."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "cli.py", "--index", str(corpus_index), *args, "--json"],
                         capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent)
    assert out.returncode == 1 and json.loads(out.stdout) == empty
    assert len(out.stderr.strip().splitlines()) == 1 and "不存在" in out.stderr


def test_in_force_typed_before_the_query_takes_today(runner, corpus_index):
    """`kb search --in-force 居住证`: the optional DATE took the query and the user was told the
    query was missing. A value that is no date, with no query after it, is the query."""
    before = run(runner, corpus_index, "search", "--in-force", "服务外包", "--limit", "2")
    after = run(runner, corpus_index, "search", "服务外包", "--in-force", "--limit", "2")
    assert before.exit_code == after.exit_code == 0 and before.output == after.output
    assert run(runner, corpus_index, "search", "--in-force", "2015-01-01").exit_code == 2  # a date: no query
    two = run(runner, corpus_index, "search", "--in-force", "服务外包", "人才", "--limit", "2")
    assert two.output == run(runner, corpus_index, "search", "服务外包", "人才", "--in-force", "--limit", "2").output
    bad = run(runner, corpus_index, "search", "--in-force", "2015-02-30", "服务外包")
    assert bad.exit_code == 2 and "'2015-02-30' is not a date" in bad.output  # written as a date: refused as one
    assert "Missing argument 'QUERY...'" in run(runner, corpus_index, "search").output


def test_docs_plain_and_json(runner, corpus_index):
    # Issue 11: each document shows its status (as of today, or --as-of DATE).
    result = run(runner, corpus_index, "docs", "--as-of", "2020-01-01")
    assert result.exit_code == 0
    assert result.output == (
        f"{EVAL_ID}\n"
        "  2017年度中国服务外包示范城市及申请城市综合评价结果\n"
        "  评价结果 · 7 pages · 14 sections\n"
        "  status: in force (as of 2020-01-01)\n"
        "  issuer: 商务部\n"
        f"{PLAN_ID}\n"
        "  市政府关于印发苏州市服务外包产业“十二五”发展规划的通知\n"
        "  规划 · 苏府〔2011〕159号 · 2011-08-11 · 39 pages · 64 sections\n"
        "  status: in force (as of 2020-01-01)\n"
        "  issuer: 苏州市人民政府\n"
        "2 documents\n"
    )
    before = run(runner, corpus_index, "docs", "--as-of", "2011-08-10").output
    assert "status: not yet in force (as of 2011-08-10)" in before  # the plan is dated 2011-08-11
    listing = json.loads(run(runner, corpus_index, "docs", "--json").output)
    assert (listing["total"], listing["shown"]) == (2, 2)
    records = listing["documents"]
    plan = next(r for r in records if r["doc_id"] == PLAN_ID)
    assert {k: plan[k] for k in ("title", "doc_number", "issuer", "date", "doc_type", "pages", "sections")} == {
        "title": "市政府关于印发苏州市服务外包产业“十二五”发展规划的通知",
        "doc_number": "苏府〔2011〕159号",
        "issuer": "苏州市人民政府",
        "date": "2011-08-11",
        "doc_type": "规划",
        "pages": 39,
        "sections": 64,
    }
    assert len(plan["sha256"]) == 64 and plan["path"] == str(PLAN.resolve())  # absolute, wherever kb runs


def test_outline_plain(runner, corpus_index):
    result = run(runner, corpus_index, "outline", "2017")
    assert result.exit_code == 0
    assert result.output == (
        "2017年度中国服务外包示范城市及申请城市综合评价结果\n"
        f"document: {EVAL_ID}\n"
        "\n"
        "part1  附件1 2017年度中国服务外包示范城市及申请城市综合评价结果  p.1-7\n"
        "p1       一、示范城市综合评价情况  p.1-4\n"
        "p1/s1      （一）整体发展差距缩小  p.2\n"
        "p1/s2      （二）中西部和东北地区发展加快  p.2\n"
        "p1/s3      （三）产业发展各具特色  p.2-3\n"
        "p1/s4      （四）融合发展优势初显  p.3\n"
        "p1/s5      （五）专家评审肯定示范城市的工作成效  p.3-4\n"
        "p1/s6      （六）问卷调查显示企业满意度提升  p.4\n"
        "p2       二、申请城市综合评价情况  p.5-7\n"
        "p2/s1      （一）东部地区申请城市发展优势明显  p.5-6\n"
        "p2/s2      （二）省会城市综合创新能力较为突出  p.6\n"
        "p2/s3      （三）各城市积极开展政策创新增强发展优势  p.6\n"
        "p2/s4      （四）专家评审肯定申请城市发展举措  p.6\n"
        "p2/s5      （五）企业问卷调查反馈总体较好  p.7\n"
    )


def test_outline_json_is_the_section_tree(runner, corpus_index):
    result = run(runner, corpus_index, "outline", "苏府〔2011〕159号", "--json")
    assert result.exit_code == 0
    tree = json.loads(result.output)
    assert tree["doc_id"] == PLAN_ID
    notice, plan = tree["outline"]
    assert (notice["section_id"], notice["title"], notice["pages"]) == (f"{PLAN_ID}/part1", "市政府关于印发苏州市服务外包产业“十二五”发展规划的通知", [1, 1])
    chapters = [c["title"] for c in plan["children"]]
    assert chapters == [
        "第一章 现状与经验", "第二章 机遇与挑战", "第三章 指导思想与基本原则", "第四章 发展目标", "第五章 重点领域",
        "第六章 空间布局", "第七章 主要任务", "第八章 专项工程", "第九章 保障措施", "附录：概念解释",
    ]
    ch5 = plan["children"][4]
    assert ch5 == {**ch5, "section_id": f"{PLAN_ID}/ch5", "level": 1, "kind": "chapter", "number": "第五章",
                   "heading": "重点领域", "pages": [13, 16], "printed_pages": ["13", "16"]}
    assert [c["title"] for c in ch5["children"]] == [
        "（一）加快发展的服务外包行业", "（二）重点突破的服务外包行业", "（三）着力培育的服务外包行业", "（四）继续推进的服务外包独优业态",
    ]
    assert len(plan["children"][-1]["children"]) == 20


@pytest.mark.parametrize(
    "ref, message",
    [
        ("nothing", "Error: no document matches 'nothing'; `kb docs` lists them\n"),
        ("服务外包", None),  # a substring of both document ids: ambiguous, candidates listed
    ],
)
def test_outline_bad_reference_is_one_clear_error(runner, corpus_index, ref, message):
    result = runner.invoke(cli, ["--index", str(corpus_index), "outline", ref])
    assert result.exit_code == (1 if message else 2)  # nothing matches: 1; ambiguous: an error, 2
    if message:
        assert result.output == message
    else:
        assert result.output == (
            f"Error: '服务外包' is ambiguous: 2 matches\n  {EVAL_ID}\n  {PLAN_ID}\n"
        )


def test_commands_without_an_index_say_how_to_build_one(runner, tmp_path):
    result = runner.invoke(cli, ["--index", str(tmp_path / "none"), "docs"])
    assert result.exit_code == 2
    assert result.output == f"Error: no index in {tmp_path / 'none'}: run `kb ingest` first\n"


def test_usage_errors_exit_2(runner):
    result = runner.invoke(cli, ["outline"])
    assert result.exit_code == 2
    assert "Missing argument 'DOC'" in result.output


# -- edges found by a pre-landing review --------------------------------------------------------
def test_search_builds_the_default_index_and_names_refused_files(runner, tmp_path, monkeypatch):
    import shutil

    (tmp_path / "corpus").mkdir()
    shutil.copy(EVAL_PDF, tmp_path / "corpus" / "eval.pdf")
    (tmp_path / "corpus" / "saved-page.pdf").write_text("<html></html>", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["--index", "index", "search", "满意度", "--limit", "1"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[:2] == ["index missing: building it from corpus/ …",
                         "skipped corpus/saved-page.pdf: not a PDF file (the file is HTML)"]
    assert lines[2].startswith("1 of ") and lines[3] == "1. 2017年度中国服务外包示范城市及申请城市综合评价结果"


def test_search_leaves_an_index_built_from_other_files_alone(runner, corpus_index, tmp_path, monkeypatch):
    import shutil

    index = tmp_path / "other"
    shutil.copytree(corpus_index, index)
    (tmp_path / "corpus").mkdir()
    shutil.copy(EVAL_PDF, tmp_path / "corpus" / "new.pdf")  # newer than the index, in ./corpus
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["--index", str(index), "search", "人才", "--limit", "1"])
    assert result.exit_code == 0 and "building it" not in result.output
    from kb.store import Store

    assert sorted(Store(index).snapshot().doc_ids) == sorted([EVAL_ID, PLAN_ID])


def test_a_damaged_index_is_one_line(runner, corpus_index, tmp_path):
    import shutil

    from kb.store import current_generation

    index = tmp_path / "damaged"
    shutil.copytree(corpus_index, index)
    terms = current_generation(index) / "terms.json"
    terms.unlink()
    result = runner.invoke(cli, ["--index", str(index), "glossary", "ITO"])
    assert result.exit_code == 2
    assert result.output == f"Error: {terms}: the index is damaged (FileNotFoundError); run `kb ingest` to rebuild it\n"


def test_an_unwritable_output_is_one_line(runner, corpus_index):
    result = runner.invoke(cli, ["--index", str(corpus_index), "export", "第五章", "--doc", "苏州", "-o", "/proc/ch5.md"])
    assert result.exit_code == 2
    assert len(result.output.splitlines()) == 1 and result.output.startswith("Error: ") and "/proc/" in result.output


def test_export_writes_through_a_symlink_and_dash_is_stdout(runner, corpus_index, tmp_path):
    target = tmp_path / "notes.md"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    base = ["--index", str(corpus_index), "export", "ch5/s4", "--doc", "苏州"]
    assert runner.invoke(cli, base + ["-o", str(link), "--force"]).exit_code == 0
    assert link.is_symlink() and target.read_text(encoding="utf-8").startswith("# （四）继续推进的服务外包独优业态")
    dash = runner.invoke(cli, base + ["-o", "-"])
    assert dash.exit_code == 0 and dash.output == target.read_text(encoding="utf-8")


def test_a_doc_number_typed_with_square_brackets_finds_its_document(runner, corpus_index):
    result = runner.invoke(cli, ["--index", str(corpus_index), "outline", "苏府[2011]159号"])
    assert result.exit_code == 0 and result.output.splitlines()[1] == f"document: {PLAN_ID}"


@pytest.mark.parametrize("args, message", [
    (["glossary", "ITO", "--exact", "--fuzzy"], "--exact and --fuzzy exclude each other"),
    (["ingest", "--max-pages", "0"], "Invalid value for '--max-pages'"),
    (["ingest", "--max-seconds", "-1"], "Invalid value for '--max-seconds'"),
    (["ingest", "--wait", "-5"], "Invalid value for '--wait'"),
])
def test_contradictory_or_out_of_range_options_are_usage_errors(runner, corpus_index, args, message):
    result = runner.invoke(cli, ["--index", str(corpus_index), *args])
    assert result.exit_code == 2 and message in result.output
