"""What kb changes in Whoosh 2.7.4, in one place, for that version only.

Four of the six changes live in ``KbCodec``, a subclass of Whoosh's own W3Codec that only kb's
indexes are written and read with; stock Whoosh classes are left as they are:

- ``KbLeafMatcher.skip_to`` bisects a block instead of stepping one posting at a time.
- ``KbPerDocReader.doc_field_length`` decodes a field's length column once per reader.
- ``KbTermInfo.set_inline`` supplies the method Whoosh's writer calls for inlined postings
  (Whoosh names it ``set_inlined``), so short posting lists can live in the term entry, and
  ``KbListMatcher`` reads them back in the form Whoosh's segment merge accepts.
- ``KbFieldWriter.add_postings`` writes a segment's postings a term at a time with each field's
  lengths read once (``KbPostingsWriter.add_all``), the same bytes as Whoosh's posting-at-a-time loop.

The on-disk format is stock: ``KbCodec`` pickles as ``W3Codec`` (the TOC names only Whoosh's
class), and ``KbFileIndex`` hands kb's codec to every segment it reads.

``kb_writer`` gives a writer kb's posting pool (``KbPostingPool``: postings kept by term in
compact arrays, never pickled to run files), which KbFieldWriter writes a term at a time.

The last, the choice of matcher for Or queries, stays a class attribute: Whoosh builds Or
queries itself (a Prefix or Wildcard ORs the words it expands to, in ``MultiTerm.matcher``),
so a subclass would not reach them. ``apply()`` sets it; kb's index opening and building call
it, nothing does at import time.

``check()`` refuses any other Whoosh version: these classes reach into private attributes of
2.7.4 (``_ids``, ``_maxid``, ``_cached_reader`` …) that another release may name differently.
"""
from __future__ import annotations

from array import array
from bisect import bisect_left

from . import whoosh_import  # noqa: F401  (first: Whoosh without urllib, see there)
import whoosh
from whoosh import query as wq
from whoosh.codec import whoosh3 as w3
from whoosh.matching import ListMatcher, ReadTooFar

from .errors import KbError
from .safe_pickle import SafeFileIndex

WHOOSH_VERSION = (2, 7, 4)
_applied = False


class WhooshVersionError(KbError):
    pass


def check() -> None:
    found = tuple(getattr(whoosh, "__version__", ()))
    if found[:3] != WHOOSH_VERSION:
        have = ".".join(map(str, found)) or "unknown"
        raise WhooshVersionError(f"{whoosh.__file__}: Whoosh {have} is installed, but kb's search index is "
                                 f"written for Whoosh {'.'.join(map(str, WHOOSH_VERSION))} (pinned in setup.cfg)")


def apply() -> None:
    """Check the Whoosh version and make the one global change (Or's matcher). Idempotent."""
    global _applied
    if _applied:
        return
    check()
    # Whoosh 2.7.4 picks a "preloaded" union matcher for Or queries of 3+ clauses on indexes under
    # 5000 documents, and nested inside another Or it drops matches: top-3 and top-20 of the same
    # query disagreed and a section scoring 6.6 was missing from the top 20. The binary tree of
    # UnionMatchers is what large indexes get anyway; use it always.
    wq.Or.matcher_type = wq.Or.DEFAULT_MATCHER
    _applied = True


class KbLeafMatcher(w3.W3LeafMatcher):
    def skip_to(self, targetid):
        # Whoosh 2.7.4 steps through a block one posting at a time (next(), id(), is_active()
        # each); intersections and AndMaybe skip the whole-corpus "context" postings on every
        # match, which made this a third of a common word's query time at ×100. Same result.
        if not self.is_active():
            raise ReadTooFar
        if targetid <= self.id():
            return
        if targetid > self._maxid:
            self._skip_to_block(lambda: targetid > self._maxid)
            if not self.is_active():
                return
            if self._ids is None:
                self._read_ids()
        self._i = bisect_left(self._ids, targetid, self._i)
        if self._i == self._blocklength:
            self._next_block()


_LENGTH_OF_BYTE = [w3.byte_to_length(b) or None for b in range(256)]  # 0 → None, as Whoosh answers


class KbPerDocReader(w3.W3PerDocReader):
    def field_lengths(self, fieldname):
        """Every document's length of ``fieldname`` (None for 0), or None when the field keeps no
        lengths; decoded once per reader, the absence of a column remembered too."""
        cache = self.__dict__.setdefault("_kb_lengths", {})
        if fieldname not in cache:
            col = self._cached_reader(w3._lenfield(fieldname), w3.LENGTHS_COLUMN)
            if col is None:
                cache[fieldname] = None
            else:
                raw = col._dbfile.get(col._basepos, col._count) if col._count else b""
                cache[fieldname] = [_LENGTH_OF_BYTE[b] for b in raw] + [None] * (self._doccount + 1 - len(raw))
        return cache[fieldname]

    def doc_field_length(self, docnum, fieldname, default=0):
        # BM25 asks every scored posting its document's length: a column read through four layers
        # of calls in Whoosh 2.7.4. The column is one byte a document; decode it once per reader.
        lengths = self.field_lengths(fieldname)
        return default if lengths is None else lengths[docnum]


