"""clean.py on the bundled corpus and the real set: repairs, furniture, overlap."""
from __future__ import annotations

import re

import pytest

from kb import clean, extract
from kb.model import FURNITURE
from conftest import EVAL_ID, PLAN_ID, parsed_real, real_pdf


def _all_text(doc) -> str:
    return "\n".join(s.title + "\n" + s.text for s in doc.walk())


@pytest.mark.parametrize("which", ["plan", "evaluation"])
def test_no_mis_mapped_glyphs_left(request, which):
    text = _all_text(request.getfixturevalue(which))
    assert re.findall("[臵„‟\u2f00-\u2fdf\u2e80-\u2eff]", text) == []


@pytest.mark.parametrize("which", ["plan", "evaluation"])
def test_no_page_number_lines_in_text(request, which):
    doc = request.getfixturevalue(which)
    lines = [ln for s in doc.walk() for ln in s.text.splitlines()]
    assert [ln for ln in lines if clean.PAGE_NUMBER.match(ln)] == []
    assert not any(re.search(r"－\s*\d+\s*－", ln) for ln in lines)


def test_plan_page_numbers_become_labels(plan):
    assert plan.page_labels[3] == "3" and len(plan.page_labels) == 39
    assert sum(1 for ln in plan.furniture if ln.page == 3) == 1


def test_plan_doc_number_repaired(plan):
    assert plan.sections[0].paragraphs[0].text == "苏府〔2011〕159号"


def test_eval_footnote_is_not_in_the_text(evaluation):
    assert "指标数据无量纲化处理" not in _all_text(evaluation)


def test_kangxi_override_maps_the_mis_mapped_radical_to_kou():
    page = next(extract.iter_pages(real_pdf("TRICKY_kangxi_bj_juzhuzheng_banfa_caoan.pdf")))
    raw = page.lines[3].text
    assert raw == "法权益，提⾼⼈⼜服务管理⽔平，促进本市⼈⼜与资源环境、经济社会的协调"
    assert clean.repair_text(raw) == "法权益，提高人口服务管理水平，促进本市人口与资源环境、经济社会的协调"


def test_repair_keeps_full_width_punctuation():
    # Only the radical range is mapped: NFKC on the whole line would turn （）： into ASCII.
    page = next(extract.iter_pages(real_pdf("TRICKY_kangxi_bj_juzhuzheng_banfa_caoan.pdf")))
    assert clean.clean_text(page.lines[4].text) == "发展，依据《居住证暂行条例》（国务院…号令）等国家有关法律、法规，结"


def test_page_overlap_found_at_each_join():
    pages = clean.label_pages(extract.read_pages(real_pdf("TRICKY_kangxi_bj_juzhuzheng_banfa_caoan.pdf")))
    assert clean.page_overlap(pages) == {2: 4, 3: 4}
    assert [ln.label for ln in pages[1].lines[:5]] == [FURNITURE] * 4 + ["body"]


def test_moh_overlap_is_one_line_on_pages_2_to_8():
    pages = extract.read_pages(real_pdf("moh_yiliao_jigou_xize_1994_webprint.pdf"))
    assert clean.page_overlap(pages) == {n: 1 for n in range(2, 9)}


@pytest.mark.parametrize("name, web", [
    ("gov_xinxi_gongkai_tiaoli_2007_webprint.pdf", True),
    ("gd_yinjin_rencai_juzhuzheng_2003_webprint.pdf", True),
    ("moh_yiliao_jigou_xize_1994_webprint.pdf", True),
    ("TRICKY_kangxi_bj_juzhuzheng_banfa_caoan.pdf", False),
    ("dg_gongzu_banfa_2014_ling138.pdf", False),
])
def test_web_print_detection(name, web):
    assert clean.is_web_print(extract.read_pages(real_pdf(name))) is web


def test_corpus_is_not_a_web_print(plan, evaluation):
    assert not any(clean.URL.search(ln.text) for d in (plan, evaluation) for ln in d.furniture)
    assert (plan.id, evaluation.id) == (PLAN_ID, EVAL_ID)


# Site chrome that the line rules left in the body of web prints (kb/webchrome.py). Read from the
# page images and poppler's text layer: the weather box and partner links above wh_wsjs's menu,
# its link selectors and visit counter under the flow chart; gd_yiwu's menu row wrapped under the
# menu and its sidebar line beside the 索引号 box; sz_shaoer's buttons under the title and the
# site footer's address; sz_jiaoyuju's breadcrumb, source line with [内容纠错] and footer links.
WEB_CHROME = {
    "wh_wsjs_chufa_weigui_zhenduan_2016_webprint": (
        ["更换城市", "国家卫生计生委湖北省卫生计生委", "市政府各部门", "位访问者"],
        ["对医疗机构不按照规定进行精神障碍诊断或者诊断复核行为的行政处罚"]),
    "gd_yiwu_jiaoyu_jingfei_baozhang_tongzhi_2016_yuef68_webprint": (
        ["旅游广东", "政务微博导航"],
        ["粤府〔2016〕68号", "为统筹我省城乡义务教育资源配置，推进义务教育均衡优质标准化发展"]),
    "sz_shaoer_daxuesheng_yibao_tongzhi_2013_webprint": (
        ["收藏本站", "深南大道8005号", "管理局主办"],
        ["各区人民政府，市政府直属各单位："]),
    "sz_jiaoyuju_bumen_juesuan_2014_webprint": (
        ["您现在的位置", "内容纠错", "收藏本页", "隐私声明", "信息索取号"],
        ["深圳市教育局主要职能是：贯彻执行国家、省、市教育方面的法律、法规和政策"]),
}


@pytest.mark.parametrize("stem", sorted(WEB_CHROME))
def test_web_print_site_chrome_is_furniture_not_text(stem):
    doc = parsed_real(stem)  # parse_pdf of the file, parsed once per run
    chrome, kept = WEB_CHROME[stem]
    text = re.sub(r"\s+", "", _all_text(doc))
    furniture = re.sub(r"\s+", "", "".join(ln.text for ln in doc.furniture))
    assert [c for c in chrome if c in text] == []
    assert [c for c in chrome if c not in furniture] == []  # kept and labelled, not deleted
    assert [k for k in kept if k not in text] == []
