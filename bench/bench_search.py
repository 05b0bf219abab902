"""kb search speed and size: whole process, in-process latency, build throughput, index size.

    PYTHONPATH=. python bench/bench_search.py [--scale 100] [--runs 15]

Bundled corpus: parsed once (kb ingest). The ×N corpus replicates the parsed documents' JSON
under new doc ids (no PDF re-parsing) and builds the search index from it, as ingest would.
Prints medians / p95; timings are wall-clock on this machine.

In-process latency is measured as a long-running process sees it: kb.search_session keeps the
generation's opened searcher, vocabulary and section texts, so every query after the first reuses
them ("warm"). The "cold" line clears that cache before each query, so each one pays opening the
index, reading the vocabulary and loading the section texts it needs, as a one-shot `kb search` does
(whose whole-process time, interpreter start-up included, is the last line).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import dir_size, p50_p95, process_times, put_all, replicas, text_bytes  # noqa: E402
QUERIES = ["服务外包", '"促进服务外包"', "離岸服務外包", "BPO", "人才 培养", "云计算 AND 物联网", "共享服务中心 NOT 跨国公司",
           "保障措施", "示范城市 综合评价", '"务外包产"', "金融硅谷", "软件开发外包 定制软件",
           "离岸服务外包是什么", "苏州服务外包发展目标是多少", "云计算物联网专项资金"]
PROCESS_QUERIES = ["服务外包", "离岸服务外包是什么"]


# Figures this script printed for main at ff473bf, before the perf branch, on the same machine
# (another job was running; main's README has p50 77 ms / p95 519 ms and 0.23 s for the same code).
BEFORE = {
    "bundled": {"size": "2.58 MB (35.79× the text)", "cold": "p50 17.5 ms   p95 31.8 ms", "process": "0.675 s"},
    "×100": {"size": "31.68 MB (4.39× the text)", "cold": "p50 88.8 ms   p95 638.5 ms", "process": "0.624 s"},
}


def latency(index_dir, rounds: int, cold: bool = False):
    from kb import search_session
    from kb.search import search

    for q in QUERIES:  # warm: open files, page cache
        search(index_dir, q)
    times = []
    for _ in range(rounds):
        for q in QUERIES:
            if cold:
                search_session._sessions.clear()
            t = time.perf_counter()
            search(index_dir, q)
            times.append(time.perf_counter() - t)
    return p50_p95(times)


def whole_process(index_dir, runs: int, query: str = "服务外包"):
    return process_times(["--index", str(index_dir), "search", query, "--limit", "5"], runs, ok=(0,))["wall"][0]


def replicate(src_index, dst_index, scale: int):
    """A store whose generation holds ``scale`` copies of every parsed document, then the search index built from them."""
    from kb.index import build_index
    from kb.store import Store

    src_gen = Store(src_index).snapshot().path
    with Store(dst_index).writer() as gen:
        copies = put_all(gen, replicas(Store(src_index).snapshot().documents(), scale))
        # The search index reads its expansions from the glossary; the copies define the same terms.
        (Path(gen.path) / "terms.json").write_bytes((src_gen / "terms.json").read_bytes())
        t = time.perf_counter()
        build_index(gen, copies, None)
        build = time.perf_counter() - t
    return copies, build


def report(label, index_dir, docs, build_s, runs, rounds, processes=True):
    from kb.store import Store

    gen = Store(index_dir).snapshot().path
    tb = text_bytes(docs)
    size = dir_size(gen / "whoosh") + (gen / "search-vocab.json").stat().st_size
    sections = sum(1 for d in docs for _ in d.walk())
    p50, p95 = latency(index_dir, rounds)
    c50, c95 = latency(index_dir, max(1, rounds // 2), cold=True)
    before = BEFORE.get(label, {})
    print(f"[{label}] {len(docs)} documents, {sections} sections, text {tb / 1e6:.2f} MB")
    print(f"  index build      {build_s:.2f} s  ({tb / 1e6 / build_s:.2f} MB text/s, {sections / build_s:.0f} sections/s)")
    print(f"  index size       {size / 1e6:.2f} MB  ({size / tb:.2f}× the text)   before: {before.get('size', '-')}")
    print(f"  query in-process p50 {p50 * 1000:.1f} ms   p95 {p95 * 1000:.1f} ms   warm, searcher reused "
          f"({len(QUERIES)} queries × {rounds})")
    # Before this branch every query reopened the index: its figures compare with the cold line.
    print(f"  query in-process p50 {c50 * 1000:.1f} ms   p95 {c95 * 1000:.1f} ms   cold, searcher reopened "
          f"({len(QUERIES)} queries × {max(1, rounds // 2)})   before: {before.get('cold', '-')}")
    if processes:
        for q in PROCESS_QUERIES:
            print(f"  kb search {q} (whole process) median {whole_process(index_dir, runs, q):.3f} s over {runs} runs"
                  f"   before: {before.get('process', '-') if q == '服务外包' else '-'}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=int, default=100)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--rounds", type=int, default=10)
    a = ap.parse_args()
    from kb.ingest import ingest
    from kb.store import Store

    work = Path(tempfile.mkdtemp(prefix="kb-bench-"))
    base = work / "index"
    t = time.perf_counter()
    ingest([ROOT / "corpus"], base)
    ingest_s = time.perf_counter() - t
    docs = Store(base).snapshot().documents()
    # Rebuild the search index alone for its throughput (ingest includes PDF parsing).
    _, build_s = replicate(base, work / "x1", 1)
    print(f"kb ingest of the bundled corpus (PDF parsing + index): {ingest_s:.2f} s")
    report("bundled", base, docs, build_s, a.runs, a.rounds)
    big, build_big = replicate(base, work / f"x{a.scale}", a.scale)
    report(f"×{a.scale}", work / f"x{a.scale}", big, build_big, a.runs, max(2, a.rounds // 2))


if __name__ == "__main__":
    main()