class KbTermInfo(w3.W3TermInfo):
    # The postings writer calls set_inline, which W3TermInfo does not have (it has set_inlined),
    # so Whoosh 2.7.4 crashes with inlinelimit > 1. The reader side is intact. Terms in under
    # INLINE_LIMIT sections are inlined: the bundled corpus's index is 1.84 → 1.49 MB.
    set_inline = w3.W3TermInfo.set_inlined


class KbListMatcher(ListMatcher):
    """Inlined postings. Whoosh's ListMatcher answers "" (a str) for a posting without a value,
    which its own segment merge refuses (it wants bytes or None); the block reader answers None."""

    def value(self):
        v = super().value()
        return None if v == "" else v


class KbPostingPool:
    """A segment writer's postings, kept by term in memory (Whoosh's PostingPool, replaced in
    ``kb_writer``): a term's document numbers, weights and values in arrays, appended in the
    order documents are added, which is the order they are written in.

    Whoosh's pool keeps a tuple per posting (~190 bytes) and, past ``limitmb``, sorts and pickles
    them to run files a posting at a time, then merges the runs with heapq: at ×100 that was
    half of the index build, and it grows with every run. Here a posting costs ~20 bytes and
    nothing is sorted but the terms. The values of a fixed-size format (a frequency's 4 bytes)
    are interned; others are not: a block pickles them as a tuple, and pickle writes an object
    met twice as a reference, so shared ones would change the bytes written (a term inlined in
    its term entry pickles its values too: KbFieldWriter gives those fresh objects).
    """

    def __init__(self, schema):
        self.terms: dict[tuple, tuple] = {}
        self.fieldnames: set[str] = set()
        self._values: dict = {}
        self._intern = {name: (fieldobj.format is not None and fieldobj.format.fixed_value_size() is not None
                               and fieldobj.format.fixed_value_size() >= 0)
                        for name, fieldobj in schema.items()}

    def add(self, item):
        fieldname, tbytes, docnum, weight, value = item
        postings = self.terms.get((fieldname, tbytes))
        if postings is None:
            postings = self.terms[(fieldname, tbytes)] = (array("I"), array("d"), [])
            self.fieldnames.add(fieldname)
        postings[0].append(docnum)
        postings[1].append(weight)
        if value is not None and self._intern.get(fieldname):
            value = self._values.setdefault(value, value)
        postings[2].append(value)

    def iter_postings(self):
        return _TermGroups(self)

    def cleanup(self):
        self.terms.clear()
        self._values.clear()


class _TermGroups:
    """The pool's postings in Whoosh's order (field, term, document): as (fieldname, tbytes,
    docnums, weights, values) a term at a time for KbFieldWriter, or as Whoosh's 5-tuples."""

    def __init__(self, pool: KbPostingPool):
        self.pool = pool

    def terms(self):
        terms = self.pool.terms
        for key in sorted(terms):
            ids, weights, values = terms[key]
            if any(a >= b for a, b in zip(ids, ids[1:])):  # a segment merged in below newer documents
                order = sorted(range(len(ids)), key=ids.__getitem__)
                ids = array("I", [ids[i] for i in order])
                weights = array("d", [weights[i] for i in order])
                values = [values[i] for i in order]
            yield key[0], key[1], ids, weights, values

    def __iter__(self):
        for fieldname, tbytes, ids, weights, values in self.terms():
            for d, w, v in zip(ids, weights, values):
                yield fieldname, tbytes, d, w, v


def kb_writer(writer):
    """``writer`` (a Whoosh SegmentWriter) with KbPostingPool in place of its posting pool."""
    writer.pool.cleanup()
    writer.pool = KbPostingPool(writer.schema)
    return writer


class KbPostingsWriter(w3.W3PostingsWriter):
    def add_all(self, ids, weights, values, lengths):
        """A whole term's postings at once, in the blocks add_posting() would fill one posting
        at a time (same statistics, same bytes): a segment's write was a third of a build."""
        limit = self._blocklimit
        for at in range(0, len(ids), limit):
            if at:
                self._write_block()
            end = at + limit
            ws = weights[at:end]
            self._ids.extend(ids[at:end].tolist() if isinstance(ids, array) else ids[at:end])
            self._weights.extend(ws.tolist() if isinstance(ws, array) else ws)
            # add_posting keeps the first weight above the running maximum, which starts at 0
            self._maxweight = max(self._maxweight, *ws)
            self._values.extend(v for v in values[at:end] if v)
            ls = [n for n in lengths[at:end] if n]
            if ls:
                self._minlength = min(ls)
                self._maxlength = max(ls)


