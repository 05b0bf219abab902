"""`kb remove`: documents out of the index, by reference or by the path of their PDF.

A document is named as everywhere (id, unique part of one, 发文字号), or by its PDF's path, which
need not exist any more: that is how a file ingested on its own and deleted since is taken
out (an ingest of its folder would do it, but a file given by itself has no folder).
``missing=True`` takes every document whose file is gone. The removal is an ingest that keeps
everything else: a new generation without them, search index and glossary rebuilt, swapped in
atomically. The PDF files are never touched.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .errors import NotFoundError
from .store import Snapshot, Store


@dataclass
class RemoveReport:
    removed: list[str] = field(default_factory=list)  # doc ids
    paths: list[str] = field(default_factory=list)  # their PDFs, in the same order
    documents: int = 0  # left in the index


def _by_path(manifest: dict, ref: str) -> str | None:
    looks_like_path = ref.lower().endswith(".pdf") or os.sep in ref
    if not looks_like_path:
        return None
    # The manifest holds resolved paths; a deleted file cannot be resolved through symlinks,
    # so its parent (which usually still exists) is, and the name is joined back on.
    p = Path(ref).expanduser()
    candidates = {str(p.resolve()), str(p.parent.resolve() / p.name), os.path.abspath(p)}
    return next((d for d, e in manifest.items() if e.get("path") in candidates), None)


def targets(snap: Snapshot, refs: list[str], missing: bool = False) -> list[str]:
    """The doc ids ``refs`` name (a PDF path first, else a document reference), and the missing."""
    ids: list[str] = []
    for ref in refs:
        doc_id = _by_path(snap.manifest, ref)
        if doc_id is None:
            try:
                doc_id = snap.resolve(ref)
            except NotFoundError:
                if ref.lower().endswith(".pdf"):
                    raise NotFoundError(f"{ref}: no document in the index was read from this file", what="file",
                                        ref=ref) from None
                raise
        if doc_id not in ids:
            ids.append(doc_id)
    if missing:
        ids += [d for d, e in snap.manifest.items() if d not in ids and not os.path.exists(e["path"])]
    return ids


def remove_documents(index_dir, refs: list[str], *, missing: bool = False, wait: float = 0.0) -> RemoveReport:
    from .ingest import IngestReport, assemble

    store = Store(index_dir)
    report = RemoveReport()
    ids = targets(store.snapshot(), [str(r) for r in refs], missing)
    if not ids:
        report.documents = len(store.snapshot().doc_ids)
        return report
    with store.writer(wait=wait) as gen:
        old = Snapshot.open(store.root)  # under the lock: what another ingest just wrote counts
        ids = [d for d in ids if d in old.manifest]
        for doc_id, entry in old.manifest.items():
            if doc_id in ids:
                report.removed.append(doc_id)
                report.paths.append(entry["path"])
            elif not gen.carry(doc_id, entry):
                gen.put(old.document(doc_id), {k: v for k, v in entry.items() if k != "file"})
        assemble(gen, IngestReport(index=str(index_dir)))
        report.documents = len(gen.manifest)
    return report
