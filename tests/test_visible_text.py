"""bench/visible_text.py: what a reader can see on a real page, the reference bench_ocr compares
OCR with. Expectations written by looking at the pages rendered (pdftoppm -r 50–100):

* gd_yinjin p.1: under the site's logo a menu bar is drawn with its separators, but no words in
  it; the text layer holds 首页 广东概况 … 旅游广东 there (clipped to a 6 pt strip);
* gov p.1: 中文简体 | 中文繁体 | 英文 | 邮箱 | stands in yellow above the banner (visible), the
  search box shows 本网站 and not the 搜索 the text layer holds after it;
* bj p.1: the manual's title in white on a blue cover (visible), no page number on the cover;
* wh_wsjs p.1: the logo 武汉市卫生和计划生育委员会 / Health and Family Planning Commission of
  Wuhan Municipality is a picture, and the text layer holds nothing there;
* laodong_fa p.1: a printed law, all of it visible.

Only pypdfium2 (a pdfplumber dependency) is needed, not the OCR extra.
"""
from __future__ import annotations

import pdfplumber
import pypdfium2

from bench import visible_text
from conftest import real_pdf


def survey(name: str, page_no: int):
    path = real_pdf(name)
    with pdfplumber.open(path) as pl:
        patterns = visible_text.pattern_boxes(pl.pages[page_no - 1])
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        return visible_text.page_survey(pdf, page_no - 1, patterns)
    finally:
        pdf.close()


def test_a_clipped_menu_is_not_visible():
    invisible, _ = survey("gd_yinjin_rencai_juzhuzheng_2003_webprint.pdf", 1)
    assert "".join(ch for ch, _, _ in invisible) == "首页广东概况政务公开网上办事政民互动网上信访投资广东旅游广东"
    assert {why for _, _, why in invisible} == {"clipped"}


def test_text_in_a_pale_colour_stays_and_what_a_box_clips_goes():
    invisible, _ = survey("gov_xinxi_gongkai_tiaoli_2007_webprint.pdf", 1)
    assert [(ch, why) for ch, _, why in invisible] == [("搜", "clipped"), ("索", "clipped")]


def test_white_on_a_coloured_cover_is_visible_a_covered_page_number_is_not():
    invisible, _ = survey("bj_benshi_huji_ertong_ruxue_xitong_shouce.pdf", 1)
    assert [(ch, why) for ch, _, why in invisible] == [("1", "covered")]


def test_a_logo_printed_as_a_pattern_is_a_picture_with_no_text_under_it():
    invisible, pictures = survey("wh_wsjs_chufa_feiziyuan_zhuyuan_2016_webprint.pdf", 1)
    assert invisible == []
    # The logo stands at about x 56–266, top 83–115 (page image at 100 dpi: 78–370 px, 115–160 px).
    logo = [d for d in pictures if d.box[0] < 80 and d.box[2] > 250 and 70 < d.box[1] < 100]
    assert len(logo) == 1 and logo[0].kind == "image"


def test_a_printed_law_is_all_visible():
    invisible, pictures = survey("laodong_fa_1994.pdf", 1)
    assert invisible == [] and pictures == []


def test_readings_off_pictures_are_left_out_and_counted():
    from bench.bench_ocr import over_pictures
    from kb.ocr import Box

    logo = visible_text.Drawn("image", (56, 83, 266, 115), None)
    bullet = visible_text.Drawn("art", (79, 113, 84, 118), (0, 0, 0, 255))
    visible = [(86, 108, 98, 120), (98, 108, 110, 120)]  # 综合 of 综合管理, from the text layer
    boxes = [Box("武汉市卫生和计划生育委员会", 1.0, 88.7, 85.3, 261.3, 104.0),
             Box("·综合", 0.99, 76.7, 106.0, 112.0, 124.7),
             Box("第一条", 0.99, 80, 300, 128, 316)]
    kept, dropped = over_pictures(boxes, [logo, bullet], visible)
    assert [b.text for b in kept] == ["综合", "第一条"] and dropped == 13 + 1
