"""PDF → pages of lines, each with its font, size and position (pdfplumber).

Decides, in order:
1. whether the file can be read at all: missing, empty, not a PDF (no ``%PDF-`` header: an HTML
   page saved as .pdf), encrypted (a password is needed), truncated or damaged. Each is a named
   ``InputError`` so one bad file never stops an ingest of the rest;
2. lines, as pdfplumber clusters characters, after ``dedupe_chars`` (fake-bold PDFs print each
   character twice at nearly the same spot). A second pass drops a character that repeats the
   one before it less than 0.3 of its own width to the right on the same baseline: two real
   characters never overlap like that (a genuine 人人 or "tt" stands a full advance apart), so only the fake-bold
   double is removed; each repair is counted and reported as a warning;
   Font names are decoded first: Word 2010 writes some as GBK bytes, which pdfminer hands
   over as the *string* ``"b'ABCDEE+\\xba\\xda\\xcc\\xe5'"`` (黑体); undecoded, every such
   font looked alike and heading-font detection failed (survey of ../shared/real, hz_*, mep_*);
3. footnote markers: digits set at under 75 % of the line's type size are superscripts, cut out
   of the text and kept as ``FootnoteRef`` so the sentence reads on;
4. ruled tables: ``find_tables`` with the *lines* strategy on stroked rules only. Fill-only
   rectangles are dropped first, because web prints and Word paint a white box behind every
   line or page, which pdfplumber would otherwise read as page-sized one-column "tables"
   (every such hit in ../shared/real was one). A table needs 2+ rows and 2+ columns inside the
   page; its characters leave the text flow and each row becomes one ``TABLE`` line with cells;
5. whether there is a text layer worth indexing (``check_text_layer``): a scan has pages with
   (almost) no characters — refused when at least half the pages carry under 10 visible
   characters (the smallest real page in ../shared/real has 62, every scan page has 0); a
   font without a Unicode map yields ``(cid:NN)`` runs — refused when they are over 5 % of the
   text (the garbled file: 84 %, every good file: 0 %). A low share of Chinese characters
   (under 20 % of letters; good files 77–90 %) is only flagged: an English annex is legal.
   With OCR (``page_ocr``, kb/ocr.py), a page under 10 visible characters is read from its image
   instead, so only the pages without a text layer are OCR'd and a mixed document keeps its text.

Pages are processed as a stream and each pdfplumber page is closed after use, so memory stays
flat on long documents; ``max_pages`` and ``max_seconds`` bound the work per file.
"""
from __future__ import annotations

import logging
import re
import statistics
import time
from dataclasses import dataclass, replace
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
from . import char_device, font_repair, rotation, table_text
from .chars import dedupe_page
from .content_parser import layout
from .page_objects import objects
from .model import TABLE, FootnoteRef, Line, Page
from .ocr import settle_sizes
from .text import CELL_ITEM_GAP, CELL_ITEM_START, CELL_NAME, is_cjk as _is_cjk, page_list as page_ranges

PageOcr = Callable[[int], "tuple[Line, ...] | None"]  # page number → OCR lines (kb.ocr.PageReader)

MAX_PAGES = 2000
MAX_SECONDS = 300.0
SUPERSCRIPT_RATIO = 0.75
_CID = re.compile(r"\(cid:\d+\)")
_SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")
FAKE_BOLD_SHIFT = 0.3  # of the glyph width: a repeat closer than this is a fake-bold double
EMPTY_PAGE_CHARS = 10
CID_SHARE = 0.05
CJK_SHARE = 0.2
_SYMBOL_IN_CJK = re.compile(r"(?<=[\u4e00-\u9fff])[!\"#$%&'*+<=>@\\^_`{}~]+(?=[\u4e00-\u9fff])")
LATIN_GARBAGE_SHARE = 0.3


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
    # PDF 1.7 §7.5.5: a file ends with %%EOF (after an incremental update too). A download cut
    # short lacks it; pdfminer would otherwise rebuild what it can and index half a document.
    with path.open("rb") as fh:
        fh.seek(max(0, size - 2048))
        tail = fh.read()
    if b"%%EOF" not in tail:
        raise TruncatedPdfError(path, "no %%EOF at the end: the file was cut short")


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
    """The font's family name: GBK byte-string names decoded, subset prefix removed."""
    name = name or ""
    if name.startswith(("b'", 'b"')):
        import ast

        try:
            raw = ast.literal_eval(name)
        except (ValueError, SyntaxError):
            raw = None
        if isinstance(raw, bytes):
            for enc in ("gbk", "utf-8", "latin-1"):
                try:
                    name = raw.decode(enc)
                    break
                except UnicodeDecodeError:
                    continue
    return _SUBSET_PREFIX.sub("", name)


