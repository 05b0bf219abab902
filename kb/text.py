"""Text rules every stage shares: character ranges, width folding, spacing, Chinese numerals,
发文字号, dates, simplified/traditional, name keys, the bigram form, and page numbers written as runs.

This module imports nothing of kb, so any stage may use it (as pdfplumber's ``utils/`` sits
beneath ``page.py`` and ``table.py``). Each rule is written once here; a stage that needs one
imports it rather than keeping its own copy, so the stage that writes the index and the one that
reads it can never disagree (``match_form`` is the bigram field's normaliser *and* the substring
check's).
"""
from __future__ import annotations

import functools
import re
from pathlib import Path


class LazyPattern:
    """``re.compile(pattern, flags)``, compiled the first time it is used.

    Compiling this module's patterns (their classes span the CJK blocks) took ~5 ms of every
    ``kb`` command's start-up, and most commands use none of them. The first use puts the
    compiled pattern's methods in this object's ``__dict__``, so later calls cost what a call on
    a compiled pattern costs and never come back to ``__getattr__``.
    """

    _METHODS = ("match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer",
                "pattern", "flags", "groups", "groupindex")

    def __init__(self, pattern: str, flags: int = 0):
        self._source = (pattern, flags)

    def __getattr__(self, name):
        if name.startswith("__") or name == "_source":
            raise AttributeError(name)
        compiled = re.compile(*self._source)
        for attr in self._METHODS:
            setattr(self, attr, getattr(compiled, attr))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"LazyPattern({self._source[0]!r})"


# -- character ranges ---------------------------------------------------------------------------
# Written as regex class bodies: f"[{HAN}]" matches one character of the range.
HAN = "\u4e00-\u9fff"  # CJK Unified Ideographs: the characters of running Chinese text
HAN_EXT_A = "\u3400-\u4dbf"  # Extension A: rare characters, some fonts map common ones here
RADICALS = "\u2e80-\u2fdf"  # radical supplement and Kangxi radicals: glyphs clean.repair_text maps back
HAN_WIDE = HAN_EXT_A + HAN  # what OCR output and font checks count as Chinese
CJK = RADICALS + "\u3005\u3007" + HAN_EXT_A + HAN + "\uf900-\ufaff"  # + 々 〇 and compatibility ideographs
# Full-width punctuation, brackets and quotes count as CJK for spacing purposes.
CJK_PUNCT = r"\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2014\u2018\u2019\u201c\u201d\u2026\u00b7"


