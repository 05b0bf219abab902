"""Finding a term by any of its names: exact → alias → traditional → prefix/contains → fuzzy.

Reads only the generation's terms.json (no jieba, no Whoosh, no PDF code), so `kb glossary`
answers as a whole process in well under 0.2 s. OpenCC (t2s) costs ~6 ms to import and is
loaded only when the query has a character it changes; rapidfuzz only for the fuzzy step.
"""
from __future__ import annotations

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


def _named(terms: list[Term], q: str, canonical: bool) -> list[Match]:
    out = []
    for t in terms:
        for name, kind in _names(t):
            if (kind == "term") == canonical and norm(name) == q:
                out.append(Match(t, "exact" if canonical else "alias", name))
                break
    return out


def _exact_or_alias(terms: list[Term], q: str) -> list[Match]:
    return _named(terms, q, canonical=True) or _named(terms, q, canonical=False)


def _partial(terms: list[Term], q: str, mode: str) -> list[Match]:
    hits = []
    for t in terms:
        names = [n for n, _ in _names(t) if (norm(n).startswith(q) if mode == "prefix" else q in norm(n))]
        if names:
            best = min(names, key=len)
            hits.append(Match(t, mode, best, 100.0 * len(q) / max(len(norm(best)), 1)))
    return sorted(hits, key=lambda m: (-m.score, m.name))


def _scored(terms: list[Term], q: str, cutoff: float, limit: int, band: float | None = None) -> list[Match]:
    """Terms by edit similarity (rapidfuzz ratio; WRatio's partial matching lets "xyz" find anything).

    ``band``: keep only matches within this many points of the best, so a near miss of one
    term does not drag in every term that shares two characters with it.
    """
    from rapidfuzz import fuzz, process

    choices = [(t, n) for t in terms for n, _ in _names(t)]
    ranked = process.extract(q, [norm(n) for _, n in choices], scorer=fuzz.ratio, score_cutoff=cutoff, limit=None)
    if band is not None and ranked:
        ranked = [r for r in ranked if r[1] >= ranked[0][1] - band]
    seen, out = set(), []
    for _, score, i in ranked:
        t, name = choices[i]
        if id(t) not in seen:
            seen.add(id(t))
            out.append(Match(t, "fuzzy", name, round(score, 1)))
    return out[:limit]


def lookup(terms: list[Term], query: str, mode: str = "auto", limit: int = 10) -> list[Match]:
    """Matches for ``query``, best step first; ``TermNotFoundError`` (with suggestions) when none.

    ``mode``: auto (every step in order, stopping at the first that finds something), exact
    (canonical name or alias, any case or script), fuzzy (similarity ranking only).
    """
    q = norm(query)
    if not q:
        raise TermNotFoundError(query, [])
    if mode == "fuzzy":  # asked for: rank with the looser cutoff suggestions use
        found = _scored(terms, to_simplified(q), SUGGEST_CUTOFF, limit)
        if found:
            return found
        raise TermNotFoundError(query, suggest(terms, query))
    found = _exact_or_alias(terms, q)
    simple = norm(to_simplified(query))
    if not found and simple != q:
        found = [Match(m.term, "traditional", m.name) for m in _exact_or_alias(terms, simple)]
    if not found and mode == "auto":
        found = _partial(terms, simple, "prefix") or _partial(terms, simple, "contains")
        found = found or _scored(terms, simple, FUZZY_CUTOFF, limit, band=10.0)
    if found:
        return found[:limit]
    raise TermNotFoundError(query, suggest(terms, query))


def suggest(terms: list[Term], query: str, n: int = 5) -> list[str]:
    q = norm(to_simplified(query))
    return [m.term.term for m in _scored(terms, q, SUGGEST_CUTOFF, n)] if q else []


def by_name(terms: list[Term]) -> list[Term]:
    """Terms in name order, book-title marks ignored (《评价办法》 sorts with 评)."""
    return sorted(terms, key=lambda t: t.term.strip("《》"))


def by_document(terms: list[Term], doc_id: str | None) -> list[Term]:
    return [t for t in terms if doc_id is None or t.source.doc_id == doc_id]


def lookup_in_index(index_dir, query: str, mode: str = "auto", doc: str | None = None, limit: int = 10) -> list[Match]:
    """``lookup`` over the terms of the live index (the library's ``kb.lookup_term``); ``doc``: one document's."""
    from .glossary import load_terms
    from .store import Store

    snap = Store(index_dir).snapshot()
    return lookup(by_document(load_terms(snap.path), snap.resolve(doc) if doc else None), query, mode, limit)