def _drop_fake_bold(chars: list[dict]) -> tuple[list[dict], int]:
    """Characters with fake-bold doubles removed, and how many were removed."""
    out: list[dict] = []
    dropped = 0
    for c in chars:
        prev = out[-1] if out else None
        if (
            prev is not None and c["text"] == prev["text"] and not c["text"].isspace()
            and 0 <= c["x0"] - prev["x0"] < FAKE_BOLD_SHIFT * max(prev["x1"] - prev["x0"], 0.1)
            and abs(c["top"] - prev["top"]) < FAKE_BOLD_SHIFT * max(prev["size"], 1)
        ):
            dropped += 1
            continue
        out.append(c)
    return out, dropped


def _line_from_chars(chars: list[dict], page_no: int, stats: dict | None = None) -> Line | None:
    chars, doubled = _drop_fake_bold([c for c in chars if c.get("text")])
    if stats is not None and doubled:
        stats["fake_bold"] = stats.get("fake_bold", 0) + doubled
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
        font=_font(_lead_char(body).get("fontname", "")),
        refs=tuple(refs),
    )


def _lead_char(chars: list[dict]) -> dict:
    """The character whose font names the line's font: the first Chinese one.

    Digits, Latin and ASCII brackets are often set in a Latin face (Times New Roman) inside a
    line of 仿宋: a line that opens with "3万元" or "1．" would otherwise look like a change of
    font, which structure reads as a heading or a new paragraph (dg_gongzu "并处以‖3万元以下罚款").
    """
    return next((c for c in chars if "\u3400" <= c["text"] <= "\u9fff"), chars[0])


def _is_rule(obj: dict) -> bool:
    """Keep text and stroked rules; drop fill-only boxes (white backgrounds of web prints)."""
    if obj.get("object_type") not in ("rect", "line", "curve"):
        return True
    if obj.get("stroke") and not _white(obj.get("stroking_color")):
        return True
    thin = (obj["x1"] - obj["x0"]) < 2 or (obj["bottom"] - obj["top"]) < 2
    return bool(obj.get("fill")) and thin and not _white(obj.get("non_stroking_color"))


def _white(colour) -> bool:
    if isinstance(colour, (int, float)):
        return colour >= 0.95
    if isinstance(colour, (list, tuple)) and colour and all(isinstance(v, (int, float)) for v in colour):
        if len(colour) == 4:
            return max(colour) <= 0.05  # CMYK 0,0,0,0
        return min(colour) >= 0.95
    return False


def _cell_text(text: str | None) -> str:
    """A cell's text: its wrapped lines joined, its items kept apart by ``CELL_ITEM_GAP``.

    A cell's text wraps inside the cell; the wrap is layout, not a space (CJK). A line that opens
    a numbered item (2.如果… under 1.…一致。) starts a new item, not a wrap. A cell whose every
    line is a row of short names set apart by gaps (乐昌市 新丰县 南雄市) is a grid of items: each
    gap and each line end parts two of them.
    """
    lines = [t.strip() for t in (text or "").splitlines() if t.strip()]
    grid = any(len(t.split()) > 1 for t in lines) and all(CELL_NAME.match(w) for t in lines for w in t.split())
    out = ""
    for t in lines:
        if grid:
            t = CELL_ITEM_GAP.join(t.split())
        if out and (grid or CELL_ITEM_START.match(t)):
            out += CELL_ITEM_GAP
        elif out and out[-1].isascii() and out[-1].isalnum() and t[0].isascii() and t[0].isalnum():
            out += " "
        out += t
    return out


