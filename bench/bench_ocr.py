"""OCR accuracy and speed without hand transcriptions: text-layer pages rendered and read back.

    PYTHONPATH=. nice -n 10 python bench/bench_ocr.py [--per-doc 2] [--threads 1] [--only NAME] [--dump FILE] [--cache DIR]

Pages: page 1 and the middle page of every text-layer document of ../shared/real (positives; the
TRICKY files are left out: their text layers are the defects under repair, so they are no
reference) and of the bundled corpus, 56 pages. Each page is rendered and read as
`kb ingest --ocr` reads a scan (kb/ocr.py), and the text compared with the page's own text layer.

Before and after, in one run on the same pages: "before" is one reading at 108 dpi (what the
previous release did on every page); "after" adds what kb/ocr.py now does, a small-print page
re-read finer (reread_small) and readings in doubt checked against the page's sure ones (snap).
pages/s for each, render + OCR on --threads onnxruntime threads (1: what each ingest worker
uses); timings on this shared machine are noisy, their ratio in one run less so.

What OCR should read is the text a reader sees, so both sides are trimmed by evidence in the
PDF, character by character, never by page or document (visible_text.py), and the counts printed:
* reference: text-layer characters drawn in render mode 3/7 or alpha 0, off the page, clipped
  away by their clipping path, covered by a later opaque rectangle or image, or filled in the
  colour of what they are drawn on (gd_yinjin's and gd_yiwu's site menu is clipped to a strip
  and painted over);
* OCR: readings off pictures, boxes over half on an image, a pattern-filled path (how Chrome
  prints a web page's pictures) or vector art with no visible text-layer character under them
  (a site's logo: 武汉市卫生和计划生育委员会 / Health and Family Planning …); a bullet drawn as
  a picture and read as a leading "·" likewise.
Reference lines are the text layer's lines by position, inside ruled tables too (extract's table
rows switched off): OCR knows no table, and row by row a two-line cell's second line comes
before its neighbour's first.

Compared after folding whitespace and full-width letters and digits (text.fold_width, what the
pipeline folds) and nothing else: punctuation keeps its width, as in the index; both sides
through clean.clean_text (the repairs every page gets).

Documents are split in two halves by publisher (``half``); OCR rules are tuned on B and A is
reported beside it as held out.

CER = edit distance / reference characters, over all pages (micro), per group (printed
documents, web prints, each half), per page (median, worst). Two measures:
* all text: every line of the page on both sides;
* as indexed: on each side the lines clean.label_pages labels furniture are left out (URL
  header, a site's menu, page numbers, rules), the page taken as a one-page document: what
  search sees.
Edits are also split by kind (punctuation, Chinese, digits, Latin, "order": a run of 3+ missed
in one place and added in another, "lines": another run of 6+ missed or added in one piece). Pages with pictures (over 5 % of the page) are left out: a screenshot's
text is read by OCR but is in no text layer. Known reference defects stay in and count:
dg_minban p.1's title is in a font pdfium cannot draw (blank in the image), hz's title line is
missing from its text layer, gd_yinjin's text layer has no character for a box glyph the page
shows (read as 口), a rule typed as ━━━ is in the text layer and read as nothing, gov's menu
in yellow on white is visible and missed.

--cache DIR keeps each page's two readings (keyed by file, page and ocr.ENGINE): OCR costs
~30 s a page here, and a change to what follows the engine (lines, punctuation, snap) or to the
reference can be measured again in a minute. Pages from the cache are not timed.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path
from unittest import mock

try:
    from . import visible_text
except ImportError:  # run as a script: bench/ is on the path
    import visible_text

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "real"


def documents() -> list[Path]:
    real = sorted(p for p in REAL.glob("*.pdf") if not p.name.startswith(("NEG_", "TRICKY_"))) if REAL.exists() else []
    return real + sorted((ROOT / "corpus").glob("*.pdf"))


def normalise(text: str, punctuation: bool = True) -> str:
    """``text`` without whitespace, full-width letters and digits folded as the pipeline folds
    them (text.fold_width) and nothing more: punctuation keeps its width on both sides, as in the
    index (a half-width "(一)…;" read as full-width "（一）…；" counts as edits)."""
    from kb.text import fold_width

    text = fold_width(re.sub(r"\s+", "", text))
    if not punctuation:
        text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("P"))
    return text


def reference(path: Path, page_no: int, pdf):
    """The page's visible text-layer lines as the pipeline reads them (tables' rows as one line
    each), as a ``Page``; the share of the page that images cover (a screenshot's text is in no
    text layer); {reason: characters left out of the reference as invisible}; and the page's
    pictures (``visible_text``: images and vector art, where OCR reads letters no text layer holds).
    """
    import pdfplumber

    from kb import extract
    from kb.extract import _page_lines
    from kb.model import Page
    from kb.page_objects import objects

    with pdfplumber.open(path) as doc:
        page = doc.pages[page_no - 1]
        area = sum(max(0, min(im["x1"], page.width) - max(im["x0"], 0)) * max(0, min(im["bottom"], page.height) - max(im["top"], 0))
                   for im in page.images)
        covered = area / (page.width * page.height)
        invisible, pictures = visible_text.page_survey(pdf, page_no - 1, visible_text.pattern_boxes(page))
        hidden = Counter()
        if invisible:
            unseen = [(ch, box, why) for ch, box, why in invisible]

            def seen(obj) -> bool:
                if obj.get("object_type") != "char":
                    return True
                cx = (obj["x0"] + obj["x1"]) / 2
                for ch, (x0, top, x1, bottom), why in unseen:
                    if ch == obj["text"] and abs(cx - (x0 + x1) / 2) < 2 and obj["top"] - 1 <= (top + bottom) / 2 <= obj["bottom"] + 1:
                        hidden[why] += 1
                        return False
                return True

            objects(page)  # the pipeline's own parse, then filtered (FilteredPage keeps ``_objects``)
            page = page.filter(seen)
            page.objects  # noqa: B018 - evaluated now: ``hidden`` is counted as the filter runs
        # Lines by position, top to bottom, also inside ruled tables (extract's table rows are
        # switched off here): OCR knows no table, and a row read cell by cell puts a two-line
        # cell's second line before its neighbour's first, an order OCR cannot match (wh_wsjs p.1,
        # sz_jiaoyuju p.8: ~0.5 % of all edits were order alone, the characters read right).
        with mock.patch.object(extract, "_table_lines", lambda *a, **k: ([], [])):
            lines = _page_lines(page, page_no, None)
        visible = [(c["x0"], c["top"], c["x1"], c["bottom"]) for c in page.chars if not c["text"].isspace()]
        return (Page(number=page_no, width=float(page.width), height=float(page.height), lines=lines),
                covered, hidden, pictures, visible)


_BULLETS = "·•●◆■▪"


def over_pictures(boxes, pictures, visible) -> tuple[list, int]:
    """``boxes`` without what was read off a picture, and the characters left out.

    A box over half on images or vector art with no visible text-layer character inside it (a
    logo's 武汉市卫生和计划生育委员会 drawn as a picture, Health and Family Planning …) is left
    out; so is a leading bullet ("·综合管理") whose first character's width lies on a picture
    (gd_renkou's menu bullets are vector circles, in no text layer)."""
    def area(b):
        return max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])

    def meet(a, b):
        return (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))

    def bare_picture(box) -> bool:
        on_picture = sum(area(meet(box, d.box)) for d in pictures)
        text_inside = any(box[0] <= (c[0] + c[2]) / 2 <= box[2] and box[1] <= (c[1] + c[3]) / 2 <= box[3] for c in visible)
        return on_picture >= 0.5 * area(box) and not text_inside

    keep, dropped = [], 0
    for b in boxes:
        box = (b.x0, b.top, b.x1, b.bottom)
        if bare_picture(box):
            dropped += len(normalise(b.text))
            continue
        text = b.text.strip()
        if text[:1] in _BULLETS and text[1:].strip():
            em = b.x0 + (b.bottom - b.top)  # the first character's width
            bullet = [d for d in pictures if b.x0 <= (d.box[0] + d.box[2]) / 2 <= em and b.top <= (d.box[1] + d.box[3]) / 2 <= b.bottom]
            if bullet and not any(b.x0 <= (c[0] + c[2]) / 2 <= max(d.box[2] for d in bullet) and b.top <= (c[1] + c[3]) / 2 <= b.bottom
                                  for c in visible):
                rest = text.lstrip(_BULLETS).lstrip()
                dropped += len(text) - len(rest)
                b = dataclasses.replace(b, text=rest)
        keep.append(b)
    return keep, dropped


