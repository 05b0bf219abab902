"""kb keyword: every occurrence with its exact page and section, counts, --all, and the CLI."""
from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from click.testing import CliRunner

from cli import cli
from conftest import EVAL_ID, PLAN, PLAN_ID
from kb.errors import QueryError
from kb.kwic import lookup, scan_section
from kb.model import Paragraph

# (PDF page, local section id) of every 苏州工业园区 in the plan, in reading order. Pages were
# counted from pdfplumber's raw page text (test_pages_agree_with_the_raw_pdf_text re-checks).
SIP = [
    (1, "part1"), (3, "ch1/s1"), (3, "ch1/s1"), (3, "ch1/s1"), (4, "ch1/s1"), (5, "ch1/s2"),
    (12, "ch4"), (15, "ch5/s3"), (17, "ch6/s1"), (18, "ch6/s1"), (19, "ch6/s1"), (24, "ch7/s1"),
    (26, "ch7/s4"), (28, "ch7/s6"), (29, "ch8/s2"), (30, "ch8/s5"),
]


def _local(o) -> str:
    return o.section_id[len(o.doc_id) + 1:]


def test_every_suzhou_industrial_park_with_page_and_section(corpus_index):
    result = lookup(corpus_index, ["苏州工业园区"])
    assert [(o.page, _local(o)) for o in result.occurrences] == SIP
    assert {o.doc_id for o in result.occurrences} == {PLAN_ID}
    assert result.counts() == {PLAN_ID: {"苏州工业园区": 16}}
    assert result.totals() == {"苏州工业园区": 16} and result.total == 16


@pytest.fixture(scope="module")
def raw_pages():
    import pdfplumber

    with pdfplumber.open(PLAN) as pdf:
        return {i: re.sub(r"\s+", "", p.extract_text() or "") for i, p in enumerate(pdf.pages, 1)}


def test_suzhou_pages_agree_with_the_raw_pdf_text(raw_pages):
    assert +Counter({i: t.count("苏州工业园区") for i, t in raw_pages.items()}) == Counter(p for p, _ in SIP)


@pytest.mark.parametrize("word, raw_forms", [
    ("高新区", ["高新区"]),
    ("设置", ["设置", "设臵"]),  # the PDF's font maps 置 to 臵: the text has it repaired
    ("置", ["置", "臵"]),
])
def test_pages_per_word_agree_with_the_raw_pdf_text(corpus_index, raw_pages, word, raw_forms):
    raw = Counter({i: sum(t.count(f) for f in raw_forms) for i, t in raw_pages.items()})
    found = Counter(o.page for o in lookup(corpus_index, [word], doc=PLAN_ID).occurrences)
    assert found == +raw


def test_a_paragraph_across_a_page_break_gives_the_page_of_the_word(plan):
    # The 苏州工业园区 on p.4 stands in a paragraph that starts on p.3.
    par = plan.section(f"{PLAN_ID}/ch1/s1").paragraphs[-1]
    at = par.text.index("苏州工业园区为创新引领")
    assert par.pages == (3, 4)
    assert par.breaks == ((56, 4),)
    assert (par.page_at(at), par.page_at(0), par.page_at(55), par.page_at(56)) == (4, 3, 3, 4)


def test_context_is_n_characters_either_side_within_the_paragraph(corpus_index):
    first, *_ = lookup(corpus_index, ["苏州工业园区"], context=6, doc="苏州").occurrences
    assert (first.left, first.keyword, first.right) == ("…区人民政府，", "苏州工业园区", "、苏州高新区…")
    assert first.heading_path == ("市政府关于印发苏州市服务外包产业“十二五”发展规划的通知",)
    at_start = lookup(corpus_index, ["苏州工业园区"], context=6).occurrences[9]
    assert (at_start.page, at_start.left, at_start.right) == (18, "", "：“中国模式…")


def test_the_repaired_character_is_not_in_the_text(corpus_index):
    result = lookup(corpus_index, ["臵"])
    assert result.total == 0 and result.occurrences == []
    assert result.hints == {"臵": "置"}
    assert lookup(corpus_index, ["设置"]).total == 2


def test_the_query_spacing_is_normalised_like_the_text(corpus_index):
    result = lookup(corpus_index, ["159 号"])
    assert result.words == ["159号"]
    assert [(o.doc_id, o.page, _local(o)) for o in result.occurrences] == [(PLAN_ID, 1, "part1")]


