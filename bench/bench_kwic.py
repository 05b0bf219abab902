"""How fast `kb keyword` is: in-process on the bundled corpus and on a 100× copy, and as a whole process.

The 100× corpus is the bundled documents' model objects copied with new ids into a temp store
(no PDF is parsed again), so the figures measure the lookup, not pdfplumber.

    PYTHONPATH=. python bench/bench_kwic.py [--repeat 7]
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

from kb.ingest import ingest  # noqa: E402
from bench.replicas import renamed  # noqa: E402
from kb.kwic import lookup  # noqa: E402
from kb.store import Store  # noqa: E402

WORDS = [["苏州工业园区"], ["服务外包"], ["臵"], ["苏州工业园区", "高新区"]]


def build_copies(source: Path, target: Path, times: int) -> None:
    docs = Store(source).snapshot().documents()
    with Store(target).writer() as gen:
        for n in range(times):
            for d in docs:
                gen.put(renamed(d, f"{d.id}-{n:03d}"), {"path": d.path, "sha256": d.sha256, "size": 0, "mtime_ns": 0})


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--times", type=int, default=100)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="kb-bench-kwic-"))
    small, big = tmp / "index", tmp / "index100"
    ingest([ROOT / "corpus"], small)
    build_copies(small, big, args.times)

    print(f"kb keyword, median of {args.repeat} runs")
    print(f"{'words':<22} {'1×':>10} {f'{args.times}×':>11} {'ratio':>6}")
    for words in WORDS:
        l1 = median_ms(lambda: lookup(small, words), args.repeat)
        l100 = median_ms(lambda: lookup(big, words), max(3, args.repeat // 2))
        print(f"{' '.join(words):<22} {l1:>8.1f}ms {l100:>9.1f}ms {l100 / l1:>5.1f}×")

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for label, index in (("1×", small), (f"{args.times}×", big)):
        cmd = [sys.executable, str(ROOT / "cli.py"), "--index", str(index), "keyword", "苏州工业园区", "--count"]
        ms = median_ms(lambda: subprocess.run(cmd, env=env, check=True, capture_output=True), max(3, args.repeat // 2))
        print(f"whole process `kb keyword 苏州工业园区 --count`, {label} corpus: {ms:.0f} ms")
    jieba = subprocess.run([sys.executable, "-c", "import sys, cli, kb.kwic, kb.present; print('jieba' in sys.modules, 'whoosh' in sys.modules)"],
                           env=env, capture_output=True, text=True, cwd=ROOT).stdout.strip()
    print(f"jieba / whoosh imported by the keyword path: {jieba}")


if __name__ == "__main__":
    main()
