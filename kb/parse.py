"""One PDF → one ``Document``: extract → clean → structure → metadata, nothing stored."""
from __future__ import annotations

from dataclasses import replace

import hashlib
import time
from pathlib import Path
from typing import Callable

from . import clean, extract, metadata, ocr, structure, validity
from .errors import NoTextLayerError, OcrUnavailableError
from .model import FURNITURE, Document
from .ocr_marks import mark_sections


# Bump when extract/clean/structure/metadata (or the manifest entry) change: an ingest then parses
# every file again instead of carrying documents parsed by the older rules.
PARSER_VERSION = 12  # 12: run-in leads only where a document sets them as its style, never in an article; 11: a numbered point followed by a number (3、1分钟仰卧起坐评分表) is a heading; 10: articles quoted from other documents are not sections (structure._quoted_articles), nor items continuing a list run into the text; 9: a part headed by the file name takes the title metadata finds; 8: table cell items apart, front and back matter (Paragraph.matter); 7: law articles after a full line, tables of contents, joint signers, names and dates under seals


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
    use_ocr: bool = False,
    ocr_cache: str | Path | None = None,
    on_ocr_page: Callable[[int, int], None] | None = None,
    **budget,
) -> Document:
    """Read, repair and structure one PDF. Raises an ``InputError`` subclass for bad input.

    ``use_ocr``: OCR the pages without a text layer (kb/ocr.py). ``ocr_cache``: the directory
    of cached OCR results (the index's); pages cached there are used even without ``use_ocr``.
    ``on_ocr_page(page_no, page_count)``: called after each page read by OCR.
    """
    path = Path(path)
    sha256 = sha256 or file_sha256(path)
    deadline = time.monotonic() + budget.get("max_seconds", extract.MAX_SECONDS)
    part = extract.read_range(path, on_page=on_page, **budget)
    return document_of_ranges(path, [part], doc_id, sha256=sha256, use_ocr=use_ocr, ocr_cache=ocr_cache,
                              on_ocr_page=on_ocr_page, deadline=deadline, max_seconds=budget.get("max_seconds", extract.MAX_SECONDS))


def document_of_ranges(path: Path, parts: list[extract.PageRange], doc_id: str | None = None, *, sha256: str,
                       use_ocr: bool = False, ocr_cache: str | Path | None = None,
                       on_ocr_page: Callable[[int, int], None] | None = None,
                       deadline: float = float("inf"), max_seconds: float = extract.MAX_SECONDS) -> Document:
    """The ``Document`` of a PDF read in page ranges (``extract.read_range``; one range: the whole
    file): everything that looks across pages runs here, on the joined pages, so a file read in
    ranges by several workers (kb.parse_pool) gives the document one reading gives."""
    path = Path(path)
    reader = _ocr_reader(path, sha256, use_ocr, ocr_cache)
    if reader is not None:
        reader.on_read = on_ocr_page
    try:
        read = extract.finish(path, parts, page_ocr=reader, deadline=deadline, max_seconds=max_seconds)
    except NoTextLayerError as err:
        if use_ocr and ocr.missing() and not isinstance(err, OcrUnavailableError):
            raise OcrUnavailableError(path, err.detail) from err
        raise
    finally:
        if reader is not None:
            reader.close()
    return document_from_pages(path, read.pages, doc_id, sha256=sha256, info=read.info, warnings=read.warnings)


def document_from_pages(path: Path, pages, doc_id: str | None = None, *, sha256: str | None = None,
                        info: dict | None = None, warnings: list[str] | None = None, labelled=None) -> Document:
    """The ``Document`` of extracted ``pages`` (``labelled``: their ``clean.label_pages``, if made)."""
    info = info or {}
    text_warnings = list(warnings or [])
    labelled = labelled if labelled is not None else clean.label_pages(pages)
    doc_id = doc_id or path.stem
    sections = structure.pages_to_sections(doc_id, labelled, fallback_title=info.get("Title") or path.stem,
                                           info_title=metadata.pdf_title(info))
    sections = mark_sections(sections, labelled)
    meta = metadata.extract(sections, info, [ln for p in labelled for ln in p.lines if ln.label == FURNITURE],
                            pages=labelled, file_name=path.stem)
    sections = _name_untitled_parts(sections, path.stem, meta.title)
    warnings = list(text_warnings)
    empty = [p.number for p in pages if not p.ocr
             and sum(len(ln.text.strip()) for ln in p.lines) < extract.EMPTY_PAGE_CHARS]
    if empty and len(empty) < len(pages):
        warnings.append(f"pages without a text layer (images only, not OCR'd): {extract.page_ranges(empty)}")
    read = [p.number for p in pages if p.ocr]
    if read:
        warnings.append(f"{len(read)} page(s) read by OCR ({extract.page_ranges(read)}): the text may differ from the image")
    return Document(
        id=doc_id,
        path=str(path),
        sha256=sha256,
        title=meta.title or path.stem,
        title_source=meta.title_source,
        validity=validity.extract(sections, meta),
        doc_number=meta.doc_number,
        issuer=meta.issuer,
        date=meta.date,
        doc_type=meta.doc_type,
        page_count=len(pages),
        page_labels={p.number: p.label for p in labelled if p.label},
        sections=sections,
        warnings=warnings,
        furniture=[ln for p in labelled for ln in p.lines if ln.label == FURNITURE],
        ocr_pages=read,
    )


def _name_untitled_parts(sections, stem: str, title: str | None):
    """A part opened before any title line was seen is headed by the file's name, the only name
    structure has then; metadata, which reads the whole document, may find its title (a table
    sheet's 《国家学生体质健康标准》评分表). A file name is never a heading the reader sees: the
    title replaces it, in the outline, heading paths and exports."""
    if not title or title == stem:
        return sections
    return [replace(s, heading=title) if s.level == 0 and s.heading == stem else s for s in sections]


def _ocr_reader(path: Path, sha256: str, wanted: bool, cache) -> ocr.PageReader | None:
    """The OCR to run on pages without text: the engine if asked for and installed, else the cache alone."""
    if wanted and ocr.missing() is None:
        return ocr.PageReader(path, sha256, cache, run_engine=True)
    if ocr.has_cache(cache, sha256):
        return ocr.PageReader(path, sha256, cache, run_engine=False)
    return None
