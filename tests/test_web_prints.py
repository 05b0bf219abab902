"""Front matter of web pages printed to PDF (kb.matter): the browser's header names the site, the
site's chrome is furniture, and what the page sets above the document's text — an order's
masthead, number and signature, a 发文字号, a 主送 line, a bracketed 题注 — is front matter, so
"the first sentence" is the document's own. Expectations from the pages' text (pypdfium2) and
images.
"""
from __future__ import annotations

import re

from conftest import parsed_real, real_pdf
from kb.model import Matter
from kb.quote import sentence_of
from kb.refs import Target


def _texts(doc, matter: Matter) -> list[str]:
    return [re.sub(r"\s+", "", p.text) for s in doc.walk() for p in s.paragraphs if p.matter == matter]


def _first_sentence(doc) -> str:
    return sentence_of(Target(doc, None), 1, doc.path).sentence


def test_an_order_printed_from_the_central_governments_site():
    # gov p.1, under the site's banner: 中华人民共和国国务院令 / 第492号 / 《…》已经…通过，现予公布，
    # 自2008年5月1日起施行。/ 总理 温家宝 / 二○○七年四月五日, then the 条例's title and 第一章.
    doc = parsed_real("gov_xinxi_gongkai_tiaoli_2007_webprint")
    assert _texts(doc, Matter.FRONT) == [
        "中华人民共和国国务院令", "第492号",
        "《中华人民共和国政府信息公开条例》已经2007年1月17日国务院第165次常务会议通过，现予公布，自2008年5月1日起施行。",
        "总理温家宝", "二○○七年四月五日",
    ]
    assert _first_sentence(doc) == ("为了保障公民、法人和其他组织依法获取政府信息，提高政府工作的透明度，促进依法行政，"
                                    "充分发挥政府信息对人民群众生产、生活和经济社会活动的服务作用，制定本条例。")
    assert (doc.title, doc.doc_number, doc.date) == ("中华人民共和国政府信息公开条例", "国务院令第492号", "2007-04-05")


def test_a_law_with_its_presidential_order_on_a_web_page():
    # kangxi_ngo p.1: title, （2016年4月28日…会议通过）, 中华人民共和国主席令 第四十四号, the order's
    # sentence, 中华人民共和国主席 习近平, 2016年4月28日, 第一章 总则; the last line （新华社北京4月28日电）.
    doc = parsed_real("TRICKY_kangxi_jingwai_ngo_huodong_guanli_fa_2016_webprint")
    front = _texts(doc, Matter.FRONT)
    assert front[0] == "（2016年4月28日第十二届全国人民代表大会常务委员会第二十次会议通过）"
    assert front[1] == "中华人民共和国主席令第四十四号"
    assert front[2].endswith("现予公布，自2017年1月1日起施行。")
    assert front[3:] == ["中华人民共和国主席习近平", "2016年4月28日"]
    assert _first_sentence(doc) == "为了规范、引导境外非政府组织在中国境内的活动，保障其合法权益，促进交流与合作，制定本法。"
    assert _texts(doc, Matter.BACK) == ["（新华社北京4月28日电）"]


def test_a_provincial_notice_with_its_number_addressees_and_signature():
    # gd_yinjin p.1: 粤府〔２００３〕８１号, a rule, the notice's title, 各地级以上市人民政府…：, one
    # paragraph, 广东省人民政府 / 二○○三年九月二十九日, then the 办法's title.
    doc = parsed_real("gd_yinjin_rencai_juzhuzheng_2003_webprint")
    assert _texts(doc, Matter.FRONT) == ["粤府〔2003〕81号", "各地级以上市人民政府，各县（市、区）人民政府，省政府各部门、各直属机构："]
    assert _first_sentence(doc) == "现将《广东省引进人才实行〈广东省居住证〉暂行办法》印发给你们，请认真按照执行。"
    assert [p.text for p in doc.sections[0].paragraphs if p.matter == Matter.BACK] == ["广东省人民政府", "二○○三年九月二十九日"]


def test_a_rule_with_its_order_in_brackets():
    # moh p.1: 医疗机构管理条例实施细则, the site's line, (1994年8月29日中华人民共和国卫生部令第35号发布), 第一章.
    doc = parsed_real("moh_yiliao_jigou_xize_1994_webprint")
    assert _texts(doc, Matter.FRONT) == ["(1994年8月29日中华人民共和国卫生部令第35号发布)"]
    assert _first_sentence(doc) == "根据《医疗机构管理条例》（以下简称条例）制定本细则。"


def test_the_sites_name_in_the_browser_header_is_no_title():
    # sz_shaoer: the browser's header reads 深圳市社会保险基金管理局 http://www.szsi.gov.cn/…; the page
    # sets the notice's title under the site's menu, then 各区人民政府，市政府直属各单位：.
    from kb import clean, extract
    from kb.structure import web_title

    doc = parsed_real("sz_shaoer_daxuesheng_yibao_tongzhi_2013_webprint")
    assert doc.title == "关于将深圳市少年儿童及大学生医疗保险纳入住院医疗保险的通知"
    assert _texts(doc, Matter.FRONT) == ["各区人民政府，市政府直属各单位："]
    assert _first_sentence(doc).startswith("为保障未成年人及在校学生的身体健康")
    assert all(s.heading != "深圳市社会保险基金管理局" for s in doc.sections)
    pages = clean.label_pages(extract.read_pdf(real_pdf("sz_shaoer_daxuesheng_yibao_tongzhi_2013_webprint.pdf")).pages)
    assert web_title(pages) is None  # the header names the site, not this page
    # wh: the header reads 武汉市卫生和计划生育委员会 (the site) on every page of the 权力清单.
    wh = clean.label_pages(extract.read_pdf(real_pdf("wh_wsjs_chufa_xinli_zhiliao_2016_webprint.pdf")).pages)
    assert web_title(wh) is None
    # gd_renkou's header is the page's own title, and the page sets none larger: that one stands.
    renkou = clean.label_pages(extract.read_pdf(real_pdf("gd_renkou_jisheng_tiaoli_2008_webprint.pdf")).pages)
    assert web_title(renkou) == "广东省人口与计划生育条例"
