"""How well the text and structure hold on a folder of PDFs, without any hand-written answers.

    PYTHONPATH=. python bench/quality.py [--kb CHECKOUT] [FOLDER ...] [--json] [--save FILE] [--compare FILE] [--cache DIR]

FOLDER defaults to ../shared/real. For each PDF it parses the file as ``kb ingest`` would and
reports the signals of ``kb/quality.py``: wrap joins kept (probes from the PDF's own lines:
a body line that reaches the right margin and a next line that goes on with the sentence must
end up in one paragraph), headings that end mid-sentence, paragraphs that end mid-sentence
while the next goes on, one-character paragraphs, U+FFFD/private-use/radical code points,
watermark, running-header and page-number survivors, and a suspicious title. Refused files are
listed with their reason. ``--save`` writes the JSON; ``--compare`` prints the totals of a saved
run beside this one's. ``--kb CHECKOUT`` parses with another checkout's ``kb`` (say, main before a
change) and measures it with this checkout's signals.
"""
from __future__ import annotations

import argparse
import functools
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if len(sys.argv) > 2 and sys.argv[1] == "--kb":  # measure another checkout's kb with these signals
    sys.path.insert(0, sys.argv[2])
    del sys.argv[1:3]

SIGNALS = ["heading_mid_sentence", "para_breaks", "one_char", "bad_chars", "watermark", "running_header",
           "page_number", "suspicious_title"]
SHORT = {"heading_mid_sentence": "head", "para_breaks": "pbrk", "one_char": "1ch", "bad_chars": "bad",
         "watermark": "wmk", "running_header": "hdr", "page_number": "pgno", "suspicious_title": "title"}


def _read(path: Path, cache: Path | None):
    """(pages, info, warnings) of ``path``; with ``cache``, kept on disk while kb/extract.py is unchanged."""
    import hashlib
    import pickle

    from kb import extract

    key = None
    if cache is not None:
        code = hashlib.sha1(Path(extract.__file__).read_bytes()).hexdigest()[:10]
        key = cache / f"{path.stem}-{path.stat().st_size}-{code}.pickle"
        if key.exists():
            return pickle.loads(key.read_bytes())
    try:
        read = extract.read_pdf(path)
        result = (read.pages, read.info, list(read.warnings))
    except Exception as err:  # an InputError: cached too, so refusals cost nothing next time
        result = err
    if key is not None:
        cache.mkdir(parents=True, exist_ok=True)
        key.write_bytes(pickle.dumps(result))
    return result


@functools.lru_cache(maxsize=1)
def _quality():
    """kb/quality.py of this checkout, also when PYTHONPATH points at an older kb (--before)."""
    import importlib.util

    try:
        from kb import quality  # noqa: F401

        # With --kb, ``kb`` is the other checkout's: its own quality.py would measure with
        # older signals, so this checkout's is loaded instead.
        if Path(quality.__file__).resolve() == (ROOT / "kb" / "quality.py").resolve():
            return quality
    except ImportError:
        pass
    import kb  # noqa: F401

    spec = importlib.util.spec_from_file_location("kb.quality", ROOT / "kb" / "quality.py")
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "kb"
    spec.loader.exec_module(module)
    return module


def assess(path: Path, cache: Path | None = None) -> dict:
    from kb import clean, parse
    from kb.errors import InputError

    quality = _quality()

    started = time.monotonic()
    got = _read(path, cache)
    if isinstance(got, InputError):
        return {"file": path.name, "refused": got.reason, "error": str(got)}
    if isinstance(got, BaseException):
        raise got
    pages, info, warnings = got
    labelled = clean.label_pages(pages)
    if hasattr(parse, "document_from_pages"):
        doc = parse.document_from_pages(path, pages, path.stem, info=info, warnings=warnings, labelled=labelled)
    else:  # an older kb (to measure "before"): it reads the PDF again
        doc = parse.parse_pdf(path, path.stem)
    probes = quality.wrap_probes(labelled)
    kept = quality.probes_kept(doc, probes)
    lost = [p for p in probes if p not in kept]
    signals = quality.document_signals(doc)
    if hasattr(quality, "band_survivors"):
        headers, numbers = quality.band_survivors(labelled)
        for name, found in (("running_header", headers), ("page_number", numbers)):
            signals[name] = {"count": signals[name]["count"] + len(found),
                             "examples": (signals[name]["examples"] + found)[:3]}
    return {
        "file": path.name,
        "title": doc.title,
        "pages": doc.page_count,
        "wrap": [len(kept), len(probes)],
        "wrap_lost": [f"p{p.page}{'+' if p.across_pages else ''} {p.before}‖{p.after}" for p in lost[:5]],
        "signals": signals,
        "reasons": quality.reasons(signals, (len(kept), len(probes))),
        "warnings": doc.warnings,
        "seconds": round(time.monotonic() - started, 2),
    }


def totals(rows: list[dict]) -> dict:
    good = [r for r in rows if "refused" not in r]
    kept = sum(r["wrap"][0] for r in good)
    probes = sum(r["wrap"][1] for r in good)
    out = {"documents": len(good), "refused": len(rows) - len(good), "wrap_kept": kept, "wrap_probes": probes,
           "wrap_rate": round(kept / probes, 4) if probes else None,
           "distrusted": sum(1 for r in good if r["reasons"])}
    for s in SIGNALS:
        out[s] = sum(r["signals"][s]["count"] for r in good)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folders", nargs="*", default=[str(ROOT.parent / "shared" / "real")])
    ap.add_argument("--json", action="store_true", help="print the whole report as JSON")
    ap.add_argument("--save", help="write the JSON report to this file")
    ap.add_argument("--cache", help="keep extracted pages in this folder (re-used while kb/extract.py is unchanged)")
    ap.add_argument("--compare", help="a report saved by --save: print its totals beside these")
    args = ap.parse_args()

    files = sorted(f for d in args.folders for f in (Path(d).rglob("*.pdf") if Path(d).is_dir() else [Path(d)]))
    rows = []
    for f in files:
        rows.append(assess(f, Path(args.cache) if args.cache else None))
        if not args.json:
            r = rows[-1]
            if "refused" in r:
                print(f"{f.name[:58]:58}  refused: {r['refused']}", flush=True)
                continue
            k, n = r["wrap"]
            cols = " ".join(f"{SHORT[s]}={r['signals'][s]['count']}" for s in SIGNALS if r["signals"][s]["count"])
            print(f"{f.name[:58]:58}  wrap {k:4}/{n:<4} {cols}", flush=True)
            for lost in r["wrap_lost"][:3]:
                print(f"{'':60}lost {lost}")
    report = {"totals": totals(rows), "documents": rows}
    if args.save:
        Path(args.save).write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return
    t = report["totals"]
    print()
    before = json.loads(Path(args.compare).read_text(encoding="utf-8"))["totals"] if args.compare else None
    for key, value in t.items():
        old = f"   (before: {before.get(key)})" if before else ""
        print(f"{key:22} {value}{old}")


if __name__ == "__main__":
    main()
