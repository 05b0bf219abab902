"""One PDF → one ``Document``: extract → clean → structure → metadata, nothing stored."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable

from . import clean, extract, metadata, structure, validity
from .model import FURNITURE, Document


# Bump when extract/clean/structure/metadata (or the manifest entry) change: an ingest then parses
# every file again instead of carrying documents parsed by the older rules.
PARSER_VERSION = 4


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def parse_pdf(
    path: str | Path,
    doc_id: str | None = None,
    *,
    sha256: str | None = None,
    on_page: Callable[[int, int], None] | None = None,
    **budget,
) -> Document:
    """Read, repair and structure one PDF. Raises an ``InputError`` subclass for bad input."""
    path = Path(path)
    info: dict = {}
    text_warnings: list[str] = []
    pages = extract.read_pages(path, on_page=on_page, metadata=info, warnings=text_warnings, **budget)
    labelled = clean.label_pages(pages)
    doc_id = doc_id or path.stem
    sections = structure.pages_to_sections(doc_id, labelled, fallback_title=info.get("Title") or path.stem)
    meta = metadata.extract(sections, info, [ln for p in labelled for ln in p.lines if ln.label == FURNITURE],
                            pages=labelled, file_name=path.stem)
    warnings = list(text_warnings)
    empty = [p.number for p in pages if not p.lines]
    if empty and len(empty) < len(pages):
        warnings.append(f"pages without a text layer (images only, not OCR'd): {_ranges(empty)}")
    return Document(
        id=doc_id,
        path=str(path),
        sha256=sha256 or file_sha256(path),
        title=meta["title"] or path.stem,
        title_source=meta.get("title_source"),
        validity=validity.extract(sections, meta),
        doc_number=meta["doc_number"],
        issuer=meta["issuer"],
        date=meta["date"],
        doc_type=meta["doc_type"],
        page_count=len(pages),
        page_labels={p.number: p.label for p in labelled if p.label},
        sections=sections,
        warnings=warnings,
        furniture=[ln for p in labelled for ln in p.lines if ln.label == FURNITURE],
    )


def _ranges(numbers: list[int]) -> str:
    out, start, prev = [], None, None
    for n in numbers + [None]:
        if start is None:
            start = prev = n
        elif n == prev + 1:
            prev = n
        else:
            out.append(f"{start}" if start == prev else f"{start}-{prev}")
            start = prev = n
    return ", ".join(out)
