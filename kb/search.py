"""A query string → ranked sections with provenance and a highlighted snippet.

The query is converted traditional → simplified (opencc, ~6 ms), parsed with Whoosh's syntax
(AND OR NOT, "phrases", grouping, title:/body:, prefix*), cut into the index's own words by
kb.query_cut (jieba is never loaded here: that alone would cost ~0.8 s a search), expanded with
glossary aliases (BPO → 业务流程外包), and run against the live generation's snapshot — so a
search during an ingest answers from the previous generation.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .clean import fold_width
from .errors import IndexMissingError, QueryError
from .store import Store

SCOPES = ("all", "title", "body")
SORTS = ("score", "date")


@dataclass
class Hit:
    doc_id: str
    doc_title: str
    doc_number: str | None
    doc_type: str | None
    date: str | None
    section_id: str
    title: str
    heading_path: list[str]
    pages: tuple[int, int]
    score: float
    snippet: str
    highlights: list[tuple[int, int]] = field(default_factory=list)  # [start, end) in snippet


@dataclass
class SearchResult:
    query: str
    normalized: str  # after traditional → simplified
    hits: list[Hit]


def to_simplified(text: str) -> str:
    from .lookup import to_simplified as t2s  # one cached converter: building one costs ~8 ms

    return t2s(text)


def search(index_dir, query: str, *, limit: int = 10, doc: str | None = None, doc_type: str | None = None,
           years: tuple[int, int] | None = None, sort: str = "score", scope: str = "all",
           snippet_width: int = 80, in_force: str | None = None) -> SearchResult:
    from . import index
    from .search_session import session

    if scope not in SCOPES:
        raise QueryError(f"unknown scope {scope!r}: use one of {', '.join(SCOPES)}")
    if sort not in SORTS:
        raise QueryError(f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
    if limit < 1:
        raise QueryError("--limit must be at least 1")
    snap = Store(index_dir).snapshot()
    if doc_type is not None:
        # From the manifest: checking a filter must not read every document's JSON.
        known = sorted({e.get("doc_type") for e in snap.manifest.values()} - {None})
        if doc_type not in known:
            raise QueryError(f"no document of type {doc_type!r}; the index has: {', '.join(known) or 'none'}")
    ses = session(snap)
    if ses is None:
        raise IndexMissingError(f"{index_dir}: the index has no search index yet: run `kb ingest`")
    vocab = ses.vocab
    # The text holds half-width digits and letters (clean.fold_width), so the query must too.
    normalized = to_simplified(fold_width(query.strip()))
    try:  # compiling refuses too ("NOT a NOT b" is only NOT once the ORs are read)
        tree = index.parse(normalized)
        q, marks = index.compile_query(tree, ses.cutter, vocab.get("expand", {}), scope,
                                       texts=lambda _searcher: ses.normalized_texts())
    except index.QuerySyntaxError as e:
        shown = repr(query) if len(query) <= 60 else repr(query[:40]) + f"… ({len(query)} characters)"
        raise QueryError(f"cannot parse query {shown}: {e}") from None
    doc_ids = [snap.resolve(doc)] if doc else None
    if in_force is not None:  # ISO date: only documents in force on it, from the manifest (kb.validity)
        from .validity import in_force_ids

        live = in_force_ids(snap, in_force)
        doc_ids = [d for d in (doc_ids or live) if d in live]
        if not doc_ids:
            return SearchResult(query=query, normalized=normalized, hits=[])
    with ses.lock:
        rows = index.run(ses.searcher, q, limit=limit, filter_q=index.filter_query(doc_ids, doc_type, years), sort=sort)
    hits = []
    for score, f in rows:
        text = ses.section_text(f["doc_id"], f["section_id"])
        snip, spans = snippet(text or f["title"], marks, snippet_width)
        hits.append(Hit(
            doc_id=f["doc_id"], doc_title=f["doc_title"], doc_number=f.get("doc_number"),
            doc_type=f.get("doc_type") or None, date=f.get("date") or None, section_id=f["section_id"],
            title=f["title"], heading_path=list(f["heading_path"]), pages=tuple(f["pages"]),
            score=round(score, 3), snippet=snip, highlights=spans,
        ))
    return SearchResult(query=query, normalized=normalized, hits=hits)


def find_marks(text: str, marks: list[str]) -> list[tuple[int, int]]:
    """Non-overlapping [start, end) of the highlight strings in ``text``, longest first, case-insensitive."""
    low = text.lower()
    taken = [False] * len(text)
    spans = []
    for m in sorted({m for m in marks if m}, key=len, reverse=True):
        start = low.find(m)
        while start != -1:
            end = start + len(m)
            if not any(taken[start:end]):
                spans.append((start, end))
                for i in range(start, end):
                    taken[i] = True
            start = low.find(m, start + 1)
    return sorted(spans)


def snippet(text: str, marks: list[str], width: int = 80) -> tuple[str, list[tuple[int, int]]]:
    """A window of about ``width`` characters where the most distinct marks meet, and their spans in it."""
    flat = re.sub(r"\s*\n\s*", " ", text).strip()
    spans = find_marks(flat, marks)
    if len(flat) <= width:
        return flat, spans
    best, best_key = 0, (-1, 0)
    for s, _ in spans:
        start = max(0, s - width // 4)
        inside = {flat[a:b].lower() for a, b in spans if a >= start and b <= start + width}
        key = (len(inside), -start)
        if key > best_key:
            best, best_key = start, key
    start = min(best, max(0, len(flat) - width))
    end = start + width
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(flat) else ""
    shift = len(prefix) - start
    inside = [(a + shift, b + shift) for a, b in spans if a >= start and b <= end]
    return prefix + flat[start:end] + suffix, inside


def ensure_fresh(index_dir, corpus_dir, on_build=None):
    """Build the index from ``corpus_dir`` when it is missing or older than the corpus.

    Returns the ingest's report (its ``skipped`` names each refused file), or None when the
    index was fresh.
    """
    from .freshness import stale_reason

    reason = stale_reason(Path(index_dir), Path(corpus_dir))
    if reason is None:
        return None
    from .ingest import ingest

    if on_build:
        on_build(reason)
    return ingest([corpus_dir], index_dir)
