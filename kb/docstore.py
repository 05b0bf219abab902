"""Sections by id, and which sections hold a string, in one SQLite file per generation.

``docs.sqlite`` sits beside ``docs/*.json`` in a generation (kb.store). The JSON files stay the
record of each document; this file answers what a command asks of *one* reference or *one*
phrase without reading every document:

- ``sections``: a row per section (its document, reading order, id, heading, number, kind,
  pages, heading path, its own paragraphs as JSON), so export, quote, refs and
  search snippets read one section by id;
- ``grams``: an FTS5 index whose "words" are each section's distinct characters and character
  pairs (whitespace dropped, case folded). A word of one character is one lookup; a longer one is
  the AND of its pairs, a superset of the sections that hold it, which the caller then checks
  in the text itself. Pairs, not FTS5's trigram tokenizer: most Chinese keywords are two
  characters (外包, 住房), which a trigram index cannot look up at all. ``detail=none`` keeps
  only which sections hold each token (no positions), since the check is done on the text.

The file is written once, while its generation is built, and never changed after the swap, so
readers open it ``immutable`` (no locks, no journal). It is listed in checksums.json like every
other file, so `kb verify` reports it when it differs; a file SQLite cannot read is an
``IndexDamagedError`` like any damaged index file. A new generation starts from a copy of the
previous one's file and only adds and deletes the rows of documents that changed.
"""
from __future__ import annotations

import json
import re
import sqlite3
import threading
from pathlib import Path

from .errors import IndexDamagedError, IndexMissingError

FILE = "docs.sqlite"
# Bump when what a row holds, or how tokens or squashed keys are made, changes: a previous
# generation's file of another version is not copied (its rows are rebuilt from the documents).
VERSION = 2
_SPACE = re.compile(r"\s+")
_QUERY_TOKENS = 12  # pairs asked of the index for one string: enough to be selective, few to merge

_SCHEMA = """
CREATE TABLE docs(doc_id TEXT PRIMARY KEY, digest TEXT NOT NULL, meta TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE sections(
    id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, ord INTEGER NOT NULL,
    section_id TEXT NOT NULL, local_id TEXT NOT NULL, parent TEXT,
    level INTEGER NOT NULL, number TEXT, heading TEXT NOT NULL, kind TEXT NOT NULL,
    first_page INTEGER NOT NULL, last_page INTEGER NOT NULL,
    path TEXT NOT NULL, nums TEXT NOT NULL,
    title_sq TEXT NOT NULL, heading_sq TEXT NOT NULL, number_sq TEXT NOT NULL,
    body TEXT NOT NULL);
CREATE INDEX sections_doc ON sections(doc_id, ord);
CREATE INDEX sections_id ON sections(section_id);
CREATE INDEX sections_local ON sections(local_id);
CREATE INDEX sections_title ON sections(title_sq);
CREATE INDEX sections_heading ON sections(heading_sq);
CREATE INDEX sections_number ON sections(number_sq);
CREATE VIRTUAL TABLE grams USING fts5(g, content='', detail=none, columnsize=0, tokenize='ascii');
"""
_COLUMNS = ("id, doc_id, ord, section_id, local_id, parent, level, number, heading, kind, first_page, last_page, "
            "path, nums, title_sq, heading_sq, number_sq, body")


def squash(text: str | None) -> str:
    """A heading or reference without spaces, as kb.refs compares them."""
    from .text import fix_spacing

    return _SPACE.sub("", fix_spacing(text or ""))


def _fold(text: str) -> str:
    # casefold maps character by character (lower() does not: final sigma), so a string that
    # stands in a text still stands in the folded text once both are folded.
    return _SPACE.sub("", text).casefold()


_names: dict[str, str] = {}


def _name(chars: str) -> str:
    """One character or a pair as an ASCII token (the ascii tokenizer keeps it whole): 4f4f, 4f4fx623f."""
    return "x".join(f"{ord(c):x}" for c in chars)


def _make_room() -> None:
    if len(_names) > 500_000:  # a bound on memory over a long ingest; the names are cheap to make again
        _names.clear()


def _token(chars: str) -> str:
    name = _names.get(chars)
    if name is None:
        _make_room()
        name = _names[chars] = _name(chars)
    return name


def tokens(text: str) -> set[str]:
    """Every character and every pair of neighbouring characters of ``text``, folded."""
    flat = _fold(text)
    grams = set(flat)
    grams.update([flat[i:i + 2] for i in range(len(flat) - 1)])
    # _token's names, looked up in place and made only for grams not seen before: a call per gram
    # was half of storing a document (the room is made before, never while a text is named)
    _make_room()
    names = _names
    for g in grams.difference(names):
        names[g] = _name(g)
    return {names[g] for g in grams}


