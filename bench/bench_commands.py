"""Every query command as a whole `kb` process on the bundled corpus (×1), this checkout against
another one, interleaved run by run so both share the machine's load.

    PYTHONPATH=. python bench/bench_commands.py --baseline DIR [--runs 15]

DIR is another checkout (``git archive <commit> | tar -x -C DIR``); each checkout ingests the
bundled corpus into its own temporary index with its own code first, then every command below
runs once to fill the page cache and ``--runs`` times more, alternating between the two. The
figures are medians of wall-clock and of the child's CPU seconds: what a user waits for at ×1,
where interpreter start-up and imports are most of a command. Issue 13 asked that nothing at ×1
get slower while the ×1000 figures came down. Both checkouts are byte-compiled first
(bench.common.byte_compiled), as an installed kb is.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import byte_compiled  # noqa: E402

COMMANDS = {  # what a user types after `kb`, as on the bundled corpus
    "search, common word": ["search", "服务外包"],
    "search, rare word": ["search", "金融硅谷"],
    "search, phrase": ["search", '"促进服务外包"'],
    "search, AND": ["search", "云计算 AND 物联网"],
    "search, traditional": ["search", "離岸服務外包"],
    "search, question": ["search", "离岸服务外包是什么"],
    "glossary ITO": ["glossary", "ITO"],
    "keyword --count": ["keyword", "服务外包", "--count"],
    "export one section": ["export", "第五章", "--doc", "苏州"],
    "docs": ["docs"],
}


def run(checkout: Path, index: Path, args: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one `kb` process of ``checkout``; its output is discarded."""
    env = {**os.environ, "PYTHONPATH": str(checkout), "KB_INDEX": str(index)}
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    done = subprocess.run([sys.executable, str(checkout / "cli.py"), *args], cwd=checkout, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{checkout}: kb {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()[:300]}")
    return wall, r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline", required=True, type=Path)
    ap.add_argument("--runs", type=int, default=15)
    a = ap.parse_args()
    checkouts = {"this": ROOT, "baseline": a.baseline.resolve()}
    byte_compiled(*checkouts.values())
    with tempfile.TemporaryDirectory() as tmp:
        indexes = {}
        for name, c in checkouts.items():
            indexes[name] = Path(tmp) / name
            run(c, indexes[name], ["ingest", str(c / "corpus")])
        print(f"whole `kb` processes on the bundled corpus, medians of {a.runs} (wall / CPU seconds), "
              f"load average {os.getloadavg()[0]:.1f}")
        print(f"| command | this checkout | baseline ({a.baseline}) | ratio |")
        print("|---|---|---|---|")
        for label, args in COMMANDS.items():
            got = {name: ([], []) for name in checkouts}
            for name, c in checkouts.items():
                run(c, indexes[name], args)  # the page cache, and any lazily built file
            for _ in range(a.runs):
                for name, c in checkouts.items():
                    wall, cpu = run(c, indexes[name], args)
                    got[name][0].append(wall)
                    got[name][1].append(cpu)
            med = {name: (statistics.median(w), statistics.median(u)) for name, (w, u) in got.items()}
            print(f"| {label} | {med['this'][0]:.3f} / {med['this'][1]:.3f} s | "
                  f"{med['baseline'][0]:.3f} / {med['baseline'][1]:.3f} s | ×{med['baseline'][0] / med['this'][0]:.2f} |")


if __name__ == "__main__":
    main()
