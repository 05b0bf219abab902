"""Answers → text for a terminal, and → JSON-ready dicts. No printing here; cli.py prints.

Every record that points into a document carries its provenance: document id and title,
heading path, and PDF pages (printed page labels beside, where the page shows one).
"""
from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

from .model import Document, Section
from .present_format import doc_heading, pages_text

if TYPE_CHECKING:  # the report's module pulls in the PDF pipeline; rendering needs none of it
    from .ingest import IngestReport


def validity_record(doc: Document, as_of: str | None = None) -> dict:
    from .validity import status, today

    v = doc.validity
    when = as_of or today()
    return {"status": status(v, doc.date, when), "as_of": when, "adopted": v.adopted,
            "promulgated": v.promulgated, "effective": v.effective, "expires": v.expires, "draft": v.draft,
            "trial": v.trial, "repeals": list(v.repeals), "amends": list(v.amends), "sources": dict(v.sources)}


def doc_record(doc: Document, path: str | None = None, as_of: str | None = None) -> dict:
    """``path``: the PDF's absolute path from the manifest (``doc.path`` is as typed at ingest);
    ``as_of``: the date the validity status is given for (default today)."""
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
        "path": path or doc.path,
        "sha256": doc.sha256,
        "warnings": list(doc.warnings),
        "ocr_pages": list(doc.ocr_pages),
        "validity": validity_record(doc, as_of),
    }


def shown_of(shown: int, total: int, noun: str) -> str:
    """"2 of 12 documents", or "12 documents" when all are shown."""
    plural = noun if total == 1 else noun + "s"
    return f"{total} {plural}" if shown == total else f"{shown} of {total} {plural}"


def docs_text(listing, as_of: str | None = None) -> str:
    out = []
    for d in listing.documents:
        r = doc_record(d, as_of=as_of)
        ocr = f"{len(d.ocr_pages)} pages OCR'd" if d.ocr_pages else None
        facts = " · ".join(x for x in (r["doc_type"], r["doc_number"], r["date"], f"{r['pages']} pages", ocr, f"{r['sections']} sections") if x)
        out.append(f"{d.id}\n  {d.title}\n  {facts}")
        out.append("  " + validity_text(r["validity"]))
        if d.issuer:
            out.append(f"  issuer: {d.issuer}")
        for w in d.warnings:
            out.append(f"  warning: {w}")
    if listing.documents:
        out.append(shown_of(len(listing.documents), listing.total, "document"))
    return "\n".join(out)


DOC_COLUMNS = ("doc_id", "title", "doc_number", "issuer", "date", "doc_type", "pages", "sections", "path")


def docs_csv(listing, delimiter: str = ",") -> str:
    """A header row and one row per document; tab-separated values have tabs and newlines blanked."""
    import csv
    import io

    buf = io.StringIO()
    if delimiter == "\t":
        clean = lambda v: "" if v is None else str(v).replace("\t", " ").replace("\n", " ")  # noqa: E731
        rows = [DOC_COLUMNS] + [[clean(doc_record(d, listing.paths.get(d.id))[c]) for c in DOC_COLUMNS] for d in listing.documents]
        return "".join("\t".join(r) + "\n" for r in rows)
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    w.writerow(DOC_COLUMNS)
    for d in listing.documents:
        r = doc_record(d, listing.paths.get(d.id))
        w.writerow(["" if r[c] is None else r[c] for c in DOC_COLUMNS])
    return buf.getvalue()


