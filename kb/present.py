"""Answers → text for a terminal, and → JSON-ready dicts. No printing here; cli.py prints.

Every record that points into a document carries its provenance: document id and title,
heading path, and PDF pages (printed page labels beside, where the page shows one).
"""
from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

from .model import Document, Section

if TYPE_CHECKING:  # the report's module pulls in the PDF pipeline; rendering needs none of it
    from .ingest import IngestReport


def pages_text(pages) -> str:
    a, b = pages
    return f"p.{a}" if a == b else f"p.{a}-{b}"


def validity_record(doc: Document, as_of: str | None = None) -> dict:
    from .validity import status, today

    v = doc.validity
    when = as_of or today()
    return {"status": status(v, doc.date, when), "as_of": when, "adopted": v.adopted,
            "promulgated": v.promulgated, "effective": v.effective, "expires": v.expires, "draft": v.draft,
            "trial": v.trial, "repeals": list(v.repeals), "amends": list(v.amends), "sources": dict(v.sources)}


def doc_record(doc: Document, as_of: str | None = None) -> dict:
    return {
        "doc_id": doc.id,
        "title": doc.title,
        "title_source": doc.title_source,
        "doc_number": doc.doc_number,
        "issuer": doc.issuer,
        "date": doc.date,
        "doc_type": doc.doc_type,
        "pages": doc.page_count,
        "sections": sum(1 for _ in doc.walk()),
        "path": doc.path,
        "sha256": doc.sha256,
        "warnings": list(doc.warnings),
        "validity": validity_record(doc, as_of),
    }


def docs_text(docs: list[Document], as_of: str | None = None) -> str:
    if not docs:
        return "No documents. Run `kb ingest` first."
    out = []
    for d in docs:
        r = doc_record(d, as_of)
        facts = " · ".join(x for x in (r["doc_type"], r["doc_number"], r["date"], f"{r['pages']} pages", f"{r['sections']} sections") if x)
        out.append(f"{d.id}\n  {d.title}\n  {facts}")
        out.append("  " + validity_text(r["validity"]))
        if d.issuer:
            out.append(f"  issuer: {d.issuer}")
        for w in d.warnings:
            out.append(f"  warning: {w}")
    return "\n".join(out)


def validity_text(v: dict) -> str:
    """"status: in force (as of 2026-12-01) · effective 2016-01-01 · expires 2020-12-31 · trial"."""
    bits = [f"status: {v['status']} (as of {v['as_of']})"]
    bits += [f"{k} {v[k]}" for k in ("effective", "expires") if v[k]]
    bits += [k for k in ("trial",) if v[k]]
    if v["repeals"]:
        bits.append("repeals " + "、".join(f"《{t}》" for t in v["repeals"]))
    return " · ".join(bits)


def section_record(doc: Document, sec: Section) -> dict:
    return {
        **sec.record(),
        "heading_path": doc.heading_path(sec.id),
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


# -- kb keyword ------------------------------------------------------------------------------
def _brackets(word: str) -> str:
    return f"【{word}】"


def short_path(path, doc_title: str | None = None) -> str:
    """A heading path without its part title when it goes deeper and the part is the document
    itself; a later part (附件 2's own title) stays, or 第五条 would point into the notice (issue 11)."""
    path = list(path)
    drop = len(path) > 1 and (doc_title is None or is_document_part(path[0], doc_title))
    return " > ".join(path[1:] if drop else path)


def is_document_part(part_title: str, doc_title: str) -> bool:
    """Whether a part's title is the document's own ("附件1 X" of a document titled X too)."""
    import re

    return re.sub(r"^附件\s*\d*\s*[:：]?\s*", "", part_title) == doc_title or part_title == doc_title


def occurrence_record(o) -> dict:
    return {
        "word": o.word,
        "doc_id": o.doc_id,
        "doc_title": o.doc_title,
        "section_id": o.section_id,
        "heading_path": list(o.heading_path),
        "page": o.page,
        "pages": list(o.pages),
        "where": o.where,
        "paragraph": o.paragraph,
        "offset": o.offset,
        "left": o.left,
        "keyword": o.keyword,
        "right": o.right,
    }


def kwic_record(result, counts_only: bool = False) -> dict:
    record = {
        "words": list(result.words),
        "mode": result.mode,
        "context": result.context,
        "documents": list(result.documents),
        "counts": [{"doc_id": d, "words": per, "total": sum(per.values())} for d, per in result.counts().items()],
        "totals": result.totals(),
        "total": result.total,
        "hints": dict(result.hints),
    }
    if not counts_only:
        record["occurrences"] = [occurrence_record(o) for o in result.occurrences]
    return record


def _word_counts(per: dict[str, int]) -> str:
    return " · ".join(f"{w} {n}" for w, n in per.items())


def kwic_text(result, mark=_brackets, counts_only: bool = False) -> str:
    """One line per occurrence, then counts per document and in total.

    ``mark`` highlights the keyword: brackets by default (safe to pipe), colour on a terminal.
    """
    lines = []
    if not counts_only:
        for o in result.occurrences:
            where = "" if o.where == "text" else f" ({o.where})"
            lines.append(f"{o.doc_id} p.{o.page} {short_path(o.heading_path, o.doc_title)}{where}: {o.left}{mark(o.keyword)}{o.right}")
        if lines:
            lines.append("")
    if not result.total:
        scope = f"{len(result.documents)} document" + ("s" if len(result.documents) != 1 else "")
        what = " + ".join(result.words) if result.mode == "all" else " or ".join(result.words)
        lines.append(f"No occurrences of {what}{' in one paragraph' if result.mode == 'all' else ''} in {scope}.")
    else:
        for doc_id, per in result.counts().items():
            lines.append(f"{doc_id}: {_word_counts(per)}")
        lines.append(f"total: {_word_counts(result.totals())}" + (f" ({result.total})" if len(result.words) > 1 else ""))
    for w, fixed in result.hints.items():
        lines.append(f"note: {w} is a font mis-map the text was repaired from; the text reads {fixed}")
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
