"""Issue 10: outline facts and whole sentences on every positive and tricky file of ../shared/real.

The answers in tests/expected/structure.json were written by a person reading each PDF (page
images and poppler's text layer), never from this tool's output; see tests/expected/README.md.
Comparison conventions are that README's: whitespace removed, NFKC, a tool heading may go on
past a run-in title's label. One more: an article title the PDF sets in 【】 is kept by the tool
as the heading without its brackets (``第一条 依据目的``), so 【】 are dropped on both sides.
"""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from conftest import REAL, parsed_real, real_pdf

EXPECTED = json.loads((Path(__file__).parent / "expected" / "structure.json").read_text(encoding="utf-8"))


def norm(text: str) -> str:
    return re.sub(r"[\s【】]", "", unicodedata.normalize("NFKC", text))


class _Parsed(dict):
    """Each file parsed once, when a test first asks for it (no search index is built: these
    tests read the document tree only)."""

    def __missing__(self, stem):
        self[stem] = parsed_real(stem)
        return self[stem]


@pytest.fixture(scope="module")
def documents():
    if not REAL.exists():
        pytest.skip(f"{REAL} is absent: the real-PDF set lives in ../shared/real beside the checkout")
    return _Parsed()


def _doc(documents, stem):
    real_pdf(f"{stem}.pdf")
    return documents[stem]


def _parents(doc):
    out = []

    def down(sections, parent):
        for s in sections:
            out.append((s, parent))
            down(s.children, s)

    down(doc.sections, None)
    return out


def _label(section) -> str:
    """The section as the reader sees it begin: a numbered clause without a title
    (六、本实施细则由…负责解释。) shows its number, then its sentence."""
    if section.heading or not section.paragraphs:
        return section.title
    return section.title + section.paragraphs[0].text


def _matches(title: str, expected: str) -> bool:
    return norm(title).startswith(norm(expected))


def _top_sequence_found(titles: list[str], top: list[str]) -> bool:
    for start in range(len(titles) - len(top) + 1):
        if all(_matches(t, e) for t, e in zip(titles[start:], top)):
            return True
    return False


@pytest.mark.parametrize("stem", sorted(s for s, e in EXPECTED.items() if e.get("top")))
def test_top_level_headings_in_order(documents, stem):
    doc = _doc(documents, stem)
    top = EXPECTED[stem]["top"]
    # The top rung of the document's own ladder: the shallowest level that holds the first
    # expected heading, read in order over every part (a notice, then the text it publishes).
    levels = [s.level for s in doc.walk() if s.kind != "part" and _matches(_label(s), top[0])]
    assert levels, f"no heading {top[0]!r}"
    # An attachment with its own title (附 …格式要求) is a part of the document, and a top
    # heading of it.
    titles = [_label(s) for s in doc.walk() if (s.level == min(levels) and s.kind != "part") or (s.kind == "part" and s.number)]
    assert _top_sequence_found(titles, top), titles[:40]


@pytest.mark.parametrize("stem", sorted(s for s, e in EXPECTED.items() if e.get("nested")))
def test_nested_heading_under_its_parent(documents, stem):
    doc = _doc(documents, stem)
    pairs = [(_label(s), _label(p) if p is not None else None) for s, p in _parents(doc)]
    for fact in EXPECTED[stem]["nested"]:
        assert any(_matches(t, fact["heading"]) and p is not None and _matches(p, fact["parent"]) for t, p in pairs), fact


@pytest.mark.parametrize("stem", sorted(s for s, e in EXPECTED.items() if e.get("not_headings")))
def test_numbered_paragraphs_are_not_headings(documents, stem):
    doc = _doc(documents, stem)
    for start in EXPECTED[stem]["not_headings"]:
        made = [s.title for s in doc.walk() if s.kind != "part" and norm(s.title).startswith(norm(start))]
        assert made == [], start


@pytest.mark.parametrize("stem", sorted(s for s, e in EXPECTED.items() if e.get("sentences")))
def test_sentences_across_breaks_stay_whole(documents, stem):
    doc = _doc(documents, stem)
    paragraphs = [norm(p.text) for s in doc.walk() for p in s.paragraphs]
    missing = [x for x in EXPECTED[stem]["sentences"] if not any(norm(x) in p for p in paragraphs)]
    assert missing == []


