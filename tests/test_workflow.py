"""Issue 15: a researcher's whole workflow — narrow, list by document, open the source, cite,
keep the index tidy — and the consistency rules every command follows (exit codes, streams,
help). Expected facts are read from the PDFs (pdftotext / pdfplumber on the page named)."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import sys
import time

import pytest
from click.testing import CliRunner

from cli import cli
from conftest import CORPUS, EVAL, EVAL_ID, PLAN, PLAN_ID, ROOT

PLAN_NOTICE = "苏州市人民政府《市政府关于印发苏州市服务外包产业“十二五”发展规划的通知》（苏府〔2011〕159号，2011年8月11日）"


def run(index, *args, env=None):
    return CliRunner().invoke(cli, ["--index", str(index), *args], env=env, catch_exceptions=False)


# -- help ------------------------------------------------------------------------------------
COMMANDS = sorted(cli.commands)


def _width(line: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


@pytest.mark.parametrize("name", [None, *COMMANDS])
def test_help_takes_h_and_fits_80_columns_counting_chinese_double(name):
    args = [name, "-h"] if name else ["-h"]
    result = CliRunner().invoke(cli, args, prog_name="kb")
    assert result.exit_code == 0 and result.output.startswith("Usage: kb")
    wide = [line for line in result.output.splitlines() if _width(line) > 80]
    assert wide == []


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_has_help_and_every_command_an_example(name):
    command = cli.commands[name]
    assert [p.name for p in command.params if isinstance(p, __import__("click").Option) and not p.help] == []
    example = re.search(r"Examples?[^:\n]*:\n((?:\s+kb .*\n?)+)", command.help)
    assert example, f"kb {name} --help shows no example"
    assert all(line.strip().split()[:2] == ["kb", name] for line in example.group(1).strip().splitlines())


def test_wrap_counts_chinese_double():
    from kb.textwidth import width, wrap

    lines = wrap("Only documents of this type (规划, 通知, 评价结果 …). 一个很长的中文句子没有空格但是需要折行。", 30)
    assert all(width(line) <= 30 for line in lines)
    assert "".join(lines).replace(" ", "") == "Onlydocumentsofthistype(规划,通知,评价结果…).一个很长的中文句子没有空格但是需要折行。"
    assert not any(line.startswith(("，", "。", "）")) for line in lines)


# -- exit codes and streams -------------------------------------------------------------------
@pytest.mark.parametrize("args", [
    ["search", "火星木星"],  # no word of it in the corpus (量子计算 now gives partial matches: 计算)
    ["search", "火星木星", "--json"],
    ["keyword", "量子计算"],
    ["keyword", "量子计算", "--json"],
    ["glossary", "量子计算", "--exact"],
    ["glossary", "量子计算", "--exact", "--json"],
    ["outline", "没有这个文件", "--json"],
    ["docs", "--year", "1990"],
    ["docs", "--year", "1990", "--json"],
    ["outline", "没有这个文件"],
    ["export", "第十章"],
])
def test_no_match_exits_1_with_the_message_on_stderr_and_valid_json(corpus_index, args):
    result = run(corpus_index, *args)
    assert result.exit_code == 1
    assert result.stderr.strip()
    if "--json" in args:
        data = json.loads(result.stdout)  # an empty result with its counts
        if isinstance(data, dict):
            assert data.get("hits", data.get("occurrences", data.get("documents"))) == []
        else:
            assert data in ([], None)  # no term: []; no document: null
    else:
        assert result.stdout == ""


@pytest.mark.parametrize("args, message", [
    (["search", "foo:bar"], "Error: cannot parse query 'foo:bar': unknown field 'foo'"),
    (["search", "人才", "--issuer", "国务院"], "Error: no document issued by '国务院'; the index has: 商务部, 苏州市人民政府"),
    (["keyword", "人才", "--type", "条例"], "Error: no document of type '条例'; the index has: 规划, 评价结果"),
    (["export", "第五章", "-o", "ch5.pdf"], "Error: ch5.pdf: a suffix '.pdf' names no export format"),
    (["export", "（八）"], "Error: '（八）' is ambiguous: 2 matches"),
])
def test_errors_exit_2_naming_the_problem(corpus_index, args, message):
    result = run(corpus_index, *args)
    assert result.exit_code == 2
    assert message in result.stderr and result.stdout == ""


def test_ctrl_c_exits_130(corpus_index, monkeypatch):
    import kb.listing

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(kb.listing, "list_documents", interrupted)
    result = run(corpus_index, "docs")
    assert (result.exit_code, result.stderr) == (130, "Interrupted.\n")


def test_an_unknown_suffix_is_fine_with_format(corpus_index, tmp_path):
    out = tmp_path / "ch5.notes"
    result = run(corpus_index, "export", "第五章", "--format", "md", "-o", str(out))
    assert result.exit_code == 0 and out.read_text(encoding="utf-8").startswith("# 第五章 重点领域\n")


# -- narrow and list -----------------------------------------------------------------------------
def test_docs_filters_sort_and_counts(corpus_index):
    plan = run(corpus_index, "docs", "--type", "规划")
    assert plan.exit_code == 0
    assert plan.output.splitlines()[0] == PLAN_ID and plan.output.splitlines()[-1] == "1 of 2 documents"
    by_date = json.loads(run(corpus_index, "docs", "--sort", "date", "--json").output)
    # The plan is dated 二○一一年八月十一日 (p.1); the evaluation prints no date: undated last.
    assert [d["doc_id"] for d in by_date["documents"]] == [PLAN_ID, EVAL_ID]
    assert (by_date["total"], by_date["shown"]) == (2, 2)
    issued = json.loads(run(corpus_index, "docs", "--issuer", "商务部", "--json").output)
    assert [d["doc_id"] for d in issued["documents"]] == [EVAL_ID] and issued["shown"] == 1
    assert run(corpus_index, "docs", "--year", "2011-2017", "--json").exit_code == 0


@pytest.mark.parametrize("fmt, sep", [("tsv", "\t"), ("csv", ",")])
def test_docs_tsv_and_csv(corpus_index, fmt, sep):
    result = run(corpus_index, "docs", "--format", fmt, "--sort", "title")
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.output), delimiter=sep))
    assert rows[0] == ["doc_id", "title", "doc_number", "issuer", "date", "doc_type", "pages", "sections", "path"]
    assert [r[0] for r in rows[1:]] == [EVAL_ID, PLAN_ID]  # 2017年度… sorts before 市政府关于…
    plan = rows[2]
    assert plan[2:6] == ["苏府〔2011〕159号", "苏州市人民政府", "2011-08-11", "规划"]
    assert plan[8] == str(PLAN.resolve())


def test_keyword_filters_and_counts(corpus_index):
    result = run(corpus_index, "keyword", "服务外包", "--issuer", "苏州", "--year", "2011", "--count")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith(f"{PLAN_ID}: 服务外包 ")
    assert re.fullmatch(r"\d+ occurrences in 1 of 1 document searched \(1 of 2 in the index\)", lines[-1])
    data = json.loads(run(corpus_index, "keyword", "服务外包", "--type", "评价结果", "--json").output)
    assert data["documents"] == [EVAL_ID] and data["total_documents"] == 2
    first = data["occurrences"][0]
    assert first["path"] == str(EVAL.resolve()) and os.path.isabs(first["path"])


def test_search_issuer_and_the_json_provenance_of_each_hit(corpus_index):
    import pdfplumber

    result = run(corpus_index, "search", "人才", "--issuer", "商务部", "--json")
    assert result.exit_code == 0
    hits = json.loads(result.output)["hits"]
    assert hits and {h["doc_id"] for h in hits} == {EVAL_ID}
    with pdfplumber.open(EVAL) as pdf:
        for h in hits:
            assert h["path"] == str(EVAL.resolve())
            assert h["pages"][0] <= h["page"] <= h["pages"][1]
            # The match itself stands on the page given (the text layer, spaces dropped).
            assert "人才" in re.sub(r"\s", "", pdf.pages[h["page"] - 1].extract_text())
            assert h["citation"].startswith("商务部《2017年度中国服务外包示范城市及申请城市综合评价结果》附件1 ")


# -- references ----------------------------------------------------------------------------------
def test_outline_and_export_take_traditional_characters(corpus_index):
    outline = run(corpus_index, "outline", "蘇州")
    assert outline.exit_code == 0 and outline.output.splitlines()[1] == f"document: {PLAN_ID}"
    export = run(corpus_index, "export", "第五章 重點領域")
    assert export.exit_code == 0 and export.output.startswith("# 第五章 重点领域\n")


def test_export_of_a_place_offers_the_document_among_the_candidates(corpus_index):
    result = run(corpus_index, "export", "苏州")
    assert result.exit_code == 2
    candidates = result.stderr.splitlines()[1:]
    assert candidates[0].startswith(f"  {PLAN_ID}  (whole document) ")
    assert len(candidates) > 1 and all(c.startswith(f"  {PLAN_ID}/") for c in candidates[1:])


# -- cite --------------------------------------------------------------------------------------
def test_export_cite_names_the_published_plan_and_its_numbers(corpus_index):
    # p.1: the notice 苏府〔2011〕159号 of 二○一一年八月十一日 publishes the plan; p.35: （三）离岸服务外包
    # in 附录：概念解释.
    result = run(corpus_index, "export", "appendix/s3", "--doc", "苏州", "--cite")
    assert result.exit_code == 0
    assert result.output == f"{PLAN_NOTICE}印发的《苏州市服务外包产业“十二五”发展规划》附录（三）（PDF 第35页）\n"
    data = json.loads(run(corpus_index, "export", "ch5/s2", "--doc", "苏州", "--cite", "--json").output)
    assert data["citation"]["locator"] == "第五章（二）"
    assert data["path"] == str(PLAN.resolve()) and data["page"] == 15  # （二） heads p.15


def test_export_sentence_and_quote(corpus_index):
    # p.4, （六）问卷调查显示企业满意度提升: its second sentence.
    second = run(corpus_index, "export", "一、（六）", "--sentence", "2")
    assert second.exit_code == 0
    assert second.output == ("“乌鲁木齐的问卷调查得分最高，为9.56分。”\n"
                             "——商务部《2017年度中国服务外包示范城市及申请城市综合评价结果》附件1 一、（六）（PDF 第4页）\n")
    too_far = run(corpus_index, "export", "一、（六）", "--sentence", "99")
    assert too_far.exit_code == 1 and "has 4 sentences" in too_far.stderr
    quoted = run(corpus_index, "quote", "…为【9.56】分。", "--json")
    assert quoted.exit_code == 0
    data = json.loads(quoted.output)
    assert data["sentence"] == "乌鲁木齐的问卷调查得分最高，为9.56分。" and data["page"] == 4
    assert data["section_id"] == f"{EVAL_ID}/p1/s6"


def test_citation_pieces():
    from kb.citation import chinese_date, nested

    assert chinese_date("2007-04-05") == "2007年4月5日" and chinese_date(None) is None
    assert nested("关于印发《东莞市人才入户管理办法》的通知") == "关于印发〈东莞市人才入户管理办法〉的通知"


# -- open --------------------------------------------------------------------------------------
def test_open_runs_kb_viewer_with_path_and_page(corpus_index, tmp_path):
    record = tmp_path / "argv.txt"
    viewer = f"{sys.executable} -c 'import sys,pathlib; pathlib.Path(sys.argv[1]).write_text(\" \".join(sys.argv[2:]))' {record} {{page}} {{path}}"
    result = run(corpus_index, "open", "ch5/s2", "--doc", "苏州", env={"KB_VIEWER": viewer})
    assert result.exit_code == 0
    assert result.stdout == f"{PLAN.resolve()}\tpage 15\n"
    deadline = time.monotonic() + 20
    while not (record.exists() and record.read_text()) and time.monotonic() < deadline:  # written, not just created
        time.sleep(0.05)
    assert record.read_text() == f"15 {PLAN.resolve()}"


def test_open_without_a_viewer_prints_path_and_page(corpus_index):
    env = {"KB_VIEWER": None, "DISPLAY": None, "WAYLAND_DISPLAY": None}
    result = run(corpus_index, "open", "一、（六）", env=env)
    if sys.platform == "darwin":
        pytest.skip("macOS always has `open`")
    assert result.exit_code == 0
    assert result.stdout == f"{EVAL.resolve()}\tpage 4\n" and "no viewer" in result.stderr
    assert run(corpus_index, "open", "2017", "--page", "99").exit_code == 2


def test_viewer_command_choices(tmp_path):
    from kb.opener import viewer_command

    pdf = str(tmp_path / "a b.pdf")
    argv, note = viewer_command(pdf, 3, {"KB_VIEWER": "firefox {url}"})
    assert argv == ["firefox", f"file://{tmp_path}/a%20b.pdf#page=3"] and note is None
    argv, note = viewer_command(pdf, 3, {"DISPLAY": ":0"}, platform="linux", which=lambda c: "/usr/bin/" + c)
    assert argv == ["xdg-open", pdf] and "go to page 3" in note
    assert viewer_command(pdf, 3, {}, platform="linux", which=lambda c: None)[0] is None


# -- keep the index tidy -------------------------------------------------------------------------
def test_duplicates_exclude_kbignore_remove(tmp_path):
    folder = tmp_path / "pdfs"
    (folder / "drafts").mkdir(parents=True)
    shutil.copy(EVAL, folder / "eval.pdf")
    shutil.copy(EVAL, folder / "eval-copy.pdf")  # byte-identical
    (folder / "drafts" / "bad.pdf").write_text("<html>not a pdf</html>", encoding="utf-8")
    index = tmp_path / "index"

    first = run(index, "ingest", str(folder))
    assert first.exit_code == 2  # drafts/bad.pdf is refused
    assert f"duplicate {folder / 'eval.pdf'}: the same bytes as eval-copy, not added again" in first.output

    (folder / ".kbignore").write_text("# known bad\ndrafts/*.pdf\n", encoding="utf-8")
    again = run(index, "ingest", str(folder), "--json")
    assert again.exit_code == 0
    data = json.loads(again.output)
    assert data["excluded"] == [str(folder / "drafts" / "bad.pdf")] and data["documents"] == 1
    assert data["duplicates"] == [{"path": str(folder / "eval.pdf"), "doc_id": "eval-copy"}]
    excluded = run(index, "ingest", str(folder), "--exclude", "eval*", "--json")
    assert json.loads(excluded.output)["excluded"] == [str(folder / f) for f in ("drafts/bad.pdf", "eval-copy.pdf", "eval.pdf")]

    # A file ingested by its own path, then deleted, is removed by that path.
    single = tmp_path / "single.pdf"
    shutil.copy(EVAL, single)
    with single.open("ab") as fh:
        fh.write(b"\n%another\n")
    assert run(index, "ingest", str(single)).exit_code == 0
    single.unlink()
    assert run(index, "ingest", str(single)).exit_code == 2  # still named as missing, kept
    removed = run(index, "remove", str(single))
    assert (removed.exit_code, removed.output) == (0, f"removed single ({single})\n1 documents in {index}\n")
    assert run(index, "remove", "single").exit_code == 1  # nothing left to remove
    docs = json.loads(run(index, "docs", "--json").output)
    assert [d["doc_id"] for d in docs["documents"]] == ["eval-copy"]
    assert run(index, "search", "满意度").exit_code == 0  # the search index was rebuilt, not lost


def test_remove_missing(tmp_path):
    folder = tmp_path / "a"
    folder.mkdir()
    shutil.copy(EVAL, folder / "x.pdf")
    index = tmp_path / "index"
    assert run(index, "ingest", str(folder / "x.pdf")).exit_code == 0
    (folder / "x.pdf").unlink()
    gone = run(index, "open", "x", "--print")
    assert gone.exit_code == 1 and gone.stderr == (f"Error: {folder / 'x.pdf'}: the PDF of x is gone; "
                                                   "`kb remove x` takes it out of the index\n")
    result = run(index, "remove", "--missing", "--json")
    assert result.exit_code == 0
    assert json.loads(result.output) == {"removed": ["x"], "paths": [str((folder / "x.pdf"))], "documents": 0}


# -- where the index is ----------------------------------------------------------------------------
def test_kb_home_and_where_the_index_is_looked_for(tmp_path, monkeypatch, corpus_index):
    from kb.home import locate

    monkeypatch.delenv("KB_INDEX", raising=False)
    home = tmp_path / "kbhome"
    shutil.copytree(corpus_index, home / "index")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    found = CliRunner().invoke(cli, ["docs", "--json"], env={"KB_HOME": str(home)})
    assert found.exit_code == 0 and json.loads(found.output)["total"] == 2

    data = tmp_path / "xdg"
    missing = CliRunner().invoke(cli, ["docs"], env={"KB_HOME": None, "XDG_DATA_HOME": str(data), "HOME": str(tmp_path)})
    assert missing.exit_code == 2
    if sys.platform != "darwin":
        assert missing.stderr == (f"Error: no index in {data / 'policy-kb' / 'index'}: run `kb ingest` first; index and "
                                  f"corpus looked for in {data / 'policy-kb'} (the per-user data directory: this folder "
                                  "has no index/ or corpus/ and KB_HOME is not set)\n")
    assert locate(None, {}, cwd=ROOT).index == "index"  # a checkout: ./index, as before


# -- shell completion ---------------------------------------------------------------------------
def test_completion_offers_document_ids(corpus_index):
    env = {"_KB_COMPLETE": "bash_complete", "COMP_WORDS": "kb outline 苏", "COMP_CWORD": "2",
           "KB_INDEX": str(corpus_index)}
    result = CliRunner().invoke(cli, [], env=env, prog_name="kb")
    assert f"plain,{PLAN_ID}" in result.output.splitlines() and EVAL_ID not in result.output
    env["COMP_WORDS"], env["COMP_CWORD"] = "kb keyword 外包 --doc 2017", "4"
    result = CliRunner().invoke(cli, [], env=env, prog_name="kb")
    assert result.output.splitlines() == [f"plain,{EVAL_ID}"]


# -- the library ----------------------------------------------------------------------------------
def test_readme_library_example_runs(tmp_path, corpus_index, monkeypatch):
    """The python block under "Library" in the README, run in a folder holding corpus/ and index/."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.search(r"## Library\n.*?```python\n(.*?)```", readme, re.S).group(1)
    (tmp_path / "corpus").symlink_to(CORPUS)
    shutil.copytree(corpus_index, tmp_path / "index")
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    exec(compile(code, "README.md", "exec"), {})
    expected = re.search(r"## Library\n.*?```python\n.*?```\n\nprints:\n\n```\n(.*?)```", readme, re.S).group(1)
    assert out.getvalue() == expected


