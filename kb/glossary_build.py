"""A generation's glossary files, built from the documents that changed (kb.glossary finds the terms).

Three files, beside the search index:

- ``terms.json``: every term in manifest order (a document's terms in the order it defines
  them), each with its use counts and where its uses sit in term-uses.jsonl;
- ``term-uses.jsonl``: the uses, one JSON array a line. Terms with the same names share one line
  (a term defined in many documents is used in the same sections whoever defines it): a
  corpus where every document defines 服务外包 would otherwise hold that line once per
  definition, which grows with the square of the corpus. A term whose 简称 counts only in its
  own document (kb.glossary.names_for_uses) points at three pieces: the shared line's uses in
  the documents before its own, its own document's uses, and those after;
- ``glossary-state.json``: what the next build needs to update them: each document's digest,
  and for each shared line where each document's uses sit in term-uses.jsonl.

Uses are found in one pass per section for every term at once, with an Aho–Corasick automaton
(pyahocorasick, C): a regex alternation of thousands of names is tried name by name at every
position, and kb's own character trie was a Python loop per character (a third of a ×100 build).

When documents change, the terms of the others are read back from terms.json, their uses are
copied byte for byte from term-uses.jsonl, and only the changed documents are read and scanned;
a name no previous term had is looked for in the other documents' sections that the section
store (kb.docstore) says may hold it. The result is the same as a build from scratch, file for
file (tests/test_glossary_build.py).
"""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from .model import Term

TERMS_FILE = "terms.json"
USES_FILE = "term-uses.jsonl"
STATE_FILE = "glossary-state.json"
FORMAT = 2  # bumped when what a line holds or how uses are counted changes: then built afresh (2: a one-character name counts quoted)


def names_key(term: Term) -> tuple[str, frozenset]:
    """(the names counted in every document, as the shared line's key; the 简称 counted only in
    the defining document, beyond those)."""
    from .glossary import names_for_uses

    everywhere, local = names_for_uses(term)
    names = sorted({n for n in everywhere if n})
    return json.dumps(names, ensure_ascii=False), frozenset(n for n in local if n) - set(names)


class Automaton:
    """Every name of every term; ``counts(text, owners)`` scans a section once for all of them.

    Per owner (a shared line, or a term with document-local names) the count is what a regex of
    its names, longest first, finds: matches do not overlap, and a Latin name counts only as a
    whole word.
    """

    def __init__(self, names):
        import ahocorasick

        self.auto = ahocorasick.Automaton(ahocorasick.STORE_LENGTH)
        for n in names:
            self.auto.add_word(n)
        self.empty = not names
        if not self.empty:
            self.auto.make_automaton()

    def occurrences(self, text: str) -> list[tuple[int, int, str]]:
        """(start, -end, name) of every name in ``text``, leftmost first, longest first."""
        if self.empty or not text:
            return []
        out = []
        n = len(text)
        for last, length in self.auto.iter(text):
            start, end = last - length + 1, last + 1
            if text[start].isascii() and (
                    (start and text[start - 1].isascii() and text[start - 1].isalpha())
                    or (end < n and text[end].isascii() and text[end].isalpha())):
                continue
            out.append((start, -end, text[start:end]))
        out.sort()
        return out


def count_matches(occurrences, owners_of) -> dict:
    """owner → matches, greedily left to right, non-overlapping per owner."""
    counts: dict = {}
    last: dict = {}
    for start, neg_end, name in occurrences:
        for owner in owners_of(name):
            if start >= last.get(owner, 0):
                counts[owner] = counts.get(owner, 0) + 1
                last[owner] = -neg_end
    return counts


def _use_json(doc_id: str, section_id: str, title: str, pages, count: int) -> str:
    # As json.dumps(asdict(Use)) writes it, without building the dataclass and the dict.
    d = json.dumps
    return (f'{{"doc_id": {d(doc_id, ensure_ascii=False)}, "section_id": {d(section_id, ensure_ascii=False)}, '
            f'"title": {d(title, ensure_ascii=False)}, "pages": [{pages[0]}, {pages[1]}], "count": {count}}}')


