"""Answers → text for a terminal, and → JSON-ready dicts. No printing here; cli.py prints.

Every record that points into a document carries its provenance: document id and title,
heading path, and PDF pages (printed page labels beside, where the page shows one).
"""
from __future__ import annotations

from dataclasses import asdict

from .ingest import IngestReport
from .model import Document, Section


def pages_text(pages) -> str:
    a, b = pages
    return f"p.{a}" if a == b else f"p.{a}-{b}"


def doc_record(doc: Document) -> dict:
    return {
        "doc_id": doc.id,
        "title": doc.title,
        "doc_number": doc.doc_number,
        "issuer": doc.issuer,
        "date": doc.date,
        "doc_type": doc.doc_type,
        "pages": doc.page_count,
        "sections": sum(1 for _ in doc.walk()),
        "path": doc.path,
        "sha256": doc.sha256,
        "warnings": list(doc.warnings),
    }


def docs_text(docs: list[Document]) -> str:
    if not docs:
        return "No documents. Run `kb ingest` first."
    out = []
    for d in docs:
        r = doc_record(d)
        facts = " · ".join(x for x in (r["doc_type"], r["doc_number"], r["date"], f"{r['pages']} pages", f"{r['sections']} sections") if x)
        out.append(f"{d.id}\n  {d.title}\n  {facts}")
        if d.issuer:
            out.append(f"  issuer: {d.issuer}")
        for w in d.warnings:
            out.append(f"  warning: {w}")
    return "\n".join(out)


def section_record(doc: Document, sec: Section) -> dict:
    return {
        "section_id": sec.id,
        "level": sec.level,
        "kind": sec.kind,
        "number": sec.number,
        "heading": sec.heading,
        "title": sec.title,
        "heading_path": doc.heading_path(sec.id),
        "pages": list(sec.pages),
        "printed_pages": [doc.page_labels.get(sec.pages[0]), doc.page_labels.get(sec.pages[1])],
    }


def outline_record(doc: Document) -> dict:
    def node(s: Section) -> dict:
        r = section_record(doc, s)
        del r["heading_path"]
        r["children"] = [node(c) for c in s.children]
        return r

    return {**doc_record(doc), "outline": [node(s) for s in doc.sections]}


def _preview(sec: Section, width: int = 24) -> str:
    text = sec.title
    if sec.heading or not sec.paragraphs:
        return text
    first = sec.paragraphs[0].text
    return f"{text} {first[:width]}…" if len(first) > width else f"{text} {first}"


def outline_text(doc: Document) -> str:
    head = doc.title + (f"（{doc.doc_number}）" if doc.doc_number else "")
    rows = []
    for sec in doc.walk():
        local = sec.id[len(doc.id) + 1:]
        rows.append((local, "  " * sec.level + _preview(sec), pages_text(sec.pages)))
    w = max(len(r[0]) for r in rows) if rows else 0
    lines = [head, f"document: {doc.id}", ""]
    lines += [f"{r[0]:<{w}}  {r[1]}  {r[2]}" for r in rows]
    return "\n".join(lines)


def ingest_record(report: IngestReport) -> dict:
    return {**asdict(report), "ok": report.ok}


def ingest_text(report: IngestReport) -> str:
    lines = []
    for s in report.skipped:
        lines.append(f"skipped {s['error']}")
    for w in report.warnings:
        lines.append(f"warning {w['doc_id']}: {w['warning']}")
    changes = ", ".join(
        f"{n} {label}" for n, label in (
            (len(report.added), "added"), (len(report.updated), "updated"),
            (len(report.unchanged), "unchanged"), (len(report.removed), "removed"),
            (len(report.skipped), "skipped"),
        ) if n
    )
    lines.append(
        f"{report.documents} documents, {report.pages} pages, {report.sections} sections"
        + (f", {report.terms} terms" if report.terms else "")
        + f" in {report.index} ({changes or 'nothing to do'})"
    )
    return "\n".join(lines)


# -- search -----------------------------------------------------------------------------------

def search_record(result) -> dict:
    """The --json contract of `kb search` (README: "kb search --json")."""
    return {
        "query": result.query,
        "normalized_query": result.normalized,
        "hits": [
            {
                "rank": i,
                "doc_id": h.doc_id,
                "doc_title": h.doc_title,
                "doc_number": h.doc_number,
                "doc_type": h.doc_type,
                "date": h.date,
                "section_id": h.section_id,
                "section_title": h.title,
                "heading_path": list(h.heading_path),
                "pages": list(h.pages),
                "score": h.score,
                "snippet": h.snippet,
                "highlights": [list(s) for s in h.highlights],
            }
            for i, h in enumerate(result.hits, 1)
        ],
    }


def mark(text: str, spans, color: bool) -> str:
    """Highlight ``spans`` of ``text``: bold yellow on a terminal, 【…】 when piped."""
    start, end = ("\x1b[1;33m", "\x1b[0m") if color else ("【", "】")
    out, last = [], 0
    for a, b in spans:
        out += [text[last:a], start, text[a:b], end]
        last = b
    out.append(text[last:])
    return "".join(out)


def search_text(result, color: bool = False) -> str:
    if not result.hits:
        return f"No sections match {result.query!r}."
    lines = []
    for i, h in enumerate(result.hits, 1):
        head = h.doc_title + (f"（{h.doc_number}）" if h.doc_number else "")
        lines.append(f"{i}. {head}")
        lines.append(f"   {' › '.join(h.heading_path)}")
        lines.append(f"   {pages_text(h.pages)} · score {h.score:.2f} · {h.section_id}")
        lines.append(f"   {mark(h.snippet, h.highlights, color)}")
    return "\n".join(lines)