def texts(page) -> tuple[str, str]:
    """(all the page's text, the text the index keeps): the second leaves out the lines that
    clean.label_pages labels furniture (URL headers, site menus, page numbers, rules), judged
    on each side by the same rules, the page taken as a document of its own."""
    from kb.clean import clean_text, label_pages
    from kb.model import FURNITURE
    from kb.ocr import settle_sizes

    def text(ln) -> str:
        return clean_text(" ".join(ln.cells) if ln.cells else ln.text)

    labelled = label_pages(settle_sizes([page]))[0]
    return "".join(text(ln) for ln in page.lines), "".join(text(ln) for ln in labelled.lines if ln.label != FURNITURE)


def error_kinds(ref: str, hyp: str) -> Counter:
    """Edits by kind: punctuation, Chinese, digits, Latin; "order": a run of 3+ characters missed
    in one place and added in another (read right, in another order: a table's staggered cells);
    other runs of 6+ characters missed or added in one piece (a line not read, a picture's text,
    a menu) count as "lines"."""
    from rapidfuzz.distance import Levenshtein

    ops = [op for op in Levenshtein.opcodes(ref, hyp) if op.tag != "equal"]
    missed = "|".join(ref[op.src_start:op.src_end] for op in ops)
    added = "|".join(hyp[op.dest_start:op.dest_end] for op in ops)
    kinds: Counter = Counter()
    for op in ops:
        a, b = ref[op.src_start:op.src_end], hyp[op.dest_start:op.dest_end]
        n = max(len(a), len(b)) if op.tag == "replace" else len(a) + len(b)
        ch = (a or b)[0]
        moved = op.tag != "replace" and len(a or b) >= 3 and (a in added if a else b in missed)
        kind = ("order" if moved else "lines" if n >= 6 and op.tag != "replace" else
                "punctuation" if unicodedata.category(ch)[0] in "PS" else
                "digits" if ch.isdigit() else "latin" if ch.isascii() else "chinese")
        kinds[kind] += n
    return kinds


