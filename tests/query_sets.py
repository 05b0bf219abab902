"""What the two natural-query sets (test_natural, test_heldout) check alike; each keeps its own thresholds.

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
