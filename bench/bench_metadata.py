"""Metadata accuracy per field and glossary precision/recall on ../shared/real, against the
expectations written by reading each PDF (tests/expected/metadata.json, glossary.json).

Usage: python bench/bench_metadata.py [--index DIR] [--real DIR] [--expected DIR] [-v]
Without --index, every PDF under --real is parsed (a few minutes on this machine); with it,
the stored documents and terms.json of that index are scored. Files the tool refuses (scans,
not PDFs) are left out and counted apart: they have no text to read metadata from.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.expected_match import score_glossary, score_metadata  # noqa: E402


def parsed(real: Path):
    from kb.errors import InputError
    from kb.glossary import extract_terms
    from kb.parse import parse_pdf

    docs, terms, refused = {}, {}, []
    for pdf in sorted(real.glob("*.pdf")):
        try:
            doc = parse_pdf(pdf)
        except InputError:
            refused.append(pdf.stem)
            continue
        docs[doc.id] = doc
        terms[doc.id] = extract_terms(doc)
    return docs, terms, refused


def stored(index: str):
    from kb.glossary import load_terms
    from kb.store import Store

    snap = Store(index).snapshot()
    docs = {d.id: d for d in snap.documents()}
    terms = {d: [] for d in docs}
    for t in load_terms(snap.path):
        terms.setdefault(t.source.doc_id, []).append(t)
    return docs, terms, []


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index")
    ap.add_argument("--real", default=str(ROOT.parent / "shared" / "real"))
    ap.add_argument("--expected", default=str(ROOT / "tests" / "expected"))
    ap.add_argument("-v", action="store_true", help="List every wrong field, missed and extra term.")
    args = ap.parse_args()
    exp = Path(args.expected)
    meta = json.loads((exp / "metadata.json").read_text(encoding="utf-8"))
    gloss = json.loads((exp / "glossary.json").read_text(encoding="utf-8"))
    docs, terms, refused = stored(args.index) if args.index else parsed(Path(args.real))
    counts, wrong = score_metadata(meta, docs)
    scored = [d for d in meta if d in docs]
    print(f"metadata: {len(scored)} documents scored ({len([d for d in meta if d not in docs])} refused by the tool, not scored)")
    right = total = 0
    for field, (r, t) in counts.items():
        right, total = right + r, total + t
        print(f"  {field:12} {r:3}/{t:<3} {r / t if t else 1:.3f}")
    print(f"  {'all fields':12} {right:3}/{total:<3} {right / total if total else 1:.3f}")
    g = score_glossary(gloss, terms)
    print(f"glossary: recall {g['recall']:.3f} ({g['found']}/{g['expected']})  "
          f"precision {g['precision']:.3f} ({g['right']}/{g['produced']})")
    if args.v:
        for w in wrong:
            print("  wrong", *w)
        for m in g["missed"]:
            print("  missed", *m)
        for e in g["extra"]:
            print("  extra", *e)


if __name__ == "__main__":
    main()
