"""Structure checks on ../shared/real that need no expectations file: articles and contents.

For every PDF the tool reads, prints

* ``articles``: how many 第…条 headings its outline has against how many article-start lines
  the raw text layer (PDFium's, via pypdfium2) shows — a line that opens with 第…条 and then a space, or with
  第…条 right after a line that closed a sentence, not a cross-reference (第三十六条的规定,
  第三十六条、第三十七条). A shortfall names the missing numbers.
* ``toc``: whether the document has a table of contents (a 目录 line, or 3+ lines ending in
  leader dots and a page number) and how many of its entries became sections: a contents
  entry made a section (empty, or holding the cover) is furniture indexed as content.

Usage: python bench/bench_structure.py [--real DIR] [--cache DIR] [-v]
``--cache DIR`` keeps each PDF's extracted pages there (pickled), so reruns after a change to
clean or structure skip pdfplumber. Exit status 1 when an article or a contents entry is wrong.
"""
from __future__ import annotations

import argparse
import pickle
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CN = "〇○零一二三四五六七八九十百千两"
ARTICLE_LINE = re.compile(rf"^\s*(第[{CN}]+条)(?:[ \u3000\t]+(?=\S)|\s*$|(?![的、，,和或至及规中之第])(?=\S))")
SENTENCE_END = re.compile(r"[。；：:;！？][”’」』）)]*\s*$")
TOC_HEAD = re.compile(r"^\s*目\s*录\s*$")
LEADERS = re.compile(r"(?:[.．·…]{4,}|[.．·…]\s?[.．·…]\s?[.．·…]\s?[.．·…])\s*\d{1,4}\s*$")


def raw_lines(pdf: Path) -> list[str]:
    """The text layer's lines as PDFium reads them: an extractor that shares no code with
    pdfplumber/pdfminer (so it is a reference, not the tool checking itself), and one every
    install has, since pdfplumber depends on pypdfium2 (poppler's pdftotext often is absent)."""
    import pypdfium2 as pdfium

    lines: list[str] = []
    doc = pdfium.PdfDocument(str(pdf))
    try:
        for page in doc:
            text = page.get_textpage().get_text_range()
            lines += [ln for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if ln.strip()]
    finally:
        doc.close()
    return lines


def article_starts(lines: list[str]) -> Counter:
    """Article numbers that open a line in the text layer, as the layout shows them."""
    found = Counter()
    for k, ln in enumerate(lines):
        m = ARTICLE_LINE.match(ln)
        if not m:
            continue
        spaced = ln[m.end(1):m.end(1) + 1] in (" ", "\u3000", "\t", "")
        before = lines[k - 1].strip() if k else ""
        # After a closed sentence, or a short heading line (第一章 总则); never after 、 or ，
        # (…适用本法第五百一十条、‖第五百一十一条第二项…: a cross-reference wrapped).
        after_sentence = not before or SENTENCE_END.search(before) or (
            len(before) <= 20 and not before.endswith(("、", "，", ",")))
        if spaced or after_sentence:
            found[m.group(1)] += 1
    return found


def key(text: str) -> str:
    """A heading's number (第三章), else its first ten characters."""
    m = re.match(rf"^第[{CN}\d]+[编章节]", text)
    return m.group() if m else text[:10]


