"""Text drawn turned a quarter (a landscape table set on a portrait page without /Rotate).

pdfplumber reads glyphs that are not upright top to bottom, in columns left to right, whatever
their turn. Text turned a quarter anticlockwise reads bottom to top, so it came out reversed
(道渠济救 for 救济渠道, and the cells of a row in reverse order); text turned clockwise came out
with its lines (the table's rows) in reverse order.

The glyph's text matrix says which way its baseline runs: ``(a, b) = (0, 1)`` is anticlockwise
(the baseline points up the page), ``(0, -1)`` clockwise. ``directions`` returns pdfplumber's
own reading options for the page's turned glyphs — characters along the baseline, lines in the
direction the glyph's "down" points — chosen by the turn most of them share, so
``extract_text_lines`` and a table's ``extract`` read them along their own axis. Upright text
is read as before. Glyphs turned by some other angle (a 45° watermark, which extract.py leaves
out first) do not vote.
"""
from __future__ import annotations

MIN_TURNED = 4  # fewer turned glyphs than this are a stray mark, not text to read

# baseline direction → pdfplumber's (char_dir_rotated, line_dir_rotated)
_QUARTER = {
    1: {"char_dir_rotated": "btt", "line_dir_rotated": "ltr"},  # anticlockwise: reads upwards
    -1: {"char_dir_rotated": "ttb", "line_dir_rotated": "rtl"},  # clockwise: reads downwards
}


def quarter_turn(char: dict) -> int:
    """+1 / -1 for a glyph turned a quarter anticlockwise / clockwise, else 0."""
    if char.get("upright", True):
        return 0
    a, b = (char.get("matrix") or (1, 0, 0, 1))[:2]
    if abs(a) > 0.2 * max(abs(b), 1e-9):  # not a quarter turn (45° watermark, slanted text)
        return 0
    return 1 if b > 0 else -1 if b < 0 else 0


def directions(chars) -> dict:
    """pdfplumber text options that read the page's quarter-turned glyphs along their baseline."""
    votes = {1: 0, -1: 0}
    for c in chars:
        if not c.get("upright", True):
            turn = quarter_turn(c)
            if turn:
                votes[turn] += 1
    turn = max(votes, key=votes.get)
    return dict(_QUARTER[turn]) if votes[turn] >= MIN_TURNED else {}


def oriented_rows(table, rows: list[list], chars, dirs: dict) -> list[tuple[tuple, list]]:
    """(bbox, cells) of each row of a ruled ``table`` in reading order.

    A sideways table's rows stand as the page's columns: anticlockwise, its first row is the
    leftmost column and each row reads up the page; clockwise, the rightmost column, reading
    down. Such a table (most of its glyphs quarter-turned) is transposed; any other is returned
    as pdfplumber gives it.
    """
    upright = list(zip((r.bbox for r in table.rows), rows))
    if not dirs or not rows:
        return upright
    x0, top, x1, bottom = table.bbox
    inside = [c for c in chars if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom]
    turned = sum(1 for c in inside if quarter_turn(c))
    if turned * 2 <= len(inside):
        return upright
    width = max(len(r) for r in rows)
    grid = [list(r) + [None] * (width - len(r)) for r in rows]
    columns = [c.bbox for c in table.columns]
    order = range(width) if dirs["line_dir_rotated"] == "ltr" else reversed(range(width))
    down = dirs["char_dir_rotated"] == "ttb"
    out = []
    for n, k in enumerate(order):
        cells = [grid[r][k] for r in (range(len(grid)) if down else reversed(range(len(grid))))]
        cx0, _, cx1, _ = columns[k] if k < len(columns) else table.bbox
        # Lines are put in order by their top: a sideways row spans the table's height, so each
        # takes the table's top plus a tenth of a point per row, which keeps the reading order.
        out.append(((cx0, top + 0.1 * n, cx1, bottom), cells))
    return out
