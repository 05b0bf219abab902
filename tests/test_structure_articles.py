"""Law articles that start their own line are sections, and a table of contents is never one.

Expectations are read from the PDFs (PDFium's text layer, via pypdfium2), never from this tool's
output: shuju_anquan_fa_2021 p.5 starts 第三十六条 and 第三十九条 on lines of their own after a
line that runs to the right margin; laodong_fa_1994 does the same for 第二条 … 第一百零四条, and
wraps the cross-reference "本法第二十六条、‖第二十七条的规定" to a line start. shuju's p.1 and
moe_suiqian's p.2 carry a 目录 whose entries repeat the headings of the body.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from conftest import REAL, parsed_real, real_pdf

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.bench_structure import article_starts, raw_lines  # noqa: E402


def walk(sections):
    for s in sections:
        yield s
        yield from walk(s.children)


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def articles(stem: str) -> dict[str, list]:
    out: dict[str, list] = {}
    for s in walk(parsed_real(stem).sections):
        if s.kind == "article":
            out.setdefault(s.number, []).append(s)
    return out


def text_of(section) -> str:
    return flat("".join(p.text for p in section.paragraphs))


@pytest.fixture(autouse=True)
def _real():
    if not REAL.exists():
        pytest.skip(f"{REAL} is absent: the real-PDF set lives in ../shared/real beside the checkout")


def test_shuju_articles_after_a_full_line_are_their_own_sections():
    arts = articles("shuju_anquan_fa_2021")
    # p.5: "…依法进行，有关组织、个人应当予以配合。" runs to the margin, then 第三十六条.
    (a36,) = arts["第三十六条"]
    assert a36.pages == (5, 5)
    assert text_of(a36).startswith("中华人民共和国主管机关根据有关法律和中华人民共和国缔结或者参加的国际条约")
    assert text_of(a36).endswith("不得向外国司法或者执法机构提供存储于中华人民共和国境内的数据。")
    (a35,) = arts["第三十五条"]
    assert text_of(a35).endswith("依法进行，有关组织、个人应当予以配合。")
    (a39,) = arts["第三十九条"]
    assert text_of(a39) == "国家机关应当依照法律、行政法规的规定，建立健全数据安全管理制度，落实数据安全保护责任，保障政务数据安全。"
    (a38,) = arts["第三十八条"]
    assert "第三十九条" not in text_of(a38)


def test_laodong_fa_articles_after_a_full_line_are_their_own_sections():
    arts = articles("laodong_fa_1994")
    for n in ("第二条", "第六条", "第十三条", "第十八条", "第五十六条", "第七十二条", "第一百零四条"):
        assert len(arts.get(n, [])) == 1, n
    (a1,) = arts["第一条"]
    assert text_of(a1).endswith("根据宪法，制定本法。")
    (a2,) = arts["第二条"]
    assert text_of(a2).startswith("在中华人民共和国境内的企业、个体经济组织")
    assert text_of(a2).endswith("适用本法。")


def test_a_cross_reference_wrapped_to_a_line_start_stays_in_its_article():
    # laodong_fa p.4: "第二十九条 …不得依据本法第二十六条、" ‖ "第二十七条的规定解除劳动合同："
    arts = articles("laodong_fa_1994")
    (a29,) = arts["第二十九条"]
    assert "不得依据本法第二十六条、第二十七条的规定解除劳动合同" in text_of(a29)
    assert len(arts["第二十七条"]) == 1


# How many articles each law has, as enacted (劳动法 1994: 107 条; 数据安全法 2021: 55 条;
# 劳动合同法 as amended 2012: 98 条; 宪法 as amended 2018: 143 条): the reference must see them all
# before its count can judge the outline.
LAW_ARTICLES = {"laodong_fa_1994": 107, "shuju_anquan_fa_2021": 55, "laodong_hetong_fa_2012_xz": 98,
                "xianfa_2018_wps": 143}


@pytest.mark.parametrize("stem", LAW_ARTICLES)
def test_every_article_start_line_of_a_law_is_a_section(stem):
    """Each 第…条 that opens a line of the text layer as an article (bench/bench_structure.py)
    is a section of the outline, as often as the text layer shows it."""
    want = article_starts(raw_lines(real_pdf(f"{stem}.pdf")))
    assert len(want) == LAW_ARTICLES[stem]
    got = {n: len(v) for n, v in articles(stem).items()}
    missing = sorted(n for n, k in want.items() if got.get(n, 0) < k)
    assert not missing


def test_shuju_contents_entries_are_not_sections():
    doc = parsed_real("shuju_anquan_fa_2021")
    chapters = [s for s in walk(doc.sections) if s.kind == "chapter"]
    # p.1 目录 lists 第一章 … 第七章; the body sets each once, with its articles.
    assert [s.number for s in chapters] == ["第一章", "第二章", "第三章", "第四章", "第五章", "第六章", "第七章"]
    assert [s.id.split("/", 1)[1] for s in chapters] == [f"ch{k}" for k in range(1, 8)]
    ch3 = chapters[2]
    assert ch3.heading == "数据安全制度" and ch3.children[0].number == "第二十一条"
    assert all(s.children for s in chapters)
    front = [flat(p.text) for p in doc.sections[0].paragraphs]
    assert "目录" in front and "第三章数据安全制度" in front


def test_moe_dotted_contents_are_not_sections():
    doc = parsed_real("moe_suiqian_zinv_liushou_ertong_zhuanti_baogao_2009")
    titles = [flat(s.title) for s in walk(doc.sections)]
    assert not [t for t in titles if re.search(r"[.．…]{2,}|目录", t)]
    # p.2's entry "（二）加大财政投入…提供有力保障 17" has no dots; the heading stands on p.17.
    found = [s for s in walk(doc.sections) if flat(s.title) == "（二）加大财政投入和转移支付力度，为“两为主”政策落实提供有力保障"]
    assert len(found) == 1 and found[0].pages[0] == 17
    assert "目录" in [flat(p.text) for p in doc.sections[0].paragraphs]
