"""Rows of tables drawn without rules: lines of figures that are not sentences.

extract.py finds ruled tables only. A report's statistics (moe: ``全国5.6 6.6 3.7 0.9 1.0 0.7``
under a header ``合计小学初中合计小学初中``), a budget row cut by a page break (sz_jiaoyuju:
``18,436.56 12,059.49 12.00``) or a chart's axis come out as body lines, and structure joins
them into paragraphs that read as sentences broken off mid-way.

A *figure row* is a line whose words, after an optional short label (全国, 东部), are three or
more numbers (two where the next or previous line is one too), with no sentence punctuation
and at most 12 Chinese characters. Up to three lines right above a run of two or more figure
rows, in the same type size and without sentence punctuation, are its header rows. Each such
line becomes a ``TABLE`` line whose cells are the label and the figures, so structure keeps it
as a table row and nothing joins it to a sentence.
"""
from __future__ import annotations

import re
from dataclasses import replace

from .model import BODY, TABLE, Line, Page
from .text import HAN_WIDE

_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?%?")
_LABEL = re.compile(r"^([^\d\s\-+]{1,12}?)(?=[-+]?\d)")
_SENTENCE = re.compile(r"[，。；！？,;：:、]")
_HAN = re.compile(f"[{HAN_WIDE}]")
HEADER_ROWS = 3


def _cells(text: str) -> tuple[str, ...] | None:
    """(label, figure, figure, …) when ``text`` is a label and figures only, else None."""
    if _SENTENCE.search(_NUMBER.sub("", text)) or len(_HAN.findall(text)) > 12:  # 18,436.56 is no comma
        return None
    m = _LABEL.match(text)
    label = m.group(1) if m else ""
    words = text[len(label):].split()
    if not words or not all(_NUMBER.fullmatch(w) for w in words):
        return None
    return ((label,) if label else ()) + tuple(words)


def _figures(cells) -> int:
    return sum(1 for c in cells if _NUMBER.fullmatch(c)) if cells else 0


def label_rows(pages: list[Page]) -> list[Page]:
    """``pages`` with the figure rows and their header rows made ``TABLE`` lines."""
    out = []
    for p in pages:
        lines = list(p.lines)
        cells = [_cells(ln.text) if ln.label == BODY else None for ln in lines]
        rows = [False] * len(lines)
        for k, c in enumerate(cells):
            n = _figures(c)
            near = any(0 <= j < len(lines) and _figures(cells[j]) >= 2 for j in (k - 1, k + 1))
            rows[k] = n >= 3 or (n >= 2 and near)
        header: set[int] = set()
        for k in range(len(lines)):
            if not rows[k] or (k > 0 and rows[k - 1]) or not (k + 1 < len(lines) and rows[k + 1]):
                continue
            j = k - 1
            while j >= 0 and k - j <= HEADER_ROWS and _header(lines[j], lines[j + 1], lines[k]):
                header.add(j)
                j -= 1
        if not any(rows):
            out.append(p)
            continue
        new = []
        for k, ln in enumerate(lines):
            if rows[k]:
                new.append(replace(ln, label=TABLE, cells=cells[k], text=" | ".join(cells[k])))
            elif k in header:
                parts = tuple(ln.text.split()) or (ln.text,)
                new.append(replace(ln, label=TABLE, cells=parts, text=" | ".join(parts)))
            else:
                new.append(ln)
        out.append(replace(p, lines=tuple(new)))
    return out


def _header(ln: Line, below: Line, row: Line) -> bool:
    return (ln.label == BODY and not _SENTENCE.search(ln.text) and abs(ln.size - row.size) <= 0.5
            and 0 <= below.top - ln.bottom <= 2 * max(ln.size, 1) and len(ln.text) <= 40)
