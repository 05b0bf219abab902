"""What the natural-query sets (test_natural, test_heldout, test_fresh, test_fresh2, test_fresh3) check alike; each keeps its own thresholds.

A set is a list of cases from bench/natural.py (``q``, ``kind``, ``doc``, ``answer``); ``ranks``
are kb's rank of the first answering section for each case (None: not found).
"""
from __future__ import annotations

import re
from collections import Counter

import pytest

from bench import natural


def check_set_shape(cases, kinds: set[str], min_documents: int, min_queries: int = 80, min_per_kind: int = 5) -> None:
    """At least ``min_queries`` queries, every kind present with ``min_per_kind`` or more, over ``min_documents`` documents."""
    assert len(cases) >= min_queries
    counts = Counter(c["kind"] for c in cases)
    assert set(counts) == kinds, counts
    assert min(counts.values()) >= min_per_kind, counts
    assert len({c["doc"] for c in cases}) >= min_documents


def check_new_wording(cases, earlier_sets) -> None:
    """No query within difflib 0.7 of a query of an earlier set (``earlier_sets``: their files) or of
    tests/relevance.json: a set written after others were tuned on must not ask their questions again."""
    import difflib
    import json

    earlier = [c["q"] for path in earlier_sets for c in natural.load_cases(path)]
    earlier += [c["q"] for c in json.loads((natural.ROOT / "tests" / "relevance.json").read_text(encoding="utf-8"))["queries"]]
    close = [(c["q"], e) for c in cases for e in earlier if difflib.SequenceMatcher(None, c["q"], e).ratio() > 0.7]
    assert not close


def check_answers_are_phrases(cases) -> None:
    for c in cases:
        for a in [c["answer"], *c.get("alt_answers", [])]:
            assert 4 <= len(a) <= 40 and not re.search(r"\s", a), (c["q"], a)


def check_figures(name: str, cases, ranks, hit5_min: float, mrr_min: float, capsys) -> None:
    """hit@5 and MRR at or above the set's thresholds; the figures are printed, the misses named."""
    hit5, mrr = natural.figures(ranks)
    with capsys.disabled():
        print(f"\n{name}: {len(ranks)}, hit@5 {hit5:.3f}, MRR {mrr:.3f}")
    missed = [c["q"] for c, r in zip(cases, ranks) if not r or r > 5]
    assert hit5 >= hit5_min, missed
    assert mrr >= mrr_min


def check_kind(cases, ranks, kind: str, hit5_min: float) -> None:
    mine = [r for c, r in zip(cases, ranks) if c["kind"] == kind]
    hit5, _ = natural.figures(mine)
    assert hit5 >= hit5_min, (kind, hit5)


def index_for(case, real_ingest, corpus_index):
    """The index a case is asked of: the bundled corpus's for its documents, else the real set's."""
    return corpus_index if natural.bundled(case) else real_ingest[0]


def kb_ranks(cases, real_ingest, corpus_index) -> list:
    return [natural.kb_rank(index_for(c, real_ingest, corpus_index), c) for c in cases]


def check_answers_stored(cases, real_ingest, corpus_index) -> None:
    """The answer phrases were copied from the PDFs: each must be in its document's stored text,
    or a miss would be the set's fault, not the search's."""
    from kb.search_session import session
    from kb.store import Store

    missing = []
    for c in cases:
        snap = Store(index_for(c, real_ingest, corpus_index)).snapshot()
        ses = session(snap)
        doc = snap.document(c["doc"])
        text = natural._norm("".join(s.title + ses.section_text(c["doc"], s.id) for s in doc.walk()))
        if not any(a in text for a in natural.answers(c)):
            missing.append((c["doc"], c["answer"]))
    assert not missing


class QuerySetChecks:
    """The checks every held-out set gets, as a class a test module subclasses (``class
    TestFresh2(QuerySetChecks)``) with its own values: ``NAME``, ``CASES``, ``KINDS``, ``MIN_DOCUMENTS``,
    ``MIN_QUERIES``, ``EARLIER`` (files of the sets written before it), ``HIT1`` (None: not checked),
    ``HIT5``, ``MRR``, ``KIND_HIT5``, ``NAMES_SECTIONS`` (each case names its section). The module keeps its own tests of the rules its misses led to."""

    NAME = CASES = KINDS = EARLIER = None
    MIN_DOCUMENTS, MIN_QUERIES, HIT1, NAMES_SECTIONS, MIN_PER_KIND = 12, 80, None, True, 5
    HIT5 = MRR = KIND_HIT5 = 1.0

    def test_the_set_is_large_and_covers_every_kind(self):
        check_set_shape(self.CASES, self.KINDS, self.MIN_DOCUMENTS, self.MIN_QUERIES, self.MIN_PER_KIND)

    def test_no_query_repeats_the_wording_of_an_earlier_set(self):
        check_new_wording(self.CASES, self.EARLIER)

    def test_each_case_names_its_section_and_one_unbroken_phrase(self):
        if self.NAMES_SECTIONS:
            assert not [c["q"] for c in self.CASES if not c["section"].strip()]
        check_answers_are_phrases(self.CASES)

    def test_each_answer_is_in_its_document_as_stored(self, real_ingest, corpus_index):
        check_answers_stored(self.CASES, real_ingest, corpus_index)

    @pytest.fixture(scope="class")
    @classmethod
    def ranks(cls, real_ingest, corpus_index):
        return kb_ranks(cls.CASES, real_ingest, corpus_index)

    def test_hit_at_1_and_5_and_mrr(self, ranks, capsys):
        check_figures(self.NAME, self.CASES, ranks, self.HIT5, self.MRR, capsys)
        if self.HIT1 is not None:
            assert natural.hit_at_1(ranks) >= self.HIT1

    def test_each_kind_finds_most_of_its_answers(self, ranks):
        short = {}
        for kind in sorted(self.KINDS):
            hit5, _ = natural.figures([r for c, r in zip(self.CASES, ranks) if c["kind"] == kind])
            if hit5 < self.KIND_HIT5:
                short[kind] = hit5
        assert not short
