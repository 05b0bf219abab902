"""How kb writes a document heading, a page range and footnote numbers, for every command.

Below the query modules (refs reads it) and above nothing but kb.text, so the commands that find
things and the ones that show them write these the same way.
"""
from __future__ import annotations

from .text import page_list, page_span


def doc_heading(title: str, doc_number: str | None) -> str:
    """市政府关于…的通知（苏府〔2011〕159号）: the title, and the 发文字号 in full-width brackets where there is one."""
    return title + (f"（{doc_number}）" if doc_number else "")


def pages_text(pages) -> str:
    """(3, 5) → "p.3-5", (3, 3) → "p.3": a range in terminal output."""
    a, b = pages
    return "p." + page_span(a, b)


def pdf_pages_cn(pages) -> str:
    """(3, 5) → "PDF 第3–5页": a range in a citation."""
    a, b = pages
    return f"PDF 第{page_span(a, b, '–')}页"


def page_list_cn(numbers) -> str:
    """[1, 2, 3, 5] → "1–3、5": a list of pages in a citation."""
    return page_list(numbers, sep="、", dash="–")


class Footnotes:
    """Footnotes numbered 1, 2, … through one export, in reading order (by offset inside a paragraph)."""

    def __init__(self):
        self.texts: list[str] = []

    def pieces(self, par) -> list[tuple[str, int | None]]:
        """``par``'s text cut at its footnote markers: [(text, number of the note that follows | None)];
        its notes are numbered on from the ones before."""
        out, at = [], 0
        notes = sorted(par.footnotes, key=lambda f: f.offset)
        for n, note in enumerate(notes, len(self.texts) + 1):
            out.append((par.text[at:note.offset], n))
            at = note.offset
        out.append((par.text[at:], None))
        self.texts.extend(f.text for f in notes)
        return out

    def numbered(self):
        return enumerate(self.texts, 1)


def ocr_caution(pages) -> str:
    """What every quotation of OCR'd text carries, so that nobody quotes it as the original."""
    return f"OCR 识别文本（PDF 第{page_list_cn(pages)}页），引用前请核对原件"
