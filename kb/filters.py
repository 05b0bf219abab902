"""Which documents a command looks at: --doc, --type, --year and --issuer, one meaning everywhere.

``kb search``, ``kb keyword`` and ``kb docs`` take the same four filters. They are checked on a
document's metadata (a dict with doc_type, date, issuer), which the manifest holds for an index
built since the manifest carries them; an older manifest entry is filled from the document's
JSON. A --type or --issuer that no document has is a named error listing what the index has,
so a typo is not mistaken for "nothing matched".
"""
from __future__ import annotations

from dataclasses import dataclass

from .errors import QueryError, QueryOptionError


@dataclass(frozen=True)
class DocFilter:
    doc: str | None = None  # a reference (Snapshot.resolve)
    doc_type: str | None = None
    years: tuple[int, int] | None = None  # inclusive; undated documents drop out
    issuer: str | None = None  # a part of the issuer's name

    @property
    def active(self) -> bool:
        return any(v is not None for v in (self.doc, self.doc_type, self.years, self.issuer))

    def accepts(self, meta: dict) -> bool:
        if self.doc_type is not None and meta.get("doc_type") != self.doc_type:
            return False
        if self.issuer is not None and self.issuer not in (meta.get("issuer") or ""):
            return False
        if self.years is not None:
            date = meta.get("date") or ""
            if not date[:4].isdigit() or not self.years[0] <= int(date[:4]) <= self.years[1]:
                return False
        return True


def metadata(snap) -> dict[str, dict]:
    """{doc_id: {doc_type, date, issuer, title, doc_number}} from the manifest, else the document."""
    out = {}
    for doc_id, entry in snap.manifest.items():
        if all(k in entry for k in ("doc_type", "date", "issuer")):
            out[doc_id] = entry
        else:
            d = snap.document(doc_id)
            out[doc_id] = {**entry, "doc_type": d.doc_type, "date": d.date, "issuer": d.issuer}
    return out


def check(f: DocFilter, meta: dict[str, dict]) -> None:
    """Refuse a --type or --issuer that no document in the index has."""
    if f.doc_type is not None:
        known = sorted({m.get("doc_type") for m in meta.values()} - {None})
        if f.doc_type not in known:
            raise QueryError(f"no document of type {f.doc_type!r}; the index has: {', '.join(known) or 'none'}")
    if f.issuer is not None:
        if not f.issuer.strip():
            raise QueryOptionError("issuer", "empty {option}: give a part of the issuer's name, e.g. 东莞市")
        issuers = sorted({m.get("issuer") for m in meta.values()} - {None})
        if not any(f.issuer in i for i in issuers):
            raise QueryError(f"no document issued by {f.issuer!r}; the index has: {', '.join(issuers) or 'none'}")


def select(snap, f: DocFilter) -> list[str]:
    """The ids of the documents ``f`` lets through, in index order."""
    meta = metadata(snap) if (f.doc_type or f.years or f.issuer) else {d: {} for d in snap.doc_ids}
    check(f, meta)
    from .refs import resolve_document  # traditional characters too, as kb outline reads them

    ids = [resolve_document(snap, f.doc)] if f.doc else snap.doc_ids
    return [d for d in ids if f.accepts(meta[d])]
