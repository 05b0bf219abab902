"""What the natural-query sets (test_natural, test_heldout, test_fresh) check alike; each keeps its own thresholds.

A set is a list of cases from bench/natural.py (``q``, ``kind``, ``doc``, ``answer``); ``ranks``
are kb's rank of the first answering section for each case (None: not found).
"""
from __future__ import annotations

import re
from collections import Counter

from bench import natural


def check_set_shape(cases, kinds: set[str], min_documents: int) -> None:
    """At least 80 queries, every kind present with 5 or more, over ``min_documents`` documents."""
    assert len(cases) >= 80
    counts = Counter(c["kind"] for c in cases)
    assert set(counts) == kinds, counts
    assert min(counts.values()) >= 5, counts
    assert len({c["doc"] for c in cases}) >= min_documents


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
