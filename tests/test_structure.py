"""structure.py on the bundled corpus: the two outlines exactly, paragraphs across pages, footnotes."""
from __future__ import annotations

from conftest import EVAL_ID, PLAN_ID

CHAPTERS = ["第一章 现状与经验", "第二章 机遇与挑战", "第三章 指导思想与基本原则", "第四章 发展目标", "第五章 重点领域",
            "第六章 空间布局", "第七章 主要任务", "第八章 专项工程", "第九章 保障措施"]


def test_plan_metadata(plan):
    assert (plan.title, plan.doc_number, plan.issuer, plan.date, plan.doc_type) == (
        "市政府关于印发苏州市服务外包产业“十二五”发展规划的通知", "苏府〔2011〕159号", "苏州市人民政府", "2011-08-11", "规划")


def test_plan_parts_and_chapters(plan):
    assert [(p.id, p.heading, p.pages) for p in plan.sections] == [
        (f"{PLAN_ID}/part1", "市政府关于印发苏州市服务外包产业“十二五”发展规划的通知", (1, 1)),
        (f"{PLAN_ID}/part2", "苏州市服务外包产业“十二五”发展规划", (2, 39)),
    ]
    chapters = [c for c in plan.sections[1].children if c.kind == "chapter"]
    assert [(c.id, c.title) for c in chapters] == [(f"{PLAN_ID}/ch{n}", t) for n, t in enumerate(CHAPTERS, 1)]
    assert chapters[0].pages == (2, 5)


def test_plan_appendix_has_20_entries(plan):
    app = plan.section(f"{PLAN_ID}/appendix")
    assert (app.title, app.pages) == ("附录：概念解释", (34, 39))
    assert [c.id for c in app.children] == [f"{PLAN_ID}/appendix/s{n}" for n in range(1, 21)]
    assert (app.children[0].title, app.children[-1].title) == ("（一）服务外包", "（二十）物联网领域外包")


def test_sentence_across_a_page_break_is_one_paragraph(plan):
    sec = plan.section(f"{PLAN_ID}/ch3/s2")
    spanning = [p for p in sec.paragraphs if p.pages == (10, 11)]
    assert [p.text for p in spanning] == [
        "坚持载体建设与产业集聚相结合。结合苏州服务外包产业现有发展优势，不断优化产业发展布局，重点建设一批基础设施先进、"
        "配套服务完善的高质量专业服务外包园区，加强服务外包园区相关公关服务平台建设，营造服务外包产业良好发展环境，"
        "集聚一批国内外知名服务外包企业，做到服务外包发展有载体、载体有特色。"
    ]


def test_eval_ladder(evaluation):
    part = evaluation.sections[0]
    assert (part.id, part.title, part.pages) == (f"{EVAL_ID}/part1", "附件1 2017年度中国服务外包示范城市及申请城市综合评价结果", (1, 7))
    assert [(c.id, c.title, c.pages) for c in part.children] == [
        (f"{EVAL_ID}/p1", "一、示范城市综合评价情况", (1, 4)),
        (f"{EVAL_ID}/p2", "二、申请城市综合评价情况", (5, 7)),
    ]
    assert [c.title for c in part.children[0].children] == [
        "（一）整体发展差距缩小", "（二）中西部和东北地区发展加快", "（三）产业发展各具特色", "（四）融合发展优势初显",
        "（五）专家评审肯定示范城市的工作成效", "（六）问卷调查显示企业满意度提升"]
    assert [c.title for c in part.children[1].children] == [
        "（一）东部地区申请城市发展优势明显", "（二）省会城市综合创新能力较为突出", "（三）各城市积极开展政策创新增强发展优势",
        "（四）专家评审肯定申请城市发展举措", "（五）企业问卷调查反馈总体较好"]


def test_eval_footnote_on_its_paragraph(evaluation):
    cited = [(p, f) for p in evaluation.sections[0].paragraphs for f in p.footnotes]
    assert len(cited) == 1
    par, note = cited[0]
    assert (note.marker, note.page) == ("1", 1)
    assert note.text == "指标数据无量纲化处理是为消除不同指标之间量纲和数量级的差异，保留了各指标数据取值差异程度上的信息，实现了不同指标数据的一致化和可比性。"
    assert par.text[:note.offset].endswith("指标数据采用无量纲化法进行处理")
    assert "1" not in par.text[note.offset - 2: note.offset + 1]


# -- real documents: regressions found by a first-use review ------------------------------------

import pytest  # noqa: E402

from conftest import parsed_real  # noqa: E402


def _real(name: str):
    return parsed_real(name)


def _all_text(doc) -> str:
    return "\n".join(p.text for s in doc.walk() for p in s.paragraphs)


def test_a_bold_label_that_fills_its_line_runs_on_into_the_next():
    """（四）入户通报。… in 黑体 then body type: one paragraph, not two halves of a sentence."""
    doc = _real("dg_qiye_ziping_rencai_2015_dfb124.pdf")
    s4 = doc.section(f"{doc.id}/p5/s4")
    assert s4.title == "（四）入户通报"
    assert len(s4.paragraphs) == 1 and s4.paragraphs[0].text.startswith("公安部门")
    assert "情况通报辖区社区" in s4.paragraphs[0].text
    assert "各镇街企业自评人才入户工作小组" in _all_text(doc)


@pytest.mark.parametrize("name, section, text", [
    ("dg_qiye_ziping_rencai_2015_dfb124.pdf", "p6", "本实施细则由市人力资源局、市公安局负责解释。"),
    ("hz_yibao_tiaozheng_2016_hf57.pdf", "p4", "本通知自2016年5月1日起施行。"),
])
def test_a_numbered_clause_keeps_its_sentence_as_text(name, section, text):
    doc = _real(name)
    sec = doc.section(f"{doc.id}/{section}")
    assert (sec.heading, sec.paragraphs[0].text) == ("", text)


def test_a_list_of_attachments_is_not_a_section_tree():
    doc = _real("gd_yinjin_rencai_juzhuzheng_2003_webprint.pdf")
    assert not [s.id for s in doc.walk() if s.kind in ("appendix", "point")]
    assert "附件：1．《广东省居住证申请表》" in _all_text(doc)


def test_full_width_digits_read_half_width():
    doc = _real("gd_yinjin_rencai_juzhuzheng_2003_webprint.pdf")
    text = _all_text(doc)
    assert "本办法自2003年11月1日起施行。" in text
    assert not any("\uff10" <= ch <= "\uff19" for ch in text)
