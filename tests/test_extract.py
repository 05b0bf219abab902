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


# -- speed changes that must not change what is read (kb/page_objects.py, the page loop) -------------

def _objects_match(path, pages):
    import pdfplumber

    from kb.page_objects import parse_objects

    with pdfplumber.open(path) as pdf:
        for n in pages:
            page = pdf.pages[n - 1]
            ours = parse_objects(page)
            theirs = page.parse_objects()  # pdfplumber's own; the layout is cached, so both read one parse
            assert list(ours) == list(theirs), (path.name, n)
            for kind in theirs:
                assert [list(o.items()) for o in ours[kind]] == [list(o.items()) for o in theirs[kind]], (path.name, n, kind)
            page.close()


@pytest.mark.parametrize("name, pages", [
    ("hz_yibao_tiaozheng_2016_hf57.pdf", (1, 2)),  # Word 2010, GBK font names
    ("gd_renkou_jisheng_tiaoli_2008_webprint.pdf", (1,)),  # a web print: white boxes behind the text
    ("TRICKY_table_bj_fengtai_wuzheng_shenhe_2014.pdf", (1,)),  # ruled table: rects and lines
    ("minfadian_2020_234p.pdf", (1, 117)),
    ("xianfa_2018_wps.pdf", (2,)),
    ("bj_benshi_huji_ertong_ruxue_xitong_shouce.pdf", (3,)),  # screenshots: images
])
def test_page_objects_are_pdfplumbers_own(name, pages):
    _objects_match(real_pdf(name), pages)


def test_page_objects_are_pdfplumbers_own_on_the_corpus():
    _objects_match(PLAN, (1, 2, 20))
    _objects_match(EVAL, (1,))


def test_each_page_is_built_once(monkeypatch):
    # pdfplumber's pdf.flush_cache() drops its page list; flushing it after every page rebuilt all
    # N pages each time, so a long file cost N² Page objects.
    import pdfplumber.page

    built = []
    init = pdfplumber.page.Page.__init__

    def counting(self, *args, **kwargs):
        built.append(1)
        init(self, *args, **kwargs)

    monkeypatch.setattr(pdfplumber.page.Page, "__init__", counting)
    pages = extract.iter_pages(PLAN)
    assert sum(1 for _ in pages) == 39
    pages.close()  # the file is closed too: without building the pages again
    assert len(built) == 39


def _content_streams(path, pages):
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return [list(pdf.pages[n - 1].page_obj.contents) for n in pages]


@pytest.mark.parametrize("name, pages", [
    ("moh_yiliao_jigou_xize_1994_webprint.pdf", (1, 2)),  # a web print: operators for every glyph
    ("sz_jiaoyuju_bumen_juesuan_2014_webprint.pdf", (5,)),
    ("minfadian_2020_234p.pdf", (1, 200)),
    ("hz_yibao_tiaozheng_2016_hf57.pdf", (1, 2)),
    ("bj_benshi_huji_ertong_ruxue_xitong_shouce.pdf", (3,)),  # images
    ("TRICKY_kangxi_bj_juzhuzheng_banfa_caoan.pdf", (1,)),
])
def test_content_tokens_are_pdfminers_own(name, pages):
    from kb import content_parser

    assert content_parser.classes() is not None, "the fast classes are off: pdfminer or pdfplumber is another version"
    from pdfminer import pdfinterp

    fast = content_parser.classes()[0]
    for streams in _content_streams(real_pdf(name), pages):
        ours = content_parser.tokens(fast, streams)
        theirs = content_parser.tokens(pdfinterp.PDFContentParser, streams)
        assert len(ours) > 100
        # Types too: 1 == 1.0 in Python, but pdfminer keeps ints and reals apart.
        assert [(p, type(t), t) for p, t in ours] == [(p, type(t), t) for p, t in theirs]