def query_tokens(word: str) -> list[str]:
    """What a section holding ``word`` must hold: its character, or (some of) its pairs."""
    flat = _fold(word)
    if len(flat) <= 1:
        return [_token(c) for c in flat]
    pairs = list(dict.fromkeys(_token(flat[i:i + 2]) for i in range(len(flat) - 1)))
    if len(pairs) > _QUERY_TOKENS:  # spread over the string: its start and end are both checked
        step = (len(pairs) - 1) / (_QUERY_TOKENS - 1)
        pairs = [pairs[round(i * step)] for i in range(_QUERY_TOKENS)]
    return pairs


def _section_rows(doc, data: dict):
    """(row values without id, the text to index) for each section of ``doc``, in reading order;
    ``data`` is ``doc.to_dict()``, whose paragraphs the rows store."""
    prefix = doc.id + "/"

    def down(sections, dicts, parent, path, nums):
        for s, d in zip(sections, dicts):
            here = path + (s.title,)
            trail = nums + ([squash(s.number)] if s.number else [])
            yield s, d, parent, here, trail
            yield from down(s.children, d["children"], s.id, here, trail)

    for n, (s, d, parent, path, trail) in enumerate(down(doc.sections, data["sections"], None, (), [])):
        body = [_without_defaults(p) for p in d["paragraphs"]]
        indexed = "\n".join([s.title, *(p.text for p in s.paragraphs),
                             *(f.text for p in s.paragraphs for f in p.footnotes)])
        local = s.id[len(prefix):] if s.id.startswith(prefix) else s.id
        yield ((doc.id, n, s.id, local, parent, s.level, s.number, s.heading, s.kind, s.pages[0], s.pages[1],
                _dumps(list(path)), _dumps(trail), squash(s.title), squash(s.heading), squash(s.number),
                _dumps(body)), indexed)


_DEFAULTS = {"kind": "text", "footnotes": (), "lead": None, "cells": (), "breaks": (), "ocr": False, "ocr_confidence": None,
             "matter": "body"}


def _without_defaults(d: dict) -> dict:
    """A paragraph as Document.to_dict stores it, without the fields at their defaults (model's
    paragraph_from_dict fills them in): most paragraphs are text and pages alone."""
    return {k: v for k, v in d.items() if k not in _DEFAULTS or v != _DEFAULTS[k]}


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _meta(data: dict) -> str:
    """The document (``doc.to_dict()``) without its sections and furniture: what a citation and
    a header need."""
    return _dumps({k: v for k, v in data.items() if k not in ("sections", "furniture")})