def toc_entries(lines: list[str]) -> tuple[list[str], str]:
    """The entries of the document's table of contents (without dots and page), and the text
    after the contents: the body, where each entry's heading should stand once."""
    dotted = [k for k, ln in enumerate(lines) if LEADERS.search(ln) or (
        k and LEADERS.search(lines[k - 1]) and re.search(r"\s\d{1,3}\s*$", ln))]
    head = next((k for k, ln in enumerate(lines) if TOC_HEAD.match(ln)), None)
    entries: list[str] = []
    if len(dotted) >= 3:
        # A dotted contents: from its first dotted line (or 目录) to its last one, an entry
        # that wraps ending at the line with the dots.
        first = head if head is not None and head < dotted[0] else dotted[0] - 1
        last = dotted[0]
        for k in dotted[1:]:
            if k - last > 3:
                break
            last = k
        pending = ""
        for ln in lines[first + 1:last + 1]:
            pending += re.sub(r"\s+", "", LEADERS.sub("", re.sub(r"\s\d{1,3}\s*$", "", ln)))
            if LEADERS.search(ln) or re.search(r"\s\d{1,3}\s*$", ln):
                entries.append(pending)
                pending = ""
        end = last + 1
    elif head is not None:
        end = head + 1
        for k in range(head + 1, min(len(lines), head + 200)):
            line = re.sub(r"\s+", "", lines[k])
            if entries and key(line) == key(entries[0]):
                end = k
                break
            if re.match(rf"^(第[{CN}\d]+[编章节]|序言|附则)", line):
                entries.append(line)
            else:
                entries, end = [], head + 1
                break
        else:
            entries = []
    else:
        return [], ""
    return entries, [re.sub(r"\s+", "", ln) for ln in lines[end:]]


def sections(doc):
    def walk(secs):
        for s in secs:
            yield s
            yield from walk(s.children)
    return list(walk(doc.sections))


def document(pdf: Path, cache: Path | None):
    from kb import extract
    from kb.parse import document_from_pages

    stored = cache / f"{pdf.stem}.pkl" if cache else None
    if stored and stored.exists():
        pages = pickle.loads(stored.read_bytes())
    else:
        pages = extract.read_pdf(pdf).pages
        if stored:
            stored.write_bytes(pickle.dumps(pages))
    return document_from_pages(pdf, pages, pdf.stem)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--real", type=Path, default=ROOT.parent / "shared" / "real")
    ap.add_argument("--cache", type=Path)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    from kb.errors import InputError

    if args.cache:
        args.cache.mkdir(parents=True, exist_ok=True)
    bad = 0
    totals = Counter()
    print(f"{'document':58} {'articles':>14}  toc")
    for pdf in sorted(args.real.glob("*.pdf")):
        try:
            doc = document(pdf, args.cache)
        except InputError:
            continue
        lines = raw_lines(pdf)
        want = article_starts(lines)
        secs = sections(doc)
        got = Counter(s.number for s in secs if s.kind == "article")
        missing = want - got
        entries, body = toc_entries(lines)
        # A contents entry made a section: more sections of an entry's title than the body
        # after the contents prints that heading.
        # Keyed by the heading's number (第三章), else its first ten characters: the body may
        # set a chapter's number and title on lines of their own.
        titles = [re.sub(r"\s+", "", s.title) for s in secs if s.kind != "part"]
        as_sections = [e for e in dict.fromkeys(entries)
                       if sum(t.startswith(key(e)) for t in titles) > sum(b.startswith(key(e)) for b in body)]
        # …or a title that holds dot leaders, or a title that swallowed the 目录 (cover + contents).
        dotted = [s.title for s in secs if re.search(r"[.．·…]{2,}\s*\d{1,4}$", s.title) or re.search(r".目\s*录|目\s*录.", s.title)]
        totals["want"] += sum(want.values())
        totals["got"] += min(sum(got.values()), sum(want.values())) if want else 0
        totals["missing"] += sum(missing.values())
        totals["toc_docs"] += bool(entries)
        totals["toc_as_sections"] += len(as_sections) + len(dotted)
        if not want and not entries:
            continue
        bad += bool(missing) + bool(as_sections or dotted)
        art = f"{sum(got.values())}/{sum(want.values())}" if want else "-"
        toc = f"{len(entries)} entries, {len(as_sections) + len(dotted)} as sections" if entries else "-"
        print(f"{pdf.stem[:58]:58} {art:>14}  {toc}")
        if missing and args.verbose:
            print(f"{'':6}missing: {' '.join(sorted(missing, key=lambda n: (len(n), n)))}")
        if (as_sections or dotted) and args.verbose:
            print(f"{'':6}toc entries as sections: {' | '.join((as_sections + dotted)[:8])}")
    print(f"article-start lines {totals['want']}, missing from outlines {totals['missing']}; "
          f"documents with a contents {totals['toc_docs']}, contents entries as sections {totals['toc_as_sections']}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