def docs_json(listing, as_of: str | None = None) -> dict:
    return {"total": listing.total, "shown": len(listing.documents),
            "documents": [doc_record(d, listing.paths.get(d.id), as_of) for d in listing.documents]}


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
    head = doc_heading(doc.title, doc.doc_number)
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
    for r in getattr(report, "repaired", ()):
        lines.append(f"repaired {r}")
    for w in report.warnings:
        lines.append(f"warning {w['doc_id']}: {w['warning']}")
    for d in report.duplicates:
        lines.append(f"duplicate {d['path']}: the same bytes as {d['doc_id']}, not added again")
    changes = ", ".join(
        f"{n} {label}" for n, label in (
            (len(report.added), "added"), (len(report.updated), "updated"),
            (len(report.unchanged), "unchanged"), (len(report.removed), "removed"),
            (len(report.skipped), "skipped"), (len(report.duplicates), "duplicate"),
            (len(report.excluded), "excluded"), (len(report.repaired), "repaired"),
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


def occurrence_record(o, path: str | None = None) -> dict:
    return {
        "word": o.word,
        "doc_id": o.doc_id,
        "doc_title": o.doc_title,
        "path": path,
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
        "ocr": o.ocr,
    }


def kwic_record(result, counts_only: bool = False) -> dict:
    record = {
        "words": list(result.words),
        "mode": result.mode,
        "context": result.context,
        "documents": list(result.documents),
        "total_documents": result.total_documents,
        "counts": [{"doc_id": d, "words": per, "total": sum(per.values())} for d, per in result.counts().items()],
        "totals": result.totals(),
        "total": result.total,
        "hints": dict(result.hints),
        "searched_as": dict(result.searched_as),
    }
    if not counts_only:
        record["occurrences"] = [occurrence_record(o, result.paths.get(o.doc_id)) for o in result.occurrences]
    return record


def _word_counts(per: dict[str, int]) -> str:
    return " · ".join(f"{w} {n}" for w, n in per.items())


def kwic_text(result, mark=_brackets, counts_only: bool = False) -> str:
    """One line per occurrence, then counts per document and in total.

    ``mark`` highlights the keyword: brackets by default (safe to pipe), colour on a terminal.
    """
    if not result.total:
        return ""  # nothing found: cli prints kwic_no_match on stderr
    lines = []
    if not counts_only:
        for o in result.occurrences:
            where = "" if o.where == "text" else f" ({o.where})"
            ocr = " [OCR]" if o.ocr else ""
            lines.append(f"{o.doc_id} p.{o.page}{ocr} {short_path(o.heading_path, o.doc_title)}{where}: {o.left}{mark(o.keyword)}{o.right}")
        if lines:
            lines.append("")
    for doc_id, per in result.counts().items():
        lines.append(f"{doc_id}: {_word_counts(per)}")
    lines.append(f"total: {_word_counts(result.totals())}" + (f" ({result.total})" if len(result.words) > 1 else ""))
    lines.append(kwic_summary(result))
    lines.extend(_hint_lines(result))
    return "\n".join(lines)


def _hint_lines(result) -> list[str]:
    return [f"note: {w} is a font mis-map the text was repaired from; the text reads {fixed}"
            for w, fixed in result.hints.items()] + [
        f"note: {typed} is in no document as typed; searched as the text writes it: {form}"
        for typed, form in result.searched_as.items()]


def kwic_summary(result) -> str:
    """"5 occurrences in 2 of 3 documents searched (3 of 12 in the index)": what was found and where it was looked."""
    searched, found = len(result.documents), len(result.counts())
    line = f"{result.total} occurrence{'s' if result.total != 1 else ''} in {found} of {searched} document{'s' if searched != 1 else ''} searched"
    if result.total_documents and searched < result.total_documents:
        line += f" ({searched} of {result.total_documents} in the index)"
    return line


def kwic_no_match(result) -> str:
    """The one line for stderr when nothing was found."""
    scope = f"{len(result.documents)} document" + ("s" if len(result.documents) != 1 else "")
    what = " + ".join(result.words) if result.mode == "all" else " or ".join(result.words)
    return "\n".join([f"No occurrences of {what}{' in one paragraph' if result.mode == 'all' else ''} in {scope}."]
                     + _hint_lines(result))


# -- search -----------------------------------------------------------------------------------

def _hit_record(i: int, h, source: dict | None = None) -> dict:
    return {
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
        "matched": list(h.matched),
        "partial": h.partial,
        "ocr": h.ocr,
        **(source or {}),
    }


def search_record(result, sources: list[dict] | None = None, best_sources: list[dict] | None = None) -> dict:
    """The --json contract of `kb search` (README: "kb search --json").

    ``sources`` (kb.citation.hit_sources), one per hit: the PDF's path, the match's page, the citation;
    ``best_sources`` the same for each ``--by-doc`` group's best hit, which is "a hit as below" too.
    """
    out = {
        "query": result.query,
        "normalized_query": result.normalized,
        "query_analysis": {
            "mode": result.mode,
            "words": list(result.words),
            "expanded": dict(result.expanded),
            "dropped": list(result.dropped),
            "unmatched": list(result.unmatched),
            "required": result.required,
        },
        "total": result.total,
        "documents": result.documents,
        "shown": len(result.hits),
        "partial": result.partial,
        "hits": [_hit_record(i, h, sources[i - 1] if sources else None) for i, h in enumerate(result.hits, 1)],
    }
    if result.by_doc is not None:
        out["by_doc"] = [
            {"doc_id": g.doc_id, "doc_title": g.doc_title, "doc_number": g.doc_number, "date": g.date,
             "sections": g.sections, "best": _hit_record(1, g.best, best_sources[i] if best_sources else None)}
            for i, g in enumerate(result.by_doc)
        ]
    return out


def search_explain(result) -> str:
    """How the query was read: what --explain prints before the hits."""
    lines = [f"query: {result.normalized}  ({'best match' if result.mode == 'best' else 'typed syntax, exact meaning'})"]
    if result.mode == "best":
        lines.append(f"words: {' · '.join(result.words) or '—'}  (a section must hold {result.required} of {result.counted})")
        for w, alts in result.expanded.items():
            lines.append(f"also: {w} → {' / '.join(alts)}")
        if result.dropped:
            lines.append(f"left out: {' '.join(result.dropped)}")
    return "\n".join(lines)


def _summary(result) -> str:
    sections = "section" if result.total == 1 else "sections"
    docs = "document" if result.documents == 1 else "documents"
    shown = len(result.by_doc) if result.by_doc is not None else len(result.hits)
    what = f"{result.documents} {docs} ({result.total} {sections})" if result.by_doc is not None \
        else f"{result.total} {sections} in {result.documents} {docs}"
    if result.partial and result.mode == "boolean":
        return f"No section matches the query as written; {shown} of {what} hold some of its words (partial matches):"
    if result.by_doc is None and shown > result.total:  # kb.search filled the page with partial matches
        return f"{what}, then {shown - result.total} partial matches (fewer sections hold enough of the words)"
    return f"{shown} of {what}" + (" — partial matches: no section holds enough of the words" if result.partial else "")


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
    lines = []
    if result.unmatched:
        lines.append(f"no section holds: {' '.join(result.unmatched)}")
    if not result.hits:
        shown = result.query if len(result.query) <= 40 else result.query[:40] + "…"
        lines.append(f"No sections match {shown!r}.")
        return "\n".join(lines)
    lines.append(_summary(result))
    if result.by_doc is not None:
        for i, g in enumerate(result.by_doc, 1):
            head = doc_heading(g.doc_title, g.doc_number) + (f" {g.date}" if g.date else "")
            lines.append(f"{i}. {head} · {g.sections} {'section' if g.sections == 1 else 'sections'}")
            h = g.best
            lines.append(f"   best: {' › '.join(h.heading_path)} · {pages_text(h.pages)} · {h.section_id}")
        return "\n".join(lines)
    for i, h in enumerate(result.hits, 1):
        head = doc_heading(h.doc_title, h.doc_number)
        lines.append(f"{i}. {head}")
        lines.append(f"   {' › '.join(h.heading_path)}")
        missing = [w for w in result.words if w not in h.matched and (len(w) > 1 or w.isascii())]
        part = f" · without: {'、'.join(missing)}" if h.partial and missing else ""
        ocr = " · OCR text, check the page image" if h.ocr else ""
        lines.append(f"   {pages_text(h.pages)} · score {h.score:.2f} · {h.section_id}{part}{ocr}")
        lines.append(f"   {mark(h.snippet, h.highlights, color)}")
    return "\n".join(lines)