# -- writing ---------------------------------------------------------------------------------
class Writer:
    """The file of a generation being built. Rows are keyed by the digest of the document JSON
    they came from, so a copied file's rows are kept exactly when that JSON is carried."""

    def __init__(self, path: Path, seed: Path | None = None):
        import shutil

        self.path = Path(path)
        # Never write through a name shared with another generation (a hard link): a new file.
        self.path.unlink(missing_ok=True)
        fresh = True
        if seed is not None:
            shutil.copyfile(seed, self.path)
            try:
                self.db = sqlite3.connect(self.path, isolation_level=None)
                ok = self.db.execute("PRAGMA user_version").fetchone()[0] == VERSION
            except sqlite3.DatabaseError:
                ok = False
            if ok:
                fresh = False
            else:
                self.db.close()
                self.path.unlink()
        if fresh:
            self.db = sqlite3.connect(self.path, isolation_level=None)
        # No journal: a crash mid-build leaves a generation that is never swapped in (kb.store).
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.fresh = fresh
        if fresh:
            self.db.executescript(_SCHEMA)
            self.db.execute(f"PRAGMA user_version={VERSION}")
        self.db.execute("BEGIN")
        self.digests = dict(self.db.execute("SELECT doc_id, digest FROM docs"))

    def put(self, doc, digest: str, data: dict | None = None) -> None:
        """Store ``doc``'s sections (replacing any it had). ``data``: ``doc.to_dict()`` when the
        caller has it (kb.store wrote the JSON from it): a document's asdict() is most of a put."""
        self.drop(doc.id)
        if data is None:
            data = doc.to_dict()
        ins = self.db.execute
        for values, indexed in _section_rows(doc, data):
            cur = ins(f"INSERT INTO sections({_COLUMNS.split(', ', 1)[1]}) VALUES ({','.join('?' * 17)})", values)
            ins("INSERT INTO grams(rowid, g) VALUES (?, ?)", (cur.lastrowid, " ".join(tokens(indexed))))
        ins("INSERT INTO docs VALUES (?, ?, ?)", (doc.id, digest, _meta(data)))
        self.digests[doc.id] = digest

    def drop(self, doc_id: str) -> None:
        """Delete ``doc_id``'s rows; a contentless FTS5 row is deleted by giving its tokens again."""
        if doc_id not in self.digests:
            return
        rows = self.db.execute("SELECT id, heading, number, kind, body FROM sections WHERE doc_id = ?", (doc_id,)).fetchall()
        for rowid, indexed in ((r[0], _indexed_text(r)) for r in rows):
            self.db.execute("INSERT INTO grams(grams, rowid, g) VALUES ('delete', ?, ?)", (rowid, " ".join(tokens(indexed))))
        self.db.execute("DELETE FROM sections WHERE doc_id = ?", (doc_id,))
        self.db.execute("DELETE FROM docs WHERE doc_id = ?", (doc_id,))
        del self.digests[doc_id]

    def holds(self, doc_id: str, digest: str | None) -> bool:
        return digest is not None and self.digests.get(doc_id) == digest

    # -- what a build that updates the derived files asks of the rows written so far --
    def _rowids(self, word: str) -> set[int]:
        match = _match(word)
        if match is None:
            return set()
        return {r[0] for r in self.db.execute("SELECT rowid FROM grams WHERE grams MATCH ?", (match,))}

    def docs_holding(self, words) -> set[str]:
        """Documents whose sections' titles and text, or whose title and 发文字号, may hold one of
        ``words`` (a superset). A word with spaces may span two titles joined by a space, so each
        of its parts is looked for, and a document must hold them all."""
        out: set[str] = set()
        for word in words:
            held = None
            for part in word.split() or [word]:
                docs = {r[0] for r in self.db.execute("SELECT doc_id FROM docs WHERE instr(meta, ?) > 0", (part,))}
                for chunk in _chunks(sorted(self._rowids(part))):
                    docs.update(r[0] for r in self.db.execute(
                        f"SELECT DISTINCT doc_id FROM sections WHERE id IN ({','.join('?' * len(chunk))})", chunk))
                held = docs if held is None else held & docs
                if not held:
                    break
            out |= held or set()
        return out

    def sections_holding(self, words) -> list["Row"]:
        """Sections whose title or text may hold one of ``words`` (a superset), in no set order."""
        ids: set[int] = set()
        for word in words:
            ids |= self._rowids(word)
        rows = []
        for chunk in _chunks(sorted(ids)):
            rows += [Row(*r) for r in self.db.execute(
                f"SELECT {_COLUMNS} FROM sections WHERE id IN ({','.join('?' * len(chunk))})", chunk)]
        return rows

    def close(self) -> None:
        self.db.execute("COMMIT")
        if self.fresh:  # one b-tree, fewer pages per lookup; a copied file keeps FTS5's own merging,
            self.db.execute("INSERT INTO grams(grams) VALUES ('optimize')")  # so one changed document costs its rows only
        self.db.close()


def _match(word: str) -> str | None:
    """The FTS5 query for the sections that may hold ``word``: all its tokens; None if it has none."""
    toks = query_tokens(word)
    return " AND ".join(f'"{t}"' for t in toks) if toks else None


def _chunks(values, n: int = 500):
    for i in range(0, len(values), n):
        yield values[i:i + n]


def _indexed_text(row) -> str:
    """The text ``_section_rows`` indexed, rebuilt from a stored row (to delete its tokens)."""
    from .model import Section

    _id, heading, number, kind, body = row
    title = Section(id="", level=0, number=number, heading=heading, kind=kind).title
    pars = json.loads(body)
    return "\n".join([title, *(p["text"] for p in pars), *(f["text"] for p in pars for f in p.get("footnotes", ()))])


# -- reading ---------------------------------------------------------------------------------
_open: dict[Path, "Reader"] = {}
_open_lock = threading.Lock()


def reader(snap) -> "Reader":
    """The store of ``snap``'s generation, opened once per process.

    An index built before the store existed has none: ``IndexMissingError`` naming the file
    (an ingest writes it; `kb search` does so itself, kb.freshness). One whose checksums list
    the file, and it is gone, is damaged."""
    gen = Path(snap.path)
    with _open_lock:
        r = _open.get(gen)
        if r is None:
            path = gen / FILE
            if not path.exists():
                from .store import read_checksums

                if FILE in (read_checksums(gen) or {}):
                    raise damaged(path, "missing")
                raise IndexMissingError(path, what="section store")
            r = _open[gen] = Reader(path, snap)
            # Forget the oldest, but never close it: a search session or a caller may still hold
            # it, and the connection closes when the last of them lets go.
            while len(_open) > 2:
                _open.pop(next(iter(_open)))
        return r


