"""How kb writes a page range, a document heading and a footnote mark, for every command.

Below the query modules (refs, quote, export read it) and above nothing but the model, so the
commands that find things and the ones that show them write these the same way.
"""
from __future__ import annotations


def pages_text(pages) -> str:
    a, b = pages
    return f"p.{a}" if a == b else f"p.{a}-{b}"
