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

from dataclasses import dataclass

from .docstore import squash
from .errors import AmbiguousRefError, NotFoundError
from .model import Document, Section, SectionKind
from .present_format import pages_text


@dataclass(frozen=True)
class Target:
    document: Document
    section: Section | None  # None: the whole document


def _numbers(ref: str) -> list[str] | None:
    """"一、（六）" → ["一、", "（六）"]; None unless the whole ref is ladder numbers."""
    from .structure import ladder_match

    out, rest = [], squash(ref)
    while rest:
        m = ladder_match(rest)
        if not m:
            return None
        out.append(m[2])
        rest = m[3]
    return out


def _document_line(doc_id: str, title: str, page_count: int) -> str:
    return f"{doc_id}  (whole document) {title}  {pages_text((1, page_count))}"


def _section_line(section_id: str, heading_path, pages) -> str:
    return f"{section_id}  {' > '.join(heading_path)}  {pages_text(pages)}"


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
            raise NotFoundError(f"no document matches {ref!r} (nor {simple!r})", what="document", ref=ref) from None


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


# -- the rules, each asked of the section store's indexes (kb.docstore): only the sections that answer are read
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


def _decide(ref: str, hits: list) -> Target | None:
    if len(hits) == 1:
        return hits[0].target()
    if hits:
        raise AmbiguousRefError(ref, [h.line() for h in hits])
    return None


def _resolve_ref(snapshot, ref: str, doc: str | None = None) -> Target:
    import json

    from . import docstore

    ref = ref.strip()
    if not ref:
        raise NotFoundError("empty reference: give a section id, a heading or a document")
    ds = docstore.reader(snapshot)
    ids = [resolve_document(snapshot, doc)] if doc else snapshot.doc_ids
    scope = ids if doc else None
    key = squash(ref)

    def title(d):
        entry = snapshot.manifest.get(d, {})
        return entry["title"] if "title" in entry else (ds.meta(d) or {}).get("title", "")

    hit = _decide(ref, [_Whole(snapshot, ds, d) for d in ids if ref == d or key == squash(title(d))])
    if hit:
        return hit
    rows = ds.rows("section_id = ? OR local_id = ?", (ref, ref), scope)
    if rows:
        first = rows[0].doc_id
        own = [r for r in rows if r.doc_id == first and r.section_id == ref]
        if own:
            return _Part(ds, own[0]).target()
        return _decide(ref, [_Part(ds, r) for r in rows if r.local_id == ref])

    hit = _decide(ref, [_Part(ds, r) for r in ds.rows("title_sq = ?1 OR heading_sq = ?1 OR number_sq = ?1", (key,), scope)])
    if hit:
        return hit
    path = _numbers(ref)
    if path and len(path) > 1:
        ladder = [r for r in ds.rows("number_sq = ?", (path[-1],), scope) if json.loads(r.nums)[-len(path):] == path]
        hit = _decide(ref, [_Part(ds, r) for r in ladder])
        if hit:
            return hit
    # Parts are left out here: their titles are the document's, and rule 6 handles those.
    partial = [_Part(ds, r) for r in ds.rows("kind != ? AND heading != '' AND instr(heading_sq, ?) > 0", (SectionKind.PART, key), scope)]
    if len(partial) > 1 and not doc:
        try:
            partial = [_Whole(snapshot, ds, snapshot.resolve(ref))] + partial
        except (NotFoundError, AmbiguousRefError):
            pass
    hit = _decide(ref, partial)
    if hit:
        return hit
    if not doc:
        try:
            return Target(snapshot.document(snapshot.resolve(ref)), None)
        except NotFoundError:
            pass
    where = f"document {ids[0]}" if doc else f"{len(ids)} documents"
    raise NotFoundError(f"no section or document matches {ref!r} in {where}", what="section", ref=ref)