def damaged(path: Path, why: str) -> IndexDamagedError:
    return IndexDamagedError(why, path)


class Reader:
    def __init__(self, path: Path, snap):
        self.path = path
        self.snap = snap
        self._rank = {d: n for n, d in enumerate(snap.manifest)}
        try:
            self.db = sqlite3.connect(path.resolve().as_uri() + "?immutable=1", uri=True, check_same_thread=False)
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as err:
            raise damaged(path, str(err)) from err
        if version != VERSION:
            raise damaged(path, f"store version {version}, this kb reads {VERSION}")
        self.lock = threading.Lock()

    def close(self) -> None:
        self.db.close()

    def _q(self, sql: str, args=()) -> list:
        try:
            with self.lock:
                return self.db.execute(sql, args).fetchall()
        except sqlite3.DatabaseError as err:
            raise damaged(self.path, str(err)) from err

    def rank(self, doc_id: str) -> int:
        return self._rank.get(doc_id, len(self._rank))

    # -- random access by id --
    def section_text(self, doc_id: str, section_id: str) -> str | None:
        rows = self._q("SELECT doc_id, body FROM sections WHERE section_id = ?", (section_id,))
        return next((_own_text(b) for d, b in rows if d == doc_id), None)

    def texts(self, keys) -> dict[tuple[str, str], str]:
        """{(doc_id, section_id): own text} for many sections at once."""
        keys = list(keys)
        out: dict[tuple[str, str], str] = {}
        for chunk in _chunks(keys):
            ids = sorted({s for _, s in chunk})
            rows = self._q(f"SELECT doc_id, section_id, body FROM sections WHERE section_id IN ({','.join('?' * len(ids))})", ids)
            out.update(((d, s), _own_text(b)) for d, s, b in rows)
        return out

    def rows(self, where: str, args=(), doc_ids=None) -> list["Row"]:
        """Sections matching ``where``, in index order (documents as in the manifest, then reading order)."""
        found = [Row(*r) for r in self._q(f"SELECT {_COLUMNS} FROM sections WHERE {where}", args)]
        if doc_ids is not None:
            keep = set(doc_ids)
            found = [r for r in found if r.doc_id in keep]
        found.sort(key=lambda r: (self.rank(r.doc_id), r.ord))
        return found

    def by_ids(self, rowids) -> list["Row"]:
        rowids = sorted(rowids)
        out: list[Row] = []
        for chunk in _chunks(rowids):
            out += self.rows(f"id IN ({','.join('?' * len(chunk))})", chunk)
        out.sort(key=lambda r: (self.rank(r.doc_id), r.ord))
        return out

    # -- which sections may hold a string --
    def holding(self, word: str) -> set[int]:
        """Ids of the sections whose heading, paragraphs or footnotes may hold ``word`` (a
        superset: every section that does hold it, spaces and case aside)."""
        match = _match(word)
        if match is None:
            return set()
        return {r[0] for r in self._q("SELECT rowid FROM grams WHERE grams MATCH ?", (match,))}

    def word_counts(self, word: str) -> list[tuple]:
        """(doc_id, number, heading, kind, n) for every section that may hold ``word``: ``n`` is
        how many times its own paragraphs and footnotes hold it, each text apart, as str.count
        (the heading is the caller's to count). No paragraph is built: a body whose only strings
        are those texts is counted as stored (see ``_plain_count``); one with other strings (a
        run-in lead repeats its paragraph's start, table cells its text; a footnote's marker) is
        decoded."""
        match = _match(word)
        if match is None:
            return []
        rows = self._q("SELECT doc_id, number, heading, kind, body FROM sections "
                       "WHERE id IN (SELECT rowid FROM grams WHERE grams MATCH ?)", (match,))
        plain = _plain_count(word)
        out = []
        for doc_id, number, heading, kind, body in rows:
            if word not in body and plain:
                n = 0  # the index's candidates are a superset
            elif plain and '"cells":' not in body and '"marker":' not in body:
                n = body.count(word)
                if '"lead":' in body:  # a lead's string, as stored, holds the word as often as decoded
                    n -= sum(lead.count(word) for lead in _LEAD.findall(body))
            else:
                n = sum(p["text"].count(word) + sum(f["text"].count(word) for f in p.get("footnotes", ()))
                        for p in json.loads(body))
            out.append((doc_id, number, heading, kind, n))
        return out

    # -- whole records --
    def meta(self, doc_id: str) -> dict | None:
        rows = self._q("SELECT meta FROM docs WHERE doc_id = ?", (doc_id,))
        return json.loads(rows[0][0]) if rows else None

    def target(self, doc_id: str, section_id: str):
        """(document, section) for one section, read from its rows alone; None if it is not stored.

        The document holds its top-level sections, the chain down to the section, and the
        section's whole sub-tree, each with its own paragraphs: what a citation, a heading path
        and an export of that section read. Other branches are left out, so it is not the whole
        document: only a caller holding one section uses it.
        """
        from .model import Document

        meta = self.meta(doc_id)
        hit = [r for r in self.rows("section_id = ?", (section_id,)) if r.doc_id == doc_id]
        if meta is None or not hit:
            return None
        row = hit[0]
        light = self._q("SELECT ord, section_id, parent FROM sections WHERE doc_id = ? ORDER BY ord", (doc_id,))
        parent_of = {s: p for _, s, p in light}
        keep = {s for _, s, p in light if p is None}
        up = row.parent
        while up is not None and up not in keep:
            keep.add(up)
            up = parent_of.get(up)
        inside = {row.section_id}
        for o, s, p in light:  # reading order is pre-order: the sub-tree is the run right after it
            if o > row.ord:
                if p not in inside:
                    break
                inside.add(s)
        keep |= inside
        ords = [o for o, s, _ in light if s in keep]
        rows = []
        for chunk in _chunks(ords):
            rows += self.rows(f"doc_id = ? AND ord IN ({','.join('?' * len(chunk))})", (doc_id, *chunk))
        from dataclasses import replace

        doc = Document.from_dict({**meta, "sections": [], "furniture": []})
        doc = replace(doc, sections=tuple(_tree(sorted(rows, key=lambda r: r.ord))))
        return doc, doc.section(section_id)


