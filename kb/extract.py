"""PDF → pages of lines, each with its font, size and position (pdfplumber).

Decides, in order:
1. whether the file can be read at all: missing, empty, not a PDF (no ``%PDF-`` header: an HTML
   page saved as .pdf), encrypted (a password is needed), truncated or damaged. Each is a named
   ``InputError`` so one bad file never stops an ingest of the rest;
2. lines, as pdfplumber clusters characters, after ``dedupe_chars`` (fake-bold PDFs print each
   character twice at nearly the same spot);
3. footnote markers: digits set at under 75 % of the line's type size are superscripts, cut out
   of the text and kept as ``FootnoteRef`` so the sentence reads on;
4. whether there is a text layer worth indexing: a scan has (almost) no characters, a font
   without a Unicode map yields ``(cid:NN)`` runs. Both are refused, not indexed as garbage.

Pages are processed as a stream and each pdfplumber page is closed after use, so memory stays
flat on long documents; ``max_pages`` and ``max_seconds`` bound the work per file.
"""
from __future__ import annotations

import re
import statistics
import time
from pathlib import Path
from typing import Callable, Iterator

from .errors import (
    BudgetExceededError,
    EmptyFileError,
    EncryptedPdfError,
    GarbledTextError,
    InputError,
    MissingFileError,
    NoTextLayerError,
    NotPdfError,
    TruncatedPdfError,
)
from .model import FootnoteRef, Line, Page

MAX_PAGES = 2000
MAX_SECONDS = 300.0
SUPERSCRIPT_RATIO = 0.75
_CID = re.compile(r"\(cid:\d+\)")
_SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")


def check_readable(path: Path) -> None:
    """Raise the ``InputError`` that says why ``path`` cannot be a PDF we read, if it cannot."""
    if not path.exists():
        raise MissingFileError(path)
    if path.is_dir():
        raise NotPdfError(path, "a directory")
    size = path.stat().st_size
    if size == 0:
        raise EmptyFileError(path)
    with path.open("rb") as fh:
        head = fh.read(1024)
    # PDF 1.7 §7.5.2: the header may follow some junk bytes, so look in the first KiB.
    if b"%PDF-" not in head:
        what = "HTML" if b"<html" in head.lower() or b"<!doctype" in head.lower() else None
        raise NotPdfError(path, f"the file is {what}" if what else "no %PDF- header")


def _classify(path: Path, exc: BaseException) -> InputError:
    """Map pdfminer's exceptions (often wrapped by pdfplumber) to our named errors."""
    chain = []
    e: BaseException | None = exc
    while e is not None and len(chain) < 5:
        chain.append(e)
        e = e.__cause__ or e.__context__ or (e.args[0] if e.args and isinstance(e.args[0], BaseException) else None)
    names = " ".join(type(x).__name__ for x in chain)
    text = " ".join(str(x) for x in chain)
    if "Password" in names or "Encryption" in names or "encrypt" in text.lower():
        return EncryptedPdfError(path)
    if "EOF" in names or "Unexpected EOF" in text or "PSEOF" in names:
        return TruncatedPdfError(path, "unexpected end of file")
    first = chain[-1]
    return TruncatedPdfError(path, f"{type(first).__name__}: {first}".strip()[:120])


def _font(name: str) -> str:
    return _SUBSET_PREFIX.sub("", name or "")


def _line_from_chars(chars: list[dict], page_no: int) -> Line | None:
    chars = [c for c in chars if c.get("text")]
    if not chars:
        return None
    sizes = [c["size"] for c in chars if c["text"].strip()] or [chars[0]["size"]]
    size = statistics.median(sizes)
    text_parts: list[str] = []
    refs: list[FootnoteRef] = []
    prev_x1 = None
    pending_marker = ""
    pending_offset = 0
    for c in chars:
        t = c["text"]
        is_sup = c["size"] < size * SUPERSCRIPT_RATIO and (t.isdigit() or t in "*†‡①②③④⑤⑥⑦⑧⑨⑩")
        if is_sup:
            if not pending_marker:
                pending_offset = sum(len(p) for p in text_parts)
            pending_marker += t
            prev_x1 = c["x1"]
            continue
        if pending_marker:
            refs.append(FootnoteRef(pending_offset, pending_marker))
            pending_marker = ""
        # pdfplumber's clustering drops inter-word gaps; a gap wider than a third of the type
        # size is a real space (Latin words, "TierIV（…）" stays joined).
        if prev_x1 is not None and c["x0"] - prev_x1 > size * 0.33 and not t.isspace():
            if text_parts and not text_parts[-1].endswith(" "):
                text_parts.append(" ")
        text_parts.append(t)
        prev_x1 = c["x1"]
    if pending_marker:
        refs.append(FootnoteRef(sum(len(p) for p in text_parts), pending_marker))
    text = "".join(text_parts).strip()
    if not text and not refs:
        return None
    body = [c for c in chars if c["text"].strip()] or chars
    return Line(
        text=text,
        page=page_no,
        x0=round(min(c["x0"] for c in body), 1),
        x1=round(max(c["x1"] for c in body), 1),
        top=round(min(c["top"] for c in body), 1),
        bottom=round(max(c["bottom"] for c in body), 1),
        size=round(size, 1),
        font=_font(body[0].get("fontname", "")),
        refs=tuple(refs),
    )


