"""Ingest speed on the bundled corpus and ../shared/real, and peak memory against document length.

    PYTHONPATH=. python bench/bench_ingest.py [--runs 3] [--baseline DIR] [--workers N]

Speed: pages per second over a fresh ingest of corpus/ and of the positive files of
../shared/real (MANIFEST.json roles), each ingest a whole `kb ingest` process (median of --runs).
With ``--baseline DIR`` (another checkout, e.g. ``git archive <commit> | tar -x -C DIR``) the same
ingests run with that code too, interleaved run by run, so before/after share the machine's load.
Both checkouts are byte-compiled first (bench.common.byte_compiled), as an installed kb is.
Memory: each ingest runs in its own child process, which reports its peak RSS
(getrusage ru_maxrss); the two PDFs repeat the plan's pages (made with pikepdf in a temp dir).
Flat memory means the 400-page peak stays close to the 40-page one, not ten times it.
Parsing alone: pages per CPU-second of one process parsing each file in turn (kb.parse, no pool,
no index), which a loaded machine disturbs less than wall-clock time; and the peak RSS of that
process (what one worker holds) on the 234-page code of ../shared/real against a 2-page notice.
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
PLAN = ROOT / "corpus" / "苏州市服务外包产业十二五发展规划.pdf"

CHILD = """
import resource, sys
from kb.ingest import ingest
report = ingest([sys.argv[1]], sys.argv[2], max_pages=1000, max_seconds=3600)
assert report.ok, report.skipped
# The parse runs in worker processes: the peak is the largest of this process and its children.
print(max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
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


TIMED = """
import json, resource, sys, time
from kb.ingest import ingest
start = time.perf_counter()
extra = {"workers": int(sys.argv[3])} if sys.argv[3] != "-" else {}
report = ingest(json.loads(sys.argv[1]), sys.argv[2], **extra)
cpu = sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)))
print(json.dumps({"pages": report.pages, "seconds": time.perf_counter() - start, "cpu": cpu, "skipped": len(report.skipped)}))
"""


PARSE = """
import json, resource, sys, time
from pathlib import Path
from kb.parse import parse_pdf
import pdfplumber  # imported before the clock starts, as a worker does
pages, start = 0, time.process_time()
for f in json.loads(sys.argv[1]):
    pages += parse_pdf(Path(f), Path(f).stem, sha256="-", max_seconds=float("inf")).page_count
print(json.dumps({"pages": pages, "cpu": time.process_time() - start,
                  "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def parse_cpu(code: Path, files: list[str]) -> dict:
    import json

    out = subprocess.run([sys.executable, "-c", PARSE, json.dumps(files)], cwd=code, check=True,
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(code)})
    return json.loads(out.stdout.strip().splitlines()[-1])


def pdf_files(paths: list[str]) -> list[str]:
    out = []
    for p in map(Path, paths):
        out += sorted(str(f) for f in p.glob("*.pdf")) if p.is_dir() else [str(p)]
    return out


def real_positives() -> list[str]:
    import json

    real = Path(os.environ.get("KB_REAL_PDFS") or ROOT.parent / "shared" / "real")
    if not (real / "MANIFEST.json").exists():
        return []
    files = json.loads((real / "MANIFEST.json").read_text(encoding="utf-8"))["files"]
    return [str(real / f["short_name"]) for f in files if f.get("role") == "positive" and (real / f["short_name"]).exists()]


def timed_ingest(code: Path, paths: list[str], index: Path, workers: str) -> tuple[float, int, float]:
    """(pages per second, pages, CPU-seconds per page of the whole ingest: the process and its workers)."""
    import json

    out = subprocess.run([sys.executable, "-c", TIMED, json.dumps(paths), str(index), workers], cwd=code, check=True,
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(code)})
    r = json.loads(out.stdout.strip().splitlines()[-1])
    return r["pages"] / r["seconds"], r["pages"], r["cpu"] / r["pages"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--baseline", type=Path, help="another checkout to compare with (same runs, interleaved)")
    ap.add_argument("--workers", default="-", help="worker processes for this checkout (default: one per core)")
    ap.add_argument("--no-memory", action="store_true", help="skip the 40/400-page memory figures")
    ap.add_argument("--no-ingest", action="store_true", help="parsing alone: skip the whole-ingest runs")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from bench.common import byte_compiled

    byte_compiled(ROOT, *([args.baseline] if args.baseline else []))

    sets = {"bundled corpus": [str(ROOT / "corpus")]}
    if real_positives():
        sets["../shared/real positives"] = real_positives()
    codes = {"this checkout": ROOT} | ({"baseline": args.baseline.resolve()} if args.baseline else {})
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for label, paths in sets.items():
            cpu: dict[str, list[float]] = {c: [] for c in codes}
            for n in range(args.runs):
                for name, code in codes.items():
                    r = parse_cpu(code, pdf_files(paths))
                    cpu[name].append(r["pages"] / r["cpu"])
            for name in codes:
                print(f"{label}, parsing alone, {name}: {statistics.median(cpu[name]):.1f} pages per CPU-second "
                      f"(median of {args.runs}; runs {', '.join(f'{x:.1f}' for x in cpu[name])})")
            if args.baseline:
                print(f"{label}, parsing alone: ×{statistics.median(cpu['this checkout']) / statistics.median(cpu['baseline']):.2f} against the baseline")
        long_short = [f for f in (real_positives() or []) if Path(f).name.startswith(("minfadian", "hz_yibao"))]
        if len(long_short) == 2:
            for name, code in codes.items():
                figures = {Path(f).name: parse_cpu(code, [f]) for f in sorted(long_short, reverse=True)}
                print(f"one parsing process, {name}: peak RSS " + ", ".join(
                    f"{v['rss']:.0f} MiB for {k} ({v['pages']} pages)" for k, v in figures.items()))
        if args.no_ingest:
            return
        for label, paths in sets.items():
            rates: dict[str, list[float]] = {c: [] for c in codes}
            cpus: dict[str, list[float]] = {c: [] for c in codes}
            pages = 0
            for n in range(args.runs):
                for name, code in codes.items():
                    rate, pages, cpu_page = timed_ingest(code, paths, tmp / f"{name}-{label}-{n}".replace(" ", "_").replace("/", "_"),
                                               args.workers if name == "this checkout" else "-")
                    rates[name].append(rate)
                    cpus[name].append(cpu_page)
            for name in codes:
                r = rates[name]
                print(f"{label} ({pages} pages), {name}: {statistics.median(r):.1f} pages/s, "
                      f"{statistics.median(cpus[name]):.3f} CPU-s a page, workers included "
                      f"(median of {args.runs}; runs {', '.join(f'{x:.1f}' for x in r)}; load average {os.getloadavg()[0]:.1f})")
            if args.baseline:
                print(f"{label}: ×{statistics.median(rates['this checkout']) / statistics.median(rates['baseline']):.2f} against the baseline")
        if args.no_memory:
            return

        peaks = {}
        for pages in (40, 400):
            pdf = make_pdf(pages, tmp / f"plan{pages}.pdf")
            runs = [peak_rss_mib(pdf, tmp / f"mem{pages}-{n}" / "index") for n in range(max(1, args.runs // 2))]
            peaks[pages] = statistics.median(runs)
            print(f"{pages:>4}-page PDF: peak RSS {peaks[pages]:.0f} MiB (median of {len(runs)})")
        print(f"peak RSS ratio 400/40 pages: {peaks[400] / peaks[40]:.2f} (10 pages for 1 would be 10.00)")


if __name__ == "__main__":
    main()
