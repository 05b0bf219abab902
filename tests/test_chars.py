"""kb.chars.dedupe_chars: pdfplumber's result, object for object, without the quadratic ordering."""
from __future__ import annotations

import json

import pytest

from conftest import CORPUS, REAL


def _pages(path, limit=None):
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for i, page in enumerate(pdf.pages):
            if limit is not None and i >= limit:
                return
            yield page


def _same(page) -> None:
    from pdfplumber.utils import dedupe_chars as theirs

    from kb.chars import dedupe_chars

    chars = page.chars
    ours = dedupe_chars(chars)
    expected = theirs(chars)
    assert len(ours) == len(expected) and all(a is b for a, b in zip(ours, expected)), page.page_number


@pytest.mark.parametrize("pdf", sorted(p.name for p in CORPUS.glob("*.pdf")))
def test_identical_to_pdfplumber_on_every_page_of_the_corpus(pdf):
    for page in _pages(CORPUS / pdf):
        _same(page)


def _real_positives():
    manifest = REAL / "MANIFEST.json"
    if not manifest.exists():
        return []
    return [f["short_name"] for f in json.loads(manifest.read_text(encoding="utf-8"))["files"] if f.get("role") == "positive"]


@pytest.mark.parametrize("name", _real_positives() or ["(absent)"])
def test_identical_to_pdfplumber_on_the_real_set(name):
    from conftest import real_pdf

    path = real_pdf(name)
    for page in _pages(path, limit=1):  # the first page of each: the suite must stay short
        _same(page)


class _NoIndex(list):
    def index(self, *args):
        raise AssertionError("list.index is a linear scan: the ordering must not use it")


def test_doubles_are_removed_in_page_order_without_a_linear_scan_per_char():
    base = {"upright": True, "fontname": "F", "size": 10.0, "top": 0, "bottom": 10}
    chars = _NoIndex()
    for i, t in enumerate("服务外包"):
        c = {**base, "text": t, "x0": 10.0 * i, "x1": 10.0 * i + 9, "doctop": 100.0}
        chars.append(c)
        chars.append({**c, "x0": c["x0"] + 0.4})  # a fake-bold double, 0.4 pt to the right
    chars.append({**base, "text": "服", "x0": 200.0, "x1": 209.0, "doctop": 100.0})  # a real repeat, far away

    from pdfplumber.utils import dedupe_chars as theirs

    from kb.chars import dedupe_chars

    ours = dedupe_chars(chars)
    assert [c["text"] for c in ours] == list("服务外包服")
    assert [c["x0"] for c in ours] == [0.0, 10.0, 20.0, 30.0, 200.0]
    assert ours == theirs(list(chars))