def test_headings_and_footnotes_are_searched(corpus_index):
    result = lookup(corpus_index, ["满意度"])
    assert [(o.page, _local(o), o.where, o.paragraph) for o in result.occurrences] == [
        (1, "part1", "text", 1), (4, "p1/s6", "heading", None), (4, "p1/s6", "text", 0),
    ]
    note = lookup(corpus_index, ["量纲和数量级"]).occurrences
    assert [(o.doc_id, o.page, _local(o), o.where) for o in note] == [(EVAL_ID, 1, "part1", "footnote")]


def test_furniture_is_not_text(corpus_index):
    # Page-number lines (－ 15 －) are furniture: "－15－" appears in pdfplumber's text, not here.
    assert lookup(corpus_index, ["－15－"]).total == 0


def test_several_words_are_counted_separately(corpus_index):
    result = lookup(corpus_index, ["苏州工业园区", "高新区"])
    assert result.totals() == {"苏州工业园区": 16, "高新区": 8}
    assert result.counts() == {PLAN_ID: {"苏州工业园区": 16, "高新区": 8}}


def test_all_keeps_only_paragraphs_holding_every_word(corpus_index):
    words = ["苏州工业园区", "高新区"]
    both = lookup(corpus_index, words, all_words=True)
    assert both.mode == "all" and both.totals() == {"苏州工业园区": 5, "高新区": 5}

    def units(result, word):
        return {(o.section_id, o.where, o.paragraph) for o in result.occurrences if o.word == word}

    each = lookup(corpus_index, words)
    assert units(both, "苏州工业园区") == units(both, "高新区") == units(each, "苏州工业园区") & units(each, "高新区")
    assert [(o.page, _local(o)) for o in both.occurrences if o.word == "高新区"] == [
        (1, "part1"), (3, "ch1/s1"), (12, "ch4"), (17, "ch6/s1"), (26, "ch7/s4"),
    ]


def test_occurrences_of_one_word_do_not_overlap(plan):
    doubled = Paragraph(text="哈哈哈哈哈", pages=(1, 1))
    section = type(plan.sections[0])(id="x/part1", level=0, number=None, heading="t", kind="part",
                                     paragraphs=[doubled], pages=(1, 1))
    assert [o.offset for o in scan_section("x", "x", (), section, ("t",), ["哈哈"], 20, False)] == [0, 2]


@pytest.mark.parametrize("words, message", [
    (["  "], "empty keyword '  ': give at least one character that is not a space"),
    ([], "no keyword given"),
])
def test_bad_queries_are_refused(corpus_index, words, message):
    with pytest.raises(QueryError, match=re.escape(message)):
        lookup(corpus_index, words)


# -- CLI -------------------------------------------------------------------------------------
def run(index, *args):
    return CliRunner().invoke(cli, ["--index", str(index), *args], catch_exceptions=False)


def test_cli_plain_lists_occurrences_then_counts(corpus_index):
    result = run(corpus_index, "keyword", "满意度", "-C", "5")
    assert result.exit_code == 0
    assert result.output == (
        f"{EVAL_ID} p.1 附件1 2017年度中国服务外包示范城市及申请城市综合评价结果: …平台质量及【满意度】等方面的评…\n"
        f"{EVAL_ID} p.4 一、示范城市综合评价情况 > （六）问卷调查显示企业满意度提升 (heading): …查显示企业【满意度】提升\n"
        f"{EVAL_ID} p.4 一、示范城市综合评价情况 > （六）问卷调查显示企业满意度提升: …基础设施的【满意度】较高；85…\n"
        "\n"
        f"{EVAL_ID}: 满意度 3\n"
        "total: 满意度 3\n"
        "3 occurrences in 1 of 2 documents searched\n"
    )


def test_cli_plain_first_suzhou_line_and_count_only(corpus_index):
    full = run(corpus_index, "keyword", "苏州工业园区", "--context", "8")
    assert full.exit_code == 0
    lines = full.output.splitlines()
    # Issue 11: the plan is the notice's second part, and the line names it.
    assert lines[1] == (f"{PLAN_ID} p.3 苏州市服务外包产业“十二五”发展规划 > 第一章 现状与经验 > （一）服务外包产业实现跨越发展: "
                        "…初显，集中分布在【苏州工业园区】、高新区、吴中区…")
    assert [int(re.search(r" p\.(\d+) ", ln).group(1)) for ln in lines[:16]] == [p for p, _ in SIP]
    assert lines[16:] == ["", f"{PLAN_ID}: 苏州工业园区 16", "total: 苏州工业园区 16",
                          "16 occurrences in 1 of 2 documents searched"]
    counts = run(corpus_index, "keyword", "苏州工业园区", "高新区", "--count")
    assert counts.exit_code == 0
    assert counts.output == (f"{PLAN_ID}: 苏州工业园区 16 · 高新区 8\ntotal: 苏州工业园区 16 · 高新区 8 (24)\n"
                             "24 occurrences in 1 of 2 documents searched\n")


