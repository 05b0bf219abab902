"""Keyword in context: every place a word stands in the cleaned text, with its page.

A plain substring scan over each section's title (as printed: 第五章 重点领域), its own
paragraphs (captions included) and their footnotes; furniture (page numbers, running headers) is not in paragraphs, so it is never
found. No segmentation: a word inside a longer compound is found too (苏州工业园区 inside
苏州工业园区服务外包职业学院), which is what "where does the document say X" means, and it keeps
the lookup free of jieba and Whoosh.

The query's spacing is normalised like the text's (``clean.fix_spacing``), so "159 号" finds
159号 and "Business  Process" finds Business Process. The repair table is *not* applied to the
query: a word typed with a mis-mapped character (臵) is looked up as typed and finds nothing,
which is the proof that the text was repaired; ``KwicResult.hints`` then names the repaired
form (臵 → 置) so the user can search that.

Occurrences of one word do not overlap (as ``str.count``): 哈哈 is found once in 哈哈哈.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from .clean import repair_text
from .text import fix_spacing, fold_width, to_simplified, year_bracket_forms
from .errors import QueryError
from .model import Section

DEFAULT_CONTEXT = 20


@dataclass(frozen=True)
class Occurrence:
    word: str  # the cleaned query word that matched
    doc_id: str
    doc_title: str
    section_id: str
    heading_path: tuple[str, ...]
    page: int  # 1-based PDF page where the word starts
    pages: tuple[int, int]  # the section's first and last page
    where: str  # heading | text | caption | footnote
    paragraph: int | None  # index of the paragraph in its section (a footnote: its citing one); None for the heading
    offset: int  # character offset of the word in the heading's, paragraph's or footnote's text
    left: str
    keyword: str
    right: str
    ocr: bool = False  # the page it stands on was read by OCR (kb/ocr.py): quote with care


@dataclass
class KwicResult:
    words: list[str]
    mode: str  # any | all
    context: int
    documents: list[str]  # ids searched
    occurrences: list[Occurrence] = field(default_factory=list)
    hints: dict[str, str] = field(default_factory=dict)  # word → its repaired form, when they differ
    # word as typed → the form searched instead: found nowhere as typed, found as the documents write
    # it (居住證 → 居住证; 深府〔2007〕164号 → 深府[2007]164号)
    searched_as: dict[str, str] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)  # doc_id → absolute path of its PDF
    total_documents: int = 0  # documents in the index, before --doc/--type/--year/--issuer
    # Counted without listing the occurrences (lookup's counts_only): what counts() returns.
    tallies: dict[str, dict[str, int]] | None = None

    def counts(self) -> dict[str, dict[str, int]]:
        """{doc_id: {word: n}} for documents with at least one occurrence, in search order."""
        if self.tallies is not None:
            return {d: dict(per) for d, per in self.tallies.items()}
        out: dict[str, dict[str, int]] = {}
        for o in self.occurrences:
            per = out.setdefault(o.doc_id, {w: 0 for w in self.words})
            per[o.word] += 1
        return out

    def totals(self) -> dict[str, int]:
        totals = {w: 0 for w in self.words}
        if self.tallies is not None:
            for per in self.tallies.values():
                for w, n in per.items():
                    totals[w] += n
            return totals
        for o in self.occurrences:
            totals[o.word] += 1
        return totals

    @property
    def total(self) -> int:
        return sum(self.totals().values()) if self.tallies is not None else len(self.occurrences)


def normalise_words(words: Iterable[str]) -> list[str]:
    """Normalise each word's spacing like the text's; drop repeats; refuse an empty one."""
    out: list[str] = []
    for raw in words:
        w = fix_spacing(fold_width(raw))
        if not w:
            raise QueryError(f"empty keyword {raw!r}: give at least one character that is not a space")
        if w not in out:
            out.append(w)
    if not out:
        raise QueryError("no keyword given")
    return out


def _positions(text: str, word: str) -> Iterator[int]:
    at = text.find(word)
    while at >= 0:
        yield at
        at = text.find(word, at + len(word))


def _context(text: str, at: int, word: str, n: int) -> tuple[str, str]:
    start, end = max(0, at - n), min(len(text), at + len(word) + n)
    left = ("…" if start > 0 else "") + text[start:at]
    right = text[at + len(word):end] + ("…" if end < len(text) else "")
    return left, right


def _units(sec: Section) -> Iterator[tuple[int | None, str, str, Callable[[int], int]]]:
    """(paragraph index, kind, text, offset → page) for the heading, paragraphs and footnotes."""
    yield None, "heading", sec.title, lambda _o: sec.pages[0]
    for i, par in enumerate(sec.paragraphs):
        yield i, ("caption" if par.kind == "caption" else "text"), par.text, par.page_at
        for note in par.footnotes:
            yield i, "footnote", note.text, (lambda _o, p=note.page: p)


def scan_section(doc_id: str, doc_title: str, ocr_pages, sec: Section, path: tuple[str, ...], words: list[str],
                 context: int, all_words: bool) -> Iterator[Occurrence]:
    """The occurrences in one section's heading, own paragraphs and footnotes (not its children)."""
    for i, where, text, page_at in _units(sec):
        if all_words and not all(w in text for w in words):
            continue
        hits = sorted((at, w) for w in words for at in _positions(text, w))
        for at, w in hits:
            left, right = _context(text, at, w, context)
            yield Occurrence(
                word=w, doc_id=doc_id, doc_title=doc_title, section_id=sec.id, heading_path=path,
                page=page_at(at), pages=tuple(sec.pages), where=where, paragraph=i, offset=at,
                left=left, keyword=w, right=right, ocr=page_at(at) in ocr_pages,
            )


