"""`kb docs`: the documents in the index, filtered and sorted, with the count before filtering."""
from __future__ import annotations

from dataclasses import dataclass, field

from .errors import QueryError
from .filters import DocFilter, select
from .model import Document

SORTS = ("id", "date", "title", "issuer")


@dataclass
class Listing:
    documents: list[Document]
    total: int  # documents in the index, before the filters
    paths: dict[str, str] = field(default_factory=dict)  # doc_id → absolute path of the PDF


def sort_documents(documents: list[Document], sort: str) -> list[Document]:
    """By id; or newest first; or by title or issuer. Documents without the field go last."""
    docs = sorted(documents, key=lambda d: d.id)
    if sort == "id":
        return docs
    field_of = {"date": lambda d: d.date, "title": lambda d: d.title, "issuer": lambda d: d.issuer}[sort]
    have = [d for d in docs if field_of(d)]
    lack = [d for d in docs if not field_of(d)]
    return sorted(have, key=field_of, reverse=sort == "date") + lack


def list_documents(index_dir, *, doc: str | None = None, doc_type: str | None = None,
                   years: tuple[int, int] | None = None, issuer: str | None = None, sort: str = "id",
                   in_force: str | None = None) -> Listing:
    """The index's documents that pass the filters; ``in_force``: only those in force on that ISO date."""
    from .store import Store

    if sort not in SORTS:
        raise QueryError(f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
    snap = Store(index_dir).snapshot()
    ids = select(snap, DocFilter(doc, doc_type, years, issuer))
    if in_force is not None:
        from .validity import in_force_ids

        live = set(in_force_ids(snap, in_force))
        ids = [d for d in ids if d in live]
    documents = sort_documents([snap.document(d) for d in ids], sort)
    return Listing(documents, len(snap.doc_ids), {d: snap.manifest[d]["path"] for d in ids})
