"""Punctuation that a broken font decodes to ASCII symbols, repaired where the page shows what
it is; otherwise left for check_text_layer's warning.

Old law booklets set their punctuation in a font whose map is wrong: ``第一条为了规范居住证管理#
保障…%`` (issue 10). What tells such a glyph from real ASCII is its box: the glyph is drawn in a
full-width (one em) advance between Chinese characters, where an ASCII symbol of a Latin face is
half-width or narrower. Only glyphs with that evidence are touched:

1. **The ASCII form of a full-width sign** (``,`` ``.`` ``;`` ``:`` ``?`` ``!`` ``(`` ``)``) in a
   full-width box next to a Chinese character is that sign's full-width form (，．；：？！（）): a
   font that maps the full-width block to ASCII. ``.`` becomes 。 where it ends a sentence.
2. **A font that decodes only to symbols** (every glyph of the font on the page is an ASCII symbol
   in a full-width box between Chinese characters: a subset font whose codes were numbered
   ``!``, ``"``, ``#`` … in order of first use, with no Unicode map): its two most used glyphs are
   read by where they stand. The one that ends the lines which stop short of the right edge (a
   paragraph's end) is 。; the most used of the others, when it never ends such a line and is
   used at least twice as often as the next, is ，. Anything else in that font stays as it is,
   and the document keeps the warning.

Half-width ASCII, ASCII between Latin letters or digits, and every glyph of a font that also
decodes to letters are left alone.
"""
from __future__ import annotations

from collections import Counter, defaultdict

FULL_WIDTH = 0.8  # of the type size: a full-width (em) box
_SIGNS = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）", ".": "。"}
_SYMBOLS = set("!\"#$%&'*+,-./:;<=>?@[\\]^_`{|}~")
MIN_USES = 5


def _cjk(ch: str) -> bool:
    return bool(ch) and ("\u3400" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef")


def _full_width(c: dict) -> bool:
    return c["x1"] - c["x0"] >= FULL_WIDTH * max(c.get("size") or 0, 0.1) and c.get("upright", True)


def repair_chars(chars: list[dict], right_edge: float | None = None) -> tuple[list[dict], int]:
    """(chars with the repairs above as new dicts, how many were repaired). ``chars`` in reading
    order of a page; ``right_edge``: where full lines end (default: the rightmost character)."""
    if not chars or not any(c.get("text") in _SYMBOLS for c in chars):  # the common page: one cheap pass
        return chars, 0
    right = right_edge if right_edge is not None else max(c["x1"] for c in chars)
    texts = [c.get("text") or "" for c in chars]
    near_cjk = [
        (k > 0 and _cjk(texts[k - 1])) or (k + 1 < len(texts) and _cjk(texts[k + 1])) for k in range(len(chars))
    ]
    suspect = [t in _SYMBOLS and _full_width(c) and near_cjk[k] for k, (t, c) in enumerate(zip(texts, chars))]
    if not any(suspect):
        return chars, 0
    new: dict[int, str] = {}
    # 2: fonts whose every glyph here is a suspect symbol
    by_font = defaultdict(list)
    for k, c in enumerate(chars):
        by_font[c.get("fontname", "")].append(k)
    for font, ks in by_font.items():
        if len(ks) < MIN_USES or not all(suspect[k] for k in ks):
            continue
        uses = Counter(texts[k] for k in ks)
        ends = Counter(texts[k] for k in ks if _ends_short_line(chars, k, right))
        stop = ends.most_common(1)[0][0] if ends else None
        if stop is not None and ends[stop] >= 2:
            for k in ks:
                if texts[k] == stop:
                    new[k] = "。"
        rest = [(t, n) for t, n in uses.most_common() if t != stop]
        if rest and ends[rest[0][0]] == 0 and rest[0][1] >= MIN_USES and (len(rest) == 1 or rest[0][1] >= 2 * rest[1][1]):
            for k in ks:
                if texts[k] == rest[0][0]:
                    new[k] = "，"
    # 1: a full-width box holding the ASCII form of a full-width sign
    for k, t in enumerate(texts):
        if k in new or not suspect[k] or t not in _SIGNS:
            continue
        font_ks = by_font[chars[k].get("fontname", "")]
        if any(texts[j].isalpha() and texts[j].isascii() for j in font_ks):
            continue  # a Latin face: its punctuation is real ASCII
        if t == ".":
            new[k] = "。" if not (k + 1 < len(texts) and texts[k + 1].isdigit()) else "．"
        else:
            new[k] = _SIGNS[t]
    if not new:
        return chars, 0
    return [dict(c, text=new[k]) if k in new else c for k, c in enumerate(chars)], len(new)


def _ends_short_line(chars: list[dict], k: int, right: float) -> bool:
    """Whether chars[k] is the last glyph of its line and that line stops 2+ ems short of the edge."""
    c = chars[k]
    nxt = chars[k + 1] if k + 1 < len(chars) else None
    last = nxt is None or nxt["top"] > c["bottom"] - 0.2 * c["size"]
    return last and right - c["x1"] > 2 * c["size"]


def repair_page(page, stats: dict | None = None):
    """``page`` (pdfplumber) with repaired characters, or ``page`` itself when nothing changed."""
    chars, repaired = repair_chars(page.chars)
    if not repaired:
        return page
    if stats is not None:
        stats["font_symbols"] = stats.get("font_symbols", 0) + repaired
    from pdfplumber.page import FilteredPage

    p = FilteredPage(page, lambda _obj: True)
    p._objects = dict(page.objects)
    p._objects["char"] = chars
    return p
