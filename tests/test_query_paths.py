"""The query-time short cuts of issue 13 answer exactly as the paths they replace.

`kb keyword --count` counts in the section store without building occurrences, `kb glossary`
looks a name up in term-names.sqlite without loading every term, and a search reads the
documents of its matches from the doc_id column whole. Each is checked against the full path
on the bundled corpus, and the count against the PDF's own text layer.
"""
from __future__ import annotations

import re
from collections import Counter

import pytest

from conftest import PLAN, PLAN_ID

from kb.kwic import lookup as kwic_lookup


@pytest.fixture(scope="module")
def raw_text():
    import pdfplumber

    with pdfplumber.open(PLAN) as pdf:
        return [re.sub(r"\s+", "", p.extract_text() or "") for p in pdf.pages]


def test_count_of_a_word_is_the_pdfs(corpus_index, raw_text):
    # The text layer of the plan says 苏州工业园区 and 高新区 this many times (no header repeats them).
    for word in ("苏州工业园区", "高新区"):
        counted = kwic_lookup(corpus_index, [word], doc=PLAN_ID, counts_only=True)
        assert counted.occurrences == []
        assert counted.total == sum(page.count(word) for page in raw_text) > 0


@pytest.mark.parametrize("words, all_words", [
    (["服务外包"], False),
    (["坚持"], False),  # run-in leads (坚持…相结合。坚持…) repeat their paragraph's start
    (["量纲"], False),  # in a footnote of the evaluation
    (["ITO"], False),  # ASCII: decoded, never counted on the stored JSON
    (["外包", "服务"], False),
    (["坚持", "相结合"], True),
    (["人才", "培养"], True),
    (["不在文中的词"], False),
])
def test_counts_only_equal_the_occurrences(corpus_index, words, all_words):
    full = kwic_lookup(corpus_index, words, all_words=all_words)
    counted = kwic_lookup(corpus_index, words, all_words=all_words, counts_only=True)
    assert counted.counts() == full.counts()
    assert list(counted.counts()) == list(full.counts())  # documents in the same order
    assert counted.totals() == full.totals() and counted.total == full.total
    assert (counted.documents, counted.total_documents, counted.hints) == (full.documents, full.total_documents, full.hints)


def test_the_lead_and_the_footnote_are_in_the_corpus(corpus_index):
    # What the two cases above are there for: a section with a run-in lead holding 坚持, and a footnote holding 量纲.
    occ = kwic_lookup(corpus_index, ["量纲"]).occurrences
    assert any(o.where == "footnote" for o in occ)
    from kb.store import Store

    leads = [p.lead for d in Store(corpus_index).snapshot().documents() for s in d.walk() for p in s.paragraphs if p.lead]
    assert any("坚持" in x for x in leads)


def test_name_lookup_in_the_file_equals_the_lookup_over_every_term(corpus_index):
    from kb.glossary import load_terms
    from kb.lookup import TermNotFoundError, by_document, lookup, lookup_in_generation
    from kb.store import Store

    snap = Store(corpus_index).snapshot()
    assert (snap.path / "term-names.sqlite").is_file()
    terms = load_terms(snap.path)
    names = {n for t in terms for n in [t.term] + [a.name for a in t.aliases]}
    queries = sorted(names) + [n[:2] for n in names] + [n[1:] for n in names] + ["ito", "ＩＴＯ", "評價辦法", "xyz"]

    def answer(fn):
        try:
            return [(m.term, m.mode, m.name, m.score) for m in fn()]
        except TermNotFoundError as e:
            return ("not found", e.suggestions)

    for doc_id in [None, *sorted({t.source.doc_id for t in terms})]:
        for q in queries:
            for mode in ("auto", "exact", "fuzzy"):
                assert answer(lambda: lookup_in_generation(snap.path, q, mode, doc_id)) == \
                    answer(lambda: lookup(by_document(terms, doc_id), q, mode)), (q, mode, doc_id)


