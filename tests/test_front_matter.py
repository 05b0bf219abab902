"""Front and back matter (kb.matter, ``Paragraph.matter``) on real documents of several layouts.

What stands above a document's text — a red-head notice's 版头, 发文字号 and 主送; a code line
over the 版头; a law's 题注, promulgation order and 目录; a report's cover — is front matter, and
"the first sentence" of the document (``kb export REF --sentence 1``) is the first sentence of
its body. The signature and date under a notice close it as back matter. Every expectation was
read off the PDF (pypdfium2's text of the page and the page image), not off the tool's output.
"""
from __future__ import annotations

import re

import pytest

from conftest import parsed_real
from kb.model import Document, Matter, ParagraphKind
from kb.quote import sentence_of
from kb.refs import Target


def _texts(doc, matter: Matter) -> list[str]:
    return [re.sub(r"\s+", "", p.text) for s in doc.walk() for p in s.paragraphs if p.matter == matter]


def _first_sentence(doc) -> str:
    return sentence_of(Target(doc, None), 1, doc.path).sentence


def test_a_red_head_notice():
    # dg_rencai p.1: 东莞市人民政府文件 (red), 东府〔2015〕111号, the title, 各镇…单位：, one sentence,
    # the seal over 东莞市人民政府 and 2015年12月18日; p.2 starts the 办法.
    doc = parsed_real("dg_rencai_ruhu_banfa_2015_dfu111")
    front = _texts(doc, Matter.FRONT)
    assert front == ["东莞市人民政府文件", "东府〔2015〕111号", "各镇人民政府（街道办事处），市府直属各单位："]
    assert _first_sentence(doc) == "现将《东莞市人才入户管理办法》印发给你们，请认真贯彻执行。"
    # The notice's signature and date close the notice (part 1), not the 办法 after it.
    notice = doc.sections[0]
    assert [p.text for p in notice.paragraphs if p.matter == Matter.BACK] == ["东莞市人民政府", "2015年12月18日"]
    # The 办法's own text is body from its first article on.
    art1 = next(s for s in doc.walk() if s.number == "第一条")
    assert art1.paragraphs[0].matter == Matter.BODY and art1.paragraphs[0].text.startswith("为优化我市人口结构")


def test_a_code_line_over_the_red_head_and_the_closing_signature():
    # hz p.1: "HFGS—2016—3" at the top right, then 惠州市人民政府文件, 惠府〔2016〕57号, title, 各县…：
    # p.2: 四、本通知自2016年5月1日起施行。, then 惠州市人民政府 under the seal and 2016年4月26日.
    doc = parsed_real("hz_yibao_tiaozheng_2016_hf57")
    assert _texts(doc, Matter.FRONT) == ["HFGS—2016—3", "惠州市人民政府文件", "惠府〔2016〕57号",
                                         "各县、区人民政府，市政府各部门、各直属各机构："]
    assert _first_sentence(doc).startswith("根据《广东省人口与计划生育条例》")
    assert _texts(doc, Matter.BACK) == ["惠州市人民政府", "2016年4月26日"]
    # The last sentence of the text is still body: 本通知自2016年5月1日起施行。
    body = [p.text for s in doc.walk() for p in s.paragraphs if p.matter == Matter.BODY]
    assert body[-1].endswith("本通知自2016年5月1日起施行。")


def test_a_reports_cover_is_front_matter_and_not_part_of_the_title():
    # moe p.1 (cover): the title in two sizes, a wide gap, then 教育部发展规划司 and 2009年8月 set
    # large; p.2 目录; p.3 the title again and the text.
    doc = parsed_real("moe_suiqian_zinv_liushou_ertong_zhuanti_baogao_2009")
    assert doc.sections[0].heading == "农民工随迁子女和留守儿童义务教育状况专题分析报告"
    front = _texts(doc, Matter.FRONT)
    assert front[:3] == ["教育部发展规划司", "2009年8月", "目录"]
    assert all("……" in t or "..." in t or t[-1].isdigit() for t in front[3:])  # the contents' entries
    # The cover names who issued the report and when (to the month, as it prints it).
    assert (doc.issuer, doc.date) == ("教育部发展规划司", "2009-08")
    assert _first_sentence(doc) == ("工业化、城镇化引发的人口流动是改革开放以来我国发生的最大社会变化，"
                                    "未来相当长的时期内，人口流动仍将是我国社会变革的主要内容和主要影响因素。")


