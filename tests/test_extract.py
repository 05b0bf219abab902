"""extract.py on real and generated PDFs: fonts, fake bold, ruled tables, the text-layer gate."""
from __future__ import annotations

import pytest

from kb import extract
from kb.errors import GarbledTextError, NoTextLayerError
from kb.model import TABLE
from kb.parse import parse_pdf
from conftest import EVAL, PLAN, real_pdf
from pdfmaker import fake_bold_pdf, table_pdf


def test_gbk_font_names_are_decoded():
    # hz sets its headings in 黑体, which Word 2010 wrote as GBK bytes in the font name.
    page = next(extract.iter_pages(real_pdf("hz_yibao_tiaozheng_2016_hf57.pdf")))
    fonts = {ln.text: ln.font for ln in page.lines}
    assert fonts["一、调整职工生育津贴的计算天数"] == "黑体"
    assert fonts["各县、区人民政府，市政府各部门、各直属各机构："] == "仿宋"


def test_plan_pages_stream_one_at_a_time():
    pages = extract.iter_pages(PLAN)
    first = next(pages)
    # Raw, before clean's repair table: the 发文字号's brackets are mis-mapped to „‟.
    assert (first.number, first.lines[0].text) == (1, "苏府„2011‟159 号")
    assert sum(1 for _ in pages) == 38


def test_eval_footnote_marker_cut_out_of_the_line():
    page = next(extract.iter_pages(EVAL))
    cited = [ln for ln in page.lines if ln.refs]
    assert [(r.marker, ln.text[r.offset - 6: r.offset]) for ln in cited for r in ln.refs] == [("1", "化法进行处理")]


def test_fake_bold_doubles_are_removed(tmp_path):
    path = fake_bold_pdf(tmp_path / "bold.pdf", ["第一条 为加强人口服务管理，制定本办法。", "第二条 本办法适用于本市行政区域内来京人员的居住证管理。"])
    doc = parse_pdf(path)
    assert [s.text for s in doc.walk() if s.kind == "article"] == ["为加强人口服务管理，制定本办法。", "本办法适用于本市行政区域内来京人员的居住证管理。"]
    assert list(doc.warnings) == ["46 doubled fake-bold characters removed"]


def test_real_repeated_letters_are_not_doubles():
    # "http://" has two t's a glyph apart: not a fake-bold double.
    read = extract.read_pdf(real_pdf("TRICKY_kangxi_bj_juzhuzheng_banfa_caoan.pdf"))
    assert read.pages[0].lines[0].text == "http://news.xinhuanet.com/legal/2015-12/10/c_128518404_2.htm"
    assert read.warnings == ()


HEADER = ["城市", "申报项目", "金额（万元）"]
ROWS = [[["苏州", "服务外包园区", "1200"], ["无锡", "软件人才培训", "800"]], [["南京", "公共服务平台", "650"]]]


def test_ruled_table_rows_come_out_as_rows(tmp_path):
    pages = extract.read_pages(table_pdf(tmp_path / "t.pdf", HEADER, ROWS))
    assert [ln.cells for p in pages for ln in p.lines if ln.label == TABLE] == [
        tuple(HEADER), ("苏州", "服务外包园区", "1200"), ("无锡", "软件人才培训", "800"),
        tuple(HEADER), ("南京", "公共服务平台", "650"),
    ]


def test_table_rows_stay_under_their_section_and_the_header_is_read_once(tmp_path):
    doc = parse_pdf(table_pdf(tmp_path / "t.pdf", HEADER, ROWS), "t")
    p1 = doc.section("t/p1")
    assert p1.title == "一、各市申报情况"
    assert [(par.kind, par.cells, par.pages) for par in p1.paragraphs] == [
        ("table_row", tuple(HEADER), (1, 1)),
        ("table_row", ("苏州", "服务外包园区", "1200"), (1, 1)),
        ("table_row", ("无锡", "软件人才培训", "800"), (1, 1)),
        ("table_row", ("南京", "公共服务平台", "650"), (2, 2)),
    ]
    assert p1.paragraphs[3].text == "南京 | 公共服务平台 | 650"
    assert [(s.title, s.text) for s in doc.walk() if s.id == "t/p2"] == [("二、下一步工作", "各市要按时报送材料。")]


def test_fill_only_boxes_are_not_tables():
    # gov's web print paints a white page-sized box on every page: no table rows come out.
    pages = extract.read_pages(real_pdf("gov_xinxi_gongkai_tiaoli_2007_webprint.pdf"))
    assert [ln for p in pages for ln in p.lines if ln.label == TABLE] == []


@pytest.mark.parametrize("name, error, message", [
    ("NEG_scanned_yuejiaokao_2015_14.pdf", NoTextLayerError, "no text layer (a scanned image); `kb ingest --ocr` reads it (9 of 9 page(s) carry no text)"),
    ("NEG_cid_garbled_27city_ruhu_bijiao.pdf", GarbledTextError, "garbled text layer (the font has no usable Unicode map); refused rather than indexing garbage (988 (cid:NN) glyphs without Unicode, 96% of the text)"),
])
def test_text_layer_gate(name, error, message):
    path = real_pdf(name)
    with pytest.raises(error) as info:
        extract.read_pages(path)
    assert str(info.value) == f"{path}: {message}"