def _table_lines(page, page_no: int, dirs: dict | None = None) -> tuple[list[Line], list[tuple]]:
    """Rows of the ruled tables on ``page`` as TABLE lines, and the tables' bboxes."""
    if not (page.rects or page.lines or page.curves):
        return [], []
    ruled = page.filter(_is_rule)
    if len(ruled.rects) + len(ruled.lines) + len(ruled.curves) < 2:
        return [], []
    rows_out: list[Line] = []
    boxes: list[tuple] = []
    for table in ruled.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"}):
        x0, top, x1, bottom = table.bbox
        if top < 0 or bottom > page.height or x0 < 0 or x1 > page.width:
            continue
        rows = table_text.extract(table, **(dirs or {}))  # pdfplumber's, each char's cell found once
        if len(rows) < 2 or max(len(r) for r in rows) < 2:
            continue
        if not any(c for r in rows for c in r):
            continue
        boxes.append(table.bbox)
        for bbox, cells in rotation.oriented_rows(table, rows, page.chars, dirs):  # a sideways table: transposed
            texts = tuple(_cell_text(c) for c in cells)
            if not any(texts):
                continue
            rx0, rtop, rx1, rbottom = bbox
            rows_out.append(Line(
                text=" | ".join(texts), page=page_no, x0=round(rx0, 1), x1=round(rx1, 1),
                top=round(rtop, 1), bottom=round(rbottom, 1), size=0.0, font="",
                label=TABLE, cells=texts,
            ))
    return rows_out, boxes


def _outside(boxes):
    def keep(obj: dict) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)

    return keep


WATERMARK_RATIO = 2.5


def _watermark_filter(page, page_no: int, stats: dict | None):
    """A ``page.filter`` test that leaves out the glyphs of a diagonal watermark, or None.

    A watermark is drawn turned (not upright) and set far larger than the text (85 pt over
    16 pt); pdfplumber would put each of its glyphs into whichever text line shares its height
    ("机密" injected into words). Turned glyphs at text size are a rotated table: kept, and the
    page is named in a warning.
    """
    chars = page.chars
    if not chars:
        return None
    turned = [c for c in chars if _turned(c) and c["text"].strip()]
    if not turned:
        return None
    size = statistics.median(c["size"] for c in chars)
    big = {id(c) for c in turned if c["size"] >= WATERMARK_RATIO * size}
    if stats is not None:
        if big:
            stats["watermark"] = stats.get("watermark", 0) + len(big)
        if len(turned) - len(big) >= 20:
            stats.setdefault("rotated_pages", set()).add(page_no)
    if not big:
        return None
    sizes = {round(c["size"], 2) for c in turned if id(c) in big}

    def keep(obj: dict) -> bool:
        return not (obj.get("object_type") == "char" and _turned(obj) and round(obj.get("size", 0), 2) in sizes)

    return keep


def _turned(char: dict) -> bool:
    # pdfplumber calls a 45° glyph "upright"; its text matrix is what shows the turn. A turn
    # moves the baseline (b ≠ 0); a slant alone (fake italic: c ≠ 0, b = 0) does not.
    m = char.get("matrix") or (1, 0, 0, 1)
    return not char.get("upright", True) or abs(m[1]) > 0.05


def _page_lines(page, page_no: int, stats: dict | None) -> tuple[Line, ...]:
    # pdfminer's reading of the page, with a faster parser and interpreter (kb/content_parser.py)
    # and glyph loop (kb/char_device.py)
    layout(page, char_device.device_class())
    objects(page)  # pdfplumber's page objects, with characters converted 5x faster (kb/page_objects.py)
    deduped = dedupe_page(page)  # pdfplumber's own is quadratic in the characters on a page (kb/chars.py)
    deduped = font_repair.repair_page(deduped, stats)  # a broken font's punctuation in full-width boxes
    drop = _watermark_filter(deduped, page_no, stats)
    if drop is not None:
        deduped = deduped.filter(drop)
    dirs = rotation.directions(deduped.chars)  # quarter-turned glyphs read along their baseline
    rows, boxes = _table_lines(deduped, page_no, dirs)
    text_page = deduped.filter(_outside(boxes)) if boxes else deduped
    raw_lines = text_page.extract_text_lines(return_chars=True, strip=False, **dirs)
    lines = [ln for ln in (_line_from_chars(r["chars"], page_no, stats) for r in raw_lines) if ln is not None]
    if rows:
        for ln in rows:
            size = statistics.median([x.size for x in lines]) if lines else 10.0
            lines.append(replace(ln, size=size))
        lines.sort(key=lambda ln: (ln.top, ln.x0))
    return tuple(lines)