def is_cjk(ch: str) -> bool:
    """A Chinese character (URO, Extension A) or a radical form: what a text layer's language check counts."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\u2e80" <= ch <= "\u2fdf"


# -- width --------------------------------------------------------------------------------------
# Full-width digits and Latin letters (２００３年, ＩＴＯ) are a typing variant: GB/T 9704 §5.3
# writes numbers in half-width Arabic digits, and a reader searching 2003年 means the same
# thing. Full-width punctuation (，。（）．) is Chinese typography and stays.
FULL_WIDTH = str.maketrans({chr(c): chr(c - 0xFEE0) for c in [*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)]})


def fold_width(text: str) -> str:
    return text.translate(FULL_WIDTH)


# -- spacing ------------------------------------------------------------------------------------
_CJK_ANY = f"[{CJK}{CJK_PUNCT}]"
_SPACE_AFTER_CJK = LazyPattern(f"(?<={_CJK_ANY})[ \t\u00a0\u3000]+(?=\\S)")
_SPACE_BEFORE_CJK = LazyPattern(f"(?<=\\S)[ \t\u00a0\u3000]+(?={_CJK_ANY})")
_SPACE = LazyPattern(r"\s+")


def fix_spacing(text: str) -> str:
    """Drop spaces that touch a CJK character or full-width punctuation; keep Latin spacing."""
    text = _SPACE_AFTER_CJK.sub("", text)
    text = _SPACE_BEFORE_CJK.sub("", text)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


# A line that is only a rule (box drawing, dashes, underscores, equals signs): the 分隔线 under a
# 发文字号 is the document's; a site's separators are its chrome.
RULE_LINE = LazyPattern(r"^[\u2500-\u257f\u2014\u2015_＿=＝\-－—]{3,}$")


# -- organs -------------------------------------------------------------------------------------
# How the name of an issuing organ ends (东莞市人民政府, 苏州市商务局, 国务院办公厅 …): a regex
# alternation, longest first where one ends another.
ORGAN_ENDINGS = "人民政府|办公厅|办公室|委员会|政府|部|局|厅|委|院|署|会|府|办|中心|管委会"


# -- tables of contents -------------------------------------------------------------------------
# A contents line: leader dots and a page number ("一、注册......3"). Structure keeps such lines out
# of the outline; search ranks a section made of them low.
TOC_LINE = LazyPattern(r"(?:[.．·…]{4,}|[.．·…]\s?[.．·…]\s?[.．·…]\s?[.．·…])\s*\d{1,4}$")


# -- table cells --------------------------------------------------------------------------------
# What keeps the items of one table cell apart in its text: a cell that lists several items (1．…
# 2．… in one box, or a grid of county names) prints each on its own line or after a gap, and
# joining its lines as a wrap would glue them ("…一致。2.如果…", "乐昌市新丰县南雄市"). An em space:
# visible, not a character of the text, and not one of the spaces fix_spacing drops between CJK.
CELL_ITEM_GAP = "\u2003"
# A cell line that opens an item of a list: 1． 2、 一、 （1） （一） ①. Not 3.5 (a figure) nor a year.
CELL_ITEM_START = LazyPattern(r"^(?:\d{1,2}\s*[.．、](?!\d)|[（(]\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[)）]"
                             r"|[一二三四五六七八九十]{1,3}\s*、|[\u2460-\u2473])")
# One item of a grid of names in a cell (乐昌市 新丰县 …; 揭阳市本级（不含普侨区）): Chinese only,
# two characters or more, so a letter-spaced header (地 区) is not a grid.
CELL_NAME = LazyPattern(f"^[{HAN}][{HAN}（）()、]+$")


# -- Chinese numerals ---------------------------------------------------------------------------
# 〇 may be printed as ○ (U+25CB WHITE CIRCLE: gov, gd_yinjin); 两 is 2 (两年).
CN_DIGIT_VALUES = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
                   "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_DIGITS = "〇○零一二三四五六七八九十百千两"


def cn_to_int(text: str) -> int | None:
    """第十二章 → 12, （二十）→ 20, 3. → 3, 两 → 2; None if ``text`` holds no number."""
    digits = re.sub(r"\D", "", text)
    if digits:
        return int(digits)
    s = re.sub(rf"[^{CN_DIGITS}]", "", text)
    if not s:
        return None
    total, current = 0, 0
    for ch in s:
        if ch in CN_DIGIT_VALUES:
            current = CN_DIGIT_VALUES[ch]
        else:
            total += (current or 1) * CN_UNITS[ch]
            current = 0
    return total + current


def int_to_cn(n: int) -> str:
    """5 → 五, 15 → 十五, 30 → 三十, as laws write a figure; "" from 100 on."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return ""


# -- 发文字号 -------------------------------------------------------------------------------------
_OPEN = "〔[［(（【﹝"
_CLOSE = "〕]］)）】﹞"
# The bracket pairs a 发文字号's year is printed in, 〔〕 first (the standard form, GB/T 9704).
YEAR_BRACKETS = tuple(zip(_OPEN, _CLOSE))
_YEAR_IN_BRACKETS = LazyPattern(rf"[{re.escape(_OPEN)}]\s*(\d{{4}})\s*[{re.escape(_CLOSE)}]")


def year_bracket_forms(text: str) -> list[str]:
    """``text`` with the year of each 发文字号 in it (〔2014〕, [2014] …) printed in each bracket pair
    in turn, 〔〕 first; [] when it holds none. Pages print the same number in any of them."""
    if not _YEAR_IN_BRACKETS.search(text):
        return []
    return list(dict.fromkeys(_YEAR_IN_BRACKETS.sub(lambda m, o=o, c=c: f"{o}{m.group(1)}{c}", text)
                              for o, c in YEAR_BRACKETS))


DOC_NUMBER = LazyPattern(
    rf"^([{HAN}]{{1,12}})\s*[{re.escape(_OPEN)}]\s*(\d{{4}})\s*[{re.escape(_CLOSE)}]\s*第?\s*(\d{{1,5}})\s*号$"
)


def normalise_doc_number(text: str) -> str | None:
    """苏府„2011‟159 号 / 东府[2015]111号 → 苏府〔2011〕159号; None if ``text`` is not one."""
    t = _SPACE.sub("", text).translate(FULL_WIDTH)
    m = DOC_NUMBER.match(t)
    if m:
        return f"{m.group(1)}〔{m.group(2)}〕{m.group(3)}号"
    return None


# -- dates --------------------------------------------------------------------------------------
_CN_DATE = r"([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
# 2015年12月18日 as three groups, year, month, day: a piece for the patterns that read dates in context.
YMD = r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
CN_DATE = LazyPattern(rf"^{_CN_DATE}$")
DIGIT_DATE = LazyPattern(rf"^{YMD}$")
# Either form inside a sentence, without groups (the patterns' only brackets are their groups):
# what ``cn_date_to_iso`` reads.
DATE = "(?:" + "|".join(p.replace("(", "(?:") for p in (YMD, _CN_DATE)) + ")"


