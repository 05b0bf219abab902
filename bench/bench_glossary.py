"""Time `kb glossary`: the whole process (what a user waits for) and the lookup alone.

Usage: python bench/bench_glossary.py [--index DIR] [--runs N] [--scales 1,10,30]
Builds the bundled corpus into a temp index when --index is not given. Prints medians.
Then, for each scale, the bundled documents replicated (distinct ids) and the time to count every
term's uses: one trie scan per section (kb.glossary.all_uses) against one regex per term over
every section (the rule it replaced), which grows with terms × sections (issue 13).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BUDGET = 0.2  # seconds, whole process (issue 4)
QUERIES = ["ITO", "離岸服務外包", "示范城市", "离岸外包"]  # alias, traditional, 简称, fuzzy


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index")
    ap.add_argument("--runs", type=int, default=21)
    ap.add_argument("--scales", default="1,10,30")
    args = ap.parse_args()
    index = args.index
    if index is None:
        from kb.ingest import ingest

        index = str(Path(tempfile.mkdtemp()) / "index")
        ingest([ROOT / "corpus"], index)

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    base = []
    for _ in range(args.runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True, env=env)
        base.append(time.perf_counter() - t)
    print(f"python startup alone                 median {statistics.median(base) * 1000:6.1f} ms")
    for q in QUERIES:
        runs = []
        for _ in range(args.runs):
            t = time.perf_counter()
            subprocess.run([sys.executable, str(ROOT / "cli.py"), "--index", index, "glossary", q],
                           check=True, env=env, stdout=subprocess.DEVNULL)
            runs.append(time.perf_counter() - t)
        med = statistics.median(runs)
        print(f"kb glossary {q:<12} whole process   median {med * 1000:6.1f} ms  ({med / BUDGET:.2f} of the 0.2 s budget)")

    from kb.glossary import load_terms
    from kb.lookup import lookup
    from kb.store import Store

    path = Store(index).snapshot().path
    t = time.perf_counter()
    terms = load_terms(path)
    load = time.perf_counter() - t
    print(f"load terms.json ({len(terms)} terms)         {load * 1000:6.2f} ms")
    for q in QUERIES:
        lookup(terms, q)  # warm: imports of opencc / rapidfuzz are counted in the whole-process figure
        runs = []
        for _ in range(args.runs):
            t = time.perf_counter()
            lookup(terms, q)
            runs.append(time.perf_counter() - t)
        print(f"lookup {q:<12} in process         median {statistics.median(runs) * 1000:6.2f} ms")


    uses_at_scale(index, [int(x) for x in args.scales.split(",") if x])


def _regex_per_term(terms, docs):
    import re

    from kb.glossary import _names_for_uses

    out = []
    for t in terms:
        everywhere, local = _names_for_uses(t)
        n = 0
        for doc in docs:
            names = sorted({x for x in everywhere + (local if doc.id == t.source.doc_id else []) if x}, key=len, reverse=True)
            pat = re.compile("|".join(rf"(?<![A-Za-z]){re.escape(x)}(?![A-Za-z])" if x.isascii() else re.escape(x) for x in names))
            for sec in doc.walk():
                n += len(pat.findall(sec.text))
        out.append(n)
    return out


def uses_at_scale(index, scales) -> None:
    from dataclasses import replace

    from kb.glossary import all_uses, extract_terms
    from kb.store import Store

    base = Store(index).snapshot().documents()
    for k in scales:
        docs = [replace(d, id=f"{d.id}#{i}") for i in range(k) for d in base]
        terms = [t for d in docs for t in extract_terms(d)]
        t0 = time.perf_counter()
        fast = all_uses(terms, docs)
        t1 = time.perf_counter()
        slow = _regex_per_term(terms, docs) if k <= 10 else None
        t2 = time.perf_counter()
        same = "" if slow is None else ("  same counts" if slow == [sum(u.count for u in x) for x in fast] else "  COUNTS DIFFER")
        old = "" if slow is None else f"  regex per term {t2 - t1:7.2f} s"
        print(f"uses x{k:<4} {len(terms):5} terms {sum(1 for d in docs for _ in d.walk()):6} sections: one pass {t1 - t0:6.2f} s{old}{same}")


if __name__ == "__main__":
    main()
