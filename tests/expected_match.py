"""Scoring the tool's metadata and glossary against tests/expected/*.json (written by reading the
PDFs). Shared by bench/bench_metadata.py (prints the figures) and tests/test_metadata_real.py.

A value is right when it equals the expected one after the spelling differences a reader would
not count: spaces, full/half width, 《》 and quote marks in names. A glossary entry is found when
some term of that document has the expected name (as its term or an alias) and its definition,
names included, holds the expected piece of the definition.
"""
from __future__ import annotations

import re
import unicodedata

FIELDS = ("title", "doc_number", "issuer", "date", "doc_type", "adopted", "promulgated", "effective",
          "expires", "draft", "trial", "repeals")


def norm(text) -> str:
    if text is None:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    return re.sub(r"[\s《》〈〉“”\"'‘’「」『』·・]", "", text).casefold()


def actual_fields(doc) -> dict:
    """The tool's values for FIELDS, from a ``Document``."""
    v = doc.validity
    return {"title": doc.title, "doc_number": doc.doc_number, "issuer": doc.issuer, "date": doc.date,
            "doc_type": doc.doc_type, "adopted": v.adopted, "promulgated": v.promulgated,
            "effective": v.effective, "expires": v.expires, "draft": v.draft, "trial": v.trial,
            "repeals": list(v.repeals)}


def field_right(name: str, expected, actual) -> bool:
    if name in ("draft", "trial"):
        return bool(expected) == bool(actual)
    if name == "repeals":
        return sorted(norm(x) for x in expected or []) == sorted(norm(x) for x in actual or [])
    return norm(expected) == norm(actual)


def expected_value(entry: dict, name: str):
    if name == "trial":
        return entry.get("trial", False)
    if name == "repeals":
        return entry.get("repeals", [])
    return entry.get(name)


def score_metadata(expected: dict, docs: dict, skip_absent: bool = True) -> tuple[dict[str, tuple[int, int]], list[tuple]]:
    """({field: (right, total)}, [(doc_id, field, expected, actual) wrong]).

    ``skip_absent``: leave out documents the tool refuses (scans, not PDFs): no text, no fields.
    """
    counts = {f: [0, 0] for f in FIELDS}
    wrong = []
    for doc_id, entry in expected.items():
        doc = docs.get(doc_id)
        if doc is None and skip_absent:
            continue
        actual = actual_fields(doc) if doc is not None else {}
        for f in FIELDS:
            if f not in entry and f not in ("trial", "repeals"):
                continue
            exp = expected_value(entry, f)
            counts[f][1] += 1
            if doc is not None and field_right(f, exp, actual.get(f)):
                counts[f][0] += 1
            else:
                wrong.append((doc_id, f, exp, actual.get(f)))
    return {f: (r, t) for f, (r, t) in counts.items()}, wrong


def _names(term) -> set[str]:
    return {norm(term.term)} | {norm(a.name) for a in term.aliases}


def entry_matches(entry: dict, term) -> bool:
    names = _names(term)
    wanted = {norm(entry["term"])} | {norm(a) for a in entry.get("aliases", [])}
    if not names & wanted:
        return False
    piece = norm(entry.get("definition_contains", ""))
    hay = norm(term.definition) + "|" + "|".join(sorted(names))
    return piece in hay


def score_glossary(expected: dict, terms_by_doc: dict, skip_absent: bool = True) -> dict:
    """Recall over expected entries, precision over the tool's terms, both on the documents
    the expectations cover; with the misses and the extras."""
    found = total = good = produced = 0
    missed, extra = [], []
    for doc_id, entries in expected.items():
        if doc_id not in terms_by_doc and skip_absent:
            continue
        terms = terms_by_doc.get(doc_id, [])
        for e in entries:
            total += 1
            if any(entry_matches(e, t) for t in terms):
                found += 1
            else:
                missed.append((doc_id, e["term"], e.get("definition_contains", "")))
        for t in terms:
            produced += 1
            if any(entry_matches(e, t) for e in entries):
                good += 1
            else:
                extra.append((doc_id, t.term, t.definition[:60]))
    return {"recall": found / total if total else 1.0, "precision": good / produced if produced else 1.0,
            "found": found, "expected": total, "right": good, "produced": produced,
            "missed": missed, "extra": extra}
