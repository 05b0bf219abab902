"""Table cells that hold several items keep them apart (kb.text.CELL_ITEM_GAP).

A ruled table's cell may list numbered items (1．… 2．… one under the other in one box) or a grid
of names (a county list, six to a line). Joining a cell's lines as a wrap glued the items into
one run ("…应保持一致。2.如果…", "乐昌市新丰县南雄市…"). The expectations are read off the page
images (pypdfium2 at 1.3×): which lines of a box start an item and which merely wrap.
"""
from __future__ import annotations

import re

import pytest

from conftest import parsed_real
from kb.model import ParagraphKind
from kb.text import CELL_ITEM_GAP


def _rows(stem: str) -> list:
    doc = parsed_real(stem)
    return [p for s in doc.walk() for p in s.paragraphs if p.kind == ParagraphKind.TABLE_ROW]


def _row(stem: str, first_cell: str):
    return next(p for p in _rows(stem) if p.cells and p.cells[0].startswith(first_cell))


def _items(cell: str) -> list[str]:
    return cell.split(CELL_ITEM_GAP)


YIWU = "TRICKY_table_gd_yiwu_jiaoyu_butie_bili_yilanbiao"
FENGTAI = "TRICKY_table_bj_fengtai_wuzheng_shenhe_2014"
WUHAN = "wh_wsjs_chufa_xinli_zhiliao_2016_webprint"


def test_a_grid_of_county_names_is_one_item_per_name():
    # p.11: the first row's 地区 box sets 28 names six to a line, the last line four.
    row = _row(YIWU, "乐昌市")
    assert _items(row.cells[0]) == [
        "乐昌市", "新丰县", "南雄市", "乳源县", "东源县", "和平县",
        "连平县", "龙川县", "紫金县", "梅江区", "梅县区", "平远县",
        "蕉岭县", "兴宁市", "丰顺县", "五华县", "大埔县", "海丰县",
        "陆河县", "陆丰市", "连州市", "阳山县", "连山县", "连南县",
        "饶平县", "惠来县", "揭西县", "普宁市",
    ]
    assert row.cells[1:] == ("100%", "100%", "100%", "100%", "50%")
    # The second row: seven lines of six, 南澳县 … 恩平市; a line end parts two names (和平县 | 连平县 above).
    second = _items(_row(YIWU, "南澳县").cells[0])
    assert len(second) == 42 and second[:3] == ["南澳县", "始兴县", "翁源县"] and second[-1] == "恩平市"
    assert "龙门县" in second and "博罗县" in second  # the end of line 1, the start of line 2
    # p.12: a name with its note in brackets is one item; a box of two names, two.
    assert "揭阳市本级（不含普侨区）" in _items(_row(YIWU, "汕头市本级").cells[0])
    assert _items(_row(YIWU, "台山市").cells[0]) == ["台山市", "开平市"]


def test_a_letter_spaced_header_and_wrapped_headers_stay_one_text():
    header = _row(YIWU, "地")
    assert header.cells[0] == "地区"  # 地 区 spaced across the box: one word, not two items
    assert header.cells[1] == "城乡义务教育公用经费省财政补助比例"  # wrapped over four lines


def test_numbered_items_in_one_box_are_apart_and_their_wraps_joined():
    # p.1, 全家户口簿: four numbered requirements in the 审核标准 box, each wrapping over lines.
    row = _row(FENGTAI, "全家户口簿")
    items = _items(row.cells[1])
    assert [re.match(r"\d\.", i).group() for i in items] == ["1.", "2.", "3.", "4."]
    assert items[0] == "1.儿童少年年龄符合当年入学规定，户口簿上年龄与出生证明上年龄应保持一致。"
    assert items[3] == "4.儿童少年预防接种证明。"
    assert _items(row.cells[2]) == ["1.区公安分局审核全家户口薄。", "2.区教委审核预防接种证明，超龄儿童少年证明材料。"]
    # The 统筹审核部门 box is one sentence wrapped over seven lines: no item gap in it.
    assert row.cells[3] == "街道办事处或乡镇人民政府受理审核申请，统筹审核工作，告知审核结果，小学入学审核系统上进行确认。"