class _Group:
    """One document's uses on one line: the JSON of its uses, comma-separated, and their counts."""

    __slots__ = ("data", "sections", "total")

    def __init__(self, data: bytes, sections: int, total: int):
        self.data, self.sections, self.total = data, sections, total


def _scan_sections(sections, auto: Automaton, owners: dict, local: dict) -> tuple[dict, dict]:
    """Uses in ``sections`` — (doc_id, section_id, title, pages, text) of one document, in
    reading order — for every owner: ({key: _Group}, {local term uid: _Group})."""
    rows: dict = {}
    for doc_id, section_id, title, pages, text in sections:
        occ = auto.occurrences(text)
        if not occ:
            continue
        counts = count_matches(occ, lambda name: owners.get(name, ()) + local.get(name, ()))
        if counts:
            prefix = None
            for owner, n in counts.items():
                if prefix is None:
                    prefix = (doc_id, section_id, title, pages)
                rows.setdefault(owner, []).append((prefix, n))
    shared, own = {}, {}
    for owner, found in rows.items():
        data = ", ".join(_use_json(*p, n) for p, n in found).encode("utf-8")
        group = _Group(data, len(found), sum(n for _, n in found))
        (own if isinstance(owner, tuple) else shared)[owner] = group
    return shared, own


def _doc_sections(doc):
    return [(doc.id, s.id, s.title, s.pages, s.text) for s in doc.walk()]


