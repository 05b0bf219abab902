"""Ingest speed on the bundled corpus, and peak memory on a 40- vs a 400-page PDF.

    PYTHONPATH=. python bench/bench_ingest.py [--runs 3]

Speed: pages per second over a fresh ingest of corpus/ (median of --runs runs).
Memory: each ingest runs in its own child process, which reports its peak RSS
(getrusage ru_maxrss); the two PDFs repeat the plan's pages (made with pikepdf in a temp dir).
Flat memory means the 400-page peak stays close to the 40-page one, not ten times it.
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
PLAN = ROOT / "corpus" / "苏州市服务外包产业十二五发展规划.pdf"

CHILD = """
import resource, sys
from kb.ingest import ingest
report = ingest([sys.argv[1]], sys.argv[2], max_pages=1000, max_seconds=3600)
assert report.ok, report.skipped
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def make_pdf(pages: int, out: Path) -> Path:
    import pikepdf

    with pikepdf.open(PLAN) as src, pikepdf.new() as dst:
        while len(dst.pages) < pages:
            for page in src.pages:
                if len(dst.pages) == pages:
                    break
                dst.pages.append(page)
        dst.save(out)
    return out


def peak_rss_mib(pdf: Path, index: Path) -> float:
    out = subprocess.run([sys.executable, "-c", CHILD, str(pdf), str(index)], cwd=ROOT, check=True,
                         capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": ""})
    return int(out.stdout.strip().splitlines()[-1]) / 1024  # Linux reports KiB


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from kb.ingest import ingest

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        rates = []
        for n in range(args.runs):
            start = time.perf_counter()
            report = ingest([ROOT / "corpus"], tmp / f"speed{n}" / "index")
            rates.append(report.pages / (time.perf_counter() - start))
        print(f"corpus ingest: {statistics.median(rates):.1f} pages/s (median of {args.runs}; runs {', '.join(f'{r:.1f}' for r in rates)})")

        peaks = {}
        for pages in (40, 400):
            pdf = make_pdf(pages, tmp / f"plan{pages}.pdf")
            runs = [peak_rss_mib(pdf, tmp / f"mem{pages}-{n}" / "index") for n in range(max(1, args.runs // 2))]
            peaks[pages] = statistics.median(runs)
            print(f"{pages:>4}-page PDF: peak RSS {peaks[pages]:.0f} MiB (median of {len(runs)})")
        print(f"peak RSS ratio 400/40 pages: {peaks[400] / peaks[40]:.2f} (10 pages for 1 would be 10.00)")


if __name__ == "__main__":
    main()
