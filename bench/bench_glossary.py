"""Time `kb glossary`: the whole process (what a user waits for) and the lookup alone.

Usage: python bench/bench_glossary.py [--index DIR] [--runs N]
Builds the bundled corpus into a temp index when --index is not given. Prints medians.
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


if __name__ == "__main__":
    main()