class KbFieldWriter(w3.W3FieldWriter):
    def start_term(self, btext):
        if self._postwriter is None:
            raise Exception("Called start_term before start_field")
        self._btext = btext
        self._postwriter.start_postings(self._fieldobj.format, KbTermInfo())

    def add_postings(self, schema, lengths, items):
        # Whoosh's own loop (FieldWriter.add_postings) asks the length column for every posting
        # (a file-exists check each time for a field without lengths) and adds postings one at a
        # time through three calls and four type asserts. Here each field's lengths are read
        # once and each term is written whole (KbPostingsWriter.add_all); the order checks and
        # the files written are Whoosh's (tests/test_index.py compares the bytes).
        from whoosh.codec.base import OutOfOrderError

        if isinstance(items, _TermGroups):
            return self._add_terms(schema, lengths, items)
        lastfn = lasttext = None
        flens = None
        ids, weights, values, lens = [], [], [], []

        def flush():
            self.start_term(lasttext)
            self._postwriter.add_all(ids, weights, values, lens)
            self.finish_term()
            ids.clear()
            weights.clear()
            values.clear()
            lens.clear()

        for fieldname, btext, docnum, weight, value in items:
            if fieldname != lastfn:
                if lastfn is not None and fieldname < lastfn:
                    raise OutOfOrderError("Field %r .. %r" % (lastfn, fieldname))
                if lasttext is not None:
                    flush()
                if lastfn is not None:
                    self.finish_field()
                self.start_field(fieldname, schema[fieldname])
                flens = lengths.field_lengths(fieldname) if lengths is not None else None
                lastfn, lasttext = fieldname, None
            if docnum == -1:  # a spelling word (Whoosh's HACK): no posting
                continue
            if btext != lasttext:
                if lasttext is not None:
                    if btext < lasttext:
                        raise OutOfOrderError("Term %s:%r .. %s:%r" % (lastfn, lasttext, fieldname, btext))
                    flush()
                lasttext = btext
            ids.append(docnum)
            weights.append(weight)
            values.append(b"" if value is None else value)
            lens.append(flens[docnum] if flens is not None else 0)
        if lasttext is not None:
            flush()
        if lastfn is not None:
            self.finish_field()

    def _add_terms(self, schema, lengths, groups):
        lastfn = flens = None
        inline = self._codec._inlinelimit
        for fieldname, btext, ids, weights, values in groups.terms():
            if fieldname != lastfn:
                if lastfn is not None:
                    self.finish_field()
                self.start_field(fieldname, schema[fieldname])
                flens = lengths.field_lengths(fieldname) if lengths is not None else None
                lastfn = fieldname
            self.start_term(btext)
            lens = [flens[d] for d in ids] if flens is not None else [0] * len(ids)
            if len(ids) < inline:  # pickled in the term entry: one object per posting, as Whoosh's pool has them
                values = [b"" if v is None else bytes(bytearray(v)) for v in values]
            else:
                values = [b"" if v is None else v for v in values]
            self._postwriter.add_all(ids, weights, values, lens)
            self.finish_term()
        if lastfn is not None:
            self.finish_field()


class KbCodec(w3.W3Codec):
    """W3Codec with kb's faster readers and working inlined postings; writes the stock format."""

    def field_writer(self, storage, segment):
        return KbFieldWriter(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        return KbPostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                                compression=self._compression, inlinelimit=self._inlinelimit)

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            ids, weights, values = terminfo.inlined_postings()
            return KbListMatcher(ids, weights, values, format_, scorer=scorer, term=term, terminfo=terminfo)
        offset, length = terminfo.extent()
        return KbLeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)

    def per_document_reader(self, storage, segment):
        return KbPerDocReader(storage, segment)

    def __reduce__(self):
        # The TOC names Whoosh's own class: the files stay readable by stock Whoosh.
        return (w3.W3Codec, (self._blocklimit, self._compression, self._inlinelimit))


def kb_codec(codec):
    """``codec`` as a KbCodec with the same settings (a W3Codec read from a TOC)."""
    if isinstance(codec, KbCodec) or type(codec) is not w3.W3Codec:
        return codec
    return KbCodec(codec._blocklimit, codec._compression, codec._inlinelimit)


def field_lengths(writer) -> dict:
    """The running total of each field's length in the segment ``writer`` is writing (exact for
    documents added; a merged segment adds its documents' one-byte approximations)."""
    return writer.perdocwriter._fieldlengths


def segment_field_lengths(segment) -> dict:
    """Each field's total length in a written segment, as its TOC entry holds it."""
    return dict(getattr(segment, "_fieldlengths", None) or {})


class KbFileIndex(SafeFileIndex):
    """A Whoosh index read (safely, see kb.safe_pickle) with KbCodec for every segment."""

    def _read_toc(self):
        toc = super()._read_toc()
        for seg in toc.segments:
            if isinstance(seg, w3.W3Segment):
                seg._codec = kb_codec(seg._codec)
        return toc
