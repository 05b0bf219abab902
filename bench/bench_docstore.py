"""What the section store (kb/docstore.py, docs.sqlite) changes: `kb keyword --count`, `kb export`
of one section, `kb quote` and a quoted-phrase `kb search`, as whole processes, on replicated
corpora, with docs.sqlite, and (``--baseline DIR``) without it in the same run.

    PYTHONPATH=. python bench/bench_docstore.py [--scales 1,100,1000] [--search-up-to 100] [--repeat 5] \
        [--baseline DIR]

The ×N corpus is the bundled documents' parsed JSON copied under new ids (no PDF is parsed
again), stored through ``Generation.put`` as an ingest stores them, so docs.sqlite is built as
an ingest builds it. The store is now the commands' only path (an index without it is refused),
so "before" needs the code from before it: ``--baseline DIR`` is another checkout (e.g.
``git archive bfcb1b2 | tar -x -C DIR``, the last commit whose commands read the JSON documents
when docs.sqlite is absent), run on the same generation without docs.sqlite (hard links to every
other file, checksums.json without its line). The search index is built only up to ``--search-up-to`` (Whoosh
takes about 10 minutes at ×1000 on this machine); the other commands need none.
Figures are medians of whole processes on a shared, noisy machine: compare the two columns of
one run, not runs with each other.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KEYWORD = "苏州工业园区"
PHRASE = '"促进服务外包"'


def replicate(src_index: Path, dst_index: Path, scale: int, search: bool) -> dict:
    """A generation holding ``scale`` copies of every document; the search index too if ``search``."""
    from bench.replicas import renamed
    from kb.store import Store

    src = Store(src_index).snapshot()
    docs = src.documents()
    times = {}
    t = time.perf_counter()
    copies = []
    with Store(dst_index).writer() as gen:
        for i in range(scale):
            for d in docs:
                new_id = f"{d.id}-{i:04d}"
                copy = renamed(d, new_id)
                gen.put(copy, {"path": f"/bench/{new_id}.pdf", "size": 0, "mtime_ns": 0, "sha256": d.sha256})
                if search:
                    copies.append(copy)
        times["json + docs.sqlite"] = time.perf_counter() - t
        if search:
            from kb.index import build_index

            for name in ("terms.json", "term-uses.jsonl"):  # the copies define the same terms
                if (src.path / name).exists():
                    shutil.copyfile(src.path / name, gen.path / name)
            t = time.perf_counter()
            build_index(gen, copies, None)
            times["search index"] = time.perf_counter() - t
        t = time.perf_counter()
    times["seal (store closed, checksums)"] = time.perf_counter() - t
    return times


def without_store(index: Path, dst: Path) -> None:
    """The same generation, docs.sqlite left out: the commands' JSON path."""
    from kb.docstore import FILE
    from kb.store import CHECKSUMS, Store

    gen = Store(index).snapshot().path
    dst.mkdir()
    shutil.copytree(gen, dst / gen.name, copy_function=os.link,
                    ignore=lambda d, names: [n for n in names if n in (FILE, CHECKSUMS)])
    sums = json.loads((gen / CHECKSUMS).read_text(encoding="utf-8"))
    sums.pop(FILE, None)
    (dst / gen.name / CHECKSUMS).write_text(json.dumps(sums, ensure_ascii=False), encoding="utf-8")
    (dst / "CURRENT").write_text(gen.name, encoding="utf-8")


def medians(cmd, repeat: int) -> tuple[float, float]:
    """(wall, CPU) seconds of the whole process, medians: CPU (user + system of the child) moves
    less than wall time when other jobs share the cores."""
    import resource

    env = {**os.environ, "PYTHONPATH": str(Path(cmd[1]).parent)}
    subprocess.run(cmd, env=env, capture_output=True, cwd=tempfile.gettempdir())  # page cache
    wall, cpu = [], []
    for _ in range(repeat):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        out = subprocess.run(cmd, env=env, capture_output=True, cwd=tempfile.gettempdir())
        wall.append(time.perf_counter() - t)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
        if out.returncode not in (0, 1, 2):  # 1: no match, 2: ambiguous (listed): answers too
            raise SystemExit(f"{' '.join(cmd)}: exit {out.returncode}: {out.stderr.decode()[-300:]}")
    return statistics.median(wall), statistics.median(cpu)