@pytest.mark.parametrize("stem, front, first", [
    # shuju p.1: title, the adoption line without brackets, 目录 and seven chapters, then 第一章.
    ("shuju_anquan_fa_2021",
     ["2021年6月10日第十三届全国人民代表大会常务委员会第二十九次会议通过", "目录", "第一章总则", "第二章数据安全与发展",
      "第三章数据安全制度", "第四章数据安全保护义务", "第五章政务数据安全与开放", "第六章法律责任", "第七章附则"],
     "为了规范数据处理活动，保障数据安全，促进数据开发利用，保护个人、组织的合法权益，维护国家主权、安全和发展利益，制定本法。"),
    # laodong_fa p.1: title, the promulgation order's sentence (…现予公布…), 目录 and thirteen chapters.
    ("laodong_fa_1994",
     ["《中华人民共和国劳动法》已由中华人民共和国第八届全国人民代表大会常务委员会第八次会议于1994年7月5日通过，"
      "现予公布，自1995年1月1日起施行。", "目录"],
     "为了保护劳动者的合法权益，调整劳动关系，建立和维护适应社会主义市场经济的劳动制度，促进经济发展和社会进步，根据宪法，制定本法。"),
])
def test_a_laws_title_note_order_and_contents(stem, front, first):
    doc = parsed_real(stem)
    assert _texts(doc, Matter.FRONT)[:len(front)] == front
    assert _first_sentence(doc) == first


def test_a_repeated_title_a_bracketed_history_and_a_dateline():
    # xianfa p.1: 中华人民共和国宪法 (the PDF's /Title reads the same), the bracketed history of
    # five amendments over nine lines, 目录, 序言 …; the last page ends （新华社北京2018年3月21日电）.
    doc = parsed_real("xianfa_2018_wps")
    front = _texts(doc, Matter.FRONT)
    assert front[0] == "中华人民共和国宪法"
    assert front[1].startswith("（1982年12月4日第五届全国人民代表大会第五次会议通过") and front[1].endswith("修正）")
    assert front[2] == "目录"
    assert _first_sentence(doc) == "中国是世界上历史最悠久的国家之一。"
    assert _texts(doc, Matter.BACK) == ["（新华社北京2018年3月21日电）"]
    # The last article is body: 中华人民共和国首都是北京。
    last = next(s for s in doc.walk() if s.number == "第一百四十三条")
    assert [p.matter for p in last.paragraphs] == [Matter.BODY, Matter.BACK]


def test_a_table_sheet_repeating_its_title():
    # bj_fengtai: one page, the title line over a four-column table; /Title is the same title.
    doc = parsed_real("TRICKY_table_bj_fengtai_wuzheng_shenhe_2014")
    assert _texts(doc, Matter.FRONT) == ["2014年北京市丰台区非本市户籍适龄儿童少年接受义务教育证明证件材料审核标准"]
    rows = [p for s in doc.walk() for p in s.paragraphs if p.kind == ParagraphKind.TABLE_ROW]
    assert rows and all(p.matter == Matter.BODY for p in rows)


def test_a_plain_layout_with_no_front_matter_keeps_everything_body():
    # mep_hpxx: the title, then straight into 根据《生态文明体制改革总体方案》…: nothing above the text.
    doc = parsed_real("mep_hpxx_gongkai_jizhi_fangan")
    assert _texts(doc, Matter.FRONT) == [] and _texts(doc, Matter.BACK) == []
    assert _first_sentence(doc) == "根据《生态文明体制改革总体方案》，为健全环境治理体系，完善环境信息公开制度，制定本方案。"


def test_the_kind_survives_the_json_codec():
    doc = parsed_real("hz_yibao_tiaozheng_2016_hf57")
    back = Document.from_dict(doc.to_dict())
    assert back == doc
    assert [p.matter for s in back.walk() for p in s.paragraphs][:2] == [Matter.FRONT, Matter.FRONT]


def test_an_addressee_over_two_lines(plan):
    # The bundled plan's notice, p.1: 苏府„2011‟159 号, the title, then the 主送 over two lines —
    # 各市、区人民政府，苏州工业园区、苏州高新区、太仓港口管委会； ‖ 市各委办局，各直属单位： — one
    # sentence, and the date 二○一一年八月十一日 that closes the notice.
    assert _texts(plan, Matter.FRONT) == ["苏府〔2011〕159号", "各市、区人民政府，苏州工业园区、苏州高新区、太仓港口管委会；",
                                          "市各委办局，各直属单位："]
    assert _first_sentence(plan) == "《苏州市服务外包产业“十二五”发展规划》已经市政府第77次常务会议审议通过，现印发给你们，请认真贯彻实施。"
    assert [p.text for p in plan.sections[0].paragraphs if p.matter == Matter.BACK] == ["二○一一年八月十一日"]
