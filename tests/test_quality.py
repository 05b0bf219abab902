"""Issue 10: noise classes, partly scanned files, pdfminer's warnings, and the quality signals.

The PDFs here are made with reportlab for the one trait each test is about (tests/pdfmaker.py
explains the CJK font); the signals are checked on documents built by hand.
"""
from __future__ import annotations

import logging
from pathlib import Path

import pytest

from kb.model import Document, Paragraph, Section


def _canvas(path: Path):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return canvas.Canvas(str(path), pagesize=(595, 842))


BODY = [
    "第一条为了规范居住证管理，保障来京人员合法权益，提高人口服务",
    "管理水平，根据有关法律法规，结合本市实际，制定本办法。",
    "第二条本办法适用于本市行政区域内居住证的申领、签注、变更和",
    "注销等管理服务活动，以及与居住证有关的公共服务提供。",
]


def _text_page(c, lines=BODY, y=760):
    c.setFont("STSong-Light", 14)
    for text in lines:
        c.drawString(80, y, text)
        y -= 24


def watermark_pdf(path: Path) -> Path:
    c = _canvas(path)
    _text_page(c)
    c.saveState()
    c.setFillGray(0.85)
    c.translate(150, 560)
    c.rotate(45)
    c.setFont("STSong-Light", 85)
    c.drawString(0, 0, "禁止外传")
    c.restoreState()
    c.showPage()
    c.save()
    return path


def partly_scanned_pdf(path: Path, text_pages=(1, 3), pages=4) -> Path:
    c = _canvas(path)
    for n in range(1, pages + 1):
        if n in text_pages:
            _text_page(c)
        else:
            c.rect(60, 60, 470, 720, stroke=1, fill=0)  # where a scanned image would be
        c.showPage()
    c.save()
    return path


def latin_garbage_pdf(path: Path) -> Path:
    c = _canvas(path)
    c.setFont("Helvetica", 12)
    y = 760
    for _ in range(12):
        c.drawString(80, y, "ÊÇ·ñ¹«¿ªÐÅÏ¢ ÉêÇëÈË ¾Óס֤ ¹ÜÀí°ì·¨ µÚÒ»Ìõ")
        y -= 20
    c.showPage()
    c.save()
    return path


def test_watermark_glyphs_stay_out_of_the_words(tmp_path):
    from kb.parse import parse_pdf

    doc = parse_pdf(watermark_pdf(tmp_path / "wm.pdf"))
    text = "".join(p.text for s in doc.walk() for p in s.paragraphs)
    for ch in "禁止外传":
        assert ch not in text
    assert "提高人口服务管理水平" in text
    assert any("watermark" in w for w in doc.warnings)


def test_some_image_only_pages_are_ingested_and_named(tmp_path):
    from kb.parse import parse_pdf

    doc = parse_pdf(partly_scanned_pdf(tmp_path / "part.pdf"))
    assert doc.page_count == 4
    assert any("pages without a text layer" in w and w.endswith("2, 4") for w in doc.warnings), doc.warnings


def test_a_file_with_no_text_page_is_still_refused(tmp_path):
    from kb.errors import NoTextLayerError
    from kb.parse import parse_pdf

    with pytest.raises(NoTextLayerError, match="3 of 3 page"):
        parse_pdf(partly_scanned_pdf(tmp_path / "scan.pdf", text_pages=(), pages=3))


def test_latin_garbage_is_refused_like_cid_garbage(tmp_path):
    from kb.errors import GarbledTextError
    from kb.parse import parse_pdf

    with pytest.raises(GarbledTextError, match="accented Latin"):
        parse_pdf(latin_garbage_pdf(tmp_path / "latin.pdf"))


def test_pdfminer_warnings_become_one_document_warning(tmp_path, capsys):
    from kb.extract import read_pdf

    path = partly_scanned_pdf(tmp_path / "p.pdf", text_pages=(1,), pages=1)
    real_getlogger = logging.getLogger

    # pdfminer logs per font and page; here two such messages are sent during the read.
    import pdfplumber

    opened = pdfplumber.open

    def noisy_open(*a, **k):
        for _ in range(2):
            real_getlogger("pdfminer.pdffont").warning("Could not get FontBBox from font descriptor")
        return opened(*a, **k)

    pdfplumber.open = noisy_open
    try:
        warnings = read_pdf(path).warnings
    finally:
        pdfplumber.open = opened
    assert [w for w in warnings if "pdfminer" in w] == [
        "pdfminer reported 2 problem(s) reading the file, e.g. Could not get FontBBox from font descriptor"]
    assert "FontBBox" not in capsys.readouterr().err