def test_documents_of_the_matches_read_whole_equal_whooshs_column(corpus_index):
    from kb import index, search_session
    from kb.store import Store

    ses = search_session.session(Store(corpus_index).snapshot())
    every = set(range(ses.searcher.reader().doc_count_all()))
    assert ses.doc_ids_of(every) == index.doc_ids_of(ses.searcher, every)
    assert Counter(ses.doc_ids_of(every).values()) == Counter(
        d.id for d in Store(corpus_index).snapshot().documents() for _ in d.walk())
    # Counting the documents of a set of sections by slicing the column: as counting their names.
    for part in (set(), {0}, set(range(0, len(every), 3)), every):
        assert ses.documents_of(part) == len(set(ses.doc_ids_of(part).values()))
    # A frozenset's count is kept while it lives, and never answers for another set.
    ses._doc_ordinals = None  # the first count of a few sections slices, as in a fresh session
    plan_sections = frozenset(d for d, name in ses.doc_ids_of(every).items() if name == PLAN_ID)
    for part in (frozenset({0}), plan_sections, plan_sections, frozenset(every), frozenset(every - plan_sections)):
        assert ses.documents_of(part) == len(set(ses.doc_ids_of(part).values()))
    assert ses.documents_of(plan_sections) == 1 and ses.documents_of(frozenset(every)) == 2


def test_whoosh_is_loaded_without_its_english_morphology_which_still_answers():
    import subprocess
    import sys

    code = ("import sys, kb.index; loaded = 'whoosh.lang.morph_en' in sys.modules; "
            "from whoosh.query.terms import variations; import whoosh.lang.morph_en as m; "
            "print(loaded, sorted(variations('running')) == sorted(m.variations('running')), 'ran' in variations('running'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True", "True"]


# -- exact top-k (kb.whoosh_compat.top_docs) ------------------------------------------------------

TOP_K_QUERIES = ["服务外包", "金融硅谷", '"促进服务外包"', "云计算 AND 物联网", "離岸服務外包", "离岸服务外包是什么",
                 "人才 NOT 培养", "服务* AND 发展", "title:规划", "外包 OR 示范城市", "苏州搞服务外包最大的短板是什么",
                 "综合评价 ANDMAYBE 示范", '"服务外包产业"', "务外包产"]


def _queries_built(index_dir, texts):
    """Every (query, allowed set) a search of ``texts`` hands to top_docs, with its searcher."""
    from kb import search_session, whoosh_compat
    from kb.search import search
    from kb.store import Store

    seen = []
    real = whoosh_compat.top_docs

    def spy(searcher, q, limit, within=None):
        seen.append((q, within))
        return real(searcher, q, limit, within)

    whoosh_compat.top_docs = spy
    try:
        for t in texts:
            search(index_dir, t, limit=5)
    finally:
        whoosh_compat.top_docs = real
    return search_session.session(Store(index_dir).snapshot()).searcher, seen


def _whooshs(within):
    """The documents a search allowed, as Whoosh's filter takes them: a set (a word's kept
    frozenset is handed to top_docs as it is, and Whoosh refuses a frozenset)."""
    return None if within is None else set(within)


def _check_top_docs_against_every_score(searcher, seen):
    """top_docs equals Whoosh scoring every match (no pruning), and its top k is the first k of
    that, with MaxScore's pruning (which small indexes skip: here asked of every index) and without."""
    from kb import whoosh_compat
    from kb.whoosh_compat import top_docs

    assert seen
    for q, within in seen:
        every = {r.docnum: r.score for r in searcher.search(q, limit=None, filter=_whooshs(within))}
        mine = top_docs(searcher, q, None, within)
        assert {d for d, _ in mine} == set(every), q
        # The same arithmetic, summed in another order where Whoosh's tree of matchers differs.
        assert all(abs(s - every[d]) <= 1e-9 * max(1.0, abs(s)) for d, s in mine), q
        assert mine == sorted(mine, key=lambda r: (-r[1], r[0]))
        for prune_from in (whoosh_compat.PRUNE_FROM, 0):
            default, whoosh_compat.PRUNE_FROM = whoosh_compat.PRUNE_FROM, prune_from
            try:
                for k in (1, 5, 10, 30):
                    assert top_docs(searcher, q, k, within) == mine[:k], (q, k, prune_from)
            finally:
                whoosh_compat.PRUNE_FROM = default


def test_top_docs_is_every_score_ranked_on_the_bundled_corpus(corpus_index):
    _check_top_docs_against_every_score(*_queries_built(corpus_index, TOP_K_QUERIES))


def test_top_docs_is_every_score_ranked_on_the_real_index(real_ingest):
    from bench import natural

    texts = [c["q"] for c in natural.load_cases()] + TOP_K_QUERIES
    _check_top_docs_against_every_score(*_queries_built(real_ingest[0], texts))