def iter_pages(path: str | Path, **options) -> Iterator[Page]:
    """Yield the pages of ``path`` one at a time; raise an ``InputError`` for bad input.

    ``options``: ``max_pages``, ``max_seconds``, ``on_page(done, total)``, and ``page_ocr``,
    called for a page without a text layer (the lines it returns replace the page's, ``Page.ocr``;
    None from it leaves the page empty). ``read_pdf`` gives the warnings and the PDF's info too.
    """
    return _iter_pages(path, {}, {}, **options)


def _iter_pages(
    path: str | Path,
    metadata: dict,
    stats: dict,
    *,
    max_pages: int = MAX_PAGES,
    max_seconds: float = MAX_SECONDS,
    on_page: Callable[[int, int], None] | None = None,
    page_ocr: PageOcr | None = None,
    first: int = 1,
    on_open: Callable[[int], int] | None = None,
) -> Iterator[Page]:
    # ``metadata`` and ``stats`` are read_pdf's: a generator can only hand back what it saw on
    # the way by filling them; read_pdf returns them as values. Pages ``first`` to what
    # ``on_open(page count)`` says (default: the last) are read.
    import pdfplumber  # deferred: keeps `kb --help` light

    path = Path(path)
    check_readable(path)
    started = time.monotonic()
    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:  # pdfminer raises many unrelated types for broken files
        raise _classify(path, exc) from exc
    try:
        yield from _pages(pdf, path, max_pages, max_seconds, on_page, metadata, stats, started, page_ocr, first, on_open)
    finally:
        # pdfplumber's close() walks every page again; on a damaged file that raises anew and
        # would replace the named error the reader already raised.
        try:
            _close(pdf)
        except Exception:
            pass


def _close(pdf) -> None:
    """``pdf.close()`` without its last pass: it drops the page list and builds a Page for every
    page again only to close it. The pages already listed are closed; the file is released."""
    for page in getattr(pdf, "_pages", None) or ():
        page.close()
    if not pdf.stream_is_external:
        pdf.stream.close()


def _pages(pdf, path, max_pages, max_seconds, on_page, metadata, stats, started, page_ocr=None, first=1, on_open=None):
    try:
        total = len(pdf.pages)
    except Exception as exc:
        raise _classify(path, exc) from exc
    metadata[_TOTAL] = total
    try:
        metadata.update({k: v for k, v in (pdf.metadata or {}).items() if isinstance(v, str)})
    except Exception:  # a broken Info dictionary is no reason to refuse the text
        pass
    if total > max_pages:
        raise BudgetExceededError(path, f"{total} pages, the limit is {max_pages}")
    # The list is taken once: pdfplumber's ``pdf.flush_cache()`` drops it, and ``pdf.pages``
    # then builds a Page for every page of the file again, so flushing after each page made a
    # long file quadratic (the 234-page code built 55,000 Page objects: a quarter of its parse).
    # Every page is listed even when only a range is read: a page's ``doctop`` (which
    # dedupe_chars clusters on) is the sum of the heights before it, as pdfplumber adds them.
    pages = pdf.pages
    last = on_open(total) if on_open is not None else total
    for i in range(first - 1, last):
        if time.monotonic() - started > max_seconds:
            raise BudgetExceededError(path, f"took over {max_seconds:g} s at page {i + 1} of {total}")
        try:
            page = pages[i]
            lines = _page_lines(page, i + 1, stats)
            read = page_ocr(i + 1) if page_ocr is not None and _visible(lines) < EMPTY_PAGE_CHARS else None
            result = Page(number=i + 1, width=float(page.width), height=float(page.height),
                          lines=lines if read is None else read, ocr=read is not None)
        except InputError:
            raise
        except Exception as exc:
            raise _classify(path, exc) from exc
        finally:
            # pdfplumber caches parsed objects per page; drop them so a 400-page file
            # costs one page of memory, not 400. The Page itself stays listed: without its
            # objects it is a few boxes and a reference to pdfminer's page dictionary.
            try:
                pages[i].close()
            except Exception:
                pass
        yield result
        if on_page:
            on_page(i + 1, total)


