"""What issue 15's additions cost: a hit's path, page and citation (kb.citation.hit_sources)
against the search itself, and the whole processes `kb search --json`, `kb docs --format tsv`
and `kb --help` on the bundled corpus.

    PYTHONPATH=. python bench/bench_workflow.py [--repeat 7]

Figures are medians of one run; on a shared machine compare the ratios printed together.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kb.citation import hit_sources  # noqa: E402
from kb.ingest import ingest  # noqa: E402
from kb.search import search  # noqa: E402

QUERIES = ["服务外包", "人才", "离岸服务外包", "BPO", "云计算", "苏州工业园区", "满意度"]


def _process(args, index, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "cli.py"), "--index", str(index), *args],
                       capture_output=True, cwd=ROOT, check=False)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=7)
    repeat = ap.parse_args().repeat
    with tempfile.TemporaryDirectory() as tmp:
        index = Path(tmp) / "index"
        ingest([ROOT / "corpus"], index)
        search(index, "服务外包")  # open the searcher once, as a long-running caller would
        found, sourced = [], []
        for _ in range(repeat):
            for q in QUERIES:
                t = time.perf_counter()
                result = search(index, q, limit=10)
                t1 = time.perf_counter()
                hit_sources(index, result.hits)
                found.append(t1 - t)
                sourced.append(time.perf_counter() - t1)
        s, h = statistics.median(found) * 1000, statistics.median(sourced) * 1000
        print(f"in-process, 10 hits: search {s:.1f} ms, path+page+citation {h:.1f} ms (ratio {h / s:.2f})")
        plain = _process(["search", "服务外包"], index, repeat)
        as_json = _process(["search", "服务外包", "--json"], index, repeat)
        print(f"whole process: kb search {plain:.3f} s, kb search --json (with citations) {as_json:.3f} s "
              f"(ratio {as_json / plain:.2f})")
        print(f"whole process: kb docs --format tsv {_process(['docs', '--format', 'tsv'], index, repeat):.3f} s, "
              f"kb --help {_process(['--help'], index, repeat):.3f} s")


if __name__ == "__main__":
    main()
