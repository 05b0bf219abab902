"""pdfplumber's ``Table.extract`` (0.11.10) with each character's cell found once, same result.

pdfplumber tests every character of the *page* against every row's bbox, then every character of
the row against every cell: O(rows × page chars + cells × row chars) calls of a nested function,
re-computing each character's midpoint each time. On ../shared/real that was 3.9 million calls,
about 7 % of a parse. Here the midpoints are computed once, only the characters inside the table's
bbox are tried against its rows (a row's bbox lies inside the table's, so none is lost), and a
row's characters go to its cells by a binary search on the cells' left edges when the cells do
not overlap (an overlap, which ruled tables do not make, falls back to the test of every cell).
The order of each cell's characters (page order) and the tests (half-open, on the midpoint) are
pdfplumber's, so the cell texts are identical; tests/test_table_cells.py and the parse-identity
check over ../shared/real compare them. Could go upstream: pdfplumber's ``Table.extract`` could
filter ``page.chars`` to ``self.bbox`` once and compute midpoints once.
"""
from __future__ import annotations

from bisect import bisect_right

PDFPLUMBER_VERSIONS = ("0.11.10",)  # whose Table.extract this repeats


def extract(table, **kwargs) -> list[list[str | None]]:
    """What ``table.extract(**kwargs)`` returns (pdfplumber's own, on a version not checked)."""
    import pdfplumber
    from pdfplumber import utils

    if pdfplumber.__version__ not in PDFPLUMBER_VERSIONS:
        return table.extract(**kwargs)

    x0, top, x1, bottom = table.bbox
    inside = []  # (horizontal midpoint, vertical midpoint, char) of the chars in the table's bbox
    for char in table.page.chars:
        v_mid = (char["top"] + char["bottom"]) / 2
        h_mid = (char["x0"] + char["x1"]) / 2
        if x0 <= h_mid <= x1 and top <= v_mid <= bottom:
            inside.append((h_mid, v_mid, char))
    out = []
    for row in table.rows:
        rx0, rtop, rx1, rbottom = row.bbox
        row_chars = [m for m in inside if rx0 <= m[0] < rx1 and rtop <= m[1] < rbottom]
        found = _by_cell(row.cells, row_chars)
        arr: list[str | None] = []
        for cell, cell_chars in zip(row.cells, found):
            if cell is None:
                arr.append(None)
            elif cell_chars:
                if "layout" in kwargs:
                    kwargs["layout_width"] = cell[2] - cell[0]
                    kwargs["layout_height"] = cell[3] - cell[1]
                    kwargs["layout_bbox"] = cell
                arr.append(utils.extract_text(cell_chars, **kwargs))
            else:
                arr.append("")
        out.append(arr)
    return out


def _by_cell(cells, row_chars) -> list[list[dict]]:
    """The characters of each cell (None: none), in page order: pdfplumber's test for each."""
    found: list[list[dict]] = [[] for _ in cells]
    real = sorted((c[0], i) for i, c in enumerate(cells) if c is not None)
    lefts = [x for x, _ in real]
    disjoint = all(cells[a][2] <= cells[b][0] for (_, a), (_, b) in zip(real, real[1:]))
    for h_mid, v_mid, char in row_chars:
        if disjoint:
            k = bisect_right(lefts, h_mid) - 1  # the one cell whose left edge is at or before h_mid
            candidates = (real[k][1],) if k >= 0 else ()
        else:
            candidates = (i for _, i in real)
        for i in candidates:
            cx0, ctop, cx1, cbottom = cells[i]
            if cx0 <= h_mid < cx1 and ctop <= v_mid < cbottom:
                found[i].append(char)
    return found