def lookup(index_dir, words: Iterable[str], *, doc: str | None = None, context: int = DEFAULT_CONTEXT,
           all_words: bool = False, doc_type: str | None = None, years: tuple[int, int] | None = None,
           issuer: str | None = None, counts_only: bool = False) -> KwicResult:
    """Every occurrence of each word in the live index's documents, or in those the filters
    (kb.filters) let through, in reading order.

    ``all_words``: only paragraphs (or footnotes) that contain every word; each word's
    occurrences there are still listed and counted separately.
    ``counts_only``: the counts without the occurrences (``KwicResult.tallies``; ``occurrences``
    stays empty), counted in the section store without building a section or an occurrence.
    """
    from . import docstore
    from .filters import DocFilter, select
    from .store import Store

    words = normalise_words(words)  # before the filters: an empty word is the first thing to say
    snap = Store(index_dir).snapshot()
    ids = select(snap, DocFilter(doc, doc_type, years, issuer))
    ds = docstore.reader(snap)
    searched_as = _as_written(ds, snap, ids, words)
    # 居住證 居住证 typed together are one word once folded: counted once
    words = list(dict.fromkeys(searched_as.get(w, w) for w in words))
    if counts_only:
        if context < 0:
            raise QueryError(f"context {context} is negative: give 0 or more characters")
        result = KwicResult(words=words, mode="all" if all_words else "any", context=context, documents=list(ids),
                            hints={w: repair_text(w) for w in words if repair_text(w) != w},
                            tallies=_tally(ds, snap, ids, words, all_words))
    else:
        result = _from_store(ds, snap, ids, words, context, all_words)
    result.paths = {d: snap.manifest[d]["path"] for d in ids}
    result.total_documents = len(snap.doc_ids)
    result.searched_as = searched_as
    return result


def _as_written(ds, snap, ids: list[str], words: list[str]) -> dict[str, str]:
    """{word: form} for each word no document holds as typed that one holds in its simplified
    characters or with its year in other brackets: a keyword lists what the text says, and the
    text says 居住证 and 深府[2007]164号 where a user may type 居住證 and 深府〔2007〕164号. The
    first form found is taken, and said (KwicResult.searched_as); nothing else is folded."""
    out: dict[str, str] = {}
    for w in words:
        simple = to_simplified(w)
        forms = [simple] + year_bracket_forms(simple)
        forms = [f for f in dict.fromkeys(forms) if f != w]
        if not forms or _tally(ds, snap, ids, [w], False):
            continue
        for f in forms:
            if _tally(ds, snap, ids, [f], False):
                out[w] = f
                break
    return out


def _from_store(ds, snap, ids: list[str], words: list[str], context: int, all_words: bool) -> KwicResult:
    """The occurrences in the sections the store's index says may hold the words: only those are read."""
    if context < 0:
        raise QueryError(f"context {context} is negative: give 0 or more characters")
    sets = [ds.holding(w) for w in words]
    candidates = set.intersection(*sets) if all_words else set.union(*sets)
    result = KwicResult(words=words, mode="all" if all_words else "any", context=context, documents=list(ids),
                        hints={w: repair_text(w) for w in words if repair_text(w) != w})
    keep = set(ids)

    def holds(par: dict) -> bool:  # a paragraph holding none of the words yields nothing: not built
        return any(w in par["text"] or any(w in f["text"] for f in par.get("footnotes", ())) for w in words)

    for row in ds.by_ids(candidates):
        if row.doc_id not in keep:
            continue
        entry = snap.manifest.get(row.doc_id, {})
        result.occurrences.extend(scan_section(row.doc_id, entry.get("title", ""), entry.get("ocr_pages", ()),
                                               row.section(holds), row.heading_path, words, context, all_words))
    return result


def _tally(ds, snap, ids: list[str], words: list[str], all_words: bool) -> dict[str, dict[str, int]]:
    """{doc_id: {word: n}} as ``KwicResult.counts`` gives for ``_from_store``'s occurrences:
    documents holding a word, in index order. Each word is counted in the store's candidate
    sections without building them (``Reader.word_counts``); --all (a paragraph must hold
    every word) scans the candidates as ``_from_store`` does."""
    from .model import Section

    keep = set(ids)
    per: dict[str, dict[str, int]] = {}

    def add(doc_id: str, word: str, n: int) -> None:
        if n:
            counts = per.setdefault(doc_id, {w: 0 for w in words})
            counts[word] += n

    if all_words:
        for row in ds.by_ids(set.intersection(*[ds.holding(w) for w in words])):
            if row.doc_id in keep:
                for o in scan_section(row.doc_id, "", (), row.section(), (), words, 0, True):
                    add(row.doc_id, o.word, 1)
    else:
        titles: dict[tuple, str] = {}
        for w in words:
            for doc_id, number, heading, kind, n in ds.word_counts(w):
                if doc_id not in keep:
                    continue
                key = (number, heading, kind)
                title = titles.get(key)
                if title is None:  # the heading as scan_section reads it
                    title = titles[key] = Section(id="", level=0, number=number, heading=heading, kind=kind).title
                add(doc_id, w, n + title.count(w))
    return {d: per[d] for d in sorted(per, key=ds.rank)}
