"""The glossary on the bundled corpus and ../shared/real: extraction, lookup, CLI."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import EVAL_ID, PLAN_ID, ROOT, parsed_real

from kb.glossary import extract_terms, load_terms, vocabulary
from kb.lookup import TermNotFoundError, lookup
from kb.store import Store

PLAN_SOURCE = "市政府关于印发苏州市服务外包产业“十二五”发展规划的通知（苏府〔2011〕159号）"


@pytest.fixture(scope="session")
def terms(corpus_index):
    return load_terms(Store(corpus_index).snapshot().path)


def named(terms, name):
    (t,) = [t for t in terms if t.term == name]
    return t


# -- the plan's appendix: 20 entries --------------------------------------------------------

APPENDIX = [
    (1, "服务外包", "服务外包（service outsourcing）系指", "可分为国内外包和离岸外包两类。", (34, 35)),
    (2, "在岸服务外包", "又名境内外包（onshore）、国内服务外包，", "外包工作在境内完成、交付。", (35, 35)),
    (3, "离岸服务外包", "又名国际服务外包（offshore），", "外包工作跨境完成。", (35, 35)),
    (4, "创意公厂", "“创意公厂”是本课题组对创意产业", "是区别创意公厂和非创意公厂的重要标志。", (35, 35)),
    (5, "搭桥专案", "马英九提出“连接两岸、互进全球”。", "时程将可提前。各场次会议以企业界参与为主，预计各场次与会人次约200人以上，大陆业者约40人以上，以促成两岸商机合作案件为目的。", (35, 36)),
    (6, "信息技术外包", "英文为Information Technology Outsourcing，简写ITO，", "系统应用服务、基础技术服务等。", (36, 36)),
    (7, "业务流程外包", "英文为Business Process Outsourcing，简写BPO，", "企业业务运作服务、供应链管理服务等。", (36, 36)),
    (8, "知识流程服务外包", "英文为Knowledge Process Outsourcing，简写KPO，", "人力资源管理和信息服务，工程设计和服务等。", (36, 37)),
    (9, "软件运营服务", "英文为Software as a Service，简写SaaS，", "带有相应软件功能的服务。", (37, 37)),
    (10, "平台即服务", "英文为Platform as a Service，简写PaaS，", "PaaS是SaaS模式的一种应用。", (37, 37)),
    (11, "基础设施即服务", "英文为Infrastructure as a Service，简写IaaS，", "从完善的计算机基础设施获得服务。", (37, 37)),
    (12, "软件开发外包", "软件开发外包主要指为用户的运营", "进行软件开发与管理等服务。", (37, 37)),
    (13, "生物医药研发外包", "生物医药研发外包主要包括药物发现", "产品注册、医疗器械设计研发等。", (37, 38)),
    (14, "物流与供应链管理外包", "即制造销售等企业为集中资源", "主要业务包括物流信息管理、综合物流服务等。", (38, 38)),
    (15, "动漫游戏服务外包", "动漫游戏服务外包主要包括2D/3D动画电影制作", "动漫游戏形象衍生产品的经营等内容。", (38, 38)),
    (16, "金融服务外包", "金融服务外包指受监管实体", "欺诈分析，证券投资研究等业务类型。", (38, 38)),
    (17, "工业设计研发外包", "工业设计研发外包主要包括专利研发", "工厂与工艺设计、工程研发等。", (38, 38)),
    (18, "政务外包", "政府将原本由自身提供的基于IT或知识密集的非法定业务", "并以财政性资金予以支付报酬的经济活动。", (38, 39)),
    (19, "云服务外包", "云服务外包是以云计算模式为支撑", "更容易的管理在线获得各种所需服务。", (39, 39)),
    (20, "物联网领域外包", "物联网（The Internet of Things）是指", "管理咨询、物联网服务等。", (39, 39)),
]


@pytest.mark.parametrize("n, name, first, last, pages", APPENDIX, ids=[a[1] for a in APPENDIX])
def test_every_appendix_entry_is_a_term_with_its_whole_entry(terms, n, name, first, last, pages):
    t = named(terms, name)
    assert t.origin == "glossary"
    assert t.source.section_id == f"{PLAN_ID}/appendix/s{n}"
    assert t.source.heading_path[-2] == "附录：概念解释" and t.source.heading_path[-1].endswith(f"）{name}")
    assert t.source.pages == pages
    assert t.definition.startswith(first) and t.definition.endswith(last)


FULL = {
    "服务外包": "服务外包（service outsourcing）系指客户单位（可以是企业、政府、学校、医院、军队等各类机构）依托于信息技术将原在机构内完成的某些服务性工作（in house job）以签订服务合同的形式外包给（outsourcing）机构外的服务商（service provider）或者是机构下属的共享服务中心（share service center,SSC）或全球执行中心（global delivery center,GDC）去完成，并为这些服务支付相应的费用。服务外包按交付方式可分为国内外包和离岸外包两类。",
    "离岸服务外包": "又名国际服务外包（offshore），是指转移方与为其提供服务的承接方来自不同国家，外包工作跨境完成。",
    "平台即服务": "英文为Platform as a Service，简写PaaS，指将软件研发的平台作为一种服务，以SaaS的模式提交给用户。PaaS是SaaS模式的一种应用。",
    "物联网领域外包": "物联网（The Internet of Things）是指通过射频识别（RFID）、红外感应器、全球定位系统、激光扫描器等信息传感设备，按约定的协议，通过各类可能的网络接入，实现物与物、物与人的广泛链接，实现对物品和过程的智能化感知、识别和管理。\n"
               "物联网作为新一代信息技术的重要组成部分，是我国十二五时期着力发展的战略性新兴产业。2020年前，全球物联网的终端将达到5000亿个，物联网将是全球信息通信行业又一个万亿元级别的产业。物联网产业链将衍生出大量外包业务。如：应用软件、系统集成、行业解决方案、通信芯片研发和认证测试、管理咨询、物联网服务等。",
}


@pytest.mark.parametrize("name", list(FULL))
def test_full_definitions_across_lines_and_pages(terms, name):
    assert named(terms, name).definition == FULL[name]


def test_the_corpus_terms_are_exactly_these(terms):
    assert [t.term for t in terms] == [
        "《中国服务外包示范城市综合评价办法》", "服务外包示范城市", "服务外包申请城市", "指标数据无量纲化处理",
        *[a[1] for a in APPENDIX],
        # 第六章 explains its coined words: "“一轴”是苏州服务外包…轴…；“两翼”是…翼…"
        "一轴", "两翼",
        # 物流与供应链管理外包's entry: "（由…提供物流服务的业务模式，即第三方物流）"; 政务外包's names
        # a group: "…市场主体或社会组织主体（统称“服务提供商”）"
        "共享服务中心", "全球执行中心", "服务水平协议", "第三方物流", "服务提供商", "物联网", "射频识别",
    ]


# -- names: aliases, abbreviations, English ---------------------------------------------------

ALIASES = [
    ("ITO", "信息技术外包", "abbreviation"), ("BPO", "业务流程外包", "abbreviation"),
    ("KPO", "知识流程服务外包", "abbreviation"), ("SaaS", "软件运营服务", "abbreviation"),
    ("PaaS", "平台即服务", "abbreviation"), ("IaaS", "基础设施即服务", "abbreviation"),
    ("SSC", "共享服务中心", "abbreviation"), ("GDC", "全球执行中心", "abbreviation"),
    ("offshore", "离岸服务外包", "English"), ("onshore", "在岸服务外包", "English"),
    ("service outsourcing", "服务外包", "English"), ("国际服务外包", "离岸服务外包", "又名"),
    ("境内外包", "在岸服务外包", "又名"), ("国内服务外包", "在岸服务外包", "又名"),
    ("示范城市", "服务外包示范城市", "简称"), ("申请城市", "服务外包申请城市", "简称"),
    ("《评价办法》", "《中国服务外包示范城市综合评价办法》", "简称"),
]


@pytest.mark.parametrize("name, canonical, kind", ALIASES, ids=[a[0] for a in ALIASES])
def test_alias_kinds(terms, name, canonical, kind):
    assert any(a.name == name and a.kind == kind for a in named(terms, canonical).aliases)


@pytest.mark.parametrize("query, canonical", [(a[0], a[1]) for a in ALIASES] + [
    ("ito", "信息技术外包"), ("Ito", "信息技术外包"), ("saas", "软件运营服务"), ("Service Outsourcing", "服务外包"),
    ("评价办法", "《中国服务外包示范城市综合评价办法》"), ("ＩＴＯ", "信息技术外包"),
])
def test_aliases_resolve_to_their_term(terms, query, canonical):
    (m,) = lookup(terms, query)
    assert (m.term.term, m.mode) == (canonical, "alias")


def test_embedded_abbreviation_is_its_own_term_sourced_to_the_entry(terms):
    t = named(terms, "共享服务中心")
    assert [(a.name, a.kind) for a in t.aliases] == [("share service center", "English"), ("SSC", "abbreviation")]
    assert (t.source.section_id, t.source.pages) == (f"{PLAN_ID}/appendix/s1", (34, 35))
    assert t.definition == FULL["服务外包"].split("。")[0] + "。"


def test_a_name_mentioned_in_another_definition_says_so(terms, corpus_index):
    # Issue 11: `kb glossary SSC` showed 服务外包's definition as if it were 共享服务中心's.
    assert [(t.term, t.origin) for t in terms if t.term in ("共享服务中心", "射频识别", "物联网")] == [
        ("共享服务中心", "mention"), ("物联网", "glossary"), ("射频识别", "mention")]
    r = run(corpus_index, "SSC")
    assert r.exit_code == 0
    assert r.output.splitlines()[:3] == ["共享服务中心", "  English share service center · abbreviation SSC",
                                         "  (named here, not defined: the sentence that names it)"]


def test_short_names_of_the_evaluation_report(terms):
    t = named(terms, "服务外包示范城市")
    assert (t.source.doc_id, t.source.section_id, t.source.pages, t.origin) == (EVAL_ID, f"{EVAL_ID}/part1", (1, 1), "inline")
    assert t.definition.startswith("为贯彻落实《国务院关于促进服务外包产业加快发展的意见》")
    assert "对31个服务外包示范城市（以下简称示范城市）" in t.definition
    assert t.definition.endswith("开展了综合评价。")


def test_footnote_definition(terms):
    t = named(terms, "指标数据无量纲化处理")
    assert t.origin == "footnote"
    assert t.definition == "指标数据无量纲化处理是为消除不同指标之间量纲和数量级的差异，保留了各指标数据取值差异程度上的信息，实现了不同指标数据的一致化和可比性。"


# -- lookup order -------------------------------------------------------------------------------

@pytest.mark.parametrize("query, canonical", [
    ("離岸服務外包", "离岸服务外包"), ("資訊技術外包", None), ("信息技術外包", "信息技术外包"),
    ("示範城市", "服务外包示范城市"), ("雲服務外包", "云服务外包"), ("國際服務外包", "离岸服务外包"),
])
def test_traditional_characters(terms, query, canonical):
    if canonical is None:  # 資訊 is Taiwan usage for 信息: t2s keeps it, so only a fuzzy match is offered
        assert lookup(terms, query)[0].mode == "fuzzy"
        return
    (m,) = lookup(terms, query)
    assert (m.term.term, m.mode) == (canonical, "traditional")


def test_exact_beats_everything(terms):
    (m,) = lookup(terms, "服务外包")
    assert (m.term.term, m.mode) == ("服务外包", "exact")


def test_prefix_then_contains(terms):
    assert [(m.term.term, m.mode) for m in lookup(terms, "物联")] == [("物联网", "prefix"), ("物联网领域外包", "prefix")]
    assert [(m.term.term, m.mode) for m in lookup(terms, "流程")] == [("业务流程外包", "contains"), ("知识流程服务外包", "contains")]


def test_fuzzy_near_miss(terms):
    assert [(m.term.term, m.mode, m.score) for m in lookup(terms, "离岸外包")] == [("离岸服务外包", "fuzzy", 80.0)]


def test_nothing_found_suggests(terms):
    with pytest.raises(TermNotFoundError) as e:
        lookup(terms, "外包服务")
    assert str(e.value) == "No term matches '外包服务'. Did you mean: 服务外包, 在岸服务外包, 政务外包, 平台即服务, 云服务外包?"
    with pytest.raises(TermNotFoundError) as e:
        lookup(terms, "xyz")
    assert str(e.value) == "No term matches 'xyz'."


def test_forced_modes(terms):
    with pytest.raises(TermNotFoundError):
        lookup(terms, "离岸外包", mode="exact")
    assert [m.term.term for m in lookup(terms, "外包服务", mode="fuzzy")][:2] == ["服务外包", "在岸服务外包"]


# -- uses and vocabulary ------------------------------------------------------------------------

def test_uses_count_the_term_in_each_section(corpus_index, terms):
    # Issue 13: a lookup loads no uses; with_uses reads them for the terms shown.
    from kb.glossary import with_uses

    assert all(not t.uses for t in terms)
    path = Store(corpus_index).snapshot().path
    city, applicant = with_uses(path, [named(terms, "服务外包示范城市"), named(terms, "服务外包申请城市")])
    uses = {(u.section_id.split("/", 1)[1], u.count) for u in city.uses}
    # 示范城市 is counted in the report that declares it; the full name anywhere (the plan's ch2/s3)
    assert uses == {("part1", 3), ("p1/s1", 7), ("p1/s2", 3), ("p1/s3", 1), ("p1/s5", 2), ("p1/s6", 5), ("p2/s5", 1), ("ch2/s3", 1)}
    assert city.used_in == (len(city.uses), sum(u.count for u in city.uses))
    assert {u.doc_id for u in applicant.uses} == {EVAL_ID}


def test_one_pass_uses_count_as_one_regex_per_term_did(corpus_index, terms):
    """all_uses (one trie scan per section) against the rule it replaced, term by term."""
    import re

    from kb.glossary import _names_for_uses, all_uses, with_uses

    snap = Store(corpus_index).snapshot()
    docs = snap.documents()
    fast = all_uses(terms, docs)
    for t, got in zip(terms, fast):
        everywhere, local = _names_for_uses(t)
        counts = {}
        for doc in docs:
            names = sorted({n for n in everywhere + (local if doc.id == t.source.doc_id else []) if n}, key=len, reverse=True)
            if not names:
                continue
            pat = re.compile("|".join(rf"(?<![A-Za-z]){re.escape(n)}(?![A-Za-z])" if n.isascii() else re.escape(n) for n in names))
            for sec in doc.walk():
                n = len(pat.findall(sec.text))
                if n:
                    counts[sec.id] = n
        assert {u.section_id: u.count for u in got} == counts, t.term
    stored = with_uses(snap.path, terms)
    assert [s.uses for s in stored] == fast


def test_search_inside_definitions_and_fallback(corpus_index, terms):
    from kb.glossary_index import definition_matches

    hits = definition_matches(Store(corpus_index).snapshot().path, terms, "跨境完成的外包")
    assert hits[0].term.term == "离岸服务外包" and hits[0].mode == "definition"
    # the CLI falls back to it when no name matches
    r = run(corpus_index, "外包工作跨境完成")
    assert r.exit_code == 0 and r.output.startswith("离岸服务外包\n") and "found by: definition" in r.output
    r = run(corpus_index, "--search", "跨境完成的外包", "--json")
    assert json.loads(r.output)[0]["match"]["mode"] == "definition"


def test_vocabulary_maps_every_name_to_its_term(terms):
    vocab = vocabulary(terms)
    assert vocab["bpo"] == "业务流程外包"
    assert vocab["ssc"] == "共享服务中心"
    assert vocab["service outsourcing"] == "服务外包"
    assert vocab["示范城市"] == "服务外包示范城市"
    assert vocab["《评价办法》"] == "《中国服务外包示范城市综合评价办法》"
    assert vocab["离岸服务外包"] == "离岸服务外包"


# -- real documents (../shared/real) ------------------------------------------------------------

REAL_DEFS = [
    ("gov_xinxi_gongkai_tiaoli_2007_webprint.pdf", "政府信息", "ch1/art2",
     "本条例所称政府信息，是指行政机关在履行职责过程中制作或者获取的，以一定形式记录、保存的信息。"),
    ("dg_gongzu_banfa_2014_ling138.pdf", "公共租赁住房", "ch1/art3",
     "本办法所称公共租赁住房，是指限定建设标准和租金水平，面向符合条件的本市中等偏下收入住房困难家庭、新就业无房职工和在本市稳定就业的外来务工人员出租的保障性住房。"),
    ("moh_yiliao_jigou_xize_1994_webprint.pdf", "医疗机构", "ch1/art2",
     "条例及本细则所称医疗机构，是指依据条例和本细则的规定，经登记取得《医疗机构执业许可证》的机构。"),
    ("moh_yiliao_jigou_xize_1994_webprint.pdf", "医疗美容", "ch8/art88",
     "医疗美容；是指使用药物以及手术、物理和其他损伤性或者侵入性手段进行的美容。"),
    ("moh_yiliao_jigou_xize_1994_webprint.pdf", "特殊检查、特殊治疗", "ch8/art88",
     "特殊检查、特殊治疗；是指具有下列情形之一的诊断、治疗活动：\n（一）有一定危险性，可能产生不良后果的检查和治疗；\n"
     "（二）由于患者体质特殊或者病情危笃，可能对患者产生不良后果和危险的检查和治疗；\n（三）临床试验性检查和治疗；\n"
     "（四）收费可能对患者造成较大经济负担的检查和治疗。"),
    ("moh_yiliao_jigou_xize_1994_webprint.pdf", "军队的医疗机构", "ch8/art88",
     "军队的医疗机构：是指中国人民解放军和中国人民武装警察部队编制内的医疗机构。"),
    ("dg_rencai_ruhu_banfa_2015_dfu111.pdf", "积分制入户", "ch1/art3",
     "积分制入户，是指按市政府公布的积分制入户综合评价指标进行量化评分，累计积分达到规定分值的，申请办理入户。"),
    ("TRICKY_kangxi_bj_juzhuzheng_banfa_caoan.pdf", "稳定住所", "art8",
     "稳定住所是指具有合法所有权的房屋，包括自有产权房屋、租赁房屋、用人单位或就读学校提供的宿舍等；"),
]


@pytest.fixture(scope="module")
def real_docs():
    return parsed_real


@pytest.mark.parametrize("name, term, section, definition", REAL_DEFS, ids=[d[1] for d in REAL_DEFS])
def test_real_documents_define_their_words(real_docs, name, term, section, definition):
    doc = real_docs(name)
    (t,) = [t for t in extract_terms(doc) if t.term == term]
    assert (t.source.section_id, t.definition) == (f"{doc.id}/{section}", definition)


@pytest.mark.parametrize("name, short, full", [
    ("dg_gongzu_banfa_2014_ling138.pdf", "市住建局", "市住房和城乡建设局"),
    ("moh_yiliao_jigou_xize_1994_webprint.pdf", "条例", "《医疗机构管理条例》"),
    ("gd_yinjin_rencai_juzhuzheng_2003_webprint.pdf", "市人事部门", "地级以上市政府人事行政部门"),
    ("mep_hp_gongzhong_canyu_xiuding_shuoming.pdf", "环评公参", "环境影响评价公众参与"),
])
def test_real_short_names(real_docs, name, short, full):
    (t,) = [t for t in extract_terms(real_docs(name)) if t.term == full]
    assert [(a.name, a.kind) for a in t.aliases] == [(short, "简称")]


def test_a_short_name_given_to_a_description_is_the_term(real_docs):
    # 劳动合同法 第五十九条 (p.17): "…应当与接受以劳务派遣形式用工的单位（以下称用工单位）订立劳务派遣
    # 协议。" The words before the bracket are a clause with 的, not a name: 用工单位 is the term,
    # that sentence its definition (a new user got "用工的单位", with 用工单位 as its 简称).
    terms = extract_terms(real_docs("laodong_hetong_fa_2012_xz.pdf"))
    (t,) = [t for t in terms if "用工单位" in {t.term, *(a.name for a in t.aliases)}]
    assert (t.term, t.aliases) == ("用工单位", ())
    assert t.definition == "劳务派遣单位派遣劳动者应当与接受以劳务派遣形式用工的单位（以下称用工单位）订立劳务派遣协议。"
    assert t.source.section_id.endswith("art59")


# -- CLI ------------------------------------------------------------------------------------------

def run(corpus_index, *args):
    from cli import cli

    return CliRunner().invoke(cli, ["--index", str(corpus_index), "glossary", *args])


ITO_TEXT = f"""信息技术外包
  English Information Technology Outsourcing · abbreviation ITO
  英文为Information Technology Outsourcing，简写ITO，指企业向外部寻求并获得包括全部或部分信息技术类的服务。服务内容包括系统操作服务、系统应用服务、基础技术服务等。
  source: {PLAN_SOURCE} › 苏州市服务外包产业“十二五”发展规划 › 附录：概念解释 › （六）信息技术外包 · p.36 [{PLAN_ID}]
  found by: alias (ITO)
