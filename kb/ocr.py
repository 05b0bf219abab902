"""OCR for pages without a text layer: page image → ``Line`` objects like extract's.

Optional: needs the ``ocr`` extra (``pip install -e '.[ocr]'``: rapidocr-onnxruntime, which ships
the PP-OCRv4 Chinese detection and recognition models inside its wheel, so nothing is fetched at
run time). Pages are rendered with pypdfium2, which pdfplumber already depends on.

What a scan needs before its text can go through clean → structure like a born-digital page's:

* **Red seals** (公章) are dropped from the image first. They are printed over the signature and
  date, which the recogniser then cannot read, and their ring of text comes out as fragments.
  A seal is a round red blob (square bounding box, hollow); the red header (红头, a wide band)
  and the red rule under the 发文字号 are not round, so they stay.
* **Boxes → lines.** The detector finds text boxes; boxes on one baseline are one line (a
  signature beside the date, "南 京 市 财 政 局" in pieces). Tilted boxes (a seal's arc
  that survived), vertical ones (stamps, binding-margin notes, a vertical red header) and short
  runs read with little confidence (a grey seal, a handwritten signature) are dropped: body text
  of these documents runs horizontally and reads at 0.9 confidence or more.
* **Type size** is estimated, since structure tells titles from body by size: on a line of six
  or more Chinese characters, the advance per character (they are square; ``_measured``); a
  shorter line takes the size of the measured line above it, unless its box is clearly larger.
  ``settle_sizes`` then gives every OCR line within 20 % of the document's body size exactly
  that size, so wrap-joining and the body margin see one body size, as on a text layer.
* **Provenance.** Every line is marked ``ocr`` with the recogniser's confidence.

Results are cached per page under the index (``<index>/ocr/<sha256>/<page>.json``, the raw boxes
and the engine's name), so a file is never OCR'd twice, and an ingest cut short by the time
budget or ^C resumes where it stopped.
"""
from __future__ import annotations

import json
import math
import os
import re
import statistics
import time
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from .model import Line, Page
from .text import HAN_WIDE as _CJK

SCALE = 1.5  # 108 dpi: body text (16 pt) is ~24 px high, enough for the recogniser, half the cost of 144 dpi
ENGINE = "rapidocr-onnxruntime 1.4.4 PP-OCRv4 det+rec (cls on turned pages), 108 dpi (small print re-read finer), seals dropped and found, sparse pages tried turned"  # cache key: change it to OCR again
MIN_CONFIDENCE = 0.5
# A short run read with little confidence is a seal's letters on a grey scan (no red to drop),
# a handwritten signature or a speck: printed text of these documents reads at 0.9 and over.
SHORT_DOUBT = (8, 0.75)
MAX_TILT = math.tan(math.radians(8))  # steeper than this: a seal's arc, not a line of text
PITCH_CHARS = 6  # a line this long (in CJK character widths) measures its size by advance
# Within ±20 % of the body size is body size. OCR sizes are ±10 % estimates (a signature set a
# little wide reads 18 pt in 15.5 pt type), and the titles of these documents stand at 1.3× the
# body or more (22 pt over 16 pt), well clear of structure's 1.14.
BODY_BAND = 0.2
INSTALL_HINT = "pip install -e '.[ocr]'"


def missing() -> str | None:
    """Why OCR cannot run here (the extra is not installed), or None when it can."""
    try:
        import numpy  # noqa: F401
        import pypdfium2  # noqa: F401
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError as err:
        return f"the OCR extra is not installed ({err.name} missing): {INSTALL_HINT}"
    return None


# -- one page image → raw boxes -------------------------------------------------------------------
@dataclass(frozen=True)
class Box:
    """One detected text box in PDF points, top-left origin like pdfplumber's."""

    text: str
    confidence: float
    x0: float
    top: float
    x1: float
    bottom: float
    tilt: float = 0.0  # slope of the box's top edge
    vertical: bool = False
    under_seal: bool = False  # overlaps a seal's ring (``find_seals``): its reading is in doubt


_ENGINES: dict[int, object] = {}