def half(doc: str) -> str:
    """"A" or "B": the documents split in two by publisher (the name's first part: wh, gd, sz, …),
    publishers in name order taken in turn, so that one site's pages (three wh_wsjs prints of one
    template) are never on both sides. Rules are tuned on B and checked on A."""
    publishers = sorted({p.stem.split("_")[0] for p in documents()})
    return "AB"[publishers.index(doc.split("_")[0]) % 2] if doc.split("_")[0] in publishers else "A"


def cached_read(cache: Path | None, path: Path, pdf, page_no: int, threads: int):
    """(first reading, small print re-read), from ``cache`` when this engine read the page before
    (OCR costs ~30 s a page on this machine; the readings depend on the engine and the page only)."""
    import hashlib

    from kb import ocr

    key = hashlib.sha1(f"{path.name}|{page_no}|{ocr.ENGINE}|{ocr.SCALE}|{ocr.SMALL_PX}|{ocr.FINE_PX}".encode()).hexdigest()[:16]
    file = cache / f"{key}.json" if cache else None
    if file and file.exists():
        data = json.loads(file.read_text(encoding="utf-8"))
        return [ocr.Box(**b) for b in data["base"]], [ocr.Box(**b) for b in data["fine"]], None
    started = time.perf_counter()
    base = ocr.read_page(pdf, page_no - 1, threads=threads, reread=False)
    middle = time.perf_counter()
    fine = ocr.reread_small(pdf, page_no - 1, base, threads=threads)
    seconds = (middle - started, time.perf_counter() - started)
    if file:
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(json.dumps({"doc": path.name, "page": page_no, "base": [dataclasses.asdict(b) for b in base],
                                    "fine": [dataclasses.asdict(b) for b in fine]}, ensure_ascii=False), encoding="utf-8")
    return base, fine, seconds


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-doc", type=int, default=2, help="pages per document: 1 = page 1, 2 = page 1 and the middle one")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--only", default="", help="documents whose name contains this (a quick look)")
    ap.add_argument("--dump", help="write each page's reference, OCR text and boxes to this JSON file")
    ap.add_argument("--cache", help="keep each page's OCR readings in this folder and reuse them (no timing for those pages)")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    import pypdfium2
    from rapidfuzz.distance import Levenshtein

    from kb import ocr
    from kb.model import Page

    if ocr.missing():
        sys.exit(ocr.missing())
    rows = []
    dumped: list[dict] = []
    skipped: list[str] = []
    seconds = {"before": 0.0, "after": 0.0}
    timed = 0
    hidden_total: Counter = Counter()
    cache = Path(args.cache) if args.cache else None
    ocr._engine(args.threads)  # load the models before timing
    print(f"{'page':<54} {'chars':>5}  CER before → after (all text)   as indexed")
    for path in documents():
        if args.only not in path.stem:
            continue
        pdf = pypdfium2.PdfDocument(str(path))
        n = len(pdf)
        pages = sorted({1, (n + 1) // 2})[: args.per_doc]
        for page_no in pages:
            ref_page, covered, hidden, pictures, visible = reference(path, page_no, pdf)
            ref_all, ref_kept = texts(ref_page)
            if len(normalise(ref_all)) < 20 or covered > 0.05:
                # A blank page has nothing to compare with; on a page with pictures (the bj
                # manuals' screenshots) OCR reads text that is in no text layer.
                skipped.append(f"{path.stem} p.{page_no}")
                continue
            hidden_total += hidden
            # Before: one reading at 108 dpi, as the previous release read every page. After: a
            # small-print page re-read finer (ocr.reread_small), doubtful readings checked
            # against the page's sure ones (ocr.snap), the readings tidied (ocr.boxes_to_lines).
            base, fine, took = cached_read(cache, path, pdf, page_no, args.threads)
            if took:
                seconds["before"] += took[0]
                seconds["after"] += took[1]
                timed += 1
            fine = ocr.snap(fine, ocr.sure_texts(fine))
            row = {"doc": path.stem, "page": page_no, "web": "webprint" in path.stem, "half": half(path.stem),
                   "hidden": sum(hidden.values())}
            for when, boxes in (("before", base), ("after", fine)):
                boxes, row[when, "pictures"] = over_pictures(boxes, pictures, visible)
                page = Page(number=page_no, width=ref_page.width, height=ref_page.height,
                            lines=ocr.boxes_to_lines(boxes, page_no), ocr=True)
                hyp_all, hyp_kept = texts(page)
                for what, ref, hyp in (("all", ref_all, hyp_all), ("kept", ref_kept, hyp_kept)):
                    r, h = normalise(ref), normalise(hyp)
                    row[when, what] = (len(r), Levenshtein.distance(r, h))
                    row[when, what, "kinds"] = error_kinds(r, h)
                    if when == "after" and what == "all":
                        dumped.append({"doc": path.stem, "page": page_no, "ref": r, "hyp": h,
                                       "boxes": [dataclasses.asdict(b) for b in boxes],
                                       "before_boxes": [dataclasses.asdict(b) for b in base]})
            rows.append(row)

            def cer(key):
                return row[key][1] / max(row[key][0], 1)
            print(f"{path.stem[:46]:<46} {row['half']} p.{page_no:<3} {row['before', 'all'][0]:>5}  "
                  f"{cer(('before', 'all')):6.2%} → {cer(('after', 'all')):6.2%}   "
                  f"{cer(('before', 'kept')):6.2%} → {cer(('after', 'kept')):6.2%}", flush=True)
        pdf.close()

    def total(part, key):
        chars = sum(r[key][0] for r in part)
        return sum(r[key][1] for r in part) / max(chars, 1)

    print()
    print(f"pages: {len(rows)} from {len({r['doc'] for r in rows})} documents, "
          f"{sum(r['before', 'all'][0] for r in rows)} reference characters; "
          f"left out (blank, or pictures on the page): {', '.join(skipped) or 'none'}")
    print("compared after folding whitespace and full-width letters and digits (text.fold_width, what the pipeline "
          "folds; punctuation keeps its width); both sides through clean.clean_text")
    print(f"reference: {sum(hidden_total.values())} text-layer characters a reader cannot see left out "
          f"({', '.join(f'{why} {n}' for why, n in hidden_total.most_common()) or 'none'}; visible_text.py)")
    for when in ("before", "after"):
        print(f"OCR {when}: {sum(r[when, 'pictures'] for r in rows)} characters read off pictures "
              f"(images, vector art; no text-layer character under them) left out")
    print(f"{'CER (micro)':<40} {'before':>8} {'after':>8}   {'as indexed: before':>18} {'after':>8}")
    groups = [("all pages", lambda r: True), ("printed documents", lambda r: not r["web"]), ("web prints", lambda r: r["web"])]
    for h in "AB":
        groups += [(f"half {h}{' (tuned on)' if h == 'B' else ''}", lambda r, h=h: r["half"] == h),
                   (f"  {h} printed", lambda r, h=h: r["half"] == h and not r["web"]),
                   (f"  {h} web prints", lambda r, h=h: r["half"] == h and r["web"])]
    for label, keep in groups:
        part = [r for r in rows if keep(r)]
        if part:
            print(f"{label + f' ({len(part)} pages)':<40} {total(part, ('before', 'all')):8.2%} {total(part, ('after', 'all')):8.2%}   "
                  f"{total(part, ('before', 'kept')):18.2%} {total(part, ('after', 'kept')):8.2%}")
    for when in ("before", "after"):
        per_page = sorted((r[when, "all"][1] / r[when, "all"][0], r["doc"], r["page"]) for r in rows)
        print(f"{when}: median page {statistics.median(p[0] for p in per_page):.2%}, pages over 2%: "
              f"{sum(1 for p in per_page if p[0] > 0.02)}; worst: "
              + ", ".join(f"{d[:24]} p.{pg} {c:.1%}" for c, d, pg in per_page[::-1][:4]))
        kinds = sum((r[when, "all", "kinds"] for r in rows), Counter())
        chars = sum(r[when, "all"][0] for r in rows)
        print("  edits by kind (all text): " + ", ".join(f"{k} {v / chars:.2%}" for k, v in kinds.most_common()))
    if timed:
        for when in ("before", "after"):
            print(f"speed {when}: {timed / seconds[when]:.3f} pages/s ({seconds[when] / timed:.1f} s/page) "
                  f"on {args.threads} thread(s), render + OCR, {timed} pages read (not from the cache)")
    else:
        print("speed: every page came from the cache (--cache); run without it to time")
    if args.dump:
        Path(args.dump).write_text(json.dumps(dumped, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