def test_kb_ingest_is_callable_on_every_access(tmp_path):
    import kb
    import kb.ingest as module  # importing the module must not turn kb.ingest into a non-callable

    assert callable(kb.ingest) and module.PARSER_VERSION
    first = kb.ingest(str(EVAL), str(tmp_path / "i"))  # one str path, str index
    second = kb.ingest([EVAL], tmp_path / "i")
    assert (first.added, second.unchanged) == ([EVAL_ID], [EVAL_ID])


# -- the researcher's scenario on ../shared/real --------------------------------------------------
SCENARIO = ["dg_gongzu_banfa_2014_ling138", "dg_qiye_ziping_rencai_2015_dfb124", "dg_tiaojian_zhunru_rencai_ruhu_xize_2015_dfb122",
            "gd_yinjin_rencai_juzhuzheng_2003_webprint", "dg_rencai_ruhu_banfa_2015_dfu111", "gov_xinxi_gongkai_tiaoli_2007_webprint"]


@pytest.fixture(scope="module")
def real_index(tmp_path_factory):
    from conftest import real_pdf

    pdfs = [real_pdf(f"{stem}.pdf") for stem in SCENARIO]
    from kb.ingest import ingest

    index = tmp_path_factory.mktemp("workflow") / "index"
    report = ingest(pdfs, index)
    assert report.ok and len(report.added) == len(SCENARIO), report
    return index


