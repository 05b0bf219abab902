"""What a search needs from one generation, opened once per process and reused.

A generation directory is never modified after its swap (kb.store), so everything read from it
can be kept for as long as the process lives: the opened Whoosh searcher, the query vocabulary
and cutter, and the section texts (for snippets and for checking substrings). A long-running
caller (a server, the bench, the tests) pays the opening once; the one-shot CLI pays it once
anyway. A new generation has a new path, so it gets a new session; the two most recent are kept.
"""
from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from operator import add as add_
from pathlib import Path

from .text import match_form

_KEEP = 2
_sessions: OrderedDict[Path, "Session"] = OrderedDict()
_sessions_lock = threading.Lock()


class Session:
    def __init__(self, snap, ix, vocab):
        from .query_cut import QueryCutter

        self.snap = snap
        self.vocab = vocab
        from .lexicon import FILE, Lexicon

        self.lexicon = Lexicon(Path(snap.path) / FILE)
        self.cutter = QueryCutter(vocab["freqs"], vocab["total"])  # typed syntax: the index's own words
        self._plain_cutters: dict[int, QueryCutter] = {}
        self.searcher = ix.searcher()
        from . import docstore

        self.docstore = docstore.reader(snap)
        self.lock = threading.Lock()  # a Whoosh searcher shares file handles: one query at a time
        self._texts: dict[str, str] = {}
        self._by_docnum: list[str] | None = None
        self._avg_len = 1.0
        self._doc_column = None  # (column bytes, offsets, lengths) of doc_id, or False: not readable so
        self._doc_ordinals = None  # array: docnum → its document's number (see documents_of)
        self._counted: dict[int, tuple] = {}  # id of a frozenset → (a weak reference to it, its documents)

    def plain_cutter(self, synonyms: dict) -> "QueryCutter":
        """A cutter for plain queries: the index's words, the general dictionary, and every
        synonym and glossary name kept whole (公租房 must not become 公租 + 房)."""
        from .query_cut import QueryCutter
        from .segment import USER_FREQ

        key = id(synonyms)
        cutter = self._plain_cutters.get(key)
        if cutter is None:
            extra = {w: USER_FREQ for w in (*synonyms, *self.vocab.get("expand", {}))}
            cutter = QueryCutter(self.vocab["freqs"], self.vocab["total"], lexicon=self.lexicon, extra=extra)
            self._plain_cutters = {key: cutter}
        return cutter

    def section_text(self, doc_id: str, section_id: str) -> str:
        text = self._texts.get(section_id)
        if text is None:
            text = self._texts[section_id] = self.docstore.section_text(doc_id, section_id) or ""
        return text

    def normalized_texts(self) -> tuple["_Texts", float]:
        """Each section's text without whitespace, lower-cased, by Whoosh document number (read
        on demand: a substring check reads only its candidates' documents); and the mean length."""
        if self._by_docnum is None:
            self._by_docnum = _Texts(self)
            # 0 only for an index of no text; every index with a section store records it.
            self._avg_len = float(self.vocab.get("avg_len") or 0) or 1.0
        return self._by_docnum, self._avg_len

    def prefetch(self, keys) -> None:
        """Read the texts of many sections, (doc_id, section_id) each, in one go."""
        want = [k for k in keys if k[1] not in self._texts]
        if want:
            got = self.docstore.texts(want)
            for k in want:
                self._texts[k[1]] = got.get(k, "")

    def doc_ids_of(self, docnums) -> dict[int, str]:
        """docnum → doc_id (kb.index.doc_ids_of's answer). The doc_id column is read whole, once a
        session, and sliced: Whoosh's column reader costs several calls a document, which on a
        word every section holds was a fifth of the query at ×100 and grew with the corpus."""
        col = self._doc_column
        if col is None:
            col = self._doc_column = _whole_column(self.searcher.reader(), "doc_id") or False
        if col is False:
            from . import index

            return index.doc_ids_of(self.searcher, docnums)
        data, offsets, lengths = col
        names: dict[bytes, str] = {}
        out = {}
        for d in docnums:
            o = offsets[d]
            raw = data[o:o + lengths[d]]
            name = names.get(raw)
            if name is None:
                name = names[raw] = raw.decode("utf-8")
            out[d] = name
        return out

    def documents_of(self, docnums) -> int:
        """How many documents the sections ``docnums`` are in (see _documents_of). A frozenset (a
        word's sections, kept as long as the searcher: search._KEPT_SETS) is counted once while it
        lives: ×1000, 14 of a common word's ~38 ms CPU a search, its 40 000 sections looked up."""
        if type(docnums) is not frozenset:
            return self._documents_of(docnums)
        seen = self._counted.get(id(docnums))
        if seen is not None and seen[0]() is docnums:
            return seen[1]
        n = self._documents_of(docnums)
        if len(self._counted) >= 64:  # a long-lived process: only the recent few
            self._counted.clear()
        self._counted[id(docnums)] = (weakref.ref(docnums), n)
        return n

    def _documents_of(self, docnums) -> int:
        """How many documents the sections ``docnums`` are in, off the doc_id column read whole
        once a session: by slicing their names out of it (in C), or, from the first count of many
        sections on, by an array of each section's document number (a common word at ×1000 is
        ~40 000 sections; decoding each one's name was 40 ms a search). The array is made when it
        is first worth it: made on the second count, it was half of a long-lived process's second
        search of a common word at ×1000 (55 of 120 ms CPU), where the first pays 20 ms more."""
        col = self._doc_column
        if col is None:
            col = self._doc_column = _whole_column(self.searcher.reader(), "doc_id") or False
        if col is False:
            return len(set(self.doc_ids_of(docnums).values()))
        data, offsets, lengths = col
        ords = self._doc_ordinals
        if ords is None and len(docnums) * 4 >= len(offsets):  # a quarter of the sections or more
            from array import array

            names = list(map(data.__getitem__, map(slice, offsets, map(add_, offsets, lengths))))
            number = {n: i for i, n in enumerate(dict.fromkeys(names))}
            ords = self._doc_ordinals = array("I", map(number.__getitem__, names))
        if ords is not None:
            return len(set(map(ords.__getitem__, docnums)))
        ends = map(add_, map(offsets.__getitem__, docnums), map(lengths.__getitem__, docnums))
        return len(set(map(data.__getitem__, map(slice, map(offsets.__getitem__, docnums), ends))))

    def close(self) -> None:
        self.searcher.close()


