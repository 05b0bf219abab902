"""Natural-query relevance: hit@5 and MRR per query kind, kb search against a page-level BM25 baseline.

    PYTHONPATH=. python bench/natural.py [--queries FILE] [--index DIR] [--corpus-index DIR] [--real DIR] [-v]

--queries picks the set: tests/natural_queries.json (default), tests/heldout_queries.json (written
after the synonym list was tuned on the first set's misses, so it says how search generalises) or
tests/fresh_queries.json (written after both had been tuned on) or tests/fresh2_queries.json
(written after all three, over the thirteen documents they asked least of) or tests/fresh3_queries.json
(written blind after all four, over 29 documents) or tests/fresh4_queries.json (40 queries written
blind after fresh3 had been tuned on, and not tuned on since).
A case marked "corpus": "bundled" is asked of an index of corpus/ (built when --corpus-index is
not given) and its baseline ranks that corpus's pages.

The queries (tests/natural_queries.json) were written as users type them, by reading the PDFs
of ../shared/real, before anyone looked at what the search returns. Each names its document and
an exact phrase of the answering section. A kb hit is right when it is that document's section
whose own text (heading included) holds the phrase; a baseline hit is right when it is a page of
that document holding the phrase.

The baseline is what a user writes in an afternoon: the text of every PDF page (pdfplumber's
extract_text), cut by jieba (its default mode), ranked by Okapi BM25 (k1 1.5, b 0.75) against
the query cut the same way. Both run in the same process on the same queries.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "tests" / "natural_queries.json"
HELDOUT = ROOT / "tests" / "heldout_queries.json"
FRESH = ROOT / "tests" / "fresh_queries.json"  # a second held-out set, written after HELDOUT was tuned on
FRESH2 = ROOT / "tests" / "fresh2_queries.json"  # a third, over the documents the others barely touch
FRESH3 = ROOT / "tests" / "fresh3_queries.json"  # a fourth, written blind after the others were tuned on
FRESH4 = ROOT / "tests" / "fresh4_queries.json"  # a fifth, written blind after fresh3 was tuned on; not tuned on
CORPUS = ROOT / "corpus"
DEFAULT_REAL = Path(os.environ.get("KB_REAL_PDFS") or ROOT.parent / "shared" / "real")
_SPACE = re.compile(r"\s+")
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
DEPTH = 10


def load_cases(path: Path = QUERIES) -> list[dict]:
    return json.loads(Path(path).read_text(encoding="utf-8"))["queries"]


def bundled(case) -> bool:
    """The case is asked of the bundled corpus, not of ../shared/real."""
    return case.get("corpus") == "bundled"


def _norm(text: str) -> str:
    from kb.text import fold_width  # the index holds half-width digits and letters; so must the answers

    # Spacing and punctuation are not what a hit is judged on: a heading's closing 。 or a
    # comma a font mapped to ASCII must not hide the phrase.
    return _PUNCT.sub("", fold_width(text or "")).lower()


def answers(case) -> list[str]:
    return [_norm(a) for a in [case["answer"], *case.get("alt_answers", [])]]


# -- kb ---------------------------------------------------------------------------------------

def kb_rank(index_dir, case, depth: int = DEPTH) -> int | None:
    from kb.search import search
    from kb.search_session import session
    from kb.store import Store

    hits = search(index_dir, case["q"], limit=depth).hits
    ses = session(Store(index_dir).snapshot())
    want = answers(case)
    for rank, h in enumerate(hits, 1):
        if h.doc_id != case["doc"]:
            continue
        text = _norm(h.title + ses.section_text(h.doc_id, h.section_id))
        if any(a in text for a in want):
            return rank
    return None


# -- baseline ---------------------------------------------------------------------------------

def _page_texts(real: Path, stems: set[str]) -> list[tuple[str, int, str]]:
    """(doc stem, page number, text) of every page, cached by file content."""
    import pdfplumber

    cache_dir = Path(tempfile.gettempdir()) / "policy-kb-bench-pages"
    cache_dir.mkdir(exist_ok=True)
    out = []
    for stem in sorted(stems):
        pdf = real / f"{stem}.pdf"
        if not pdf.exists() and (CORPUS / f"{stem}.pdf").exists():
            pdf = CORPUS / f"{stem}.pdf"
        if not pdf.exists():
            continue
        key = hashlib.sha256(pdf.read_bytes()).hexdigest()[:20]
        cached = cache_dir / f"{key}.json"
        if cached.exists():
            pages = json.loads(cached.read_text(encoding="utf-8"))
        else:
            pages = []
            try:
                with pdfplumber.open(pdf) as doc:
                    pages = [p.extract_text() or "" for p in doc.pages]
            except Exception:  # a file the baseline cannot read answers nothing
                pages = []
            cached.write_text(json.dumps(pages, ensure_ascii=False), encoding="utf-8")
        out.extend((stem, i, t) for i, t in enumerate(pages, 1))
    return out


class PageBM25:
    K1, B = 1.5, 0.75

    def __init__(self, pages):
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)

        self.cut = lambda s: [w for w in jieba.lcut(s) if w.strip() and not re.fullmatch(r"\W+", w)]
        self.pages = pages
        self.tfs = [Counter(self.cut(t)) for _, _, t in pages]
        self.lens = [sum(tf.values()) for tf in self.tfs]
        self.avg = sum(self.lens) / max(1, len(self.lens))
        df = Counter(w for tf in self.tfs for w in tf)
        n = len(pages)
        self.idf = {w: math.log(1 + (n - f + 0.5) / (f + 0.5)) for w, f in df.items()}

    def top(self, query: str, k: int):
        words = self.cut(query)
        scores = []
        for i, tf in enumerate(self.tfs):
            s = 0.0
            for w in words:
                f = tf.get(w)
                if f:
                    s += self.idf[w] * f * (self.K1 + 1) / (f + self.K1 * (1 - self.B + self.B * self.lens[i] / self.avg))
            if s > 0:
                scores.append((s, i))
        scores.sort(key=lambda x: (-x[0], x[1]))
        return [self.pages[i] for _, i in scores[:k]]


def baseline_rank(bm25: PageBM25, case, depth: int = DEPTH) -> int | None:
    want = answers(case)
    for rank, (stem, _, text) in enumerate(bm25.top(case["q"], depth), 1):
        if stem == case["doc"] and any(a in _norm(text) for a in want):
            return rank
    return None


# -- report -----------------------------------------------------------------------------------

def figures(ranks):
    n = len(ranks) or 1
    hit5 = sum(1 for r in ranks if r and r <= 5) / n
    mrr = sum(1 / r for r in ranks if r) / n
    return hit5, mrr


def hit_at_1(ranks) -> float:
    return sum(1 for r in ranks if r == 1) / (len(ranks) or 1)


def evaluate(index_dir, real: Path, with_baseline: bool = True, cases=None, corpus_index=None):
    """kb's and the baseline's rank of each case; bundled-corpus cases go to ``corpus_index``."""
    cases = load_cases() if cases is None else cases
    kb = [kb_rank(corpus_index if bundled(c) else index_dir, c) for c in cases]
    base = None
    if with_baseline:
        # Each side ranks only the pages of the corpus its cases are asked of, as kb does.
        real_bm = PageBM25(_page_texts(real, {c["doc"] for c in cases if not bundled(c)}))
        stems = {c["doc"] for c in cases if bundled(c)}
        corpus_bm = PageBM25(_page_texts(CORPUS, stems)) if stems else None
        base = [baseline_rank(corpus_bm if bundled(c) else real_bm, c) for c in cases]
    return cases, kb, base


def build_index(source: Path) -> Path:
    from kb.ingest import ingest

    index_dir = Path(tempfile.mkdtemp()) / "index"
    t = time.perf_counter()
    ingest([source], index_dir)
    print(f"built the index of {source} in {time.perf_counter() - t:.0f} s")
    return index_dir


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--queries", default=str(QUERIES), help="the query set (default: tests/natural_queries.json)")
    ap.add_argument("--index", help="an index of the real set (default: build one in a temp dir)")
    ap.add_argument("--corpus-index", help="an index of corpus/, for bundled-corpus cases (default: build one)")
    ap.add_argument("--real", default=str(DEFAULT_REAL))
    ap.add_argument("-v", "--verbose", action="store_true", help="print each query's ranks")
    args = ap.parse_args(argv)
    real = Path(args.real)
    cases = load_cases(Path(args.queries))
    index_dir = args.index or build_index(real)
    corpus_index = args.corpus_index
    if corpus_index is None and any(bundled(c) for c in cases):
        corpus_index = build_index(CORPUS)
    cases, kb, base = evaluate(index_dir, real, cases=cases, corpus_index=corpus_index)
    print(f"{Path(args.queries).name}: {len(cases)} queries")
    if args.verbose:
        for c, r, b in zip(cases, kb, base):
            print(f"kb {r if r else '-':>2}  base {b if b else '-':>2}  {c['kind']:<12} {c['q']}  [{c['doc']}]")
    kinds = defaultdict(list)
    for i, c in enumerate(cases):
        kinds[c["kind"]].append(i)
    print(f"{'kind':<13}{'n':>4}  {'kb hit@1':>9} {'kb hit@5':>9} {'kb MRR':>7}  {'BM25 hit@1':>11} {'BM25 hit@5':>11} {'BM25 MRR':>9}")
    for kind in sorted(kinds) + ["all"]:
        idx = kinds[kind] if kind != "all" else list(range(len(cases)))
        kh, km = figures([kb[i] for i in idx])
        bh, bm = figures([base[i] for i in idx])
        k1, b1 = hit_at_1([kb[i] for i in idx]), hit_at_1([base[i] for i in idx])
        print(f"{kind:<13}{len(idx):>4}  {k1:>9.3f} {kh:>9.3f} {km:>7.3f}  {b1:>11.3f} {bh:>11.3f} {bm:>9.3f}")


if __name__ == "__main__":
    sys.exit(main())