def _page_text(path: str, page: int) -> str:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return re.sub(r"\s", "", pdf.pages[page - 1].extract_text() or "")


def test_scenario_find_narrow_list_open_cite(real_index, tmp_path):
    # 1. find: 居住证 is in the 2003 Guangdong measures and in the Dongguan documents.
    found = json.loads(run(real_index, "search", "居住证", "--limit", "50", "--json").output)["hits"]
    assert "gd_yinjin_rencai_juzhuzheng_2003_webprint" in {h["doc_id"] for h in found}
    # 2. narrow to 2014–2016: the 2003 measures drop out, every hit is dated in range.
    narrowed = json.loads(run(real_index, "search", "居住证", "--year", "2014-2016", "--limit", "50", "--json").output)["hits"]
    assert narrowed and all("2014" <= h["date"][:4] <= "2016" for h in narrowed)
    for h in narrowed:
        assert "居住证" in _page_text(h["path"], h["page"])
    # 3. list by document: the text layers (pdftotext) hold 居住证 2, 3 and 4 times in these three.
    listed = run(real_index, "keyword", "居住证", "--year", "2014-2016", "--count", "--json")
    counts = {c["doc_id"]: c["total"] for c in json.loads(listed.output)["counts"]}
    assert counts == {"dg_gongzu_banfa_2014_ling138": 2, "dg_qiye_ziping_rencai_2015_dfb124": 3,
                      "dg_tiaojian_zhunru_rencai_ruhu_xize_2015_dfb122": 4}
    docs = run(real_index, "docs", "--year", "2014-2016", "--issuer", "东莞", "--sort", "date", "--format", "tsv")
    rows = [line.split("\t") for line in docs.output.splitlines()[1:]]
    assert [r[4] for r in rows] == sorted((r[4] for r in rows), reverse=True) and len(rows) == 4
    # 4. open: page 6 of the 企业自评 rules lists 广东省居住证 under 四、（六） 1.
    occ = json.loads(run(real_index, "keyword", "居住证", "--doc", "东府办〔2015〕124号", "--json").output)["occurrences"]
    on6 = next(o for o in occ if o["page"] == 6)
    record = tmp_path / "argv.txt"
    viewer = f"{sys.executable} -c 'import sys,pathlib; pathlib.Path(sys.argv[1]).write_text(sys.argv[2])' {record} {{page}}"
    opened = run(real_index, "open", on6["section_id"], env={"KB_VIEWER": viewer})
    assert opened.exit_code == 0 and opened.stdout == f"{on6['path']}\tpage 6\n"
    deadline = time.monotonic() + 20
    while not (record.exists() and record.read_text()) and time.monotonic() < deadline:  # written, not just created
        time.sleep(0.05)
    assert record.read_text() == "6"
    # 5. cite: 东莞市人民政府办公室, 东府办〔2015〕124号, 2015年12月18日 (p.1); 四、 › （六） › 1. (p.6).
    cite = run(real_index, "export", on6["section_id"], "--cite")
    assert cite.output == ("东莞市人民政府办公室《关于印发〈东莞市企业自评人才入户实施细则〉的通知》（东府办〔2015〕124号，"
                           "2015年12月18日）印发的《东莞市企业自评人才入户实施细则》四、（六）1（PDF 第6页）\n")


