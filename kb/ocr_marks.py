"""Which paragraphs of a structured document were read by OCR, and how surely.

Runs after structure, which joins lines into paragraphs without looking at where they came from:
a paragraph on an OCR'd page is marked ``ocr``, with the mean confidence (weighted by length) of
the OCR lines whose text it contains — or, where structure reworded every line (a heading's
number cut off a run-in paragraph), of all the OCR lines on its pages.
"""
from __future__ import annotations

import re
from dataclasses import replace

from .model import Line, Page, Paragraph, Section

_SPACE = re.compile(r"\s+")


def _mean(lines: list[Line]) -> float | None:
    chars = sum(len(ln.text) for ln in lines)
    if not chars:
        return None
    return round(sum((ln.ocr_confidence or 0.0) * len(ln.text) for ln in lines) / chars, 3)


def mark_paragraph(par: Paragraph, by_page: dict[int, list[Line]]) -> Paragraph:
    pages = range(par.pages[0], par.pages[1] + 1)
    lines = [ln for pg in pages for ln in by_page.get(pg, ())]
    if not lines:
        return par
    text = _SPACE.sub("", par.text)
    inside = [ln for ln in lines if _SPACE.sub("", ln.text) in text] or lines
    return replace(par, ocr=True, ocr_confidence=_mean(inside))


def mark_sections(sections: list[Section], pages: list[Page]) -> list[Section]:
    """New sections whose paragraphs on OCR'd pages are marked; ``sections`` is left as it is."""
    by_page = {p.number: [ln for ln in p.lines if ln.ocr] for p in pages if p.ocr}
    if not by_page:
        return sections

    def mark(sec: Section) -> Section:
        return replace(sec, paragraphs=tuple(mark_paragraph(p, by_page) for p in sec.paragraphs),
                       children=tuple(mark(c) for c in sec.children))

    return [mark(s) for s in sections]


def ocr_pages_in(ocr_pages, pages: tuple[int, int]) -> list[int]:
    """The OCR'd pages among the span ``pages`` (first, last): what a hit or export must own up to."""
    return [p for p in ocr_pages if pages[0] <= p <= pages[1]]
