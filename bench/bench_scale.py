"""kb at ×10, ×100 (and ×1000) the bundled corpus: build stages, sizes, every command's latency,
adding one document, and tantivy and SQLite FTS5 on the same section texts as peers.

    PYTHONPATH=. python bench/bench_scale.py [--scales 10,100] [--rounds 5] [--runs 5]
                                             [--glossary-up-to 100] [--no-peers]

The ×N corpus is the bundled corpus's parsed documents replicated under new doc ids (no PDF
re-parsing; the parse stage is measured once, by ingesting the bundled corpus). Each scale is a
real index generation (kb.store), built stage by stage as ``kb ingest`` builds it:

  store     every document's JSON written into the generation
  glossary  build_terms (terms.json, term uses, the glossary's Whoosh index); above
            --glossary-up-to it is skipped and the ×1 terms.json copied (the copies define the
            same terms, so the search index's dictionary is the same)
  index     build_index: the Whoosh section index, its vocabulary and the query lexicon
  seal      checksums.json over the generation, and the swap

"add one" is a second generation that carries every document (hard links) and adds one more copy,
as `kb ingest` of one new file does: glossary and search index are updated in place of rebuilt
(kb.glossary_build, kb.index), timed alone ("index") and with the carrying and the seal.
Before incremental builds, any change cost the full "glossary" and "index" times.

Latency: "in-process" is a long-lived process (kb.search_session keeps the searcher; warm),
p50/p95 over --rounds; "process" is a whole `kb` command (interpreter start-up included),
p50/p95 over --runs. The peers get the same section texts (heading + context + body), cut by the
same jieba tokenizer once (the "cut" time, charged to both peers' build), and the same queries cut
the same way (traditional characters converted first); they return ids and scores only, where
kb also ranks by coverage and builds snippets. A peer that is not installed is skipped, saying so.

kb is byte-compiled first (bench.common.byte_compiled), as an installed kb is.
One run on a shared machine: compare figures of the same run, not across runs.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import dir_size, file_stat, process_times, put_all, replicas, text_bytes, timed  # noqa: E402

KINDS = {  # kind → query, as a user types it
    "common word": "服务外包",
    "rare word": "金融硅谷",
    "phrase": '"促进服务外包"',
    "AND": "云计算 AND 物联网",
    "traditional": "離岸服務外包",
    "question": "离岸服务外包是什么",
}
GLOSSARY_TERM = "ITO"
KEYWORD = "服务外包"


def _cpu_with_children() -> float:
    """CPU seconds of this process and of its reaped children (a large full build forks one)."""
    import resource

    return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                 resource.getrusage(resource.RUSAGE_CHILDREN)))


class Clock:
    """Wall-clock and CPU seconds between laps: on a shared machine the CPU time is the steadier.
    A lap is (wall, this process's CPU, CPU with the children it reaped in the lap)."""

    def __init__(self):
        self.at = (time.perf_counter(), time.process_time(), _cpu_with_children())
        self.start = self.at
        self.laps = {}

    def lap(self, name, skipped=False):
        now = (time.perf_counter(), time.process_time(), _cpu_with_children())
        self.laps[name] = None if skipped else tuple(b - a for a, b in zip(self.at, now))
        self.at = now

    def total(self):
        return tuple(b - a for a, b in zip(self.start, self.at))


def build(base_gen: Path, dst: Path, copies, glossary: bool) -> dict:
    """A generation of ``copies`` built stage by stage; {stage: (wall s, cpu s) or None}."""
    from kb.glossary import build_terms
    from kb.index import build_index
    from kb.ingest import IngestReport
    from kb.store import Store

    clock = Clock()
    with Store(dst).writer() as gen:
        put_all(gen, copies, keep=False)
        clock.lap("store")
        docs = gen.documents()
        clock.lap("load docs")
        if glossary:
            build_terms(gen, docs, IngestReport(index=str(dst)))
        else:
            shutil.copy(base_gen / "terms.json", gen.path / "terms.json")
        clock.lap("glossary", skipped=not glossary)
        build_index(gen, docs, None, reuse=False)
        clock.lap("index")
    clock.lap("seal")
    clock.laps["total"] = clock.total()
    return clock.laps


def add_one(dst: Path, doc) -> dict:
    """A new generation as `kb ingest` of one new file makes it: every document carried, ``doc``
    added, the glossary and the search index updated (kb.ingest.assemble), sealed."""
    from kb.ingest import IngestReport, assemble
    from kb.store import Store

    clock = Clock()
    with Store(dst).writer() as gen:
        for doc_id, entry in gen.previous_manifest.items():
            assert gen.carry(doc_id, entry)
        gen.put(doc, file_stat(doc))
        clock.lap("carry")
        clock.lap("load docs")  # none: the derived files read only the documents that changed
        assemble(gen, IngestReport(index=str(dst)))
        clock.lap("index")  # glossary, search index and the section store brought in line
    clock.lap("seal")
    laps = clock.laps
    laps["total"] = clock.total()
    laps["segments"] = len(list((Store(dst).snapshot().path / "whoosh").glob("*.trm")))
    return laps


def in_process(index_dir: Path, rounds: int) -> dict:
    from kb.export import export
    from kb.kwic import lookup as kwic_lookup
    from kb.lookup import lookup_in_generation
    from kb.search import search
    from kb.store import Store

    snap_path = Store(index_dir).snapshot().path
    section = _a_section(index_dir)
    jobs = {kind: (lambda q=q: search(index_dir, q)) for kind, q in KINDS.items()}
    jobs["glossary"] = lambda: lookup_in_generation(snap_path, GLOSSARY_TERM, "auto")
    jobs["keyword --count"] = lambda: kwic_lookup(index_dir, [KEYWORD], counts_only=True)
    jobs["export"] = lambda: export(index_dir, section, fmt="md")
    return {name: timed(fn, rounds) for name, fn in jobs.items()}


def _a_section(index_dir: Path) -> str:
    from kb.store import Store

    snap = Store(index_dir).snapshot()
    doc = snap.document(snap.doc_ids[len(snap.doc_ids) // 2])
    return next(s.id for s in doc.walk() if s.children)


def whole_process(index_dir: Path, runs: int) -> dict:
    """name → {"wall": (p50, p95), "cpu": (p50, p95)} of the whole `kb` command."""
    cmds = {kind: ["search", q, "--limit", "5"] for kind, q in KINDS.items()}
    cmds["glossary"] = ["glossary", GLOSSARY_TERM]
    cmds["keyword --count"] = ["keyword", KEYWORD, "--count"]
    cmds["export"] = ["export", _a_section(index_dir)]
    return {name: process_times(["--index", str(index_dir)] + args, runs) for name, args in cmds.items()}


# -- peers ------------------------------------------------------------------------------------

def section_rows(docs):
    """(section id, heading, context, body) of every section, as kb.index indexes them."""
    from kb.index import _context

    for doc in docs:
        for sec, path in doc.walk_paths():
            yield sec.id, sec.title, _context(doc, sec, list(path)), sec.text


def cut_rows(rows, tk):
    """The same words kb's index holds (jieba, HMM off, kb's dictionary), space-joined, lower-cased."""
    def cut(text):
        return " ".join(w for w in (w.strip().lower() for w in tk.cut(text, HMM=False)) if w and w.isprintable() and not _punct(w))

    return [(sid, cut(h), cut(c), cut(b)) for sid, h, c, b in rows]


def _punct(w):
    import re

    return re.fullmatch(r"[\W_]+", w) is not None


def peer_queries(tk):
    """kind → (words, phrase?): the queries of KINDS cut as the peers' texts are."""
    from kb.index import QUESTION_WORDS
    from kb.lookup import to_simplified

    out = {}
    for kind, q in KINDS.items():
        phrase = q.startswith('"')
        text = to_simplified(q.replace('"', "").replace(" AND ", " "))
        words = [w.lower() for w in tk.cut(text, HMM=False) if w.strip() and not _punct(w)]
        words = [w for w in words if w not in QUESTION_WORDS] or words
        out[kind] = (words, phrase)
    return out


def peer_tantivy(rows, queries, work: Path, rounds: int):
    try:
        import tantivy
    except ImportError:
        return None
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("sid", stored=True, tokenizer_name="raw")
    for f in ("heading", "context", "body"):
        sb.add_text_field(f, stored=False, tokenizer_name="whitespace")
    path = work / "tantivy"
    path.mkdir()
    t = time.perf_counter()
    ix = tantivy.Index(sb.build(), path=str(path))
    w = ix.writer(heap_size=200_000_000, num_threads=1)  # one thread, as kb builds
    for sid, h, c, b in rows:
        w.add_document(tantivy.Document(sid=sid, heading=h, context=c, body=b))
    w.commit()
    w.wait_merging_threads()
    ix.reload()
    build_s = time.perf_counter() - t
    searcher = ix.searcher()
    lat = {}
    for kind, (words, phrase) in queries.items():
        q = f'"{" ".join(words)}"' if phrase else " ".join(f"+{x}" for x in words)
        query = ix.parse_query(q, ["heading", "context", "body"])

        def run():
            return [(s, searcher.doc(a)["sid"]) for s, a in searcher.search(query, 10).hits]

        if not run():
            print(f"  (tantivy finds nothing for {kind}: {q})")
        lat[kind] = timed(run, rounds)
    return build_s, dir_size(path), lat


def peer_fts5(rows, queries, work: Path, rounds: int):
    path = work / "fts5.sqlite"
    t = time.perf_counter()
    con = sqlite3.connect(path)
    try:
        con.execute("CREATE VIRTUAL TABLE s USING fts5(sid UNINDEXED, heading, context, body, tokenize='unicode61')")
    except sqlite3.OperationalError as err:
        con.close()
        return f"SQLite {sqlite3.sqlite_version} without FTS5 ({err})"
    con.executemany("INSERT INTO s VALUES (?, ?, ?, ?)", rows)
    con.commit()
    con.execute("INSERT INTO s(s) VALUES ('optimize')")
    con.commit()
    build_s = time.perf_counter() - t
    lat = {}
    for kind, (words, phrase) in queries.items():
        q = '"' + " ".join(words) + '"' if phrase else " AND ".join(f'"{x}"' for x in words)

        def run():
            return con.execute("SELECT sid, bm25(s, 0.0, 3.0, 0.6, 1.0) AS r FROM s WHERE s MATCH ? ORDER BY r LIMIT 10", (q,)).fetchall()

        if not run():
            print(f"  (FTS5 finds nothing for {kind}: {q})")
        lat[kind] = timed(run, rounds)
    con.close()
    return build_s, path.stat().st_size, lat


# -- report -----------------------------------------------------------------------------------

def ms(pair):
    return f"{pair[0] * 1000:.1f} / {pair[1] * 1000:.1f} ms"


def sec(pair):
    return f"{pair[0]:.2f} / {pair[1]:.2f} s"


def proc_text(times):
    """Whole process: wall p50 / p95, and the child's CPU p50 (steadier on a shared machine)."""
    return f"{sec(times['wall'])} (cpu {times['cpu'][0]:.2f} s)"


def run_scale(scale, base, base_docs, work, a, summary):
    from kb import search_session, segment
    from kb.store import Store

    copies = list(replicas(base_docs, scale))
    dst = work / f"x{scale}"
    glossary = scale <= a.glossary_up_to
    times = build(Store(base).snapshot().path, dst, copies, glossary)
    gen = Store(dst).snapshot().path
    text = text_bytes(copies)
    sections = sum(1 for d in copies for _ in d.walk())
    index_size = dir_size(gen / "whoosh") + (gen / "search-vocab.json").stat().st_size
    store_size = dir_size(gen / "docs") + (gen / "manifest.json").stat().st_size
    gloss_size = sum(dir_size(gen / n) for n in ("terms.json", "term-uses.jsonl", "glossary-whoosh"))
    print(f"\n[×{scale}] {len(copies)} documents, {sections} sections, text {text / 1e6:.2f} MB")
    for stage, s in times.items():
        print(f"  build {stage:<10} " + ("skipped (×1 terms.json copied)" if s is None
                                       else f"{s[0]:.2f} s (cpu {s[1]:.2f} s, with children {s[2]:.2f} s)"))
    print(f"  index size {index_size / 1e6:.2f} MB ({index_size / text:.2f}× the text)   store {store_size / 1e6:.2f} MB "
          f"({store_size / text:.2f}×)   glossary {gloss_size / 1e6:.2f} MB")
    search_session._sessions.clear()
    inproc = in_process(dst, a.rounds)
    proc = whole_process(dst, a.runs) if a.runs else {}
    for name in inproc:
        print(f"  {name:<16} in-process p50/p95 {ms(inproc[name]):<22}" + (f" process {proc_text(proc[name])}" if name in proc else ""))
    peers = {}
    if not a.no_peers:
        tk = segment.tokenizer(tuple(json.loads((gen / "whoosh-state.json").read_text(encoding="utf-8"))["user_words"]))
        rows = list(section_rows(copies))
        t = time.perf_counter()
        cut = cut_rows(rows, tk)
        cut_s = time.perf_counter() - t
        queries = peer_queries(tk)
        peer_dir = work / f"peers-{scale}"
        peer_dir.mkdir()
        print(f"  peers: jieba cut of the section texts {cut_s:.2f} s (in each peer's build below)")
        for name, fn in (("tantivy", peer_tantivy), ("SQLite FTS5", peer_fts5)):
            r = fn(cut, queries, peer_dir, a.rounds * 4)
            if r is None or isinstance(r, str):
                print(f"  {name}: skipped ({r or 'not installed: pip install tantivy (the test extra)'})")
                peers[name] = None
                continue
            b, size, lat = r
            peers[name] = (b + cut_s, size, lat)
            print(f"  {name}: build {b + cut_s:.2f} s, size {size / 1e6:.2f} MB ({size / text:.2f}× the text); "
                  + "; ".join(f"{k} {ms(v)}" for k, v in lat.items()))
        shutil.rmtree(peer_dir, ignore_errors=True)
    extra = next(replicas(base_docs[:1], 1, tag="new"))
    added = add_one(dst, extra)
    print(f"  add one document ({sum(1 for _ in extra.walk())} sections): glossary and index {added['index'][0]:.2f} s, cpu "
          f"{added['index'][1]:.2f} s (full build: index {times['index'][0]:.2f} s, cpu {times['index'][1]:.2f} s); "
          f"with carrying {added['carry'][0]:.2f} s and "
          f"sealing {added['seal'][0]:.2f} s: {added['total'][0]:.2f} s, cpu {added['total'][1]:.2f} s; {added['segments']} segments")
    search_session._sessions.clear()
    after = in_process(dst, max(1, a.rounds // 2))
    print("  after the update (" + f"{added['segments']} segments): "
          + "; ".join(f"{k} {ms(after[k])}" for k in KINDS))
    summary[scale] = {"docs": len(copies), "sections": sections, "text": text, "times": times, "index": index_size,
                      "store": store_size, "inproc": inproc, "proc": proc, "peers": peers, "added": added, "after": after}
    shutil.rmtree(dst, ignore_errors=True)


def markdown(summary, ingest_line):
    scales = sorted(summary)
    head = "| | " + " | ".join(f"×{s}" for s in scales) + " |\n|---|" + "---|" * len(scales)
    lines = [head]

    def row(label, fn):
        lines.append(f"| {label} | " + " | ".join(fn(summary[s]) for s in scales) + " |")

    row("documents / sections", lambda r: f"{r['docs']} / {r['sections']}")
    row("text", lambda r: f"{r['text'] / 1e6:.1f} MB")
    for stage in ("store", "glossary", "index", "seal", "total"):
        row(f"build: {stage} (cpu; with children)", lambda r, st=stage: "skipped" if r["times"][st] is None
            else f"{r['times'][st][0]:.1f} s ({r['times'][st][1]:.1f} s; {r['times'][st][2]:.1f} s with children)")
    row("add one document: glossary + index (cpu)", lambda r: f"{r['added']['index'][0]:.2f} s ({r['added']['index'][1]:.2f} s)")
    row("add one document: whole generation (cpu)", lambda r: f"{r['added']['total'][0]:.2f} s ({r['added']['total'][1]:.2f} s)")
    row("index size (× text)", lambda r: f"{r['index'] / 1e6:.1f} MB ({r['index'] / r['text']:.2f}×)")
    row("store size (× text)", lambda r: f"{r['store'] / 1e6:.1f} MB ({r['store'] / r['text']:.2f}×)")
    for name in list(KINDS) + ["glossary", "keyword --count", "export"]:
        row(f"{name}: in-process p50 / p95", lambda r, n=name: ms(r["inproc"][n]))
        row(f"{name}: process p50 / p95", lambda r, n=name: proc_text(r["proc"][n]) if n in r["proc"] else "-")
    for peer in ("tantivy", "SQLite FTS5"):
        row(f"{peer}: build, size", lambda r, p=peer: "not installed" if not r["peers"].get(p)
            else f"{r['peers'][p][0]:.1f} s, {r['peers'][p][1] / 1e6:.1f} MB")
        row(f"{peer}: in-process p50, slowest kind", lambda r, p=peer: "-" if not r["peers"].get(p)
            else f"{statistics.median(v[0] for v in r['peers'][p][2].values()) * 1000:.2f} ms, "
                 f"{max(v[0] for v in r['peers'][p][2].values()) * 1000:.2f} ms")
    print("\n" + ingest_line + "\n\n" + "\n".join(lines))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", default="10,100")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--glossary-up-to", type=int, default=100)
    ap.add_argument("--no-peers", action="store_true")
    a = ap.parse_args()
    from bench.common import byte_compiled

    byte_compiled(ROOT)
    from kb.ingest import ingest
    from kb.store import Store

    work = Path(tempfile.mkdtemp(prefix="kb-bench-scale-"))
    try:
        base = work / "base"
        t = time.perf_counter()
        report = ingest([ROOT / "corpus"], base)
        s = time.perf_counter() - t
        ingest_line = (f"kb ingest of the bundled corpus ({report.pages} pages, {report.sections} sections): "
                       f"{s:.2f} s, {report.pages / s:.1f} pages/s")
        print(ingest_line)
        docs = Store(base).snapshot().documents()
        summary = {}
        for scale in (int(x) for x in a.scales.split(",")):
            run_scale(scale, base, docs, work, a, summary)
        markdown(summary, ingest_line)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