def test_top_docs_is_every_score_ranked_on_three_copies_in_two_segments(tmp_path, corpus_index, monkeypatch):
    """Equal copies score alike (ties: the lower document number first) and a segment's numbers
    are shifted into the index's: the bundled corpus three times, written as two segments."""
    import os
    import shutil

    from bench.replicas import renamed
    from kb import index
    from kb.store import Store

    if (os.cpu_count() or 1) < 2 or not hasattr(os, "fork"):
        pytest.skip("one core, or no fork: a full build writes one segment in one process")
    snap = Store(corpus_index).snapshot()
    monkeypatch.setattr(index, "PARALLEL_SECTIONS", 1)
    where = tmp_path / "three"
    with Store(where).writer() as gen:
        for i in range(3):
            for d in snap.documents():
                c = renamed(d, f"{d.id}-{i}")
                gen.put(c, {"path": f"/nowhere/{c.id}.pdf", "size": 0, "mtime_ns": 0, "sha256": c.id})
        shutil.copy(snap.path / "terms.json", gen.path / "terms.json")
        index.build_index(gen, gen.docs(), reuse=False)
    assert len(list((Store(where).snapshot().path / "whoosh").glob("*.trm"))) == 2
    searcher, seen = _queries_built(where, TOP_K_QUERIES)
    _check_top_docs_against_every_score(searcher, seen)
    # Three equal copies of each section: the first copy's first.
    from kb.whoosh_compat import top_docs

    q = seen[0][0]
    ranked = top_docs(searcher, q, None, None)
    assert len(ranked) % 3 == 0 and ranked[0][1] == ranked[1][1] == ranked[2][1]
    # The doc_id column of both segments read whole, joined: as Whoosh reads it, document by document.
    from kb import search_session

    ses = search_session.session(Store(where).snapshot())
    every = set(range(searcher.reader().doc_count_all()))
    assert ses.doc_ids_of(every) == index.doc_ids_of(searcher, every)
    assert ses.documents_of(every) == 3 * len(snap.manifest)


def test_whooshs_own_pruned_top_k_misses_a_section_top_docs_finds(corpus_index):
    """Why kb does not use Whoosh's collector: with block-quality pruning it leaves out a section
    of the top 30 (UnionMatcher.skip_to_quality skips against the other side's current block)."""
    from kb.whoosh_compat import top_docs

    searcher, seen = _queries_built(corpus_index, ["苏州搞服务外包最大的短板是什么"])
    q, within = seen[0]
    every = sorted(((r.docnum, r.score) for r in searcher.search(q, limit=None, filter=_whooshs(within))),
                   key=lambda r: (-r[1], r[0]))
    pruned = [r.docnum for r in searcher.search(q, limit=30, filter=_whooshs(within))]
    assert [d for d, _ in top_docs(searcher, q, 30, within)] == [d for d, _ in every[:30]]
    assert set(pruned) != {d for d, _ in every[:30]}



def test_top_docs_asked_again_answers_as_the_first_time(corpus_index, monkeypatch):
    """A common term's scores are kept from the first time they are asked for, a few documents at a
    time (whoosh_compat._some_scores), and its decoded postings searched by bisection (_picked):
    the first, second and third top k of every query are the first k of every match scored, exactly.
    The bundled corpus's terms count as common here (the thresholds lowered to one posting, MaxScore
    asked of it), so these paths are taken as a common word's are at ×1000."""
    import weakref

    from kb import whoosh_compat
    from kb.whoosh_compat import top_docs

    searcher, seen = _queries_built(corpus_index, TOP_K_QUERIES)
    every = [top_docs(searcher, q, None, within) for q, within in seen]
    for name in ("_SOME_SCORES", "_TERM_SCORES", "_TERM_BEST", "_DECODED"):
        monkeypatch.setattr(whoosh_compat, name, weakref.WeakKeyDictionary())
    for name in ("KEEP_SCORES_FROM", "KEEP_DECODED_FROM", "PRUNE_FROM"):
        monkeypatch.setattr(whoosh_compat, name, 0 if name == "PRUNE_FROM" else 1)
    picked = []
    real_picked = whoosh_compat._picked

    def spy(ids, weights, within):
        picked.append(len(within) * whoosh_compat.PICK_UNDER < len(ids))
        return real_picked(ids, weights, within)

    monkeypatch.setattr(whoosh_compat, "_picked", spy)
    leaf = searcher.leaf_searchers()[0][0]
    for _ in range(3):  # the first search, the second (scores looked up), the third
        for (q, within), mine in zip(seen, every):
            for k in (1, 5, 10, 30):
                assert top_docs(searcher, q, k, within) == mine[:k], (q, k)
        assert whoosh_compat._SOME_SCORES.get(leaf)  # scores kept a few documents at a time
    assert any(picked)  # postings found by bisection
