"""Glossary answers → terminal text and JSON-ready dicts (a term lookup stays a small process:
nothing here imports the PDF pipeline, jieba or Whoosh)."""
from __future__ import annotations

from .lookup import Match
from .model import Term
from .present import is_document_part
from .present_format import doc_heading, pages_text as _pages


def source_record(t: Term) -> dict:
    s = t.source
    return {
        "doc_id": s.doc_id,
        "doc_title": s.doc_title,
        "doc_number": s.doc_number,
        "section_id": s.section_id,
        "heading_path": list(s.heading_path),
        "pages": list(s.pages),
    }


def uses_record(t: Term) -> list[dict]:
    return [{"doc_id": u.doc_id, "section_id": u.section_id, "title": u.title, "pages": list(u.pages), "count": u.count} for u in t.uses]


def _used_in(t: Term) -> dict:
    if t.uses:
        return {"sections": len(t.uses), "occurrences": sum(u.count for u in t.uses)}
    return {"sections": t.used_in[0], "occurrences": t.used_in[1]}


def term_record(t: Term, uses: bool = False) -> dict:
    r = {
        "term": t.term,
        "aliases": [{"name": a.name, "kind": a.kind} for a in t.aliases],
        "definition": t.definition,
        "origin": t.origin,
        "source": source_record(t),
        "used_in": _used_in(t),
    }
    if uses:
        r["uses"] = uses_record(t)
    return r


def match_record(m: Match, uses: bool = False) -> dict:
    return {**term_record(m.term, uses), "match": {"mode": m.mode, "name": m.name, "score": m.score}}


def source_line(t: Term) -> str:
    s = t.source
    doc = doc_heading(s.doc_title, s.doc_number)
    # The part stays named unless it is the document itself: a term defined in 附件 2 cites
    # 附件 2's title, or its 第五条 would read as the notice's (issue 11).
    path = s.heading_path[1:] if s.heading_path and is_document_part(s.heading_path[0], s.doc_title) else s.heading_path
    return f"{doc} › {' › '.join(path or s.heading_path)} · {_pages(s.pages)} [{s.doc_id}]"


def _aliases_text(t: Term) -> str:
    return " · ".join(f"{a.kind} {a.name}" for a in t.aliases)


def uses_text(t: Term) -> list[str]:
    total = sum(u.count for u in t.uses)
    lines = [f"  used {total} times in {len(t.uses)} sections:"]
    for u in t.uses:
        where = u.section_id[len(u.doc_id) + 1:] or u.section_id
        lines.append(f"    {u.doc_id}  {where}  {u.title}  {_pages(u.pages)}  ×{u.count}")
    return lines


def term_text(t: Term, uses: bool = False, mode: str | None = None, name: str | None = None) -> str:
    lines = [t.term]
    if t.aliases:
        lines.append("  " + _aliases_text(t))
    if t.origin == "mention":  # named with its abbreviation inside another word's definition
        lines.append("  (named here, not defined: the sentence that names it)")
    lines += ["  " + line for line in t.definition.splitlines()]
    lines.append("  source: " + source_line(t))
    if mode and mode != "exact":
        lines.append(f"  found by: {mode} ({name})")
    if uses:
        lines += uses_text(t)
    return "\n".join(lines)


def matches_text(matches: list[Match], uses: bool = False) -> str:
    return "\n\n".join(term_text(m.term, uses, m.mode, m.name) for m in matches)


def term_list_text(terms: list[Term], by: str = "doc") -> str:
    if not terms:
        return "No terms. The index has no documents with definitions."
    if by == "name":  # the caller ordered them (lookup.by_name)
        return "\n".join(f"{t.term}  {_aliases_text(t)}  [{t.source.doc_id}] {_pages(t.source.pages)}".replace("    ", "  ") for t in terms)
    out, doc = [], None
    for t in terms:
        if t.source.doc_id != doc:
            doc = t.source.doc_id
            n = sum(1 for x in terms if x.source.doc_id == doc)
            out.append(("\n" if out else "") + f"{t.source.doc_title} [{doc}] — {n} terms")
        alias = f"  ({_aliases_text(t)})" if t.aliases else ""
        out.append(f"  {t.term}{alias}  {t.source.heading_path[-1] if t.source.heading_path else ''}  {_pages(t.source.pages)}")
    return "\n".join(out)