def _engine(threads: int):
    # One engine per process and thread count: loading the models costs ~0.3 s, a worker
    # process reuses it for every page it reads.
    if threads not in _ENGINES:
        import logging

        from rapidocr_onnxruntime import RapidOCR

        logging.getLogger("RapidOCR").setLevel(logging.ERROR)  # kb/ never prints
        _ENGINES[threads] = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1,
                                     text_score=MIN_CONFIDENCE)
    return _ENGINES[threads]


def render(pdf, index: int, scale: float = SCALE):
    """Page ``index`` (0-based) of an open pypdfium2 document as a BGR array."""
    bitmap = pdf[index].render(scale=scale)
    img = bitmap.to_numpy()
    if img.ndim == 3 and img.shape[2] == 4:
        img = img[:, :, :3]
    return img.copy() if not img.flags.writeable else img


def drop_seals(img, scale: float = SCALE):
    """A copy of ``img`` (BGR) with round red seals whitened; other red (the 红头) is kept."""
    import cv2
    import numpy as np

    b, g, r = (img[:, :, i].astype(np.int16) for i in range(3))
    red = ((r > 110) & (r - np.maximum(g, b) > 50)).astype(np.uint8)
    if not red.any():
        return img
    # Join a seal's ring, star and letters into one blob before measuring it.
    joined = cv2.dilate(red, np.ones((9, 9), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    out = img
    min_side = 60 * scale  # a seal is at least ~21 mm across; header letters are smaller blobs
    for x, y, w, h, _area in stats[1:]:
        if min(w, h) < min_side or not 0.7 <= w / h <= 1.45:
            continue
        ink = red[y:y + h, x:x + w].mean()
        if ink > 0.45:  # a seal is a hollow ring with letters; a solid red block is something else
            continue
        if out is img:
            out = img.copy()
        region = out[y:y + h, x:x + w]
        region[red[y:y + h, x:x + w].astype(bool)] = 255
    return out


# A 公章 is 38–45 mm across (radius 54–64 pt); the ring is what the seal detector looks for.
SEAL_RADIUS = (48, 70)


def find_seals(img, scale: float = SCALE) -> list[tuple[float, float, float]]:
    """The round seals on a page image, as (x, y, radius) in PDF points.

    Found by their ring (a Hough circle), whatever the colour: a grey scan of a red seal is as
    dark as the text, so ``drop_seals`` cannot take it out, but the text under it is still in
    doubt. On printed pages without a seal nothing is found (no text forms a ring this large).
    """
    import cv2

    grey = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY) if img.ndim == 3 else img
    small = cv2.GaussianBlur(cv2.resize(grey, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA), (5, 5), 0)
    k = scale * 0.5  # pixels of ``small`` per point
    # Canny threshold 60 and 25 votes: a faint grey ring (nj p.1, right) is found; tried on
    # laodong_fa, xianfa and web prints, no text block forms one.
    found = cv2.HoughCircles(small, cv2.HOUGH_GRADIENT, dp=1, minDist=80 * k, param1=60, param2=25,
                             minRadius=int(SEAL_RADIUS[0] * k), maxRadius=int(SEAL_RADIUS[1] * k))
    return [] if found is None else [(float(x / k), float(y / k), float(r / k)) for x, y, r in found[0]]


def _overlaps(box: "Box", seal: tuple[float, float, float]) -> bool:
    x, y, r = seal
    dx = max(box.x0 - x, 0, x - box.x1)
    dy = max(box.top - y, 0, y - box.bottom)
    return dx * dx + dy * dy < r * r


def recognise(img, scale: float = SCALE, threads: int = 1, turned: bool = False) -> list[Box]:
    """The text boxes the engine reads in ``img``, in PDF points.

    The 0°/180° direction classifier runs only on a turned page: on an upright one it turned a
    plain line of laodong_fa p.7 upside down, and the line was lost.
    """
    result, _ = _engine(threads)(img, use_cls=turned)
    boxes = []
    for points, text, score in result or ():
        (ax, ay), (bx, by), (cx, cy), (dx, dy) = points
        xs, ys = (ax, bx, cx, dx), (ay, by, cy, dy)
        width = math.hypot(bx - ax, by - ay)
        height = math.hypot(dx - ax, dy - ay)
        boxes.append(Box(
            text=text, confidence=round(float(score), 3),
            x0=round(min(xs) / scale, 1), top=round(min(ys) / scale, 1),
            x1=round(max(xs) / scale, 1), bottom=round(max(ys) / scale, 1),
            tilt=round((by - ay) / (bx - ax), 3) if bx != ax else 99.0,
            vertical=height > 1.5 * width and len(text) >= 2,
        ))
    return boxes


# Small print: the recogniser reads a line scaled to 48 px high, so a 6 pt web print at 108 dpi
# (9 px) is read from a blur. Where the page's text is small, each box is read again from a
# rendering at which its type is ~FINE_PX high, and the more confident reading is kept.
# At 108 dpi 10 pt web prints and 12 pt laws read with no more errors than 16 pt notices (bench);
# 6 pt (gd_yinjin, 9 px) is where characters go. Re-reading costs a second recognition pass.
SMALL_PX = 14  # the page's median type size × SCALE under this (under ~9.3 pt): small print
FINE_PX = 32
MAX_SCALE = 4.0


def type_size(boxes: list[Box]) -> float | None:
    """The page's median type size in points, by the advance of its lines of Chinese.

    Not by box height: the detector's margin round the ink is about constant, so its boxes
    stand 15.7 pt high on 16 pt type but 10.7 pt on 5.9 pt type (gd_yinjin). Chinese characters
    are square, so a run of them advances one type size per character (``_measured``).
    """
    sizes = [(b.x1 - b.x0) / _ems(b.text) for b in boxes
             if not b.vertical and abs(b.tilt) <= MAX_TILT and _ems(b.text) >= PITCH_CHARS and _cjk_share(b.text) >= 0.6]
    return statistics.median(sizes) if sizes else None


def reread_small(pdf, index: int, boxes: list[Box], threads: int = 1) -> list[Box]:
    """``boxes`` of a small-print page read again at a finer rendering; others as they are."""
    size = type_size(boxes)
    if size is None or size * SCALE >= SMALL_PX:
        return boxes
    fine = min(MAX_SCALE, FINE_PX / size)
    img = drop_seals(render(pdf, index, scale=fine), scale=fine)
    h, w = img.shape[:2]
    todo = [i for i, b in enumerate(boxes) if not b.vertical and abs(b.tilt) <= MAX_TILT]
    crops = [img[max(0, int(boxes[i].top * fine)):min(h, int(boxes[i].bottom * fine) + 1),
                 max(0, int(boxes[i].x0 * fine)):min(w, int(boxes[i].x1 * fine) + 1)] for i in todo]
    keep = [(i, c) for i, c in zip(todo, crops) if c.size]
    if not keep:
        return boxes
    read, _ = _engine(threads).text_rec([c for _, c in keep])
    out = list(boxes)
    for (i, _), (text, score) in zip(keep, read):
        if text.strip() and score > out[i].confidence:
            out[i] = replace(out[i], text=text, confidence=round(float(score), 3))
    return out


def turned(boxes: list[Box]) -> bool:
    """Most of the text runs vertically: a landscape page (a wide table) printed on its side."""
    upright = sum(len(b.text) for b in boxes if not b.vertical)
    sideways = sum(len(b.text) for b in boxes if b.vertical)
    return sideways > 2 * upright and sideways >= 20


def read_page(pdf, index: int, threads: int = 1, reread: bool = True) -> list[Box]:
    """The boxes of page ``index``: rendered, seals dropped, read; a page on its side is turned.

    A turned page (or one that reads almost nothing upright) is read again after a quarter turn clockwise (a landscape attachment bound
    into a portrait notice has its top at the left, NEG_scanned_yuejiaokao p.7–9); its boxes
    are then in the turned page's frame, where its lines run left to right. The recogniser's
    direction classifier puts a line that is upside down the right way up.
    """
    import cv2

    page = render(pdf, index)
    seals = find_seals(page)
    img = drop_seals(page)
    boxes = [replace(b, under_seal=True) if any(_overlaps(b, s) for s in seals) else b
             for b in recognise(img, threads=threads)]
    # Read upright, a page on its side mostly yields nothing (sideways lines fail recognition
    # and are left out), so a page that reads under 40 characters is tried turned as well.
    if turned(boxes) or _chars(boxes) < 40:
        side = recognise(cv2.rotate(img, cv2.ROTATE_90_CLOCKWISE), threads=threads, turned=True)
        if _chars(side) > 2 * _chars(boxes):
            return side  # in the turned frame: not re-read, and seals are not looked for
    return reread_small(pdf, index, boxes, threads=threads) if reread else boxes


def _chars(boxes: list[Box]) -> int:
    return sum(len(b.text) for b in boxes if not b.vertical)


# -- readings in doubt → the document's sure reading -----------------------------------------
SURE = 0.95  # a reading this confident, not under a seal, is the document's own spelling
DOUBT = 0.9  # below this (or under a seal) a reading may be corrected
_NUMERALS = re.compile(r"[0-9０-９〇零一二三四五六七八九十百千万两]")


def sure_texts(boxes: list[Box]) -> list[str]:
    """What a page prints for certain: readings of 4+ characters at ``SURE`` or more, not under a seal."""
    return [b.text.strip() for b in boxes
            if b.confidence >= SURE and not b.under_seal and len(b.text.strip()) >= 4]


def _closest(text: str, lexicon: list[str], reach: int) -> str | None:
    """The one stretch of a sure reading within ``reach`` edits of ``text``, or None (none, or two)."""
    from rapidfuzz.distance import Levenshtein

    n = len(text)
    chars = set(text)
    best: dict[str, int] = {}
    for sure in lexicon:
        if len(chars & set(sure)) < 0.6 * len(chars):
            continue
        for size in range(max(4, n - reach), n + reach + 1):
            for i in range(0, len(sure) - size + 1):
                part = sure[i:i + size]
                d = Levenshtein.distance(text, part, score_cutoff=reach)
                if d <= reach:
                    best[part] = min(d, best.get(part, d))
    if not best:
        return None
    least = min(best.values())
    found = [p for p, d in best.items() if d == least]
    # A skipped character leaves two stretches one edit away (南市财政局: 南京市财政局 and
    # 京市财政局): a whole sure reading is the name, a piece of one is not.
    whole = [p for p in found if p in lexicon]
    found = whole if len(found) > 1 and len(whole) == 1 else found
    return found[0] if len(found) == 1 and least > 0 else None


def snap(boxes: list[Box], lexicon: list[str]) -> list[Box]:
    """Readings in doubt replaced by what the document prints for certain, where that is close.

    A seal printed over the signature (its ring and star through two of the organ's characters,
    in grey on a grey scan, where ``drop_seals`` cannot take it out) makes the recogniser misread
    or skip a character: 南京市去力资源和社会标障局, 南市财政局. The signature repeats a name the
    页头 or 版记 prints clear of the seal (南京市人力资源和社会保障局文件, …办公室), so a reading
    under a seal or below ``DOUBT``, of 5+ mostly Chinese characters, that is within one
    character in five of exactly one stretch of a sure reading of the document takes that
    stretch. A sure reading under a seal only within one character (南市财政局: the faint ring
    hid 京). Never when the characters that differ are digits or numerals (a date or a number
    must come from the page, not from another line), nor only punctuation (two organs signed
    side by side are not "广东省…厅、广东省…厅" because the body lists them so).
    """
    out = []
    for b in _bridge(boxes, lexicon):
        text = b.text.strip()
        if (b.under_seal or b.confidence < DOUBT) and len(text) >= 5 and _cjk_share(text) >= 0.8:
            # One character in five for a doubtful reading: a seal's ring or star over a few.
            reach = max(1, len(text) // 5) if b.confidence < DOUBT else 1
            found = _closest(text, lexicon, reach)
            if found and _letters_edited(text, found):
                b = replace(b, text=found)
        out.append(b)
    return out


MAX_GAP = 6  # character widths a seal can hide between two pieces of one name
_PUNCT_OR_SPACE = re.compile(r"[\s\u3000-\u303f\uff01-\uff0f\uff1a-\uff20,.;:!?()\[\]《》“”‘’、]")


def _bridge(boxes: list[Box], lexicon: list[str]) -> list[Box]:
    """Two pieces of one name that a seal split, read as the one name the document prints clear.

    A seal's ring and star over the middle of a signature leave the recogniser two pieces with
    a gap between them (gz p.2: 广州市仙房 … 建设委员会, where the page prints 广州市住房和城乡
    建设委员会 under the seal, and its 版头 prints the same name clear). Two readings under a
    seal, on one line, mostly Chinese and without digits, at most ``MAX_GAP`` characters apart,
    become one where exactly one stretch of the document's sure readings has the length their
    span holds (±1 character, measured by the advance of the right piece), ends with the right
    piece and begins with the left one, each within one character in four, and is one name (no
    punctuation: two organs signed side by side are not the body's "广东省教育厅、广东省…").
    """
    from rapidfuzz.distance import Levenshtein

    out = list(boxes)
    i = 0
    while i < len(out):
        a = out[i]
        ta = a.text.strip()
        partner = None
        if a.under_seal and len(ta) >= 2 and _cjk_share(ta) >= 0.8 and not _NUMERALS.search(ta):
            for j, b in sorted(enumerate(out), key=lambda jb: jb[1].x0):  # the nearest on the right
                tb = b.text.strip()
                if (j == i or not b.under_seal or len(tb) < 2 or _cjk_share(tb) < 0.8 or _NUMERALS.search(tb)
                        or _ems(tb) < 3 or not _same_line([a], b) or b.x0 <= a.x1):
                    continue
                size = (b.x1 - b.x0) / _ems(tb)
                if b.x0 - a.x1 <= MAX_GAP * size:
                    partner = (j, b, tb, size)
                    break
        if partner is None:
            i += 1
            continue
        j, b, tb, size = partner
        n = round((b.x1 - a.x0) / size)
        found = set()
        letters = set(ta + tb)
        for sure in lexicon:
            if len(letters & set(sure)) < 0.6 * len(letters):
                continue  # not the name: most of what was read is not in it (and a long scan's lexicon is long)
            for length in (n - 1, n, n + 1):
                for k in range(0, len(sure) - length + 1):
                    part = sure[k:k + length]
                    if length <= len(ta) + len(tb) or _PUNCT_OR_SPACE.search(part):
                        continue  # nothing hidden, or a list of names ("…教育厅、广东省…"), not one name
                    if (Levenshtein.distance(part[-len(tb):], tb) <= len(tb) // 4
                            and Levenshtein.distance(part[:len(ta)], ta) <= max(1, len(ta) // 4)):
                        found.add(part)
        if len(found) == 1:
            text = found.pop()
            joined = replace(a, text=text, x1=b.x1, top=min(a.top, b.top), bottom=max(a.bottom, b.bottom),
                             tilt=0.0, confidence=max(a.confidence, b.confidence))
            out[i] = joined
            del out[j]
            continue
        i += 1
    return out


def _letters_edited(a: str, b: str) -> bool:
    """The edits from ``a`` to ``b`` change some Chinese or Latin letter, and no digit or numeral."""
    import unicodedata

    from rapidfuzz.distance import Levenshtein

    letters = False
    for op in Levenshtein.opcodes(a, b):
        if op.tag == "equal":
            continue
        changed = a[op.src_start:op.src_end] + b[op.dest_start:op.dest_end]
        if _NUMERALS.search(changed):
            return False
        letters = letters or any(unicodedata.category(ch)[0] == "L" for ch in changed)
    return letters


# -- boxes → lines ----------------------------------------------------------------------------
_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_PUNCT_BETWEEN = re.compile(rf"(?<=[{_CJK}）》”])([,;:?!])|([,;:?!(])(?=[{_CJK}（《“])|(?<=[{_CJK}])\)")


# The recogniser cannot tell 〔 from 【 [ ［ ( （ (and reads one of each side: 东社保【2016]21号,
# 惠府（2016）57号 for the 惠府〔2016〕57号 of hz's text layer); GB/T 9704-2012 §7.2.4 prints the
# year of a 发文字号 in 六角括号 〔〕, so that is what stood there.
_DOC_NUMBER_YEAR = re.compile(rf"(?<=[{_CJK}])\s*[〔\[［【﹝(（]\s*(\d{{4}})\s*[〕\]］】﹞)）]\s*(?=第?\s*\d{{1,5}}\s*号)")


# GB/T 9704 prints a page number between 一字线 dashes (— 2 —), which the recogniser reads as the
# character 一 (一2一, -9一): a line of a number between two dashes is a page number, with dashes.
_PAGE_NUMBER = re.compile(r"^[一—－\-–]\s*(\d{1,4})\s*[一—－\-–]$")


# Radicals the recogniser returns for punctuation they look like: 丨 (U+4E28) for a menu's or a
# table's bar |, 丶 (U+4E36) for the enumeration comma 、 (苏州's 各市丶区人民政府). Neither is a
# word of these documents; as radicals they are only ever written in dictionaries.
_LOOKALIKES = str.maketrans({"丨": "|", "丶": "、"})


def fix_punctuation(text: str) -> str:
    """Punctuation the recogniser confuses, as the text layer of these documents sets it.

    Half-width ，；：（） between Chinese characters become full-width (the recogniser often returns
    the ASCII look-alike; between digits or Latin letters, as in 3.5 or 2016:1, they stay), and
    the brackets around a 发文字号's year become 〔〕, and a page number's dashes read as 一 are
    dashes, and the radicals 丨 丶 read for | 、 are those.
    """
    if _PAGE_NUMBER.match(text.strip()):
        return _PAGE_NUMBER.sub(lambda m: f"—{m.group(1)}—", text.strip())
    text = text.translate(_LOOKALIKES)
    text = _DOC_NUMBER_YEAR.sub(lambda m: f"〔{m.group(1)}〕", text)
    return _PUNCT_BETWEEN.sub(lambda m: _HALF_TO_FULL[m.group()], text)


_AUTOSPACE = re.compile(r"(?<=[\u2e80-\uffff])(?=[0-9A-Za-z])|(?<=[0-9A-Za-z])(?=[\u2e80-\uffff])")


def _ems(text: str) -> float:
    """Width of ``text`` in character widths: CJK and full-width forms 1, the rest ½.

    Word and WPS set a quarter of a character between Chinese and a digit or Latin letter (the
    "autospace" of 2015 年 5 月 28 日), which the recogniser does not return as a space.
    """
    text = re.sub(r"\s+", "", text)
    return sum(1.0 if ord(ch) >= 0x2E80 else 0.5 for ch in text) + 0.25 * len(_AUTOSPACE.findall(text))


def _cjk_share(text: str) -> float:
    text = text.replace(" ", "")
    return sum(1 for ch in text if ord(ch) >= 0x2E80) / max(len(text), 1)


def _measured(boxes: list[Box]) -> float | None:
    """The type size of one line of boxes by its advance, in points; None if it cannot be measured.

    Chinese characters are square, so a run of them advances one size per character. Each box
    gives min(advance, height): a letter-spaced box (南 京 市 财 政 局) advances too far and a box
    under a seal is too tall, but never both. A line is measured when its boxes hold six or more
    character widths (shorter ones end in punctuation that inks half a character: 下：) and are
    mostly Chinese (digits are not exactly half a character wide in every face; ``_ems`` counts
    the autospace around them). The median over the line's characters is its size.
    """
    text = "".join(b.text for b in boxes)
    if _ems(text) < PITCH_CHARS or _cjk_share(text) < 0.6:
        return None
    sizes = []
    for b in boxes:
        ems = _ems(b.text)
        height = b.bottom - b.top
        size = min((b.x1 - b.x0) / ems, height) if ems >= 3 else height
        sizes += [size] * max(1, round(ems))
    return statistics.median(sizes)


def _same_line(line: list[Box], box: Box) -> bool:
    top, bottom = min(b.top for b in line), max(b.bottom for b in line)
    overlap = min(bottom, box.bottom) - max(top, box.top)
    return overlap >= 0.5 * min(bottom - top, box.bottom - box.top)


def boxes_to_lines(boxes: list[Box], page_no: int) -> tuple[Line, ...]:
    """Lines in reading order from one page's boxes, each marked as OCR with its confidence."""
    keep = [b for b in boxes if b.text.strip() and not b.vertical and abs(b.tilt) <= MAX_TILT
            and b.confidence >= MIN_CONFIDENCE
            and not (len(b.text.strip()) <= SHORT_DOUBT[0] and b.confidence < SHORT_DOUBT[1]
                     # a page number between dashes reads with little confidence (- or 一?), but
                     # is no seal's letter nor a signature: 苏州 p.20's "-20一" at 0.73
                     and not _PAGE_NUMBER.match(b.text.strip()))]
    rows: list[list[Box]] = []
    for box in sorted(keep, key=lambda b: (b.top + b.bottom) / 2):
        row = next((r for r in reversed(rows[-3:]) if _same_line(r, box)), None)
        if row is None:
            rows.append([box])
        else:
            row.append(box)
    lines = []
    last_measured = None
    for row in rows:
        row.sort(key=lambda b: b.x0)
        size = _measured(row)
        height = statistics.median(b.bottom - b.top for b in row)
        if size is not None:
            last_measured = size
        elif last_measured and 0.75 * last_measured <= height <= 2.2 * last_measured:
            # A short line (the end of a paragraph, "反映。", a date, a signature under a seal)
            # is set in the type of the measured line above it, unless clearly larger (a
            # heading) or smaller; its box height alone comes out up to twice too large.
            size = last_measured
        else:
            # Digits and all: the advance overstates digits a little, the height of a box under
            # a seal a lot (a date: 19 pt by advance, 33 pt by height, in 15 pt type).
            ems = sum(_ems(b.text) for b in row)
            width = sum(b.x1 - b.x0 for b in row)
            size = min(width / ems, height) if ems >= 3 else height
        text = ""
        for i, b in enumerate(row):
            # Boxes a character or more apart on one line are separate words; clean.fix_spacing
            # drops a space between Chinese characters again.
            if i and b.x0 - row[i - 1].x1 > 0.8 * size:
                text += " "
            text += b.text.strip()
        chars = sum(len(b.text) for b in row)
        confidence = sum(b.confidence * len(b.text) for b in row) / chars
        lines.append(Line(
            text=fix_punctuation(text), page=page_no,
            x0=min(b.x0 for b in row), x1=max(b.x1 for b in row),
            top=min(b.top for b in row), bottom=max(b.bottom for b in row),
            size=round(size, 1), font="", ocr=True, ocr_confidence=round(confidence, 3),
        ))
    return tuple(lines)


def body_size(sizes: Counter) -> float:
    """The body size from {size: characters}: the middle of the ±20 % band holding most text.

    A mode, not a median: on a one-page notice the 红头, title, signature and 版记 can hold as
    many characters as the body, each at a size of its own.
    """
    def held(s: float) -> int:
        return sum(n for x, n in sizes.items() if abs(x - s) <= BODY_BAND * s)

    best = max(sizes, key=lambda s: (held(s), -s))
    band = Counter({x: n for x, n in sizes.items() if abs(x - best) <= BODY_BAND * best})
    return statistics.median(band.elements())


def settle_sizes(pages: list[Page]) -> list[Page]:
    """OCR lines within ±20 % of the body size get exactly the body size (new pages).

    The body size is the text layer's where the document has one (a mixed document), else the
    OCR lines' (``body_size``), rounded to half a point.
    """
    ocr_lines = [ln for p in pages if p.ocr for ln in p.lines if ln.ocr]
    if not ocr_lines:
        return pages
    text_sizes, ocr_sizes = Counter(), Counter()
    for p in pages:
        for ln in p.lines:
            if ln.ocr:
                # Weighted by length squared: the body is set in full lines, the 红头's organs and
                # a title in short ones, which on page 1 can hold as many characters.
                ocr_sizes[ln.size] += len(ln.text) ** 2
            else:
                text_sizes[ln.size] += len(ln.text)
    body = body_size(+text_sizes or ocr_sizes)
    body = round(body * 2) / 2  # a type size, not a measurement

    def settle(ln: Line) -> Line:
        if not ln.ocr:
            return ln
        near = abs(ln.size - body) <= BODY_BAND * body
        return replace(ln, size=body if near else round(ln.size * 2) / 2)

    return [replace(p, lines=tuple(settle(ln) for ln in p.lines)) if p.ocr else p for p in pages]


# -- the per-document reader extract calls -------------------------------------------------------
class PageReader:
    """OCR for the pages of one PDF, page by page, through the per-page cache.

    ``run_engine`` False: only cached pages are read (an ingest without ``--ocr`` still keeps a
    document OCR'd before); an uncached page gives None and stays without text.
    """

    def __init__(self, path: str | Path, sha256: str, cache_dir: str | Path | None, *,
                 run_engine: bool = True, threads: int = 1, on_read=None):
        self.path = Path(path)
        # on_read(page_no, page_count) after each page read (progress: a scan takes minutes).
        self.on_read = on_read
        self._count: int | None = None
        self.lexicon: list[str] = []
        self.cache = Path(cache_dir) / sha256 if cache_dir else None
        self.run_engine = run_engine
        self.threads = threads
        self._pdf = None
        self.seconds = 0.0  # spent in the engine (not on cached pages)

    def _cached(self, page_no: int) -> list[Box] | None:
        if self.cache is None:
            return None
        try:
            data = json.loads((self.cache / f"{page_no}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if data.get("engine") != ENGINE:
            return None
        try:
            os.utime(self.cache)  # in use: prune_cache keeps it
        except OSError:
            pass
        return [Box(**b) for b in data["boxes"]]

    def _store(self, page_no: int, boxes: list[Box]) -> None:
        if self.cache is None:
            return
        from dataclasses import asdict

        from .store import write_json_atomic

        try:
            self.cache.mkdir(parents=True, exist_ok=True)
            write_json_atomic(self.cache / f"{page_no}.json", {"engine": ENGINE, "boxes": [asdict(b) for b in boxes]})
        except OSError:  # a read-only index still gets its text, just not cached
            pass

    def boxes(self, page_no: int) -> list[Box] | None:
        cached = self._cached(page_no)
        if cached is not None or not self.run_engine:
            if cached is not None:
                self._tell(page_no)
            return cached
        started = time.monotonic()
        boxes = read_page(self._open(), page_no - 1, threads=self.threads)
        self.seconds += time.monotonic() - started
        self._store(page_no, boxes)
        self._tell(page_no)
        return boxes

    def _open(self):
        import pypdfium2

        if self._pdf is None:
            self._pdf = pypdfium2.PdfDocument(str(self.path))
        return self._pdf

    def _tell(self, page_no: int) -> None:
        if self.on_read is None:
            return
        if self._count is None:
            try:
                self._count = len(self._open())
            except Exception:  # noqa: BLE001 - progress only; extract reports an unreadable file
                self._count = page_no
        self.on_read(page_no, self._count)

    def __call__(self, page_no: int) -> tuple[Line, ...] | None:
        boxes = self.boxes(page_no)
        if boxes is None:
            return None
        # The document's sure readings so far, this page's included (a signature under a seal
        # repeats the 版头 of page 1 or the 版记 below it).
        self.lexicon += sure_texts(boxes)
        return boxes_to_lines(snap(boxes, self.lexicon), page_no)

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()
            self._pdf = None


def has_cache(cache_dir: str | Path | None, sha256: str) -> bool:
    return bool(cache_dir) and (Path(cache_dir) / sha256).is_dir()


def prune_cache(cache_dir: str | Path, keep: set[str], since: float) -> None:
    """Remove cached OCR of files neither in the index (``keep``: SHA-256s) nor read since ``since``."""
    import shutil

    root = Path(cache_dir)
    if not root.is_dir():
        return
    for d in root.iterdir():
        try:
            if d.is_dir() and d.name not in keep and d.stat().st_mtime < since:
                shutil.rmtree(d, ignore_errors=True)
        except OSError:
            continue
