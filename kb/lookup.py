"""Finding a term by any of its names: exact → alias → traditional → prefix/contains → fuzzy.

Reads only the generation's terms.json (no jieba, no Whoosh, no PDF code), so `kb glossary`
answers as a whole process in well under 0.2 s. OpenCC (t2s) costs ~6 ms to import and is
loaded only when the query has a character it changes; rapidfuzz only for the fuzzy step.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .errors import NotFoundError
from .model import Term
from .text import name_key, to_simplified

MODES = ("exact", "alias", "traditional", "prefix", "contains", "fuzzy")
FUZZY_CUTOFF = 60.0
SUGGEST_CUTOFF = 30.0


@dataclass(frozen=True)
class Match:
    term: Term
    mode: str  # one of MODES: the step that found it
    name: str  # which of the term's names matched
    score: float = 100.0


class TermNotFoundError(NotFoundError):
    def __init__(self, query: str, suggestions: list[str]):
        self.query = query
        self.suggestions = suggestions
        msg = f"No term matches {query!r}."
        if suggestions:
            msg += " Did you mean: " + ", ".join(suggestions) + "?"
        super().__init__(msg)


def norm(name: str) -> str:
    """Full-width → half-width, then the name key (book-title marks, quotes, spaces dropped, case folded)."""
    return name_key(unicodedata.normalize("NFKC", name))


def _names(term: Term) -> list[tuple[str, str]]:
    """(name, kind) for the canonical name and every alias."""
    return [(term.term, "term")] + [(a.name, a.kind) for a in term.aliases]


class _Listed:
    """Terms held in a list, as a lookup reads them: names by position, Terms for what it shows."""

    def __init__(self, terms: list[Term]):
        self.list = terms

    def named(self, key: str, canonical: bool, limit: int) -> list[tuple[int, str]]:
        out = []
        for pos, t in enumerate(self.list):
            for name, kind in _names(t):
                if (kind == "term") == canonical and norm(name) == key:
                    out.append((pos, name))
                    break
        return out[:limit]

    def names(self, part: str | None = None, prefix: bool = False):
        for pos, t in enumerate(self.list):
            for name, _ in _names(t):
                key = norm(name)
                if part is None or (key.startswith(part) if prefix else part in key):
                    yield pos, name, key

    def terms(self, positions) -> dict[int, Term]:
        return {p: self.list[p] for p in positions}


class _Stored:
    """The terms of a generation's term-names.sqlite (kb.term_names), optionally one document's."""

    def __init__(self, names, doc_id: str | None):
        self.db, self.doc_id = names, doc_id

    def named(self, key: str, canonical: bool, limit: int) -> list[tuple[int, str]]:
        return self.db.named(key, canonical, self.doc_id, limit)

    def names(self, part: str | None = None, prefix: bool = False):
        return self.db.names(self.doc_id, part, prefix)

    def terms(self, positions) -> dict[int, Term]:
        return self.db.terms(positions)


# A step's finds are (position, mode, name, score); Terms are built only for those returned.
def _exact_or_alias(src, q: str, limit: int) -> list[tuple]:
    found = src.named(q, True, limit)
    if found:
        return [(p, "exact", n, 100.0) for p, n in found]
    return [(p, "alias", n, 100.0) for p, n in src.named(q, False, limit)]


def _partial(src, q: str, mode: str) -> list[tuple]:
    by_term: dict[int, list[tuple[str, str]]] = {}
    for pos, name, key in src.names(q, prefix=mode == "prefix"):
        by_term.setdefault(pos, []).append((name, key))
    hits = []
    for pos, names in by_term.items():
        best, key = min(names, key=lambda nk: len(nk[0]))
        hits.append((pos, mode, best, 100.0 * len(q) / max(len(key), 1)))
    return sorted(hits, key=lambda m: (-m[3], m[2]))


def _scored(src, q: str, cutoff: float, limit: int, band: float | None = None) -> list[tuple]:
    """Terms by edit similarity (rapidfuzz ratio; WRatio's partial matching lets "xyz" find anything).

    ``band``: keep only matches within this many points of the best, so a near miss of one
    term does not drag in every term that shares two characters with it.
    """
    from rapidfuzz import fuzz, process

    choices = list(src.names())
    ranked = process.extract(q, [key for _, _, key in choices], scorer=fuzz.ratio, score_cutoff=cutoff, limit=None)
    if band is not None and ranked:
        ranked = [r for r in ranked if r[1] >= ranked[0][1] - band]
    seen, out = set(), []
    for _, score, i in ranked:
        pos, name, _ = choices[i]
        if pos not in seen:
            seen.add(pos)
            out.append((pos, "fuzzy", name, round(score, 1)))
    return out[:limit]


def _matches(src, found: list[tuple]) -> list[Match]:
    terms = src.terms(p for p, *_ in found)
    return [Match(terms[p], mode, name, score) for p, mode, name, score in found]


def lookup(terms: list[Term], query: str, mode: str = "auto", limit: int = 10) -> list[Match]:
    """Matches for ``query``, best step first; ``TermNotFoundError`` (with suggestions) when none.

    ``mode``: auto (every step in order, stopping at the first that finds something), exact
    (canonical name or alias, any case or script), fuzzy (similarity ranking only).
    """
    return _lookup(_Listed(terms), query, mode, limit)


def _lookup(src, query: str, mode: str, limit: int) -> list[Match]:
    q = norm(query)
    if not q:
        raise TermNotFoundError(query, [])
    if mode == "fuzzy":  # asked for: rank with the looser cutoff suggestions use
        found = _scored(src, to_simplified(q), SUGGEST_CUTOFF, limit)
        if found:
            return _matches(src, found)
        raise TermNotFoundError(query, _suggest(src, query))
    found = _exact_or_alias(src, q, limit)
    simple = norm(to_simplified(query))
    if not found and simple != q:
        found = [(p, "traditional", n, s) for p, _, n, s in _exact_or_alias(src, simple, limit)]
    if not found and mode == "auto":
        found = _partial(src, simple, "prefix") or _partial(src, simple, "contains")
        found = found or _scored(src, simple, FUZZY_CUTOFF, limit, band=10.0)
    if found:
        return _matches(src, found[:limit])
    raise TermNotFoundError(query, _suggest(src, query))


def _suggest(src, query: str, n: int = 5) -> list[str]:
    q = norm(to_simplified(query))
    if not q:
        return []
    # Two Chinese characters in common, not one: one shared character scores a two-character
    # query 50 against any two-character name (外包 → 以外, a 并称 of 不满); 公租房 → 公共租赁住房 shares three.
    found = [f for f in _scored(src, q, SUGGEST_CUTOFF, n * 4) if _shares_two(q, norm(f[2]))][:n]
    return [m.term.term for m in _matches(src, found)]


def _shares_two(q: str, key: str) -> bool:
    from collections import Counter

    han = re.compile(r"[\u3400-\u9fff]")
    if not han.search(q):
        return True  # Latin names: the edit similarity alone (ITOO → ITO)
    common = Counter(han.findall(q)) & Counter(han.findall(key))
    return sum(common.values()) >= min(2, len(set(han.findall(q))))  # A证 has one to share


def suggest(terms: list[Term], query: str, n: int = 5) -> list[str]:
    return _suggest(_Listed(terms), query, n)


def lookup_in_generation(gen_path, query: str, mode: str = "auto", doc_id: str | None = None,
                         limit: int = 10) -> list[Match]:
    """``lookup`` over one generation's terms (``doc_id``: one document's), reading only the
    names and the terms it returns from term-names.sqlite when the generation has it, so its
    cost does not grow with the glossary; else every term from terms.json, as before."""
    from .term_names import open_names

    names = open_names(gen_path)
    if names is None:
        from .glossary import load_terms

        return lookup(by_document(load_terms(gen_path), doc_id), query, mode, limit)
    try:
        return _lookup(_Stored(names, doc_id), query, mode, limit)
    finally:
        names.close()


def by_name(terms: list[Term]) -> list[Term]:
    """Terms in name order, book-title marks ignored (《评价办法》 sorts with 评)."""
    return sorted(terms, key=lambda t: t.term.strip("《》"))


def by_document(terms: list[Term], doc_id: str | None) -> list[Term]:
    return [t for t in terms if doc_id is None or t.source.doc_id == doc_id]


def lookup_in_index(index_dir, query: str, mode: str = "auto", doc: str | None = None, limit: int = 10) -> list[Match]:
    """``lookup`` over the terms of the live index (the library's ``kb.lookup_term``); ``doc``: one document's."""
    from .store import Store

    snap = Store(index_dir).snapshot()
    return lookup_in_generation(snap.path, query, mode, snap.resolve(doc) if doc else None, limit)