@dataclass(frozen=True)
class Extracted:
    """One PDF read: its pages, its document information (Title, Author … as strings), and what
    was repaired or looks doubtful but was kept."""

    pages: list[Page]
    info: dict[str, str]
    warnings: tuple[str, ...]


def read_pages(path: str | Path, **options) -> list[Page]:
    """All pages of ``path`` (``read_pdf(path).pages``)."""
    return read_pdf(path, **options).pages


def read_pdf(path: str | Path, *, page_ocr: PageOcr | None = None, max_seconds: float = MAX_SECONDS,
             **options) -> Extracted:
    """All pages of ``path``, after checking there is a real text layer, with the PDF's info and
    the warnings. ``options``: as ``iter_pages``."""
    deadline = time.monotonic() + max_seconds
    return finish(path, [read_range(path, max_seconds=max_seconds, **options)], page_ocr, deadline, max_seconds)


_TOTAL = object()  # read_range's page count, kept in the info dict until the range is made


@dataclass(frozen=True)
class PageRange:
    """Pages ``first``..``last`` of a PDF of ``total`` pages, read on their own (a worker's share of
    a long file, kb.parse_pool): what ``finish`` joins. No OCR yet: its reader carries what it read
    on one page to the next, so it runs on the joined pages, in order."""

    first: int
    last: int
    total: int
    pages: list[Page]
    info: dict[str, str]
    stats: dict
    problems: int  # pdfminer's warnings: how many, and the first
    first_problem: str


def read_range(path: str | Path, first: int = 1, *, on_open: Callable[[int], int] | None = None,
               **options) -> PageRange:
    """Pages ``first`` to the last of ``path`` (or to what ``on_open(page count)`` returns), as
    extracted, before anything that looks across pages. ``options``: as ``iter_pages``."""
    stats: dict = {}
    info: dict = {}
    with _PdfminerLog() as log:
        pages = list(_iter_pages(path, info, stats, first=first, on_open=on_open, **options))
    total = info.pop(_TOTAL, 0)
    return PageRange(first, first + len(pages) - 1, total, pages, info, stats, log.count, log.first)


def finish(path: str | Path, parts: list[PageRange], page_ocr: PageOcr | None = None,
           deadline: float = float("inf"), max_seconds: float = MAX_SECONDS) -> Extracted:
    """The ranges of one PDF joined, in page order, as one reading of the whole file gives them:
    OCR of the pages without text, type sizes settled, the text layer checked, the warnings."""
    path = Path(path)
    parts = sorted(parts, key=lambda r: r.first)
    pages = [p for r in parts for p in r.pages]
    if page_ocr is not None:
        pages = [_ocr(path, p, page_ocr, deadline, max_seconds, parts[0].total) for p in pages]
    pages = settle_sizes(pages)
    stats: dict = {}
    for r in parts:
        for k, v in r.stats.items():
            if k not in stats:
                stats[k] = set(v) if isinstance(v, set) else v
            elif isinstance(v, set):
                stats[k] |= v  # pages named
            else:
                stats[k] += v  # things counted
    problems = sum(r.problems for r in parts)
    first_problem = next((r.first_problem for r in parts if r.problems), "")
    notes = check_text_layer(Path(path), pages)
    if stats.get("font_symbols"):
        notes.append(f"{stats['font_symbols']} punctuation glyphs that a broken font decodes to ASCII symbols read from their place (full-width boxes)")
    if stats.get("fake_bold"):
        notes.append(f"{stats['fake_bold']} doubled fake-bold characters removed")
    if stats.get("watermark"):
        notes.append(f"{stats['watermark']} characters of a diagonal watermark left out of the text")
    if stats.get("rotated_pages"):
        notes.append(f"text drawn turned (a sideways table?) on page(s) {page_ranges(sorted(stats['rotated_pages']))}: read along its own baseline")
    if problems:
        notes.append(f"pdfminer reported {problems} problem(s) reading the file, e.g. {first_problem}")
    return Extracted(pages, parts[0].info if parts else {}, tuple(notes))