def session(snap):
    """The session of ``snap``'s generation, or None when it has no search index."""
    from . import index

    key = Path(snap.path)
    with _sessions_lock:
        s = _sessions.get(key)
        if s is not None:
            _sessions.move_to_end(key)
            return s
        opened = index.open_index(key)
        if opened is None:
            return None
        try:
            s = _sessions[key] = Session(snap, *opened)
        except OSError as err:  # a truncated segment: Whoosh seeks past its end when it opens a reader
            from .errors import IndexDamagedError

            raise IndexDamagedError(err.strerror or type(err).__name__, key / "whoosh", what="search index") from None
        while len(_sessions) > _KEEP:
            _, old = _sessions.popitem(last=False)
            old.close()
        return s


def _whole_column(reader, field: str):
    """(bytes, offsets, lengths) by index-wide docnum of a variable-bytes column, every segment's
    joined, or None (another column type: the caller reads it through Whoosh)."""
    from array import array

    from whoosh.columns import VarBytesColumn

    parts = []
    for leaf, base in ([(reader, 0)] if reader.is_atomic() else reader.leaf_readers()):
        if not leaf.has_column(field):
            return None
        col = leaf.column_reader(field)
        inner = col.raw_column() if hasattr(col, "raw_column") else col
        if not isinstance(inner, VarBytesColumn.Reader) or len(inner._offsets) != leaf.doc_count_all():
            return None
        size = inner._offsets[-1] + inner._lengths[-1] if len(inner._offsets) else 0
        parts.append((inner._dbfile.get(inner._basepos, size), inner._offsets, inner._lengths))
    if len(parts) == 1:
        return parts[0]
    data, offsets, lengths, shift = [], array("Q"), array("Q"), 0
    for d, o, n in parts:
        data.append(d)
        offsets.extend(map(shift.__add__, o))  # in C: a segment of ×1000 is ~40 000 sections
        lengths.extend(n if n.typecode == "Q" else array("Q", n))
        shift += len(d)
    return b"".join(data), offsets, lengths


class _Texts:
    """docnum → normalized section text, each document's JSON read the first time one of its sections is asked for."""

    def __init__(self, ses: Session):
        self.ses = ses
        self.cache: dict[int, str] = {}

    def prefetch(self, docnums) -> None:
        """Read the texts of many sections at once (one store query a few hundred sections)."""
        want = [d for d in docnums if d not in self.cache]
        if want:
            stored = self.ses.searcher.stored_fields
            keys = {d: (f.get("doc_id", ""), f.get("section_id", "")) for d in want for f in (stored(d),)}
            self.ses.prefetch(keys.values())
            text = self.ses.section_text
            # Filled here: reading each one's stored fields again was half of a phrase's first search.
            self.cache.update((d, match_form(text(*k))) for d, k in keys.items())

    def __getitem__(self, docnum: int) -> str:
        text = self.cache.get(docnum)
        if text is None:
            f = self.ses.searcher.stored_fields(docnum)
            text = self.cache[docnum] = match_form(self.ses.section_text(f.get("doc_id", ""), f.get("section_id", "")))
        return text
