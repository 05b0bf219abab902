"""kill -9 an ingest at random moments; the index must answer as before every time.

    PYTHONPATH=. python bench/killtest.py [--trials 30] [--seed 1]

An index is built from a copy of corpus/. Each trial starts `kb ingest` doing real work — the
corpus with a touched file, `--rebuild`, or one new PDF — and SIGKILLs it after a random delay
within the time a full ingest takes (so every phase is hit: listing, parsing in the workers,
storing, glossary, search index, the swap). Then it checks, and stops at the first failure:

* the documents, an outline and a search answer exactly as before the trial (or, if the
  ingest finished before the kill, as the completed ingest says);
* `kb verify` finds the live generation intact;
* no worker process outlived its killed parent (PR_SET_PDEATHSIG);
* the next ingest is not told the index is busy (the flock died with the process).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KB = [sys.executable, "-c", "import sys; from cli import cli; sys.exit(cli())"]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def kb(*args, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([*KB, *args], cwd=cwd, capture_output=True, text=True, env=ENV)


def answers(cwd: Path) -> dict:
    docs = kb("--index", "index", "docs", "--json", cwd=cwd)
    search = kb("--index", "index", "search", "--json", "离岸服务外包", cwd=cwd)
    assert docs.returncode == 0 and search.returncode == 0, (docs.stderr, search.stderr)
    return {"docs": sorted(d["doc_id"] for d in json.loads(docs.stdout)),
            "hits": [h["section_id"] for h in json.loads(search.stdout)["hits"]]}


def descendants(pid: int) -> set[int]:
    """Child processes of ``pid``, from /proc (no psutil needed)."""
    kids, frontier = set(), {pid}
    while frontier:
        found = set()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid in frontier:
                found.add(int(entry.name))
        kids |= found
        frontier = found
    return kids


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copytree(ROOT / "corpus", work / "corpus")
        (work / "extra").mkdir()
        extra = work / "extra" / "extra.pdf"
        shutil.copy(next((ROOT / "corpus").glob("2017*.pdf")), extra)
        start = time.perf_counter()
        assert kb("--index", "index", "ingest", "corpus", cwd=work).returncode == 0
        full = time.perf_counter() - start
        before = answers(work)
        with_extra = {**before, "docs": sorted(before["docs"] + ["extra"])}
        print(f"full ingest {full:.1f} s; killing within 0–{full * 1.2:.1f} s after the start")

        kinds, killed_at = {}, []
        for trial in range(1, args.trials + 1):
            kind = rng.choice(["touch", "rebuild", "new file"])
            cmd = ["--index", "index", "ingest", "corpus"]
            if kind == "touch":
                os.utime(next((work / "corpus").iterdir()))
            elif kind == "rebuild":
                cmd.append("--rebuild")
            else:
                cmd.append(str(extra.parent))
            delay = rng.uniform(0, full * 1.2)
            proc = subprocess.Popen([*KB, *cmd], cwd=work, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + delay
            workers: set[int] = set()
            while time.monotonic() < deadline and proc.poll() is None:
                workers |= descendants(proc.pid)
                time.sleep(0.05)
            proc.send_signal(signal.SIGKILL)
            code = proc.wait()
            finished = code == 0
            for _ in range(60):  # PR_SET_PDEATHSIG: the kernel kills them as the parent dies
                if not any(alive(w) for w in workers):
                    break
                time.sleep(0.05)
            left = [w for w in workers if alive(w)]
            assert not left, f"trial {trial}: worker processes {left} outlived the killed ingest"

            now = answers(work)
            expected = with_extra if finished and kind == "new file" else before
            assert now == expected, f"trial {trial} ({kind}, killed at {delay:.2f} s): {now} != {expected}"
            check = kb("--index", "index", "verify", cwd=work)
            assert check.returncode == 0, f"trial {trial}: {check.stdout}{check.stderr}"
            if now["docs"] != before["docs"]:  # put the index back: the extra document leaves again
                shutil.move(extra, work / "moved.pdf")
                assert kb("--index", "index", "ingest", str(extra.parent), cwd=work).returncode == 0  # gone from its folder: removed
                shutil.move(work / "moved.pdf", extra)
                assert answers(work) == before
            kinds[kind] = kinds.get(kind, 0) + 1
            killed_at.append(delay)
            print(f"trial {trial:>2}: {kind:<8} killed at {delay:5.2f} s ({'had finished' if finished else 'mid-ingest'}; "
                  f"{len(workers)} worker(s) seen, none left) — old answers, index intact")
        print(f"{args.trials} kill -9 trials passed ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}); "
              f"every one left the index answering as before")


if __name__ == "__main__":
    main()
