"""Issue 9: the natural-query relevance set (tests/natural_queries.json) over ../shared/real.

The queries were written as users type them — questions, run-on phrases, colloquial names,
traditional characters, partial terms, figures in tables — by reading the PDFs, before anyone
looked at what the search returns. Each names its document and an exact phrase of the
answering section. The figures measured, next to a page-level BM25 baseline, are in the README
(bench/natural.py prints them); the thresholds here sit just under them, so a change that
loses answers fails.
"""
from __future__ import annotations

import pytest

from bench import natural
from query_sets import check_answers_are_phrases, check_figures, check_kind, check_set_shape

CASES = natural.load_cases()
KINDS = {"question", "runon", "colloquial", "abbreviation", "traditional", "partial", "figure"}


def test_the_set_is_large_and_covers_every_kind():
    check_set_shape(CASES, KINDS, min_documents=12)


def test_each_answer_is_one_unbroken_phrase():
    check_answers_are_phrases(CASES)


@pytest.fixture(scope="module")
def ranks(real_ingest):
    index, _ = real_ingest
    return [natural.kb_rank(index, c) for c in CASES]


def test_every_answering_document_is_in_the_index(real_ingest):
    from kb.store import Store

    ids = set(Store(real_ingest[0]).snapshot().manifest)
    assert {c["doc"] for c in CASES} <= ids


def test_hit_at_5_and_mrr(ranks, capsys):
    check_figures("natural queries", CASES, ranks, HIT5, MRR, capsys)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_finds_most_of_its_answers(ranks, kind):
    check_kind(CASES, ranks, kind, KIND_HIT5)


# Measured 0.949 / 0.822 (every kind ≥ 0.833); the targets of issue 9 are 0.9 and 0.75.
HIT5, MRR, KIND_HIT5 = 0.92, 0.79, 0.8


# The queries the issue was filed with, each with its one answering article (read in the PDF
# with pdftotext): each printed "No sections match" before.
ISSUE_QUERIES = [
    ("公共租赁住房是什么", "dg_gongzu_banfa_2014_ling138", "本办法所称公共租赁住房，是指"),
    ("政府信息是什么", "gov_xinxi_gongkai_tiaoli_2007_webprint", "本条例所称政府信息，是指"),
    ("如何申请公共租赁住房", "dg_gongzu_banfa_2014_ling138", "第三章 申请与审核"),
    ("社会抚养费征收标准", "gd_renkou_jisheng_tiaoli_2008_webprint", "应当按下列规定征收社会抚养费"),
    ("医疗机构校验期限", "moh_yiliao_jigou_xize_1994_webprint", "其他医疗机构的校验期为一年"),
    ("病历保存多少年", "moh_yiliao_jigou_xize_1994_webprint", "门诊病历的保存期不得少于十五年"),
    ("公租房", "dg_gongzu_banfa_2014_ling138", "公共租赁住房"),
]


@pytest.mark.parametrize("query, doc, where", ISSUE_QUERIES, ids=[q for q, _, _ in ISSUE_QUERIES])
def test_the_issue_queries_land_on_their_article(real_ingest, query, doc, where):
    """The answer is in the top 3: in the section's heading path or its own text."""
    from kb.search import search
    from kb.search_session import session
    from kb.store import Store

    index, _ = real_ingest
    hits = search(index, query, limit=3).hits
    ses = session(Store(index).snapshot())
    found = [h for h in hits if h.doc_id == doc and (
        where in " ".join(h.heading_path) or where.replace(" ", "") in ses.section_text(h.doc_id, h.section_id).replace("\n", ""))]
    assert found, [(h.doc_id, h.heading_path) for h in hits]


def test_question_words_are_never_required(real_ingest):
    from kb.search import search

    r = search(real_ingest[0], "请问病历保存多少年")
    assert {"请问", "多少"} <= set(r.dropped) and "多少" not in r.words
    assert r.hits and not r.partial


@pytest.mark.parametrize("query, frame", [
    ("病历啥时候可以销毁", "啥时候"), ("公租房住满了咋办", "咋办"), ("社会抚养费是啥", "是啥"),
])
def test_colloquial_question_words_are_left_out_as_the_written_ones_are(real_ingest, query, frame):
    """啥时候, 咋办 and 是啥 are 什么时候, 怎么办 and 是什么 as people type them: left out, never a
    word a section must hold (no section holds them, so they were named as missing before)."""
    from kb.search import search

    r = search(real_ingest[0], query)
    assert frame in r.dropped and frame not in r.words and frame not in r.unmatched
    assert r.hits and not r.partial


