"""One sentence to quote, with its citation: `kb export REF --sentence N` and `kb quote TEXT`.

A sentence ends at 。！？ (or ! ?) and any closing quote or bracket right after it, or at the
end of its paragraph. ；and ： do not end one: in policy text they separate the items of one
sentence (一是…；二是…。). Sentences are counted in reading order over the section and its
sub-sections, headings left out, so N is what a reader counts in `kb export REF`; front and back
matter (the 发文字号 and 主送 above the text, the signature and date below it: kb.matter) are not
counted, so sentence 1 is the first sentence of the text itself.

``kb quote`` takes text as a hit or occurrence shows it (snippet ``…`` and 【】 marks are
dropped, spaces ignored) and finds the sentence(s) it stands in; the citation then names the
deepest section holding it (第二十六条, not the chapter).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .citation import Citation, cite
from .errors import AmbiguousRefError, NotFoundError, OptionNotFoundError, QueryError
from .model import Document, Paragraph, Section
from .ocr_marks import ocr_pages_in
from .present_format import ocr_caution, pdf_pages_cn
from .refs import Target

_END = re.compile(r"[。！？!?…]+[”’」』）)》]*")
_SPACE = re.compile(r"\s+")


def sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pieces of ``text``, in order; whitespace-only pieces dropped."""
    out, start = [], 0
    for m in _END.finditer(text):
        out.append((start, text[start:m.end()]))
        start = m.end()
    out.append((start, text[start:]))
    return [(at + len(s) - len(s.lstrip()), s.strip()) for at, s in out if s.strip()]


@dataclass(frozen=True)
class Quote:
    document: Document
    section: Section | None  # the deepest section holding the sentence; None: the whole document
    sentence: str | None  # None: a citation only
    number: int | None  # 1-based, among ``of`` sentences of the REF exported
    of: int | None
    page: int
    path: str

    @property
    def citation(self) -> Citation:
        return cite(self.document, self.section)

    @property
    def ocr_pages(self) -> list[int]:
        """The quoted pages whose text OCR read: a quotation must say so, as an export does."""
        if self.sentence is not None:
            span = (self.page, self.page)
        else:
            span = tuple(self.section.pages) if self.section else (1, self.document.page_count)
        return ocr_pages_in(self.document.ocr_pages, span)

    def text(self) -> str:
        where = pdf_pages_cn((self.page, self.page))
        caution = f"\n{ocr_caution(self.ocr_pages)}" if self.ocr_pages else ""
        if self.sentence is None:
            return f"{self.citation.text}（{where}）{caution}"
        return f"“{self.sentence}”\n——{self.citation.text}（{where}）{caution}"

    def record(self) -> dict:
        return {
            "sentence": self.sentence,
            "number": self.number,
            "of": self.of,
            "citation": self.citation.record(),
            "doc_id": self.document.id,
            "section_id": self.section.id if self.section else None,
            "heading_path": self.document.heading_path(self.section.id) if self.section else [],
            "page": self.page,
            "path": self.path,
            "ocr_pages": self.ocr_pages,
        }


def _units(target: Target):
    """(section, paragraph) in reading order over the target's sub-tree: the body's text only.
    A 发文字号, a 题注 or a signature (front and back matter, kb.matter) is no sentence of the
    text, so sentence 1 of a document is the first sentence of its body."""
    roots = [target.section] if target.section else list(target.document.sections)
    for root in roots:
        for sec in root.walk():
            for par in sec.paragraphs:
                if par.kind != "table_row" and par.matter == "body":
                    yield sec, par


def cite_target(target: Target, path: str) -> Quote:
    sec = target.section
    page = sec.pages[0] if sec else 1
    return Quote(target.document, sec, None, None, None, page, path)


def sentence_of(target: Target, n: int, path: str) -> Quote:
    found = [(sec, par, at, s) for sec, par in _units(target) for at, s in sentences(par.text)]
    if not 1 <= n <= len(found):
        what = target.section.title if target.section else target.document.title
        raise OptionNotFoundError("sentence", "{what} has {count} sentence{s}; {option} {n} is not one of them",
                                  what=what, count=len(found), s="s" if len(found) != 1 else "", n=n)
    sec, par, at, s = found[n - 1]
    return Quote(target.document, sec, s, n, len(found), par.page_at(at), path)


def _clean_query(text: str) -> str:
    from .text import fix_spacing, fold_width

    text = text.replace("【", "").replace("】", "").strip().strip("…").strip()
    return _SPACE.sub("", fix_spacing(fold_width(text)))


def _find_in(sections, key: str):
    """(owner, section, paragraph, start, end) of each place ``key`` stands in each (owner,
    section) of ``sections``, spaces ignored."""
    for owner, sec in sections:
        for par in sec.paragraphs:
            squashed, where = [], []
            for i, ch in enumerate(par.text):
                if not ch.isspace():
                    squashed.append(ch)
                    where.append(i)
            flat = "".join(squashed)
            at = flat.find(key)
            while at >= 0:
                yield owner, sec, par, where[at], where[at + len(key) - 1] + 1
                at = flat.find(key, at + 1)


def _covering(par: Paragraph, start: int, end: int) -> tuple[int, str]:
    """The sentence(s) of ``par`` that the span [start, end) touches, as one string."""
    pieces = [(at, s) for at, s in sentences(par.text) if at < end and at + len(s) > start]
    first = pieces[0][0]
    last = pieces[-1][0] + len(pieces[-1][1])
    return first, par.text[first:last]


def quote(index_dir, text: str, *, doc: str | None = None) -> Quote:
    """The sentence holding ``text`` (as a hit's snippet or an occurrence shows it)."""
    from .refs import resolve_document
    from .store import Store

    key = _clean_query(text)
    if not key:
        raise QueryError(f"nothing to quote in {text!r}: give words from the text")
    snap = Store(index_dir).snapshot()
    from . import docstore

    ds = docstore.reader(snap)
    ids = [resolve_document(snap, doc)] if doc else None

    def places_of(k):  # only the sections the store's index says may hold the text are read
        rows = [r for r in ds.by_ids(ds.holding(k)) if ids is None or r.doc_id in ids]
        return list(_find_in(((r.doc_id, r.section()) for r in rows), k))

    places = places_of(key)
    if not places:
        from .text import to_simplified

        simple = to_simplified(key)
        places = places_of(simple) if simple != key else []
    if not places:
        raise NotFoundError(f"no sentence holds {text!r}", what="sentence", ref=text)
    found = {}
    for doc_id, sec, par, start, end in places:
        at, s = _covering(par, start, end)
        found.setdefault((doc_id, sec.id, at), (doc_id, sec, par, at, s))
    if len(found) > 1:
        raise AmbiguousRefError(text, [f"{sec.id}  p.{par.page_at(at)}  {s[:40]}" for _, sec, par, at, s in found.values()])
    doc_id, sec, par, at, s = next(iter(found.values()))
    d, sec = ds.target(doc_id, sec.id)  # the document around the one section: its citation and heading path
    return Quote(d, sec, s, None, None, par.page_at(at), snap.manifest[doc_id]["path"])