def test_figures_printed_without_rules_are_table_rows(documents):
    """moe p10, 表1 (read from the page image): the row 全国 5.6 6.6 3.7 0.9 1.0 0.7 has no rules
    around it; it is a table row with its cells, not the tail of a sentence."""
    doc = _doc(documents, "moe_suiqian_zinv_liushou_ertong_zhuanti_baogao_2009")
    rows = [p for s in doc.walk() for p in s.paragraphs if p.kind == "table_row"]
    assert any(p.cells == ("全国", "5.6", "6.6", "3.7", "0.9", "1.0", "0.7") and p.pages == (10, 10) for p in rows)
    texts = [norm(p.text) for s in doc.walk() for p in s.paragraphs if p.kind == "text"]
    assert not any("全国5.66.63.7" in t for t in texts)


def test_no_heading_is_the_file_name(real_ingest):
    """A part opened before any title line is seen used to be headed by the file's name
    (TRICKY_tables_xuesheng_…: 'part1 TRICKY_tables_xuesheng_tizhi_…' in the outline, in every
    hit's heading path and as the export's first heading); a reader never sees a file name there.
    The three table sheets print their titles (《国家学生体质健康标准》评分表 …) on their pages."""
    from kb.store import Store

    snap = Store(real_ingest[0]).snapshot()
    named = [(d.id, s.id) for d in snap.documents() for s in d.walk() if s.heading == Path(d.path).stem]
    assert not named
    sheet = snap.document("TRICKY_tables_xuesheng_tizhi_jiankang_biaozhun_pingfenbiao")
    assert sheet.sections[0].heading == "《国家学生体质健康标准》评分表"


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_articles_are_the_documents_own(documents, stem):
    """A 第…条 heading is an article of the document itself, and a document numbers its own
    articles 第一条, 第二条, … (an attached 办法 starting again at 第一条). The three Wuhan guides
    quote other regulations' articles in a table cell (第二十一条 …, 第五十四条 …, then 第二十一条
    again): a person reading them sees no headings of the guide's there, and structure.json,
    which lists a document's articles as its top headings when it has them, gives them none."""
    from kb.model import SectionKind
    from kb.text import cn_to_int

    doc = documents[stem]
    nums = [cn_to_int(s.number) for s in doc.walk() if s.kind == SectionKind.ARTICLE]
    assert not nums or nums[0] == 1, nums[:5]
    assert all(b == a + 1 or b == 1 for a, b in zip(nums, nums[1:])), nums
    if not EXPECTED[stem].get("top"):
        assert nums == []
    if stem.startswith("wh_wsjs"):
        quoted = "卫生行政机关在收集证据时，在证据可能灭失、或者以后难以取得的情况下"  # 第二十二条 of the regulation quoted
        assert any(quoted in p.text.replace(" ", "") for s in doc.walk() for p in s.paragraphs)


def test_a_statutes_first_sentence_is_text_not_a_run_in_lead(plan):
    """A run-in lead (shown bold by export) is a plan's style: 借制造之力的产业融合经验。…, 跨国公司共享
    服务中心。… (the bundled plan, read in the PDF: each opens a paragraph, many of them). A statute's
    款 that opens with a short sentence has none: 劳动合同法 第十九条 (试用期包含在劳动合同期限内。…),
    民法典 第一千零四十二条 (禁止重婚。…, 禁止家庭暴力。…), 宪法's preamble (中国是世界上历史最悠久的
    国家之一。…), all in the body type of the text around them."""
    from kb.export import to_markdown
    from kb.refs import Target

    leads = {p.lead for s in plan.walk() for p in s.paragraphs if p.lead}
    assert {"借制造之力的产业融合经验", "跨国公司共享服务中心", "加大服务外包企业的招商引资力度"} <= leads
    for name, title, start in [("laodong_hetong_fa_2012_xz", "第十九条", "试用期包含在劳动合同期限内"),
                               ("minfadian_2020_234p", "第一千零四十二条", "禁止重婚"),
                               ("xianfa_2018_wps", "序言", "中国是世界上历史最悠久的国家之一")]:
        doc = parsed_real(name)
        (sec,) = [s for s in doc.walk() if s.title.startswith(title)]
        par = next(p for p in sec.paragraphs if p.text.startswith(start))
        assert par.lead is None, (name, par.lead)
        assert f"**{start}**" not in to_markdown(Target(doc, sec))