def _section(r: "Row", keep=None):
    from .model import Paragraph, Section, paragraph_from_dict

    pars = json.loads(r.body)
    if keep is None:
        paragraphs = [paragraph_from_dict(p) for p in pars]
    else:  # an empty stand-in keeps the others' indices; building all of them was half a keyword scan
        blank = Paragraph(text="", pages=(r.first_page, r.first_page))
        paragraphs = [paragraph_from_dict(p) if keep(p) else blank for p in pars]
    return Section(id=r.section_id, level=r.level, number=r.number, heading=r.heading, kind=r.kind,
                   paragraphs=paragraphs, pages=(r.first_page, r.last_page))


def _tree(rows: list["Row"]):
    """Section objects from rows in reading order, each under its parent when that was read.

    Sections are frozen: the children of each are gathered first and every section is made
    once, from the leaves up.
    """
    from dataclasses import replace

    read = {r.section_id for r in rows}
    kids: dict[str | None, list] = {}
    for r in rows:
        kids.setdefault(r.parent if r.parent in read else None, []).append(r)

    def make(r):
        return replace(_section(r), children=tuple(make(c) for c in kids.get(r.section_id, ())))

    return [make(r) for r in kids.get(None, ())]


_LEAD = re.compile(r'"lead":"((?:[^"\\]|\\.)*)"')  # a run-in lead's JSON string, as stored


def _plain_count(word: str) -> bool:
    """Whether ``word`` is counted right in a stored body (JSON) as in its texts: a word with no
    ASCII character never meets JSON's quotes, escapes, keys or numbers, so each of its
    occurrences lies inside one string value, as in the decoded text."""
    return bool(word) and all(ord(c) > 127 for c in word)


def _own_text(body: str) -> str:
    """Section.text from a stored body: its own paragraphs, one per line."""
    return "\n".join(p["text"] for p in json.loads(body))


class Row:
    """One section as stored (see _SCHEMA)."""

    __slots__ = tuple(c.strip() for c in _COLUMNS.split(","))

    def __init__(self, *values):
        for k, v in zip(self.__slots__, values):
            setattr(self, k, v)

    @property
    def pages(self) -> tuple[int, int]:
        return (self.first_page, self.last_page)

    @property
    def text(self) -> str:
        return _own_text(self.body)

    @property
    def heading_path(self) -> tuple[str, ...]:
        return tuple(json.loads(self.path))

    def section(self, keep=None):
        """The section with its own paragraphs (no children). ``keep(paragraph dict)``: only the
        paragraphs it accepts are read, the others are empty (for a caller that reads no others)."""
        return _section(self, keep)