def cn_date_to_iso(text: str) -> str | None:
    """2015年3月1日 / 二〇一五年三月一日 (spaces, full-width digits allowed) → 2015-03-01; None otherwise."""
    t = _SPACE.sub("", text).translate(FULL_WIDTH)
    m = DIGIT_DATE.match(t)
    if m:
        y, mo, d = (int(x) for x in m.groups())
    else:
        m = CN_DATE.match(t)
        if not m:
            return None
        y = int("".join(str(CN_DIGIT_VALUES[c]) for c in m.group(1)))  # a year is read digit by digit
        mo, d = cn_to_int(m.group(2)), cn_to_int(m.group(3))
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


MONTH_DATE = LazyPattern(r"^(\d{4})年(\d{1,2})月$")


def month_date_to_iso(text: str) -> str | None:
    """2009年8月 → 2009-08: a date printed to the month only (a report's cover); None otherwise."""
    m = MONTH_DATE.match(_SPACE.sub("", text).translate(FULL_WIDTH))
    if not m or not 1 <= int(m.group(2)) <= 12:
        return None
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"


# -- simplified / traditional -------------------------------------------------------------------
def to_simplified(text: str) -> str:
    # kb/data/t2s_chars.txt is OpenCC's t2s read off its own dictionaries (bench/t2s_chars.py): a
    # text without a character it maps is returned as it is; one holding none of its phrases is
    # converted character by character (as OpenCC converts such a text); only a text holding a
    # phrase loads OpenCC (its import, build and first conversion: ~3.5 ms; the table: ~1 ms).
    if text.isascii():
        return text
    table, changing, phrases = _t2s_table()
    if changing.isdisjoint(text):
        return text
    if not any(p in text for p in phrases):
        return text.translate(table)
    return _t2s().convert(text)


@functools.lru_cache(maxsize=1)
def _t2s_table() -> tuple[dict[int, int], frozenset, tuple]:
    """(ord → simplified, every character t2s can change, t2s's phrases)."""
    path = Path(__file__).parent / "data" / "t2s_chars.txt"
    parts: dict[str, list[str]] = {"<": [], ">": [], "~": [], "!": []}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line[:1] in parts:
            parts[line[0]].append(line[1:])
    trad, simp = "".join(parts["<"]), "".join(parts[">"])
    changing = frozenset(trad) | frozenset("".join(parts["!"]))
    return str.maketrans(trad, simp), changing, tuple(" ".join(parts["~"]).split())


@functools.lru_cache(maxsize=1)
def _t2s():
    # One cached converter: OpenCC costs ~6 ms to import and ~8 ms to build, paid only when a
    # text has a character it could change.
    from opencc import OpenCC

    return OpenCC("t2s")


# -- name keys ----------------------------------------------------------------------------------
_NAME_MARKS = LazyPattern(r"[《》〈〉“”\"'\s]")


def name_key(name: str) -> str:
    """A term's name as compared: book-title marks, quotes and spaces dropped, case folded."""
    return _NAME_MARKS.sub("", name).casefold()


# -- the bigram form ----------------------------------------------------------------------------
def match_form(text: str) -> str:
    """Whitespace removed, lower-cased: the form the bigram field indexes and substring checks compare."""
    return _SPACE.sub("", text).lower()


def bigrams(text: str) -> list[str]:
    s = match_form(text)
    return [s[i:i + 2] for i in range(len(s) - 1)]


# -- page numbers -------------------------------------------------------------------------------
def page_span(a: int, b: int, dash: str = "-") -> str:
    """3, 3 → "3"; 3, 5 → "3-5" (a citation in Chinese uses the en dash: 3–5)."""
    return f"{a}" if a == b else f"{a}{dash}{b}"


def page_runs(numbers) -> list[tuple[int, int]]:
    """[1, 2, 3, 7] → [(1, 3), (7, 7)]: consecutive pages joined."""
    runs: list[list[int]] = []
    for p in numbers:
        if runs and p == runs[-1][1] + 1:
            runs[-1][1] = p
        else:
            runs.append([p, p])
    return [(a, b) for a, b in runs]


def page_list(numbers, sep: str = ", ", dash: str = "-") -> str:
    """[1, 2, 3, 7] → "1-3, 7" (warnings); with sep="、", dash="–": "1–3、7" (citations)."""
    return sep.join(page_span(a, b, dash) for a, b in page_runs(numbers))
