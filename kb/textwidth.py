"""Terminal width of text where a Chinese character takes two columns (East Asian Width W/F).

``len()`` counts a character as one column, so help text wrapped by it runs past 80 columns
as soon as it holds Chinese; ``wrap`` fills lines by display width instead, breaking between
words of Latin text and between any two Chinese characters (Chinese has no spaces to wait for),
but never before closing punctuation (，。、）》 stay on the line they close).
"""
from __future__ import annotations

import re
import unicodedata

_TOKEN = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]+|\s+")
_NO_LINE_START = set("，。、；：！？）》」』〕】”’…,.;:!?)]")


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(text: str, limit: int) -> list[str]:
    """``text`` (one paragraph) as lines of at most ``limit`` columns, where words allow."""
    lines: list[str] = []
    line, w = "", 0
    for tok in _TOKEN.findall(" ".join(text.split())):
        tw = width(tok)
        if tok.isspace():
            if line:
                line, w = line + " ", w + 1
            continue
        if w + tw > limit and line.strip() and tok not in _NO_LINE_START:
            lines.append(line.rstrip())
            line, w = "", 0
        line, w = line + tok, w + tw
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]