def test_unmapped_bullet_at_line_head_is_dropped():
    from kb.clean import repair_text

    assert repair_text("\ufffd 申请人应当如实申报") == "申请人应当如实申报"
    assert repair_text("\uf0b7申请人") == "申请人"
    assert repair_text("申请\ufffd人") == "申请\ufffd人"  # inside the text: left for kb check to flag


def _doc(sections, title="东莞市公共租赁住房管理办法") -> Document:
    return Document(id="d", path="/x/d.pdf", sha256="0", title=title, page_count=10, sections=sections)


def test_signals_on_a_document_built_by_hand():
    from kb.quality import document_signals, reasons

    bad = Section(id="d/p1", level=1, number="1．", heading="申请人及其家庭成员均须参加身体", kind="point",
                  paragraphs=[Paragraph(text="健康状况检查。", pages=(2, 2))], pages=(2, 2))
    part = Section(id="d/part1", level=0, number=None, heading="办法", kind="part", pages=(1, 4), children=[bad], paragraphs=[
        Paragraph(text="申请人应当如实申报家庭收入、资产、家庭人口和", pages=(1, 1)),
        Paragraph(text="住房状况。", pages=(1, 1)),
        Paragraph(text="机", pages=(1, 1)), Paragraph(text="机", pages=(2, 2)), Paragraph(text="机", pages=(3, 3)),
        Paragraph(text="违反本办法的，由住房保障部门责令改正 — 3 — 并处以罚款\ufffd。", pages=(3, 3)),
    ])
    signals = document_signals(_doc([part]))
    assert signals["heading_mid_sentence"]["count"] == 0  # ends in a noun: only the wrap probes see it
    assert signals["para_breaks"]["examples"] == ["资产、家庭人口和‖住房状况。"]
    assert signals["one_char"]["count"] == 3 and signals["watermark"]["examples"] == ["机"]
    assert signals["page_number"]["examples"] == ["— 3 —"]
    assert signals["bad_chars"]["count"] == 1
    why = reasons(signals)
    assert any(r.startswith("watermark") for r in why) and any(r.startswith("page number") for r in why)


def test_heading_with_an_open_bracket_is_mid_sentence():
    from kb.quality import heading_mid_sentence

    s = Section(id="d/s1", level=1, number="（一）", heading="依照《中华人民共和国居民身份证", kind="subitem", pages=(1, 1))
    assert heading_mid_sentence(_doc([Section(id="d/part1", level=0, number=None, heading="t", kind="part", children=[s])])) == [s.title]


@pytest.mark.parametrize("title, why", [("Microsoft Word - 文件1.doc", "a file name"), ("þÿ0000", "garbled"),
                                        ("东莞市人民政府文件", "masthead"), ("东莞市公共租赁住房管理办法", None)])
def test_suspicious_titles(title, why):
    from kb.quality import suspicious_title

    got = suspicious_title(_doc([], title=title))
    assert (got is None) if why is None else (why in got)


def test_wrap_probes_are_kept_on_the_bundled_plan():
    """The bundled plan's wrapped lines come out joined (probes from its own lines)."""
    from conftest import PLAN

    from kb import clean, extract, parse, quality

    pages = extract.read_pages(PLAN)
    labelled = clean.label_pages(pages)
    doc = parse.document_from_pages(PLAN, pages, "plan", labelled=labelled)
    probes = quality.wrap_probes(labelled)
    kept = quality.probes_kept(doc, probes)
    assert len(probes) > 100
    assert len(kept) >= 0.99 * len(probes)