def _ocr(path: Path, page: Page, page_ocr: PageOcr, deadline: float, max_seconds: float, total: int) -> Page:
    if _visible(page.lines) >= EMPTY_PAGE_CHARS:
        return page
    if time.monotonic() > deadline:
        raise BudgetExceededError(path, f"took over {max_seconds:g} s at page {page.number} of {total}")
    try:
        read = page_ocr(page.number)
    except InputError:
        raise
    except Exception as exc:  # as a failure while reading the page: named, one line
        raise _classify(path, exc) from exc
    return page if read is None else replace(page, lines=read, ocr=True)


class _PdfminerLog(logging.Handler):
    """pdfminer's warnings during one read, counted instead of flooding stderr.

    "Could not get FontBBox from font descriptor…" comes once per font per page: hundreds of
    lines on a long file, none of which the user can act on. One warning per document says
    that it happened and gives the first message.
    """

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.count = 0
        self.first = ""

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        if not self.first:
            self.first = record.getMessage()[:120]

    def __enter__(self):
        self._logger = logging.getLogger("pdfminer")
        self._propagate = self._logger.propagate
        self._logger.addHandler(self)
        self._logger.propagate = False
        return self

    def __exit__(self, *exc):
        self._logger.removeHandler(self)
        self._logger.propagate = self._propagate
        return False




def _visible(lines) -> int:
    return sum(len(re.sub(r"\s", "", ln.text)) for ln in lines)


def check_text_layer(path: Path, pages: list[Page]) -> list[str]:
    """Raise for a scan or a garbled layer; return warnings for a doubtful one."""
    if not pages:
        raise NoTextLayerError(path, "the PDF has no pages")
    counts = [_visible(p.lines) for p in pages]
    empty = [p.number for p, n in zip(pages, counts) if n < EMPTY_PAGE_CHARS]
    # A scan is refused; a document with some scanned pages (a standard with 11 of 22 pages
    # as images) keeps its text pages, and the others are named in a warning (parse.py).
    if len(empty) == len(pages) or sum(counts) < EMPTY_PAGE_CHARS * 3:
        raise NoTextLayerError(path, f"{len(empty)} of {len(pages)} page(s) carry no text")
    text = "".join(ln.text for p in pages for ln in p.lines)
    visible = re.sub(r"\s", "", text)
    cids = _CID.findall(visible)
    cid_chars = sum(len(c) for c in cids)
    if cids and cid_chars > CID_SHARE * len(visible):
        raise GarbledTextError(path, f"{len(cids)} (cid:NN) glyphs without Unicode, {100 * cid_chars // len(visible)}% of the text")
    rest = _CID.sub("", visible)
    letters = [ch for ch in rest if ch.isalpha()]
    cjk = sum(1 for ch in letters if _is_cjk(ch))
    # A font whose codes are GBK bytes but whose map says Latin-1 gives "ÊÇ·ñ¹«¿ª" without
    # any (cid:N): accented Latin letters that no Chinese or English text is made of.
    accented = sum(1 for ch in letters if "\u00c0" <= ch <= "\u024f")
    if len(letters) >= 50 and accented > LATIN_GARBAGE_SHARE * len(letters) and cjk < CJK_SHARE * len(letters):
        raise GarbledTextError(path, f"{100 * accented // len(letters)}% of the letters are accented Latin (Ã, Ê, ¹ …): a font without a Chinese Unicode map")
    notes = []
    # Old law booklets whose font maps full-width punctuation and digits to ASCII symbols
    # ("第!条", "规定#") — flagged: the symbol-to-character table differs per font.
    symbols = len(_SYMBOL_IN_CJK.findall(rest))
    if cjk >= 200 and symbols >= 20 and symbols > 0.01 * cjk:
        notes.append(f"{symbols} ASCII symbols (!\"#$%…) between Chinese characters: the font may map punctuation or digits to symbols")
    if len(letters) >= 200 and cjk < CJK_SHARE * len(letters):
        notes.append(f"only {100 * cjk // len(letters)}% of the letters are Chinese: the text layer may be garbled")
    return notes
