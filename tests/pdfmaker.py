"""Small PDFs made for a test with reportlab (CJK text via its built-in STSong-Light CID font:
this machine has no CJK TrueType font under /usr/share/fonts, and the CID font needs none)."""
from __future__ import annotations

from pathlib import Path


def _canvas(path: Path):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return canvas.Canvas(str(path), pagesize=(595, 842))


def table_pdf(path: Path, header: list[str], pages: list[list[list[str]]]) -> Path:
    """A heading, then a ruled table running over ``len(pages)`` pages, header reprinted on each."""
    c = _canvas(path)
    widths = [120, 200, 120]
    for n, rows in enumerate(pages):
        c.setFont("STSong-Light", 12)
        y = 780
        if n == 0:
            c.drawString(90, y, "一、各市申报情况")
            y -= 40
        for row in [header] + rows:
            x = 90
            for w, cell in zip(widths, row):
                c.rect(x, y - 8, w, 24, stroke=1, fill=0)
                c.drawString(x + 6, y, cell)
                x += w
            y -= 24
        if n == len(pages) - 1:
            c.drawString(90, y - 30, "二、下一步工作")
            c.drawString(114, y - 54, "各市要按时报送材料。")
        c.showPage()
    c.save()
    return path


def fake_bold_pdf(path: Path, lines: list[str], shift: float = 1.5) -> Path:
    """Each line drawn twice, ``shift`` points apart: how Word fakes bold for a font without one."""
    c = _canvas(path)
    c.setFont("STSong-Light", 12)
    y = 780
    for text in lines:
        for dx in (0, shift):
            c.drawString(90 + dx, y, text)
        y -= 20
    c.showPage()
    c.save()
    return path


def text_pdf(path: Path, paragraphs: list[str]) -> Path:
    """Paragraphs set as a notice sets them: a ``#`` one as a centred 16 pt title, the others in
    12 pt, indented two characters on their first line and wrapped at 36 characters."""
    c = _canvas(path)
    y = 780
    for text in paragraphs:
        title = text.startswith("#")
        text = text.lstrip("#").strip()
        first = True
        while text:
            if y < 60:
                c.showPage()
                y = 780
            c.setFont("STSong-Light", 16 if title else 12)
            n = 34 if first else 36
            c.drawString(200 if title else (114 if first else 90), y, text[:n])
            text, first = text[n:], False
            y -= 20
        y -= 8
    c.showPage()
    c.save()
    return path
