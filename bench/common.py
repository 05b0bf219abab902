"""What the bench scripts share: replicated corpora, and timing a call or a whole `kb` process.

A ×N corpus is the bundled corpus's parsed documents copied N times under new doc ids (and
section ids), so no PDF is parsed again; each copy is stored through ``Generation.put`` as an
ingest stores it. Timings are medians and 95th percentiles; a whole process is timed by wall
clock and by the CPU seconds of the child (on a shared machine the CPU time moves less).
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KB = [sys.executable, str(ROOT / "cli.py")]


def byte_compiled(*checkouts: Path) -> None:
    """Write the bytecode of kb and cli.py in each checkout, as pip does when it installs a package.

    Python then reads .pyc files instead of compiling kb from source in every process (~0.1 s of
    CPU each: a `kb` command, and each parse worker an ingest starts). A machine that sets
    PYTHONDONTWRITEBYTECODE (this workplace's does) never writes them itself, so without this
    every timed process would pay a cost an installed kb does not.
    """
    import compileall

    for c in checkouts:
        compileall.compile_dir(str(Path(c) / "kb"), quiet=1)
        compileall.compile_file(str(Path(c) / "cli.py"), quiet=1)


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


def p50_p95(values) -> tuple[float, float]:
    return statistics.median(values), pct(values, 95)


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file()) if Path(path).exists() else 0


def text_bytes(docs) -> int:
    return sum(len(s.text.encode("utf-8")) + len(s.title.encode("utf-8")) for d in docs for s in d.walk())


def copy_id(doc_id: str, i: int, tag: str = "") -> str:
    """The id of the ``i``-th copy of ``doc_id``."""
    return f"{doc_id}-{tag}{i:04d}"


def replicas(docs, scale: int, tag: str = ""):
    """``scale`` copies of every document, one after another, under new doc and section ids."""
    from bench.replicas import renamed

    for i in range(scale):
        for d in docs:
            yield renamed(d, copy_id(d.id, i, tag))


def file_stat(doc) -> dict:
    """The manifest's file entry for a copy (it has no PDF of its own)."""
    return {"path": f"/bench/{doc.id}.pdf", "size": 0, "mtime_ns": 0, "sha256": doc.sha256}


def put_all(gen, docs, keep: bool = True) -> list:
    """Store every document of ``docs`` (an iterable) in the generation being written; the list of
    them when ``keep`` (building the search index needs them), else [] (memory flat in the scale)."""
    kept = []
    for d in docs:
        gen.put(d, file_stat(d))
        if keep:
            kept.append(d)
    return kept


def timed(fn, rounds: int, warm: bool = True) -> tuple[float, float]:
    """(p50, p95) seconds of ``fn()`` over ``rounds`` calls, after one call that warms caches."""
    if warm:
        fn()
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return p50_p95(times)


def kb_env() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def run_kb(args, ok=(0, 1)) -> subprocess.CompletedProcess:
    """One whole `kb` process (``args`` after ``kb``), run from a neutral directory."""
    r = subprocess.run(KB + list(args), capture_output=True, env=kb_env(), cwd=tempfile.gettempdir())
    if r.returncode not in ok:
        raise SystemExit(f"kb {' '.join(map(str, args))}: exit {r.returncode}: {r.stderr.decode()[-300:]}")
    return r


def process_times(args, runs: int, ok=(0, 1)) -> dict:
    """A whole `kb` process ``runs`` times (after one that fills the page cache):
    {"wall": (p50, p95), "cpu": (p50, p95)}, CPU being user + system seconds of the child."""
    import resource

    run_kb(args, ok)
    wall, cpu = [], []
    for _ in range(runs):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        run_kb(args, ok)
        wall.append(time.perf_counter() - t)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
    return {"wall": p50_p95(wall), "cpu": p50_p95(cpu)}
