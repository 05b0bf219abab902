"""Recall@3 and MRR of tests/relevance.json against an index (default: the bundled corpus, built in a temp dir).

    PYTHONPATH=. python bench/relevance.py [INDEX_DIR]
"""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = json.loads((ROOT / "tests" / "relevance.json").read_text(encoding="utf-8"))


def expected(case) -> str:
    short, rest = case["expect"].split("/", 1)
    return f"{CASES['docs'][short]}/{rest}"


def rank_of(index_dir, case, depth: int = 10) -> int | None:
    from kb.search import search

    hits = search(index_dir, case["q"], limit=depth).hits
    ids = [h.section_id for h in hits]
    want = expected(case)
    return ids.index(want) + 1 if want in ids else None


def evaluate(index_dir):
    ranks = [(case, rank_of(index_dir, case)) for case in CASES["queries"]]
    recall3 = sum(1 for _, r in ranks if r and r <= 3) / len(ranks)
    mrr = sum(1 / r for _, r in ranks if r) / len(ranks)
    return ranks, recall3, mrr


def main(argv):
    if argv:
        index_dir = argv[0]
    else:
        from kb.ingest import ingest

        index_dir = Path(tempfile.mkdtemp()) / "index"
        ingest([ROOT / "corpus"], index_dir)
    ranks, recall3, mrr = evaluate(index_dir)
    for case, r in ranks:
        print(f"{r if r else '-':>2}  {case['kind']:<12} {case['q']}")
    print(f"queries {len(ranks)}  recall@3 {recall3:.3f}  MRR {mrr:.3f}")


if __name__ == "__main__":
    main(sys.argv[1:])
