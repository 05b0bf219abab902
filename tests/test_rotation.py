"""Text turned a quarter on an upright page (kb/rotation.py): read along its own baseline.

No file of ../shared/real has turned text (bench/quality.py reports none), so the PDFs are made
with reportlab: a sideways table's rows drawn turned anticlockwise (reads bottom to top, came
out 道渠济救) and clockwise (rows came out in reverse order), with and without rules.
"""
from __future__ import annotations

from pathlib import Path

import pytest

ROWS = [("救济渠道", "行政复议或者行政诉讼"), ("办理时限", "自受理之日起二十个工作日"), ("收费标准", "不收费")]


def turned_pdf(path: Path, angle: int, ruled: bool) -> Path:
    from tests.pdfmaker import _canvas

    c = _canvas(path)
    c.setFont("STSong-Light", 12)
    c.drawString(80, 780, "第一条为了规范居住证管理，制定本办法。")
    c.saveState()
    c.translate(300, 150 if angle == 90 else 700)
    c.rotate(angle)
    for k, (name, value) in enumerate(ROWS):
        y = -24 * k
        c.drawString(4, y + 6, name)
        c.drawString(84, y + 6, value)
        if ruled:
            c.rect(0, y, 80, 24, stroke=1, fill=0)
            c.rect(80, y, 200, 24, stroke=1, fill=0)
    c.restoreState()
    c.showPage()
    c.save()
    return path


@pytest.mark.parametrize("angle", [90, -90])
@pytest.mark.parametrize("ruled", [False, True])
def test_turned_table_reads_in_order(tmp_path, angle, ruled):
    from kb.parse import parse_pdf

    doc = parse_pdf(turned_pdf(tmp_path / "t.pdf", angle, ruled))
    text = "\n".join(p.text for s in doc.walk() for p in s.paragraphs)
    flat = text.replace("\n", "").replace(" | ", "")
    expected = "".join(n + v for n, v in ROWS)
    assert expected in flat, text
    assert "道渠济救" not in flat
    assert any("turned" in w for w in doc.warnings)


def test_upright_pages_are_read_as_before():
    from kb.rotation import directions

    upright = [{"text": "中", "upright": True, "matrix": (1, 0, 0, 1, 0, 0)}] * 10
    slanted = [{"text": "机", "upright": False, "matrix": (0.7, 0.7, -0.7, 0.7, 0, 0)}] * 10  # a 45° watermark
    assert directions(upright) == {} and directions(slanted) == {}