def test_a_span_of_days_is_read_as_its_amount_in_the_written_unit(real_ingest):
    """15天内 is the amount 15天, also in the laws' unit and numerals (15日, 十五日), and 内 is
    grammar; 受理后多少天内 asks a figure and its 天 is not read with 后 as 后天 (day after
    tomorrow), a word no section holds. Before, 15/天内 and 后天 were named as missing."""
    from kb.search import search

    r = search(real_ingest[0], "单位内部医务室备案后卫生部门15天内给回执吗", limit=3)
    assert "15天" in r.words and "天内" not in r.words and not r.unmatched
    assert {"15日", "十五日"} <= set(r.expanded["15天"])
    r = search(real_ingest[0], "醫療機構校驗申請受理後多少天內完成", limit=3)
    assert "后天" not in r.words and not r.unmatched and {"多少", "内"} <= set(r.dropped)
    assert r.hits[0].doc_id == "moh_yiliao_jigou_xize_1994_webprint"
    # a counted unit of time is never read with the word before it, with or without 内 after it
    assert search(real_ingest[0], "结婚后多少年可以入户", limit=1).words[:3] == ["结婚", "后", "年"]
    # nor is a 内/前/后 that begins the next word taken from it, nor a year taken for an amount
    for q, word in (("3日前往派出所", "前往"), ("满3年内地居民", "内地"), ("15天内容审核", "内容"), ("2019年前后", "前后")):
        assert word in search(real_ingest[0], q, limit=1).words, q
    assert "020年" not in search(real_ingest[0], "2020年前出生", limit=1).words


@pytest.mark.parametrize("query, doc, title", [
    ("数据安全法什么时候施行", "shuju_anquan_fa_2021", "第五十五条"),  # 本法自2021年9月1日起施行 (read in the PDF)
    ("数据安全法什么时候开始施行", "shuju_anquan_fa_2021", "第五十五条"),
])
def test_a_question_of_when_finds_the_section_stating_a_date(real_ingest, query, doc, title):
    """第五条 (…指导实施国家数据安全战略…) holds 实施, one of 施行's other names, and more of the
    law's words; the question asks when, and 第五十五条 is the one that says a date."""
    from kb.search import search

    hit = search(real_ingest[0], query, limit=1).hits[0]
    assert hit.doc_id == doc and hit.title.startswith(title), (hit.doc_id, hit.title)


def test_a_synonyms_own_synonyms_are_not_the_words(real_ingest, corpus_index):
    """未成年人 is 孩子 as people say it; 孩子 is also 子女 (someone's offspring, of any age) and 儿童,
    which are no 未成年人: the expansion stops at the word's own sets (a first-time user's
    未成年人打工 filled a page with the migrant-children report). A glossary alias still brings its
    term's other names (BPO → 业务流程外包, on the bundled corpus)."""
    from kb.search import search

    names = set(search(real_ingest[0], "未成年人打工", limit=1).expanded["未成年人"])
    assert {"孩子", "小孩"} <= names and not {"子女", "儿童", "儿女"} & names
    assert "业务流程外包" in search(corpus_index, "BPO", limit=1).expanded["bpo"]


def test_a_colloquial_name_finds_the_formal_one_and_says_so(real_ingest):
    from kb.search import search

    r = search(real_ingest[0], "公租房", limit=5)
    assert "公共租赁住房" in r.expanded["公租房"]
    assert {h.doc_id for h in r.hits} == {"dg_gongzu_banfa_2014_ling138"}


def test_words_no_section_holds_are_named_and_the_rest_still_answer(real_ingest):
    from kb.search import search

    r = search(real_ingest[0], "病历保存期限 火星")
    assert r.unmatched == ["火星"]
    assert r.hits and all(h.partial for h in r.hits)
    assert r.hits[0].doc_id == "moh_yiliao_jigou_xize_1994_webprint"


def test_nothing_enough_gives_labelled_partial_matches_not_nothing(real_ingest):
    from kb.search import search

    # No document of the set speaks of 病历 and 积分入学 together.
    r = search(real_ingest[0], "病历 积分入学")
    assert r.partial and r.hits and all(h.partial for h in r.hits)
    assert r.total >= len(r.hits)


def test_by_doc_lists_each_document_once_with_its_count(real_ingest):
    from kb.search import search

    r = search(real_ingest[0], "居住证", by_doc=True)
    docs = [g.doc_id for g in r.by_doc]
    assert len(docs) == len(set(docs)) == r.documents >= 2
    assert sum(g.sections for g in r.by_doc) == r.total
    assert all(g.best.doc_id == g.doc_id for g in r.by_doc)


def test_a_user_synonym_file_in_the_index_folder_is_read(real_ingest, tmp_path):
    import shutil

    from kb.search import search

    index = tmp_path / "index"
    shutil.copytree(real_ingest[0], index)
    before = search(index, "租房补贴码")  # nobody's word for anything: cut into words of its own
    assert before.expanded == {} and "租房补贴码" not in before.words
    (index / "synonyms.tsv").write_text("# ours\n公共租赁住房\t租房补贴码\n", encoding="utf-8")
    after = search(index, "租房补贴码", limit=3)
    assert after.words == ["租房补贴码"] and not after.unmatched
    # its set joins the shipped one that 公共租赁住房 is in (公租房)
    assert after.expanded["租房补贴码"][0] == "公共租赁住房" and "公租房" in after.expanded["租房补贴码"]
    assert after.hits[0].doc_id == "dg_gongzu_banfa_2014_ling138"


def test_typed_syntax_keeps_its_exact_meaning(real_ingest):
    from kb.search import search

    r = search(real_ingest[0], '"门诊病历的保存期" AND 十五年')
    assert r.mode == "boolean" and r.hits
    assert {h.doc_id for h in r.hits} == {"moh_yiliao_jigou_xize_1994_webprint"}
    # Nothing holds both: the best partial matches, labelled, not a bare "no match"
    loose = search(real_ingest[0], "病历 AND 积分入学")
    assert loose.mode == "boolean" and loose.partial and loose.hits and all(h.partial for h in loose.hits)