def test_an_article_is_cited_alone_and_a_sentence_with_it(real_index):
    # p.8: 第六章 附则, 第二十二条's second sentence; an article number is unique in its text.
    result = run(real_index, "export", "第六章", "--doc", "东府〔2015〕111号", "--sentence", "2")
    assert result.output == (
        "“普通高等学校、中等职业学校、技工院校在校就读的学生按相关规定办理户籍迁移手续。”\n"
        "——东莞市人民政府《关于印发〈东莞市人才入户管理办法〉的通知》（东府〔2015〕111号，2015年12月18日）"
        "印发的《东莞市人才入户管理办法》第二十二条（PDF 第8页）\n")
    # A labelled 附件 is named so: p.3-5 of the 2003 notice, 附件 申领《广东省居住证》的资格条件审核细则.
    cite = run(real_index, "export", "art5", "--doc", "gd_yinjin", "--cite")
    assert cite.output.startswith("广东省人民政府《印发广东省引进人才实行〈广东省居住证〉暂行办法的通知》（粤府〔2003〕81号，2003年9月29日）"
                                  "附件《申领〈广东省居住证〉的资格条件审核细则》第五条")


def test_a_prefix_longer_than_one_word_finds_the_text(real_index):
    # 信息公开 is two indexed words (信息, 公开): no word starts with it, but the 条例 says it throughout.
    result = run(real_index, "search", "信息公开*", "--doc", "gov_xinxi", "--json")
    assert result.exit_code == 0
    hits = json.loads(result.output)["hits"]
    assert hits and all(h["doc_id"] == "gov_xinxi_gongkai_tiaoli_2007_webprint" for h in hits)
    assert "信息公开" in _page_text(hits[0]["path"], hits[0]["page"])


def test_ignore_globs(tmp_path):
    from kb.ignore import excluded, read_ignore

    root = tmp_path / "set"
    (root / "old").mkdir(parents=True)
    (root / ".kbignore").write_text("# refused on purpose\nNEG_*\n\nold\n/keep/*.pdf\n", encoding="utf-8")
    patterns = read_ignore(root)
    assert patterns == ["NEG_*", "old", "/keep/*.pdf"]
    assert excluded(root / "sub" / "NEG_scan.pdf", patterns, root)  # a name, at any depth
    assert excluded(root / "old" / "a.pdf", patterns, root)  # a folder name
    assert excluded(root / "keep" / "b.pdf", patterns, root)  # a path inside the folder
    assert not excluded(root / "b.pdf", patterns, root)
    assert read_ignore(tmp_path) == []


def test_outline_json_gives_the_absolute_path(corpus_index, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # elsewhere than where the corpus was ingested from
    data = json.loads(run(corpus_index, "outline", "2017", "--json").output)
    assert data["path"] == str(EVAL.resolve()) and os.path.exists(data["path"])