def test_cli_nothing_found_exits_1_and_says_why_on_stderr(corpus_index):
    result = run(corpus_index, "keyword", "臵")
    assert (result.exit_code, result.stdout) == (1, "")  # issue 15: no match exits 1, said on stderr
    assert result.stderr == (
        "No occurrences of 臵 in 2 documents.\n"
        "note: 臵 is a font mis-map the text was repaired from; the text reads 置\n"
    )
    both = run(corpus_index, "keyword", "--all", "--doc", "2017", "苏州工业园区", "满意度")
    assert (both.exit_code, both.stderr) == (1, "No occurrences of 苏州工业园区 + 满意度 in one paragraph in 1 document.\n")


def test_cli_json(corpus_index):
    result = run(corpus_index, "keyword", "苏州工业园区", "--doc", "苏府〔2011〕159号", "-C", "4", "--json")
    assert result.exit_code == 0
    record = json.loads(result.output)
    assert {k: record[k] for k in ("words", "mode", "context", "documents", "counts", "totals", "total", "hints")} == {
        "words": ["苏州工业园区"], "mode": "any", "context": 4, "documents": [PLAN_ID],
        "counts": [{"doc_id": PLAN_ID, "words": {"苏州工业园区": 16}, "total": 16}],
        "totals": {"苏州工业园区": 16}, "total": 16, "hints": {},
    }
    assert record["occurrences"][4] == {
        "word": "苏州工业园区", "doc_id": PLAN_ID, "doc_title": "市政府关于印发苏州市服务外包产业“十二五”发展规划的通知",
        "section_id": f"{PLAN_ID}/ch1/s1",
        "heading_path": ["苏州市服务外包产业“十二五”发展规划", "第一章 现状与经验", "（一）服务外包产业实现跨越发展"],
        "path": str(PLAN.resolve()), "page": 4, "pages": [2, 4], "where": "text", "paragraph": 5, "offset": 79,
        "left": "…显现出以", "keyword": "苏州工业园区", "right": "为创新引…", "ocr": False,
    }
    none = run(corpus_index, "keyword", "臵", "--count", "--json")
    assert none.exit_code == 1 and none.stderr.startswith("No occurrences of 臵")
    counts = json.loads(none.stdout)  # stdout stays valid JSON: an empty result with its counts
    assert "occurrences" not in counts and counts["total"] == 0 and counts["hints"] == {"臵": "置"}


@pytest.mark.parametrize("args, code, message", [
    (["keyword", " "], 2, "Error: empty keyword ' ': give at least one character that is not a space\n"),
    (["keyword", "苏州", "--doc", "没有的文件"], 1, "Error: no document matches '没有的文件'; `kb docs` lists them\n"),
])
def test_cli_bad_input(corpus_index, args, code, message):
    result = run(corpus_index, *args)
    assert (result.exit_code, result.output) == (code, message)


def test_cli_usage_errors_exit_2(corpus_index):
    assert run(corpus_index, "keyword").exit_code == 2
    negative = run(corpus_index, "keyword", "苏州", "--context", "-1")
    assert negative.exit_code == 2 and "-1 is not in the range x>=0" in negative.output


def test_a_word_typed_otherwise_than_the_text_writes_it_is_searched_as_written(real_ingest):
    """居住证 is in nine documents of ../shared/real, 居住證 in none; 深府[2007]164号 is cited as
    printed in sz_shaoer (p.1), with square brackets, where a user types the 〔〕 of a 发文字号."""
    plain = lookup(real_ingest[0], ["居住证"], counts_only=True)
    typed = lookup(real_ingest[0], ["居住證"], counts_only=True)
    assert typed.searched_as == {"居住證": "居住证"} and typed.counts() == plain.counts() and plain.total > 0
    r = lookup(real_ingest[0], ["深府〔2007〕164号"])
    assert r.searched_as == {"深府〔2007〕164号": "深府[2007]164号"}
    assert {o.doc_id for o in r.occurrences} == {"sz_shaoer_daxuesheng_yibao_tongzhi_2013_webprint"}
    # found as typed: nothing is folded; both forms typed together are one word, counted once
    assert lookup(real_ingest[0], ["居住证"]).searched_as == {}
    both = lookup(real_ingest[0], ["居住證", "居住证"], counts_only=True)
    assert both.words == ["居住证"] and both.total == plain.total
    result = CliRunner().invoke(cli, ["--index", str(real_ingest[0]), "keyword", "經濟補償", "--count", "--json"])
    data = json.loads(result.output)
    assert result.exit_code == 0 and data["searched_as"] == {"經濟補償": "经济补偿"} and data["total"] > 0