def outputs_match(cmd_after, cmd_before) -> bool:
    def run(cmd):
        env = {**os.environ, "PYTHONPATH": str(Path(cmd[1]).parent)}
        return subprocess.run(cmd, env=env, capture_output=True, cwd=tempfile.gettempdir())

    a, b = run(cmd_after), run(cmd_before)
    return (a.returncode, a.stdout, a.stderr) == (b.returncode, b.stdout, b.stderr)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", default="1,100,1000")
    ap.add_argument("--search-up-to", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--baseline", type=Path, help="a checkout whose commands read the JSON when docs.sqlite is absent")
    a = ap.parse_args()
    from kb.ingest import ingest
    from kb.store import Store

    work = Path(tempfile.mkdtemp(prefix="kb-bench-docstore-"))
    base = work / "index"
    ingest([ROOT / "corpus"], base)
    docs = Store(base).snapshot().documents()
    middle = docs[-1]
    kb = [sys.executable, str(ROOT / "cli.py")]
    kb_before = [sys.executable, str(a.baseline.resolve() / "cli.py")] if a.baseline else None
    print(f"whole process, median of {a.repeat}; before = --baseline on the same generation without docs.sqlite"
          + ("" if a.baseline else " (not given: after only)"))
    print(f"{'scale':>6} {'command':<34} {'wall before':>11} {'after':>7} {'ratio':>6}  "
          f"{'CPU before':>10} {'after':>7} {'ratio':>6}  same output")
    try:
        for scale in (int(s) for s in a.scales.split(",")):
            after, before = work / f"x{scale}", work / f"x{scale}-json"
            search = scale <= a.search_up_to
            built = replicate(base, after, scale, search)
            if kb_before:
                without_store(after, before)
            gen = Store(after).snapshot().path
            text = sum(len(s.text.encode()) for d in docs for s in d.walk()) * scale
            size = (gen / "docs.sqlite").stat().st_size
            jsons = sum(f.stat().st_size for f in (gen / "docs").iterdir())
            sec = [s for s in middle.walk() if s.paragraphs][len(list(middle.walk())) // 3]
            copy_id = f"{middle.id}-{scale // 2:04d}"
            section = copy_id + sec.id[len(middle.id):]
            commands = [
                (f"keyword {KEYWORD} --count", ["keyword", KEYWORD, "--count"]),
                ("export one section by id", ["export", section, "--format", "text"]),
                ("export --sentence 1", ["export", section, "--sentence", "1"]),
                ("quote TEXT --doc (one copy)", ["quote", sec.paragraphs[0].text[2:16], "--doc", copy_id]),
                ("quote TEXT (whole corpus)", ["quote", sec.paragraphs[0].text[2:16]]),
            ]
            if search:
                commands.append((f"search {PHRASE}", ["search", PHRASE, "--limit", "5"]))
            for label, args in commands:
                tw, tc = medians(kb + ["--index", str(after)] + args, a.repeat)
                if not kb_before:
                    print(f"{'×' + str(scale):>6} {label:<34} {'':>11} {tw:>6.3f}s {'':>6}  {'':>10} {tc:>6.3f}s", flush=True)
                    continue
                bw, bc = medians(kb_before + ["--index", str(before)] + args, a.repeat)
                same = outputs_match(kb + ["--index", str(after)] + args, kb_before + ["--index", str(before)] + args)
                print(f"{'×' + str(scale):>6} {label:<34} {bw:>10.3f}s {tw:>6.3f}s {bw / tw:>5.1f}×  "
                      f"{bc:>9.3f}s {tc:>6.3f}s {bc / tc:>5.1f}×  {'yes' if same else 'NO'}", flush=True)
            print(f"{'':>6} build: " + ", ".join(f"{k} {v:.1f} s" for k, v in built.items())
                  + f"; docs.sqlite {size / 1e6:.1f} MB ({size / max(1, text):.1f}× the section text,"
                    f" docs/*.json {jsons / 1e6:.1f} MB)", flush=True)
            shutil.rmtree(before, ignore_errors=True)
            if scale != 1:
                shutil.rmtree(after)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