def test_kb_check_over_the_index(corpus_index):
    import json

    from click.testing import CliRunner

    from cli import cli

    result = CliRunner().invoke(cli, ["--index", str(corpus_index), "check", "--json"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert len(records) == 2
    assert set(records[0]) == {"doc_id", "title", "trust", "reasons", "warnings", "signals"}
    assert set(records[0]["signals"]) == {"heading_mid_sentence", "para_breaks", "one_char", "bad_chars", "watermark",
                                          "running_header", "page_number", "suspicious_title"}
    # The bundled documents parse cleanly: nothing to distrust.
    assert [r["reasons"] for r in records] == [[], []]
    one = CliRunner().invoke(cli, ["--index", str(corpus_index), "check", "2017"])
    assert one.exit_code == 0 and one.output.startswith("1 document(s) checked, 0 to distrust")


def test_kb_check_names_an_unknown_document(corpus_index):
    from click.testing import CliRunner

    from cli import cli

    result = CliRunner().invoke(cli, ["--index", str(corpus_index), "check", "no-such-document"])
    assert result.exit_code == 1 and result.output.startswith("Error:")


def test_ascii_symbols_between_chinese_are_flagged():
    from kb.extract import check_text_layer
    from kb.model import Line, Page

    def page(n, text):
        return Page(number=n, width=595, height=842, lines=(Line(text=text, page=n, x0=80, x1=500, top=100, bottom=114, size=14, font="SimSun"),))

    broken = [page(n, "第!条为了规范居住证管理#保障来京人员合法权益%提高人口服务管理水平$根据有关法律法规&结合本市实际") for n in range(1, 9)]
    notes = check_text_layer(Path("old.pdf"), broken)
    assert any("ASCII symbols" in n for n in notes)
    clean_pages = [page(n, "第一条为了规范居住证管理，保障来京人员合法权益，提高人口服务管理水平，根据有关法律法规，结合本市实际") for n in range(1, 9)]
    assert check_text_layer(Path("new.pdf"), clean_pages) == []


def test_web_print_link_word_after_each_article_is_cut(tmp_path):
    """A law printed from a site that links 释义 (commentary) after every article."""
    from kb.parse import parse_pdf

    path = tmp_path / "web.pdf"
    c = _canvas(path)
    for page in range(2):
        c.setFont("Helvetica", 8)
        c.drawString(40, 820, "http://www.npc.gov.cn/npc/flfg/2016-04/29/content.htm")
        c.drawString(40, 20, f"{page + 1} of 2 05/03/2016 10:12 AM")
        c.setFont("STSong-Light", 12)
        y = 760
        for k in range(4):
            n = page * 4 + k + 1
            c.drawString(80, y, f"第{'一二三四五六七八'[n - 1]}条 本条规定居住证的申领条件和办理程序，公安机关应当")
            c.drawString(56, y - 18, "依法及时办理并告知申请人。释义")
            y -= 60
        c.showPage()
    c.save()
    doc = parse_pdf(path)
    text = "".join(p.text for s in doc.walk() for p in s.paragraphs)
    assert "释义" not in text
    assert text.count("公安机关应当依法及时办理并告知申请人。") == 8


def test_a_short_label_line_is_not_a_broken_sentence():
    """A table's title or a signature on a line of its own (TRICKY_tables_…_chengren p16:
    "20-39岁1分钟仰卧起坐评分表" above "反映人体腰腹部肌肉的力量…") ends without punctuation but
    cuts no sentence; a short piece ending on a particle or a comma still counts."""
    from kb.quality import para_breaks

    def doc_of(*texts):
        part = Section(id="d/part1", level=0, number=None, heading="t", kind="part", pages=(1, 1),
                       paragraphs=[Paragraph(text=t, pages=(1, 1)) for t in texts])
        return _doc([part])

    assert para_breaks(doc_of("20-39岁1分钟仰卧起坐评分表", "反映人体腰腹部肌肉的力量及持续工作能力。")) == []
    assert para_breaks(doc_of("2、20－59岁成年人台阶指数评分标准", "反映人体心血管系统机能水平。")) == []
    assert para_breaks(doc_of("申请人及其家庭成员均须参加身体和", "健康状况检查。")) != []
    assert para_breaks(doc_of("申请人应当如实申报家庭收入、资产", "家庭人口和住房状况。")) != []
