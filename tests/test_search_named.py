"""Two ranking classes a new user met on ../shared/real, asked as users type them.

A query that names a document (数据安全法 for 中华人民共和国数据安全法) asks about that document;
a law's contents (目录 and its chapter names, no page numbers) hold every chapter's words and
answer none of them. The expected sections were read off the PDFs: 数据安全法 第五十五条 "本法自
2021年9月1日起施行"; 宪法 第一百四十一条 "中华人民共和国国旗是五星红旗" under 第四章 国旗、国歌、
国徽、首都; 民法典 第二编 第十四章 居住权.
"""
from __future__ import annotations

from kb.search import search


def _ids(index, q, n=3):
    return [h.section_id for h in search(index, q, limit=n).hits]


def test_a_named_document_answers_before_another(real_ingest):
    index = real_ingest[0]
    hits = search(index, "数据安全法施行日期", limit=3).hits
    assert hits[0].doc_id == "shuju_anquan_fa_2021"
    assert "shuju_anquan_fa_2021/ch7/art55" in [h.section_id for h in hits]
    # The Beijing draft's own 施行日期 article still answers when no document is named.
    assert any(h.doc_id == "TRICKY_kangxi_bj_juzhuzheng_banfa_caoan" for h in search(index, "施行日期", limit=3).hits)


def test_a_named_document_holding_nothing_asked_is_not_put_first(real_ingest):
    """劳动法 never says 加班: its sections that hold only its name are no answer, so the naming
    does not lift them over sections that hold what was asked."""
    hits = search(real_ingest[0], "劳动法加班工资", limit=3).hits
    assert any("加班" in w for w in hits[0].matched)


def test_a_laws_contents_do_not_answer_for_its_chapters(real_ingest):
    index = real_ingest[0]
    top = _ids(index, "宪法国旗")
    assert top[0] == "xianfa_2018_wps/ch4/art141" and "xianfa_2018_wps/part1" not in top[:2]
    assert _ids(index, "民法典居住权", 1)[0].startswith("minfadian_2020_234p/b2/sb3/ch14/")


def test_a_name_inside_a_longer_word_names_nothing(real_ingest):
    """劳动法 is inside 劳动法律法规 (laws and regulations on labour) and 合同法-like names inside longer
    ones: only the longest name typed counts, and a 法 running on into 法律/法规 is no law's name."""
    from kb.search import _named_documents
    from kb.store import Store

    snap = Store(real_ingest[0]).snapshot()
    titles = {snap.manifest[d].get("title") or snap.document(d).title for d in snap.doc_ids}
    titles = {t.replace(" ", "").lower() for t in titles if t}
    assert _named_documents("劳动法律法规", titles) == set()
    assert _named_documents("劳动合同法试用期", titles) == {"中华人民共和国劳动合同法"}
    assert _named_documents("劳动法加班工资", titles) == {"中华人民共和国劳动法"}
