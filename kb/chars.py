"""pdfplumber's ``dedupe_chars`` with its final ordering made linear, and clusters of one skipped.

pdfplumber 0.11.10 (``pdfplumber/utils/text.py``) ends ``dedupe_chars`` with
``sorted(deduped, key=chars.index)``: ``list.index`` is a linear scan comparing dicts, so putting
the kept characters back in page order costs O(n²) dict comparisons. A page of 20,000 characters
took 26 s, 40,000 took 103 s, and a hostile 100,000-character page ran for over 15 minutes. Here
each character's first position is looked up in a dict keyed on ``id()``, built once.

Same result: ``chars.index(c)`` is the first position of an object *equal* to ``c``; a kept
character never has an equal one before it, because equal characters share text, font, size and
position, fall in the same cluster, and the cluster keeps its first (stable sort) member.
tests/test_chars.py checks identical output against pdfplumber's own on real pages.
"""
from __future__ import annotations

import itertools
from operator import itemgetter


def dedupe_chars(chars: list[dict], tolerance: float = 1, extra_attrs=("fontname", "size")) -> list[dict]:
    """The characters of ``chars`` that are not duplicates, in their original order."""
    from pdfplumber.utils.clustering import cluster_objects

    key = itemgetter("upright", "text", *(extra_attrs or ()))
    pos_key = itemgetter("doctop", "x0")
    kept = []
    for _, grp in itertools.groupby(sorted(chars, key=key), key=key):
        grp = list(grp)
        if len(grp) == 1:
            # Most groups are one character (each Chinese character is its own text): a cluster of
            # one is that character, so pdfplumber's two clusterings of it are skipped.
            kept.append(grp[0])
            continue
        for y_cluster in cluster_objects(grp, itemgetter("doctop"), tolerance):
            if len(y_cluster) == 1:
                kept.append(y_cluster[0])
                continue
            for x_cluster in cluster_objects(y_cluster, itemgetter("x0"), tolerance):
                kept.append(min(x_cluster, key=pos_key))  # min is stable: the first of the lowest, as sorted()[0]
    first: dict[int, int] = {}
    for i, c in enumerate(chars):
        first.setdefault(id(c), i)
    return sorted(kept, key=lambda c: first[id(c)])


def dedupe_page(page, **kwargs):
    """``page.dedupe_chars(**kwargs)`` (a FilteredPage) with the linear ordering above."""
    from pdfplumber.page import FilteredPage

    p = FilteredPage(page, lambda _obj: True)
    p._objects = dict(page.objects)
    p._objects["char"] = dedupe_chars(page.chars, **kwargs)
    return p
