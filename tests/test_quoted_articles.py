"""Articles and list items a document quotes are not its headings; its own stay headings.

The real set has the class once (three Wuhan guides quoting 《卫生行政处罚程序》, in
test_structure_real); these PDFs hold what it does not: a 办法 with its own 第一条…第五条 and an
annex quoting another law's articles, and a notice whose item cites 第十条第（一）项 or quotes an
article and then goes on with its own （二）（三）. A reviewer found each broken by a first version.
"""
from __future__ import annotations

from kb.model import SectionKind
from kb.parse import parse_pdf
from pdfmaker import text_pdf

DUTY = "用人单位应当依法履行保障劳动者在工作时间、休息休假和劳动报酬等方面合法权益的义务，具体办法由主管部门规定。"


def _kinds(doc, kind):
    return [s for s in doc.walk() if s.kind == kind]


def test_a_measures_own_articles_stay_when_its_annex_quotes_others(tmp_path):
    pdf = text_pdf(tmp_path / "banfa.pdf", [
        "#某市养老服务补贴管理办法", "第一条 为规范养老服务补贴管理，制定本办法。", "第二条 本办法适用于本市行政区域。",
        "第三条 " + DUTY, "第四条 " + DUTY, "第五条 本办法自2024年1月1日起施行。", "#附件：相关法律条文",
        "《中华人民共和国老年人权益保障法》", "第十条 " + DUTY, "第二十条 " + DUTY, "第三十五条 " + DUTY, "第四十条 " + DUTY])
    doc = parse_pdf(pdf)
    assert [s.number.replace(" ", "") for s in _kinds(doc, SectionKind.ARTICLE)] == ["第一条", "第二条", "第三条", "第四条", "第五条"]
    quoted = "".join(p.text for s in doc.walk() for p in s.paragraphs).replace(" ", "")
    assert "第三十五条" in quoted  # the annex's articles are its text


def test_a_cross_reference_does_not_swallow_the_next_item(tmp_path):
    pdf = text_pdf(tmp_path / "notice.pdf", [
        "#关于做好养老服务补贴工作的通知", "一、工作任务",
        "（一）加强组织领导。各区要按照《某某办法》第十条第（一）项的规定，落实工作责任。",
        "（二）完善补贴制度。各区要结合实际，完善养老服务补贴制度。",
        "（三）强化监督检查。各区要定期开展检查，发现问题及时整改。"])
    items = [s.number for s in _kinds(parse_pdf(pdf), SectionKind.SUBITEM)]
    assert items == ["（一）", "（二）", "（三）"]


def test_the_documents_own_items_after_a_quoted_article_stay_headings(tmp_path):
    pdf = text_pdf(tmp_path / "quote.pdf", [
        "#关于规范养老服务补贴发放工作的通知", "一、工作要求",
        "（一）明确执行依据。补贴发放应当严格执行《某某条例》的规定：",
        "第二十六条 县级以上人民政府民政部门应当按照规定发放养老服务补贴：（一）经济困难的；（二）高龄的。",
        "（二）规范办理程序。各区要优化申请流程，简化证明材料。",
        "（三）加强资金监管。各区要建立补贴资金台账，定期对账。"])
    doc = parse_pdf(pdf)
    assert [s.number for s in _kinds(doc, SectionKind.SUBITEM)] == ["（一）", "（二）", "（三）"]
    assert _kinds(doc, SectionKind.ARTICLE) == []
