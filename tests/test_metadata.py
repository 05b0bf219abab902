"""kb/metadata.py on the bundled corpus. Expectations read from the PDFs' first pages:

* the plan (苏州市服务外包产业十二五发展规划.pdf) prints "苏府„2011‟159 号" above its title (the
  font maps 〔〕 to „‟), the title "市政府关于印发苏州市服务外包产业“十二五”发展规划的通知",
  and the date line "二○一一年八月十一日" under the text; it publishes a 规划;
* the evaluation (2017年度….pdf) is an attachment ("附件 1") with no 发文字号 and no date line,
  titled "2017年度中国服务外包示范城市及申请城市综合评价结果".
"""
from __future__ import annotations

from kb import metadata
from kb.clean import repair_text


def test_the_plan(plan):
    assert plan.doc_number == "苏府〔2011〕159号"
    assert plan.title == "市政府关于印发苏州市服务外包产业“十二五”发展规划的通知"
    assert plan.date == "2011-08-11"
    assert plan.doc_type == "规划"


def test_the_evaluation(evaluation):
    assert evaluation.title == "2017年度中国服务外包示范城市及申请城市综合评价结果"
    assert evaluation.doc_number is None and evaluation.date is None


def test_the_doc_number_line_as_the_text_layer_has_it():
    # The raw text layer of the plan's first line; clean repairs the quotes to 〔〕.
    assert metadata.normalise_doc_number(repair_text("苏府„2011‟159 号")) == "苏府〔2011〕159号"


def test_doc_type_is_the_genre_of_what_a_notice_publishes():
    assert metadata.doc_type("市政府关于印发苏州市服务外包产业“十二五”发展规划的通知") == "规划"
    assert metadata.doc_type("关于加强管理的通知") == "通知"


def test_citation_form_drops_the_country_name_of_an_order():
    assert metadata.citation_form("中华人民共和国卫生部令第35号") == "卫生部令第35号"
    assert metadata.citation_form("中华人民共和国主席令第四十四号") == "中华人民共和国主席令第四十四号"


def test_a_joint_signature_names_each_organ_joined_by_the_enumeration_comma():
    # nj p.1 and gz p.2 (page images): two organs signed side by side on one line, the gap
    # between them closed by cleaning; yuejiaokao's five organs of 广东省 likewise.
    assert metadata.split_signers("南京市人力资源和社会保障局南京市财政局") == "南京市人力资源和社会保障局、南京市财政局"
    assert (metadata.split_signers("广州市住房和城乡建设委员会广州市来穗人员服务管理局")
            == "广州市住房和城乡建设委员会、广州市来穗人员服务管理局")
    assert metadata.split_signers("广东省教育厅广东省公安厅") == "广东省教育厅、广东省公安厅"
    # One organ stays whole, its place named twice or not.
    for one in ("东莞市人民政府办公室", "国务院办公厅", "北京市北京经济技术开发区管委会", "广东省人民政府"):
        assert metadata.split_signers(one) == one


def test_a_signature_date_under_a_seal():
    # gz p.2 prints 2015年11月23日 under its seal's ring; read 201年11月.23日. The year's lost
    # digit comes from the document's own 发文字号 only when the digits read agree with it.
    assert metadata.sealed_date("201年11月.23日", "穗建住保〔2015〕1312号") == "2015-11-23"
    assert metadata.sealed_date("201年11月23日", "穗建住保〔2009〕1号") is None
    assert metadata.sealed_date("201年11月23日", None) is None
    assert metadata.sealed_date("2015年5月.28日", None) == "2015-05-28"
    assert metadata.sealed_date("第201号", "穗建住保〔2015〕1312号") is None


def test_a_signature_block_on_two_lines_names_all_its_organs():
    # yuejiaokao p.6 (page image): five organs of 广东省 signed under red seals, three on one
    # line and two on the next, the date 2015年11月17日 below; above them the 附件 line.
    above = ["附件：2016年进城务工人员随迁子女在广东省参加高考报", "名资格审核工作指引",
             "广东省教育厅广东省发展和改革委员会广东省公安厅", "广东省人力资源和社会保障厅广东省住房和城乡建设厅"]
    assert metadata.signers(above) == ("广东省教育厅、广东省发展和改革委员会、广东省公安厅、"
                                       "广东省人力资源和社会保障厅、广东省住房和城乡建设厅")
    # One organ over the date, the body's last line above it: that organ alone.
    assert metadata.signers(["遵照执行。执行过程中遇到的问题，请径向市公安局反映。", "深圳市人民政府"]) == "深圳市人民政府"
    assert metadata.signers(["特此通知。"]) is None