def iter_pages(
    path: str | Path,
    *,
    max_pages: int = MAX_PAGES,
    max_seconds: float = MAX_SECONDS,
    on_page: Callable[[int, int], None] | None = None,
    metadata: dict | None = None,
) -> Iterator[Page]:
    """Yield the pages of ``path`` one at a time; raise an ``InputError`` for bad input."""
    import pdfplumber  # deferred: keeps `kb --help` light

    path = Path(path)
    check_readable(path)
    started = time.monotonic()
    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:  # pdfminer raises many unrelated types for broken files
        raise _classify(path, exc) from exc
    with pdf:
        try:
            total = len(pdf.pages)
        except Exception as exc:
            raise _classify(path, exc) from exc
        if metadata is not None:
            try:
                metadata.update({k: v for k, v in (pdf.metadata or {}).items() if isinstance(v, str)})
            except Exception:  # a broken Info dictionary is no reason to refuse the text
                pass
        if total > max_pages:
            raise BudgetExceededError(path, f"{total} pages, the limit is {max_pages}")
        for i in range(total):
            if time.monotonic() - started > max_seconds:
                raise BudgetExceededError(path, f"took over {max_seconds:g} s at page {i + 1} of {total}")
            try:
                page = pdf.pages[i]
                deduped = page.dedupe_chars()
                raw_lines = deduped.extract_text_lines(return_chars=True, strip=False)
                lines = tuple(
                    ln
                    for ln in (_line_from_chars(r["chars"], i + 1) for r in raw_lines)
                    if ln is not None
                )
                yield Page(number=i + 1, width=float(page.width), height=float(page.height), lines=lines)
            except InputError:
                raise
            except Exception as exc:
                raise _classify(path, exc) from exc
            finally:
                # pdfplumber caches parsed objects per page; drop them so a 400-page file
                # costs one page of memory, not 400.
                try:
                    pdf.pages[i].close()
                except Exception:
                    pass
                pdf.flush_cache() if hasattr(pdf, "flush_cache") else None
            if on_page:
                on_page(i + 1, total)


def read_pages(path: str | Path, **kwargs) -> list[Page]:
    """All pages of ``path``, after checking there is a real text layer."""
    pages = list(iter_pages(path, **kwargs))
    check_text_layer(Path(path), pages)
    return pages


def check_text_layer(path: Path, pages: list[Page]) -> None:
    text = "".join(ln.text for p in pages for ln in p.lines)
    visible = re.sub(r"\s", "", text)
    if len(visible) < 20 * max(1, min(len(pages), 3)) // 3 or len(visible) < 10:
        raise NoTextLayerError(path, f"{len(pages)} page(s), {len(visible)} characters of text")
    cids = _CID.findall(text)
    cid_chars = sum(len(c) for c in cids)
    if cids and cid_chars > 0.2 * len(visible):
        raise GarbledTextError(path, f"{len(cids)} (cid:NN) glyphs without Unicode")
    rest = _CID.sub("", visible)
    cjk = sum(1 for ch in rest if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\u2e80" <= ch <= "\u2fdf")
    latin = sum(1 for ch in rest if ch.isascii() and ch.isalnum())
    if len(rest) > 200 and (cjk + latin) < 0.5 * len(rest):
        raise GarbledTextError(path, f"only {100 * (cjk + latin) // len(rest)}% of characters are CJK, letters or digits")
