"""OCR accuracy and speed without hand transcriptions: text-layer pages rendered and read back.

    PYTHONPATH=. nice -n 10 python bench/bench_ocr.py [--per-doc 2] [--threads 1]

Pages: page 1 and the middle page of every text-layer document of ../shared/real (positives; the
TRICKY files are left out: their text layers are the defects under repair, so they are no
reference) and of the bundled corpus — 60+ pages. Each page is rendered and read exactly as
`kb ingest --ocr` reads a scan (kb/ocr.py: 108 dpi, seals dropped, boxes → lines), and the
text is compared with the page's own text layer, both cleaned by clean.clean_text (the repairs
every page gets) with whitespace removed and full-width letters and digits folded.

CER = edit distance / reference characters, over all pages (micro) and per page (median, worst).
"without punctuation" drops punctuation from both sides first: what a search for words sees.
Pages with pictures are left out (a screenshot's text is read by OCR but is in no text layer).
Web prints are also reported apart: their menus and link bars are furniture in small type.
Known reference defects stay in and count as errors: a font pdfium cannot render (dg_minban
p.1's title is blank in the image), a title missing from hz's text layer, web-print chrome.
pages/s: rendering + OCR on --threads onnxruntime threads (1: what each ingest worker uses).
Timings on this shared machine are noisy; the CER is not.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "real"


def documents() -> list[Path]:
    real = sorted(p for p in REAL.glob("*.pdf") if not p.name.startswith(("NEG_", "TRICKY_"))) if REAL.exists() else []
    return real + sorted((ROOT / "corpus").glob("*.pdf"))


_PUNCT_WIDTH = str.maketrans("（）：；，！？［］", "():;,!?[]")


def normalise(text: str, punctuation: bool = True) -> str:
    from kb.text import fold_width

    # Width is folded (（ = (): laodong_fa sets its 列项 in half-width "(一)…;", most documents in
    # full-width, and the two look alike on the page.
    text = fold_width(re.sub(r"\s+", "", text)).translate(_PUNCT_WIDTH)
    if not punctuation:
        text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("P"))
    return text


def reference(path: Path, page_no: int) -> tuple[str, float]:
    """The page's text layer as the pipeline reads it (lines, tables' rows), cleaned, and the
    share of the page that images cover (a screenshot's text is in no text layer)."""
    import pdfplumber

    from kb.clean import clean_text
    from kb.extract import _page_lines

    with pdfplumber.open(path) as pdf:
        page = pdf.pages[page_no - 1]
        lines = _page_lines(page, page_no, None)
        area = sum(max(0, min(im["x1"], page.width) - max(im["x0"], 0)) * max(0, min(im["bottom"], page.height) - max(im["top"], 0))
                   for im in page.images)
        covered = area / (page.width * page.height)
    return "".join(clean_text(" ".join(ln.cells) if ln.cells else ln.text) for ln in lines), covered


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-doc", type=int, default=2, help="pages per document: 1 = page 1, 2 = page 1 and the middle one")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    import pypdfium2
    from rapidfuzz.distance import Levenshtein

    from kb import ocr
    from kb.clean import clean_text

    if ocr.missing():
        sys.exit(ocr.missing())
    rows = []
    skipped: list[str] = []
    ocr_seconds = 0.0
    ocr._engine(args.threads)  # load the models before timing
    for path in documents():
        pdf = pypdfium2.PdfDocument(str(path))
        n = len(pdf)
        pages = sorted({1, (n + 1) // 2})[: args.per_doc]
        for page_no in pages:
            ref, covered = reference(path, page_no)
            if len(normalise(ref)) < 20 or covered > 0.05:
                # A blank page has nothing to compare with; on a page with pictures (the bj
                # manuals' screenshots) OCR reads text that is in no text layer.
                skipped.append(f"{path.stem} p.{page_no}")
                continue
            started = time.perf_counter()
            boxes = ocr.read_page(pdf, page_no - 1, threads=args.threads)
            ocr_seconds += time.perf_counter() - started
            hyp = "".join(clean_text(ln.text) for ln in ocr.boxes_to_lines(boxes, page_no))
            r, h = normalise(ref), normalise(hyp)
            rp, hp = normalise(ref, False), normalise(hyp, False)
            rows.append((path.stem, page_no, len(r), Levenshtein.distance(r, h), len(rp), Levenshtein.distance(rp, hp)))
            print(f"{path.stem[:48]:<48} p.{page_no:<3} {len(r):>5} chars  CER {rows[-1][3] / len(r):6.2%}", flush=True)
        pdf.close()
    chars = sum(r[2] for r in rows)
    edits = sum(r[3] for r in rows)
    chars_np = sum(r[4] for r in rows)
    edits_np = sum(r[5] for r in rows)
    per_page = sorted((r[3] / r[2], r[0], r[1]) for r in rows)
    print()
    print(f"pages: {len(rows)} from {len({r[0] for r in rows})} documents, {chars} reference characters; "
          f"left out (blank, or pictures on the page): {', '.join(skipped) or 'none'}")
    print(f"CER (all pages, micro): {edits / chars:.2%}   without punctuation: {edits_np / chars_np:.2%}")
    print(f"CER per page: median {statistics.median(p[0] for p in per_page):.2%}, "
          f"best {per_page[0][0]:.2%}, worst {per_page[-1][0]:.2%} ({per_page[-1][1]} p.{per_page[-1][2]})")
    print(f"pages over 2%: {sum(1 for p in per_page if p[0] > 0.02)}")
    # Web prints carry the site's menus and link bars ("综合管理|人事管理|…", read as "·"), in small
    # type: furniture that clean takes out, but here it counts. Reported apart.
    for label, keep in (("printed documents", lambda r: "webprint" not in r[0]), ("web prints", lambda r: "webprint" in r[0])):
        part = [r for r in rows if keep(r)]
        if part:
            print(f"  {label}: {len(part)} pages, CER {sum(r[3] for r in part) / sum(r[2] for r in part):.2%}, "
                  f"without punctuation {sum(r[5] for r in part) / sum(r[4] for r in part):.2%}")
    print(f"speed: {len(rows) / ocr_seconds:.3f} pages/s ({ocr_seconds / len(rows):.1f} s/page, "
          f"{chars / ocr_seconds:.0f} chars/s) on {args.threads} thread(s), render + OCR")


if __name__ == "__main__":
    main()
