"""A reference the user types → a document, or a section of one.

Tried in this order; the first rule that matches anything decides:

1. a document's exact id or title → the whole document;
2. a full section id (``<doc_id>/ch5/s2``), or a local one (``ch5/s2``) in the documents in scope;
3. a title or heading as printed (``第五章 重点领域``, ``重点领域``, ``问卷调查显示企业满意度提升``)
   or a number (``第五章``), spaces ignored;
4. a path of numbers, outermost first (``一、（六）``: the （六） inside 一、);
5. a part of a heading below the document's parts (``企业满意度``);
6. a document by ``Snapshot.resolve`` (a unique part of its id or title, or its 发文字号).

More than one match → ``AmbiguousRefError`` with each candidate's id, title and pages; when
the reference also names a document by rule 6 (``苏州``), the whole document is offered among
them, since a user typing a place or a title word often means the document. A reference
that matches nothing is tried once more in simplified characters (``第五章 重點領域``), as
``kb search`` converts its query.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import AmbiguousRefError, NotFoundError
from .model import Document, Section
from .present_format import pages_text
from .text import fix_spacing


@dataclass(frozen=True)
class Target:
    document: Document
    section: Section | None  # None: the whole document


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", fix_spacing(text or ""))


def _numbers(ref: str) -> list[str] | None:
    """"一、（六）" → ["一、", "（六）"]; None unless the whole ref is ladder numbers."""
    from .structure import ladder_match

    out, rest = [], _squash(ref)
    while rest:
        m = ladder_match(rest)
        if not m:
            return None
        out.append(m[2])
        rest = m[3]
    return out


def _walk(doc: Document):
    def down(sections, trail):
        for s in sections:
            numbers = trail + ([_squash(s.number)] if s.number else [])
            yield s, numbers
            yield from down(s.children, numbers)

    yield from down(doc.sections, [])


def candidate_line(doc: Document, sec: Section | None) -> str:
    if sec is None:
        return _document_line(doc.id, doc.title, doc.page_count)
    return _section_line(sec.id, doc.heading_path(sec.id), sec.pages)


def _document_line(doc_id: str, title: str, page_count: int) -> str:
    return f"{doc_id}  (whole document) {title}  p.1-{page_count}"


def _section_line(section_id: str, heading_path, pages) -> str:
    return f"{section_id}  {' > '.join(heading_path)}  {pages_text(pages)}"


def _decide(ref: str, hits: list[Target]) -> Target | None:
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise AmbiguousRefError(ref, [candidate_line(t.document, t.section) for t in hits])
    return None


def _simplified(text: str) -> str:
    from .text import to_simplified  # opencc is loaded only for a reference that found nothing

    return to_simplified(text)


def resolve_document(snapshot, ref: str) -> str:
    """``Snapshot.resolve``, then the same in simplified characters."""
    try:
        return snapshot.resolve(ref)
    except NotFoundError:
        simple = _simplified(ref)
        if simple == ref:
            raise
        try:
            return snapshot.resolve(simple)
        except NotFoundError:
            raise NotFoundError(f"no document matches {ref!r} (nor {simple!r}); `kb docs` lists them") from None


def open_document(index_dir, ref: str) -> Document:
    """The document ``ref`` names (id, unique part of one, 发文字号; traditional characters too).

    Its ``path`` is the PDF's absolute path from the manifest, not the one typed at the ingest,
    so it is right from any folder (a copy: the snapshot's cached document is left alone).
    """
    from dataclasses import replace

    from .store import Store

    snap = Store(index_dir).snapshot()
    doc_id = resolve_document(snap, ref)
    return replace(snap.document(doc_id), path=snap.manifest[doc_id]["path"])


def resolve_ref(snapshot, ref: str, doc: str | None = None) -> Target:
    try:
        return _resolve_ref(snapshot, ref, doc)
    except NotFoundError:
        simple = _simplified(ref.strip())
        if simple == ref.strip():
            raise
        return _resolve_ref(snapshot, simple, doc)


def _with_document(snapshot, ref: str, hits: list[Target]) -> list[Target]:
    """``hits`` and, first, the document ``ref`` names by part of its id or title, if one does."""
    try:
        d = snapshot.document(snapshot.resolve(ref))
    except (NotFoundError, AmbiguousRefError):
        return hits
    return [Target(d, None)] + hits if hits and all(t.section is not None for t in hits) else hits


def _resolve_ref(snapshot, ref: str, doc: str | None = None) -> Target:
    ref = ref.strip()
    if not ref:
        raise NotFoundError("empty reference: give a section id, a heading or a document")
    from . import docstore

    ds = docstore.reader(snapshot)
    if ds is not None:
        return _resolve_in_store(ds, snapshot, ref, doc)
    documents = [snapshot.document(resolve_document(snapshot, doc))] if doc else snapshot.documents()
    key = _squash(ref)

    hit = _decide(ref, [Target(d, None) for d in documents if ref == d.id or key == _squash(d.title)])
    if hit:
        return hit
    for d in documents:
        sec = d.section(ref) or d.section(f"{d.id}/{ref}")
        if sec is not None:
            by_id = [Target(x, x.section(f"{x.id}/{ref}")) for x in documents if x.section(f"{x.id}/{ref}")]
            return _decide(ref, by_id) if ref != sec.id else Target(d, sec)

    sections = [(d, s, nums) for d in documents for s, nums in _walk(d)]
    exact = [Target(d, s) for d, s, _ in sections
             if key in (_squash(s.title), _squash(s.heading), _squash(s.number or ""))]
    hit = _decide(ref, exact)
    if hit:
        return hit
    path = _numbers(ref)
    if path and len(path) > 1:
        hit = _decide(ref, [Target(d, s) for d, s, nums in sections if nums[-len(path):] == path])
        if hit:
            return hit
    # Parts are left out here: their titles are the document's, and rule 6 handles those.
    partial = [Target(d, s) for d, s, _ in sections if s.kind != "part" and s.heading and key in _squash(s.heading)]
    hit = _decide(ref, _with_document(snapshot, ref, partial) if len(partial) > 1 and not doc else partial)
    if hit:
        return hit
    if not doc:
        try:
            return Target(snapshot.document(snapshot.resolve(ref)), None)
        except NotFoundError:
            pass
    scope = f"document {documents[0].id}" if doc else f"{len(documents)} documents"
    raise NotFoundError(f"no section or document matches {ref!r} in {scope}; `kb outline DOC` lists the sections")


# -- the same rules over the section store (kb.docstore): only the sections that answer are read
class _Whole:
    """A whole document among the candidates; its JSON is read only if it is the answer."""

    def __init__(self, snapshot, ds, doc_id: str):
        self.snapshot, self.ds, self.doc_id = snapshot, ds, doc_id

    def line(self) -> str:
        meta = self.ds.meta(self.doc_id) or {}
        return _document_line(self.doc_id, meta.get("title", ""), meta.get("page_count", 0))

    def target(self) -> Target:
        return Target(self.snapshot.document(self.doc_id), None)


class _Part:
    """A section among the candidates, as its stored row."""

    def __init__(self, ds, row):
        self.ds, self.row = ds, row

    def line(self) -> str:
        return _section_line(self.row.section_id, self.row.heading_path, self.row.pages)

    def target(self) -> Target:
        doc, sec = self.ds.target(self.row.doc_id, self.row.section_id)
        return Target(doc, sec)


def _decide_stored(ref: str, hits: list) -> Target | None:
    if len(hits) == 1:
        return hits[0].target()
    if hits:
        raise AmbiguousRefError(ref, [h.line() for h in hits])
    return None


def _resolve_in_store(ds, snapshot, ref: str, doc: str | None) -> Target:
    """``_resolve_ref``'s rules in its order, each asked of the store's indexes."""
    import json

    ids = [resolve_document(snapshot, doc)] if doc else snapshot.doc_ids
    scope = ids if doc else None
    key = _squash(ref)

    def title(d):
        entry = snapshot.manifest.get(d, {})
        return entry["title"] if "title" in entry else (ds.meta(d) or {}).get("title", "")

    hit = _decide_stored(ref, [_Whole(snapshot, ds, d) for d in ids if ref == d or key == _squash(title(d))])
    if hit:
        return hit
    rows = ds.rows("section_id = ? OR local_id = ?", (ref, ref), scope)
    if rows:
        first = rows[0].doc_id
        own = [r for r in rows if r.doc_id == first and r.section_id == ref]
        if own:
            return _Part(ds, own[0]).target()
        return _decide_stored(ref, [_Part(ds, r) for r in rows if r.local_id == ref])

    hit = _decide_stored(ref, [_Part(ds, r) for r in ds.rows("title_sq = ?1 OR heading_sq = ?1 OR number_sq = ?1", (key,), scope)])
    if hit:
        return hit
    path = _numbers(ref)
    if path and len(path) > 1:
        ladder = [r for r in ds.rows("number_sq = ?", (path[-1],), scope) if json.loads(r.nums)[-len(path):] == path]
        hit = _decide_stored(ref, [_Part(ds, r) for r in ladder])
        if hit:
            return hit
    # Parts are left out here: their titles are the document's, and rule 6 handles those.
    partial = [_Part(ds, r) for r in ds.rows("kind != 'part' AND heading != '' AND instr(heading_sq, ?) > 0", (key,), scope)]
    if len(partial) > 1 and not doc:
        try:
            partial = [_Whole(snapshot, ds, snapshot.resolve(ref))] + partial
        except (NotFoundError, AmbiguousRefError):
            pass
    hit = _decide_stored(ref, partial)
    if hit:
        return hit
    if not doc:
        try:
            return Target(snapshot.document(snapshot.resolve(ref)), None)
        except NotFoundError:
            pass
    where = f"document {ids[0]}" if doc else f"{len(ids)} documents"
    raise NotFoundError(f"no section or document matches {ref!r} in {where}; `kb outline DOC` lists the sections")