"""


def test_cli_plain(corpus_index):
    # Issue 11: the source names the plan (the notice's second part) before its 附录.
    r = run(corpus_index, "ITO")
    assert (r.exit_code, r.output) == (0, ITO_TEXT)


def test_cli_json(corpus_index):
    r = run(corpus_index, "離岸服務外包", "--json")
    assert r.exit_code == 0
    assert json.loads(r.output) == [{
        "term": "离岸服务外包",
        "aliases": [{"name": "国际服务外包", "kind": "又名"}, {"name": "offshore", "kind": "English"}],
        "definition": FULL["离岸服务外包"],
        "origin": "glossary",
        "source": {"doc_id": PLAN_ID, "doc_title": "市政府关于印发苏州市服务外包产业“十二五”发展规划的通知",
                   "doc_number": "苏府〔2011〕159号", "section_id": f"{PLAN_ID}/appendix/s3",
                   "heading_path": ["苏州市服务外包产业“十二五”发展规划", "附录：概念解释", "（三）离岸服务外包"], "pages": [35, 35]},
        "used_in": {"sections": 7, "occurrences": 7},
        "match": {"mode": "traditional", "name": "离岸服务外包", "score": 100.0},
    }]


def test_cli_uses(corpus_index):
    r = run(corpus_index, "申请城市", "--uses")
    assert r.exit_code == 0
    assert r.output.endswith(
        "  used 12 times in 6 sections:\n"
        f"    {EVAL_ID}  part1  附件1 2017年度中国服务外包示范城市及申请城市综合评价结果  p.1-7  ×2\n"
        f"    {EVAL_ID}  p2/s1  （一）东部地区申请城市发展优势明显  p.5-6  ×4\n"
        f"    {EVAL_ID}  p2/s2  （二）省会城市综合创新能力较为突出  p.6  ×2\n"
        f"    {EVAL_ID}  p2/s3  （三）各城市积极开展政策创新增强发展优势  p.6  ×1\n"
        f"    {EVAL_ID}  p2/s4  （四）专家评审肯定申请城市发展举措  p.6  ×2\n"
        f"    {EVAL_ID}  p2/s5  （五）企业问卷调查反馈总体较好  p.7  ×1\n"
    )
    data = json.loads(run(corpus_index, "申请城市", "--uses", "--json").output)
    assert [(u["section_id"], u["count"], u["pages"]) for u in data[0]["uses"]][:2] == [(f"{EVAL_ID}/part1", 2, [1, 7]), (f"{EVAL_ID}/p2/s1", 4, [5, 6])]


def test_cli_list(corpus_index):
    r = run(corpus_index, "--list", "--doc", "2017")
    assert (r.exit_code, r.output) == (0, (
        f"2017年度中国服务外包示范城市及申请城市综合评价结果 [{EVAL_ID}] — 4 terms\n"
        "  《中国服务外包示范城市综合评价办法》  (简称 《评价办法》)  附件1 2017年度中国服务外包示范城市及申请城市综合评价结果  p.1\n"
        "  服务外包示范城市  (简称 示范城市)  附件1 2017年度中国服务外包示范城市及申请城市综合评价结果  p.1\n"
        "  服务外包申请城市  (简称 申请城市)  附件1 2017年度中国服务外包示范城市及申请城市综合评价结果  p.1\n"
        "  指标数据无量纲化处理  附件1 2017年度中国服务外包示范城市及申请城市综合评价结果  p.1\n"
        "4 of 33 terms\n"  # issue 15: every listing says how many it shows of how many
    ))
    data = json.loads(run(corpus_index, "--list", "--by", "name", "--json").output)
    assert len(data) == 33 and data[0]["term"] == "一轴"  # sorted by name: 一 (U+4E00) first


def test_cli_not_found(corpus_index):
    r = run(corpus_index, "外包服务", "--exact")
    assert r.exit_code == 1
    assert r.output == "Error: No term matches '外包服务'. Did you mean: 服务外包, 在岸服务外包, 政务外包, 平台即服务, 云服务外包?\n"


def test_cli_usage_and_missing_index(tmp_path, corpus_index):
    r = run(corpus_index)
    assert r.exit_code == 2 and "give a TERM to look up, --search WORDS, or --list" in r.output
    r = run(tmp_path / "none", "ITO")
    assert (r.exit_code, r.output) == (2, f"Error: no index in {tmp_path / 'none'}: run `kb ingest` first\n")


def test_lookup_loads_no_heavy_module(corpus_index):
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "cli.py", "--index", str(corpus_index), "glossary", "離岸服務外包"],
        cwd=ROOT, capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": ""},
    )
    assert out.returncode == 0 and out.stdout.startswith("离岸服务外包\n")
    loaded = {line.split("|")[-1].strip() for line in out.stderr.splitlines() if line.startswith("import time:")}
    # Traditional characters outside OpenCC's phrases are converted from kb's own table
    # (text.to_simplified): OpenCC is not even imported for them.
    assert {"jieba", "whoosh", "pdfplumber", "pdfminer", "kb.parse", "kb.ingest", "opencc"} & loaded == set()


@pytest.mark.parametrize("name, junk", [
    # issue 11's entries seen on real documents, and names that look close but are names
    ("NGO财务管理的基本理念就", True), ("3、时间限制和目的限制两者兼具. |", True), ("合法性合法性", True),
    ("首都", False), ("一轴", False), ("合法性", False), ("信息已验证", False), ("近5年", False),
])
def test_fragments_and_doubled_words_are_not_terms(name, junk):
    from kb.glossary import _junk

    assert _junk(name) is junk


def test_a_short_name_that_does_not_shorten_its_neighbour_is_no_alias_of_it():
    # Issue 11 saw "其他金融机构 (简称 开户银行)" on a real handbook: 开户银行 is not a shortening of
    # 其他金融机构, so it must not become that name's alias; it is a term with its sentence.
    from kb.model import Document, Paragraph, Section

    text = "项目资金应存入商业银行或其他金融机构（简称开户银行），专户管理。"
    sec = Section(id="d/p1", level=1, number="一、", heading="资金管理", kind="item",
                  paragraphs=[Paragraph(text, (3, 3))], pages=(3, 3))
    terms = extract_terms(Document(id="d", path="d.pdf", sha256="0", title="手册", sections=[sec]))
    assert [(t.term, [a.name for a in t.aliases], t.definition) for t in terms] == [("开户银行", [], text)]