def build(gen, docs, report=None, reuse: bool = True) -> list[Term]:
    """Write terms.json, term-uses.jsonl, glossary-state.json and the glossary's Whoosh index
    for ``docs`` (kb.store.Documents, or a list of documents) into ``gen``; the terms, without
    their uses. With ``reuse``, what the previous generation holds for unchanged documents is kept.
    """
    from . import glossary_index
    from .index import doc_digests
    from .store import Documents

    docs = Documents.of(docs)
    gen_path = Path(gen.path)
    digests = doc_digests(gen)
    prev = _previous(gen, digests) if reuse else None
    kept = set() if prev is None else {d for d in docs.ids if prev["docs"].get(d) == digests[d]}

    # Terms: read back for the documents kept, extracted from the others.
    from .glossary import extract_terms

    per_doc: dict[str, list[Term]] = {}
    fresh_sections: dict[str, list] = {}
    if prev is not None:
        for t in prev["terms"]:
            if t.source.doc_id in kept:
                per_doc.setdefault(t.source.doc_id, []).append(replace(t, used_in=(0, 0), uses_at=None))
    for doc_id in docs.ids:
        if doc_id not in kept:
            doc = docs.get(doc_id)
            per_doc[doc_id] = extract_terms(doc)
            fresh_sections[doc_id] = _doc_sections(doc)

    # Owners: a shared line per distinct set of names (by its key), a term of its own per 简称 set.
    keys: dict[str, int] = {}  # key → owner number, in order of first appearance
    owners: dict[str, tuple] = {}  # name → shared owners
    local_names: dict[str, dict[str, tuple]] = {}  # doc_id → name → (doc_id, n) of its local terms
    term_keys: dict[tuple[str, int], tuple[str, bool]] = {}
    for doc_id in docs.ids:
        for n, t in enumerate(per_doc.get(doc_id, ())):
            key, local = names_key(t)
            if key not in keys:
                keys[key] = len(keys)
                for name in json.loads(key):
                    owners[name] = owners.get(name, ()) + (keys[key],)
            term_keys[(doc_id, n)] = (key, bool(local))
            if local:
                mine = local_names.setdefault(doc_id, {})
                for name in set(json.loads(key)) | local:
                    mine[name] = mine.get(name, ()) + ((doc_id, n),)
    all_names = set(owners) | {n for m in local_names.values() for n in m}
    auto = Automaton(all_names)

    # Uses: groups[key number][doc_id] and own[(doc_id, n)], as bytes with their counts.
    groups: dict[int, dict[str, _Group]] = {k: {} for k in keys.values()}
    own: dict[tuple[str, int], _Group] = {}
    old_uses = b""
    if prev is not None:
        old_uses = prev["uses"]
        for key, k in keys.items():
            for doc_id, (at, length, n, total) in prev["keys"].get(key, {}).items():
                if doc_id in kept:
                    groups[k][doc_id] = _Group(old_uses[at:at + length], n, total)
        for doc_id in kept:
            for n, (at, length, secs, total) in prev["own"].get(doc_id, {}).items():
                own[(doc_id, int(n))] = _Group(old_uses[at:at + length], secs, total)
    for doc_id, sections in fresh_sections.items():
        shared, mine = _scan_sections(sections, auto, owners, local_names.get(doc_id, {}))
        for k, g in shared.items():
            groups[k][doc_id] = g
        own.update(mine)
    if prev is not None and kept:
        new = {k: key for key, k in keys.items() if key not in prev["keys"]}
        if new:
            _scan_kept(gen, docs, kept, new, auto, groups)

    terms, state = _write(gen_path, docs.ids, per_doc, keys, term_keys, groups, own, digests)
    state["index"] = glossary_index.build(gen_path, terms, previous=prev["path"] if prev is not None else None,
                                          changed=set(docs.ids) - kept, gen=gen, prev_state=prev)
    if digests is not None:
        (gen_path / STATE_FILE).write_text(json.dumps(state, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    if report is not None:
        report.terms = len(terms)
    return terms


def _scan_kept(gen, docs, kept: set[str], new: dict[int, str], auto: Automaton, groups) -> None:
    """Uses of names no previous term had, in the documents kept: only the sections the store
    says may hold one of them are read (all of a document's, where there is no store)."""
    names = {n for key in new.values() for n in json.loads(key)}
    owners = {}
    for k, key in new.items():
        for n in json.loads(key):
            owners[n] = owners.get(n, ()) + (k,)
    store = gen.sync_docstore() if hasattr(gen, "sync_docstore") else None
    by_doc: dict[str, list] = {}
    if store is not None:
        for row in store.sections_holding(names):
            if row.doc_id in kept:
                sec = row.section()
                by_doc.setdefault(row.doc_id, []).append((row.ord, (row.doc_id, sec.id, sec.title, sec.pages, sec.text)))
        sections = {d: [s for _, s in sorted(v)] for d, v in by_doc.items()}
    else:
        sections = {d: _doc_sections(docs.get(d)) for d in docs.ids if d in kept}
    sub = Automaton(names)
    for doc_id, secs in sections.items():
        shared, _ = _scan_sections(secs, sub, owners, {})
        for k, g in shared.items():
            groups[k][doc_id] = g


def _write(gen_path: Path, order: list[str], per_doc, keys, term_keys, groups, own, digests) -> list[Term]:
    """term-uses.jsonl (shared lines, then the own lines) and terms.json; (the terms, the state)."""
    from .store import write_json_atomic

    out = bytearray()
    state_keys: dict[str, dict] = {}
    spans: dict[int, dict[str, tuple[int, int]]] = {}  # key number → doc → (start, end) in out
    lines: dict[int, tuple[int, int]] = {}
    for key, k in keys.items():
        start = len(out)
        out += b"["
        where = spans[k] = {}
        entry = state_keys[key] = {}
        first = True
        for doc_id in order:
            g = groups[k].get(doc_id)
            if g is None:
                continue
            if not first:
                out += b", "
            first = False
            where[doc_id] = (len(out), len(out) + len(g.data))
            entry[doc_id] = [len(out), len(g.data), g.sections, g.total]
            out += g.data
        out += b"]\n"
        lines[k] = (start, len(out) - start)
    state_own: dict[str, dict] = {}
    own_at: dict[tuple[str, int], tuple[int, int]] = {}
    for doc_id in order:
        for n in range(len(per_doc.get(doc_id, ()))):
            g = own.get((doc_id, n))
            if term_keys[(doc_id, n)][1]:
                data = g.data if g is not None else b""
                start = len(out)
                out += b"[" + data + b"]\n"
                own_at[(doc_id, n)] = (start + 1, len(data))
                state_own.setdefault(doc_id, {})[str(n)] = [start + 1, len(data), g.sections if g else 0, g.total if g else 0]
    terms: list[Term] = []
    rank = {d: i for i, d in enumerate(order)}
    for doc_id in order:
        for n, t in enumerate(per_doc.get(doc_id, ())):
            key, has_local = term_keys[(doc_id, n)]
            k = keys[key]
            if not has_local:
                secs = sum(g.sections for g in groups[k].values())
                total = sum(g.total for g in groups[k].values())
                terms.append(replace(t, used_in=(secs, total), uses_at=lines[k]))
                continue
            # Its own document's uses (with its 简称) in the place of that document's shared ones.
            mine = own.get((doc_id, n))
            others = [(d, g) for d, g in groups[k].items() if d != doc_id]
            secs = sum(g.sections for _, g in others) + (mine.sections if mine else 0)
            total = sum(g.total for _, g in others) + (mine.total if mine else 0)
            before = [spans[k][d] for d, _ in others if rank[d] < rank[doc_id]]
            after = [spans[k][d] for d, _ in others if rank[d] > rank[doc_id]]
            pieces = []
            for run in (before, None, after):
                if run is None:
                    at, length = own_at[(doc_id, n)]
                    if length:
                        pieces += [at, length]
                elif run:
                    a, b = min(s for s, _ in run), max(e for _, e in run)
                    pieces += [a, b - a]
            terms.append(replace(t, used_in=(secs, total), uses_at=tuple(pieces) or (own_at[(doc_id, n)][0] - 1, 3)))
    tmp = gen_path / (USES_FILE + ".tmp")
    tmp.write_bytes(bytes(out))
    tmp.replace(gen_path / USES_FILE)
    records = [_term_dict(t) for t in terms]
    write_json_atomic(gen_path / TERMS_FILE, records)
    from . import term_names

    term_names.build(gen_path, records)  # a name lookup reads this, not every term
    return terms, {"format": FORMAT, "docs": digests, "keys": state_keys, "own": state_own}


def _term_dict(t: Term) -> dict:
    d = t.to_dict()
    d.pop("uses", None)  # never stored here: term-uses.jsonl holds them
    return d


def _previous(gen, digests):
    """The previous generation's glossary as the next build reads it, or None (build afresh)."""
    from .glossary import load_terms
    from .store import intact, read_checksums, read_stats

    prev = getattr(gen, "previous", None)
    if prev is None or digests is None:
        return None
    prev = Path(prev)
    sums = getattr(gen, "previous_checksums", None)
    if sums is None:
        sums = read_checksums(prev)
    if not sums:
        return None
    stats = getattr(gen, "previous_stats", None) or read_stats(prev, sums)
    if not all(intact(prev, rel, sums, stats) for rel in (STATE_FILE, TERMS_FILE, USES_FILE)):
        return None
    try:
        state = json.loads((prev / STATE_FILE).read_text(encoding="utf-8"))
        if not isinstance(state, dict) or state.get("format") != FORMAT:
            return None
        terms = load_terms(prev)
        uses = (prev / USES_FILE).read_bytes()
    except (OSError, ValueError):
        return None
    except Exception:  # a damaged terms.json: IndexDamagedError
        return None
    return {**state, "terms": terms, "uses": uses, "path": prev, "sums": sums, "stats": stats}