def test_sub_items_in_brackets_start_items_too():
    # 在丰台区时间住所居住证明: 1. and 2. then （1）（2）（3） under 2.'s "其中：".
    items = _items(_row(FENGTAI, "在丰台区时间").cells[1])
    assert [re.match(r"\d\.|（\d）", i).group() for i in items] == ["1.", "2.", "（1）", "（2）", "（3）"]
    assert items[1].endswith("必要时提供安全责任书。其中：")
    assert items[4] == "（3）按有关规定不得转租的公租房、军产房房产开具的转租租房证明无效。"


def test_a_web_prints_ladder_of_items_in_one_cell():
    # 细化量化自由裁量权标准: the rules' name, then 一、 二、 三、 grades each with 1. and 2、.
    items = _items(_row(WUHAN, "细化量化").cells[1])
    assert items[0] == "武汉市卫生行政处罚自由裁量权及三步式程序指导规则（武卫计规[2014]1号）"
    assert items[1] == "一、违法情节轻微。"
    assert items[2].startswith("1.违法情形：首次心理咨询人员从事心理治疗") and items[2].endswith("未造成严重后果的。")
    assert items[3].startswith("2、处罚标准：责令改正，给予警告")
    assert [i[:2] for i in items if re.match(r"[一二三]、", i)] == ["一、", "二、", "三、"]


@pytest.mark.parametrize("stem", [YIWU, FENGTAI, WUHAN])
def test_no_numbered_item_is_glued_to_the_one_before(stem):
    """Across every row of these tables: an item number never follows a sentence end directly."""
    glued = [c for p in _rows(stem) for c in p.cells if re.search(r"[。；](?:\d{1,2}[.．、]|（\d）)(?!\d)", c)]
    assert glued == []


# -- kb/table_text.py: pdfplumber's Table.extract with each character's cell found once -------------

def _tables_compared(path, **kwargs) -> int:
    import pdfplumber

    from kb import extract, table_text

    n = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            ruled = page.filter(extract._is_rule)
            for table in ruled.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"}):
                assert table_text.extract(table, **kwargs) == table.extract(**kwargs), (path.name, page.page_number)
                n += 1
            page.close()
    return n


@pytest.mark.parametrize("name", [
    "TRICKY_table_bj_fengtai_wuzheng_shenhe_2014.pdf", "TRICKY_table_gd_yiwu_jiaoyu_butie_bili_yilanbiao.pdf",
    "TRICKY_tables_guomin_tizhi_ceding_youer.pdf", "TRICKY_tables_xuesheng_tizhi_jiankang_biaozhun_pingfenbiao.pdf",
    "dg_jifen_ruxue_fangan_2015_dfb18.pdf", "sz_jiaoyuju_bumen_juesuan_2014_webprint.pdf",
    "wh_wsjs_chufa_feiziyuan_zhuyuan_2016_webprint.pdf", "gd_yinjin_rencai_juzhuzheng_2003_webprint.pdf",
])
def test_cell_texts_are_pdfplumbers_own(name):
    from conftest import real_pdf

    assert _tables_compared(real_pdf(name)) >= 1


@pytest.mark.parametrize("angle", [90, -90])
def test_cell_texts_of_a_turned_table_are_pdfplumbers_own(tmp_path, angle):
    # Read along the glyphs' baseline, as extract.py asks for a sideways table.
    from test_rotation import turned_pdf

    dirs = {"char_dir_rotated": "btt", "line_dir_rotated": "ltr"} if angle == 90 else {"char_dir_rotated": "ttb", "line_dir_rotated": "rtl"}
    assert _tables_compared(turned_pdf(tmp_path / "t.pdf", angle, ruled=True), **dirs) == 1


def test_overlapping_cells_fall_back_to_testing_each_cell():
    # Ruled tables make cells side by side; if two overlap, a character in both goes to both, as
    # in pdfplumber's test of every cell.
    from kb.table_text import _by_cell

    a = {"text": "a"}
    cells = [(0, 0, 20, 10), None, (10, 0, 30, 10), (30, 0, 40, 10)]
    found = _by_cell(cells, [(15, 5, a), (35, 5, a), (5, 50, a)])
    assert found == [[a], [], [a], [a]]