def test_content_tokens_on_edge_cases():
    # Tokens cut by the 4 KiB buffer, names with # escapes, malformed numbers, strings with
    # escapes and parentheses, comments, inline images: each read as pdfminer reads it.
    from pdfminer.pdftypes import PDFStream

    from kb import content_parser

    from pdfminer import pdfinterp

    fast = content_parser.classes()[0]
    body = (b"q 1 0 0 1 72.5 -.5 cm /F#231 12 Tf (a\\(b\\)c\\101) Tj [(x) -250 (y)] TJ "
            b"--5 +3 4. .7 1.2.3 -abc true false %comment 12 34\n/Name/Other<<\n/K 1>> "
            b"BI /W 2 /H 1 /BPC 8 /CS /G ID \x00\xff EI Q "
            b"<0a1B> Tj <abc> Tj <> Tj <4 1> Tj <41>> <</K<42>>> <4g> Tj "  # hex strings: odd, empty, spaced, before >
            b"[(ab)-250(c)]TJ [()] TJ ((x)) Tj (a\\)b) Tj {1 2} ")  # plain strings, brackets
    data = body * 40 + b"0 g"  # crosses the buffer at many offsets
    stream = PDFStream({}, data)
    stream.objid = 1
    ours = content_parser.tokens(fast, [stream])
    theirs = content_parser.tokens(pdfinterp.PDFContentParser, [stream])
    assert [(p, type(t), t) for p, t in ours] == [(p, type(t), t) for p, t in theirs]
    assert len(theirs) > 40 * 40
    # As the interpreter reads them: objects, with the inline image's bytes after ID.
    assert _objects(fast, stream) == _objects(pdfinterp.PDFContentParser, stream)


def _objects(parser_class, stream):
    from pdfminer.psparser import PSEOF

    p, out = parser_class([stream]), []
    while True:
        try:
            pos, obj = p.nextobject()
        except PSEOF:
            return out
        out.append((pos, type(obj), repr(obj)))


@pytest.mark.parametrize("name, pages", [
    ("moh_yiliao_jigou_xize_1994_webprint.pdf", (1, 2)),  # a web print: operators for every glyph
    ("sz_jiaoyuju_bumen_juesuan_2014_webprint.pdf", (5,)),  # tables: rules and fills
    ("minfadian_2020_234p.pdf", (1, 200)),
    ("bj_benshi_huji_ertong_ruxue_xitong_shouce.pdf", (3,)),  # images
    ("TRICKY_kangxi_jingwai_ngo_huodong_guanli_fa_2016_webprint.pdf", (1,)),
    ("xianfa_2018_wps.pdf", (1, 5)),
    ("hz_yibao_tiaozheng_2016_hf57.pdf", (1, 2)),  # Word 2010: GBK font names, marked content
    ("TRICKY_kangxi_bj_juzhuzheng_banfa_caoan.pdf", (1,)),
])
def test_page_objects_read_by_our_interpreter_are_pdfplumbers_own(name, pages):
    # Every object pdfplumber makes of the page (chars, rects, lines, curves, images), key order and
    # all, from our layout and from its own Page.layout (pdfminer's interpreter, parser and glyph loop).
    import pdfplumber
    from pdfminer import pdfinterp

    from kb import char_device, content_parser
    from kb.page_objects import parse_objects

    assert char_device.device_class() is not None, "the fast glyph loop is off: pdfminer or pdfplumber is another version"
    path = real_pdf(name)
    with pdfplumber.open(path) as ours, pdfplumber.open(path) as theirs:
        for n in pages:
            mine = ours.pages[n - 1]
            layout = content_parser.layout(mine, char_device.device_class())  # as extract.py reads a page
            assert mine.layout is layout  # cached where pdfplumber looks for it
            own = theirs.pages[n - 1]
            assert not hasattr(own, "_layout")
            expected = parse_objects(own)
            assert _comparable(parse_objects(mine)) == _comparable(expected)
            assert len(expected["char"]) > 50
    # Nothing of pdfminer's was replaced: pdfplumber's own path still uses pdfminer's classes.
    assert pdfinterp.PDFContentParser.__module__ == "pdfminer.pdfinterp"


def _comparable(objects: dict) -> list:
    # An image's stream is an object of its own PDF: compared by what it is, not by identity; an
    # inline image is named by pdfminer after its id() in memory, which no two readings share.
    from pdfminer.pdftypes import PDFStream

    def value(key, v):
        if isinstance(v, PDFStream):
            return ("stream", v.objid, repr(v.attrs), v.get_rawdata())
        if key == "name" and isinstance(v, str) and v.isdigit():
            return "inline image"
        return v

    return [(k, [[(a, value(a, b)) for a, b in o.items()] for o in v]) for k, v in objects.items()]
