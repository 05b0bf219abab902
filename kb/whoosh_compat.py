"""What kb changes in Whoosh 2.7.4, in one place, for that version only.

Four of the six changes live in ``KbCodec``, a subclass of Whoosh's own W3Codec that only kb's
indexes are written and read with; stock Whoosh classes are left as they are:

- ``KbLeafMatcher.skip_to`` bisects a block instead of stepping one posting at a time, and its
  ``_read_ids`` undoes the delta coding with ``itertools.accumulate``.
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

``top_docs`` replaces Whoosh's collector for kb's searches (a function over Whoosh's readers and
scorers, nothing of Whoosh changed): exact top-k by MaxScore, term at a time (see there).

``check()`` refuses any other Whoosh version: these classes reach into private attributes of
2.7.4 (``_ids``, ``_maxid``, ``_cached_reader``, ``_data``, ``_blocklength`` …) that another
release may name differently.
"""
from __future__ import annotations

import heapq
import weakref
from array import array
from bisect import bisect_left
from itertools import accumulate, compress, repeat

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

    def _read_ids(self):
        # Whoosh 2.7.4 undoes the delta coding in a Python generator, a step per posting: the
        # largest single cost of reading a common word's postings. accumulate() is the same sum in C.
        if self._data is None:
            self._read_data()
        ids = self._data[0]
        self._ids = ids if self._byteids else tuple(accumulate(ids))


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
                # map() runs in C: a pass per field over every document
                cache[fieldname] = list(map(_LENGTH_OF_BYTE.__getitem__, raw)) + [None] * (self._doccount + 1 - len(raw))
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
        inline, blocklimit = self._codec._inlinelimit, self._codec._blocklimit
        for fieldname, btext, ids, weights, values in groups.terms():
            if fieldname != lastfn:
                if lastfn is not None:
                    self.finish_field()
                self.start_field(fieldname, schema[fieldname])
                flens = lengths.field_lengths(fieldname) if lengths is not None else None
                lastfn = fieldname
            lens = [flens[d] for d in ids] if flens is not None else [0] * len(ids)
            if len(ids) < inline and len(ids) <= blocklimit:
                self._add_inlined(btext, ids, weights, values, lens)
                continue
            self.start_term(btext)
            self._postwriter.add_all(ids, weights, [b"" if v is None else v for v in values], lens)
            self.finish_term()
        if lastfn is not None:
            self.finish_field()


    def _add_inlined(self, btext, ids, weights, values, lens):
        # Most terms of a segment (character pairs above all) are in under INLINE_LIMIT sections
        # and are pickled into their term entry. This is what start_term, add_all and
        # finish_term do for such a term (W3PostingsWriter.finish_postings, W3TermInfo.add_block
        # and to_bytes), without their dozen calls and asserts a term: the same arithmetic on the
        # same array types, so the same bytes (tests/test_index.py compares them with Whoosh's).
        ws = array("f", weights)  # the block's weights as add_posting stores them
        ls = [n for n in lens if n]
        info = KbTermInfo()
        info._weight += sum(ws)
        info._df = len(ids)
        info._minlength = min(ls) if ls else None
        info._maxlength = max(0, max(ls)) if ls else 0
        info._maxweight = max(0, max(0, *weights))
        info._minid, info._maxid = ids[0], ids[-1]
        # one fresh object a value, as Whoosh's pool has them: pickle writes a repeated object as a reference
        info.set_inline(array("I", ids), ws, [bytes(bytearray(v)) for v in values if v])
        self._tindex.add(w3.pack_ushort(self._fieldid) + btext, info.to_bytes())


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


# -- exact top-k ----------------------------------------------------------------------------------
#
# Whoosh 2.7.4's TopCollector prunes with block qualities, and UnionMatcher.skip_to_quality skips one
# side's blocks against the other side's *current* block quality, which a later block of the other
# side may exceed: a document that belongs in the top N can be skipped (苏州搞服务外包最大的短板是什么
# on the bundled corpus: the section scoring 15.39, 29th, is missing from Whoosh's top 30). It
# also steps, scores and combines every surviving posting through several Python calls a posting
# (0.15 ms a collected document at ×100). top_docs scores term at a time instead: each term's
# postings decoded a block at a time and scored with the term's own Whoosh scorer (the same BM25F
# arithmetic, so the same floats), combined by the query's own shape (Or sums, And intersects and
# sums, boosts multiply), and with a limit only the documents MaxScore cannot rule out are scored.
# Query types it does not know are enumerated through their Whoosh matchers, exhaustively.

def top_docs(searcher, q, limit, within=None) -> list[tuple[int, float]]:
    """(docnum, score) of the best ``limit`` documents (None: every match) by ``q``, best first and,
    at equal scores, lower document number first (as Whoosh orders them); only documents of
    ``within`` (index-wide numbers) when given. Exact: a document is left unscored only when the
    bounds of its words' scores (MaxScore, see _leaf_top) keep it below the k-th best score."""
    if limit is None:
        return _ranked(doc_scores(searcher, q, within).items(), None)
    best: list[tuple[int, float]] = []
    floor = None  # the k-th best score so far: a later segment's document must beat it
    for sub, offset, local in _leaves(searcher, within):
        got = _leaf_top(sub, q, limit, local, floor)
        best = _ranked(best + [(d + offset, v) for d, v in got.items()], limit)
        if len(best) >= limit:
            floor = best[-1][1]
    return best


def _ranked(items, limit):
    items = list(items)
    key = lambda item: (-item[1], item[0])  # noqa: E731
    if limit is None or limit >= len(items):
        return sorted(items, key=key)
    # The k-th best score by comparing bare floats (in C), then only what reaches it is ordered.
    least = heapq.nlargest(limit, (v for _, v in items))[-1]
    return sorted((it for it in items if it[1] >= least), key=key)[:limit]


def _leaves(searcher, within):
    """(leaf searcher, its offset, ``within`` in its numbers or None) of every segment it may match in."""
    leaves = searcher.leaf_searchers()
    for sub, offset in leaves:
        if within is None:
            yield sub, offset, None
        elif len(leaves) == 1:
            yield sub, offset, within
        else:
            end = offset + sub.reader().doc_count_all()
            local = {d - offset for d in within if offset <= d < end}
            if local:
                yield sub, offset, local


def _leaf_top(s, q, limit, within, floor) -> dict[int, float]:
    """Segment-local docnum → score of every document of one segment that may be in the top
    ``limit`` (a superset of them, each scored exactly as _scores scores it): MaxScore.

    A document's score is at most the sum of the bounds of the leaves of ``q`` it holds (a term's
    bound: its best score; an And adds its parts' scores only when all are there). Once ``floor``
    (a score ``limit`` documents are known to reach) is above the sum of the smallest bounds, a
    document holding no other leaf cannot enter the top: only the documents of the other leaves
    are scored. A common word's long body postings then cost nothing (×1000: ~30 000 sections
    hold 服务外包, and only the ~500 whose heading is it can rank among the first)."""
    leaves = _leaves_of(q, 1.0)
    if len(leaves) < 2 or s.get_parent().doc_count_all() < PRUNE_FROM:
        return _scores(s, q, within)
    bounds = [m * _bound(s, leaf) for m, leaf in leaves]
    if floor is None:
        # A first floor: the documents of the leaf that can add the most, each scored whole.
        top = max(range(len(leaves)), key=bounds.__getitem__)
        seed = _holders(s, leaves[top][1], within)
        if len(seed) >= limit:
            got = _scores(s, q, seed)
            if len(got) >= limit:
                floor = _ranked(got.items(), limit)[-1][1]
    if floor is None:
        return _scores(s, q, within)
    total, cheap = 0.0, set()
    for i in sorted(range(len(leaves)), key=bounds.__getitem__):
        if total + bounds[i] >= floor:
            break
        total += bounds[i]
        cheap.add(i)
    if not cheap:
        return _scores(s, q, within)
    candidates: set[int] = set()
    for i, (_, leaf) in enumerate(leaves):
        if i not in cheap:
            candidates |= _holders(s, leaf, within)
    return _scores(s, q, candidates) if candidates else {}


PRUNE_FROM = 5000  # sections in the index: below this, scoring every match costs less than the bounds


def _leaves_of(q, m: float) -> list[tuple[float, object]]:
    """(multiplier, leaf) of every query whose score can add to ``q``'s: its terms (and substrings
    and other queries it does not take apart), each with the product of the boosts above it."""
    t = type(q)
    if q is wq.NullQuery or isinstance(q, wq.qcore._NullQuery):
        return []
    if _plain_or(q) or t is wq.And:
        if len(q.subqueries) < 2:  # Whoosh leaves a one-part Or's or And's boost out (see _scores)
            return _leaves_of(q.subqueries[0], m) if q.subqueries else []
        return [leaf for sub in q.subqueries for leaf in _leaves_of(sub, m * q.boost)]
    if t is wq.AndNot:
        return _leaves_of(q.a, m)
    if t is wq.AndMaybe:
        return _leaves_of(q.a, m) + _leaves_of(q.b, m)
    return [(m, q)]


def _holders(s, leaf, within) -> set[int]:
    """The segment-local documents a leaf matches (of ``within``)."""
    if type(leaf) is wq.Term:
        reader = s.reader()
        try:
            btext = s.schema[leaf.fieldname].to_bytes(leaf.text)
        except (KeyError, ValueError):
            return set()
        if (leaf.fieldname, btext) not in reader:
            return set()
        found = set(term_postings(reader, leaf.fieldname, btext)[0])
        return found if within is None else found.intersection(within)
    return set(_scores(s, leaf, within))


# Leaf searcher → {(field, term bytes): (kept score dict, its best score)}: a common term's bound,
# worked out once. Per searcher and cleared with _TERM_SCORES, so it never holds a score dict longer.
_TERM_BEST: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_UNBOUNDED = float("inf")
_MARGIN = 1 + 1e-6  # a bound is raised by this much, so no rounding makes it one


def _bound(s, q) -> float:
    """No document's score by ``q`` in the segment of ``s`` exceeds this."""
    t = type(q)
    if q is wq.NullQuery or isinstance(q, wq.qcore._NullQuery):
        return 0.0
    if t is wq.Term:
        return q.boost * _term_bound(s, q)
    if (_plain_or(q) or t is wq.And) and len(q.subqueries) < 2:
        return _bound(s, q.subqueries[0]) if q.subqueries else 0.0
    if _plain_or(q) or t is wq.And:
        return q.boost * sum(_bound(s, sub) for sub in q.subqueries)
    if t is wq.AndNot:
        return _bound(s, q.a)
    if t is wq.AndMaybe:
        return _bound(s, q.a) + _bound(s, q.b)
    if getattr(q, "kb_scores", None) is not None:
        got = _scores(s, q, None)
        return max(got.values()) * _MARGIN if got else 0.0
    return _UNBOUNDED


def _term_bound(s, q) -> float:
    from whoosh.scoring import BM25FScorer, WeightScorer

    reader = s.reader()
    if q.fieldname not in s.schema:
        return 0.0
    try:
        btext = s.schema[q.fieldname].to_bytes(q.text)
    except ValueError:
        return 0.0
    if (q.fieldname, btext) not in reader:
        return 0.0
    kept = _TERM_SCORES.get(s)
    every = kept.get((q.fieldname, btext)) if kept is not None else None
    if every is not None:
        bests = _TERM_BEST.setdefault(s, {})
        best = bests.get((q.fieldname, btext))
        if best is None or best[0] is not every:
            best = bests[(q.fieldname, btext)] = (every, max(every.values(), default=0.0) * _MARGIN)
        return best[1]
    scorer = s.weighting.scorer(s, q.fieldname, btext)
    if type(scorer) not in (BM25FScorer, WeightScorer):
        return _UNBOUNDED
    # The score of the term's largest weight at its shortest field (lengths and weights are those
    # the term info keeps, in the one-byte form the documents' lengths are read in).
    return scorer.max_quality() * _MARGIN


def doc_scores(searcher, q, within=None) -> dict[int, float]:
    """Index-wide docnum → score of every document ``q`` matches (of ``within`` when given)."""
    out: dict[int, float] = {}
    for sub, offset, local in _leaves(searcher, within):
        got = _scores(sub, q, local)
        if offset:
            out.update((d + offset, v) for d, v in got.items())
        else:
            out.update(got)
    return out


def _plain_or(q) -> bool:
    return isinstance(q, wq.Or) and type(q) in (wq.Or, wq.compound.DefaultOr) and not q.scale and not q.minmatch


def _scores(s, q, within) -> dict[int, float]:
    """Segment-local docnum → score of ``q`` on the leaf searcher ``s``."""
    t = type(q)
    if t is wq.Term:
        return _term_scores(s, q, within)
    if q is wq.NullQuery or isinstance(q, wq.qcore._NullQuery):
        return {}
    if (_plain_or(q) or t is wq.And) and len(q.subqueries) < 2:
        # Whoosh matches a one-part Or or And as its part, leaving the compound's boost out.
        return _scores(s, q.subqueries[0], within) if q.subqueries else {}
    if _plain_or(q):
        acc: dict[int, float] = {}
        for sub in q.subqueries:
            acc = _added(acc, _scores(s, sub, within))
        return _boosted(acc, q.boost)
    if t is wq.And:
        subs = sorted(q.subqueries, key=lambda c: c.estimate_size(s.reader()))
        acc = None
        for sub in subs:
            got = _scores(s, sub, within if acc is None else acc.keys())
            if acc is None:
                acc = dict(got)
            else:
                acc = {d: acc[d] + v for d, v in got.items() if d in acc}
            if not acc:
                return {}
        return _boosted(acc or {}, q.boost)
    if t is wq.AndNot:
        got = _scores(s, q.a, within)
        if got:
            for d in _scores(s, q.b, got.keys()):
                got.pop(d, None)
        return got
    if t is wq.AndMaybe:
        got = _scores(s, q.a, within)
        if got:
            for d, v in _scores(s, q.b, got.keys()).items():
                got[d] += v
        return got
    own = getattr(q, "kb_scores", None)
    if own is not None:
        return own(s, within, _scores)
    return _enumerated(s, q, within)


def _boosted(acc, boost):
    if boost != 1.0:
        for d in acc:
            acc[d] *= boost
    return acc


def _added(a: dict, b: dict) -> dict:
    """The sum of two score dicts (either may be changed and returned): the smaller is walked.
    Float addition commutes, so which side is walked does not change a sum."""
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return a
    get = a.get
    for d, v in b.items():
        x = get(d)
        a[d] = v if x is None else x + v
    return a


def _enumerated(s, q, within) -> dict[int, float]:
    """The slow, general way: step ``q``'s own Whoosh matcher through every match."""
    m = q.matcher(s, s.context())
    out = {}
    while m.is_active():
        d = m.id()
        if within is None or d in within:
            out[d] = m.score()
        m.next()
    return out


def _term_scores(s, q, within) -> dict[int, float]:
    reader = s.reader()
    if q.fieldname not in s.schema:
        return {}
    try:
        btext = s.schema[q.fieldname].to_bytes(q.text)
    except ValueError:
        return {}
    key = (q.fieldname, btext)
    if key not in reader:
        return {}
    kept = _TERM_SCORES.get(s)
    every = kept.get(key) if kept is not None else None
    if every is None:
        df = reader.doc_frequency(q.fieldname, btext)
        if df >= KEEP_SCORES_FROM and within is not None and len(within) * SEEK_UNDER < df:
            # A common term asked for a few documents (MaxScore's candidates): their scores are
            # kept, so a later search asking for them again looks them up (see _some_scores).
            got = _some_scores(s, q, btext, key, within, df)
            if got is not None:
                return _boosted(got, q.boost)
        elif df >= KEEP_SCORES_FROM:  # most of its postings wanted: every one scored and kept
            every = _scored_postings(s, q, btext, None)
            if every is not None and keep(_TERM_SCORES.setdefault(s, {}), key, every, KEEP_SCORES_UP_TO):
                _TERM_BEST.pop(s, None)
    if every is not None:  # a fresh dict: callers add into it
        if within is None:
            got = dict(every)
        elif len(within) < len(every):
            got = {d: every[d] for d in within if d in every}
        else:
            got = {d: v for d, v in every.items() if d in within}
    else:
        got = _scored_postings(s, q, btext, within)
        if got is None:  # a scorer other than BM25F's or a plain weight's: Whoosh's own matcher
            return _enumerated(s, q, within)
    b = q.boost
    if b != 1.0:
        for d in got:
            got[d] *= b
    return got


def keep(kept: dict, key, value, up_to: int) -> bool:
    """``kept[key] = value``, ``kept`` first emptied when its values would hold more than ``up_to``
    items between them: a per-searcher cache bounded for a long-lived process. True when emptied."""
    emptied = sum(map(len, kept.values())) + len(value) > up_to
    if emptied:
        kept.clear()
    kept[key] = value
    return emptied


# Leaf searcher → {(field, term bytes): {docnum: score}}: a common term's postings scored once for
# as long as the searcher lives (a generation never changes; kb.store), not on every search of it.
_TERM_SCORES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
KEEP_SCORES_FROM = 1000  # postings
KEEP_SCORES_UP_TO = 600_000  # scores kept by one searcher (~60 MB)
# Leaf searcher → {(field, term bytes): {docnum: unboosted score, or None where the term is not}}:
# the documents a common term has been asked for so far, when it was asked for a few (see _some_scores).
_SOME_SCORES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _some_scores(s, q, btext, key, within, df) -> dict[int, float] | None:
    """docnum → unboosted score of ``q``'s common term in the documents of ``within`` that hold it,
    each document scored the first time it is asked for and looked up after (None: a scorer this
    module does not score). Once the documents asked for add up to 1/SEEK_UNDER of its postings,
    every posting is scored and kept in _TERM_SCORES instead.

    Before, a term asked for a few documents was scored again each time, and on its third ask every
    posting was scored: a long-lived process's second and third searches of a common word (×1000:
    34 000 postings a term, six terms) cost four times its later ones."""
    memo = _SOME_SCORES.get(s, {}).get(key)
    missing = [d for d in within if d not in memo] if memo is not None else list(within)
    if missing:
        got = _scored_postings(s, q, btext, set(missing))
        if got is None:
            return None
        if memo is None:
            memo = {}
            keep(_SOME_SCORES.setdefault(s, {}), key, memo, KEEP_SCORES_UP_TO)
        memo.update(dict.fromkeys(missing))
        memo.update(got)
        if len(memo) * SEEK_UNDER >= df:
            _SOME_SCORES[s].pop(key, None)
            every = _scored_postings(s, q, btext, None)
            if keep(_TERM_SCORES.setdefault(s, {}), key, every, KEEP_SCORES_UP_TO):
                _TERM_BEST.pop(s, None)
    get = memo.get
    return {d: v for d in within if (v := get(d)) is not None}


def _scored_postings(s, q, btext, within):
    """docnum → unboosted score of every posting of ``q``'s term (of ``within``), or None."""
    from whoosh.scoring import BM25FScorer, WeightScorer

    reader = s.reader()
    scorer = s.weighting.scorer(s, q.fieldname, btext)  # as Searcher.postings makes it
    if type(scorer) not in (BM25FScorer, WeightScorer):
        return None
    df = reader.doc_frequency(q.fieldname, btext)
    m = None
    if within is not None and len(within) * SEEK_FEW < df and not _is_kept(reader, q.fieldname, btext):
        m = reader.postings(q.fieldname, btext)
    if isinstance(m, KbLeafMatcher):
        ids, weights = _seek(m, sorted(within))  # a few documents of a long list: only their blocks are read
    else:
        ids, weights = term_postings(reader, q.fieldname, btext)
        if within is not None:
            ids, weights = _picked(ids, weights, within)
    if type(scorer) is BM25FScorer:
        lengths = _field_lengths(reader, q.fieldname)
        if lengths is None:
            dfl = scorer.dfl
            lengths_of = [dfl(d) for d in ids]
        else:
            lengths_of = [lengths[d] for d in ids]
        # bm25() of whoosh.scoring written out, operation for operation: the same floats.
        idf, avgfl, B, K1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
        k1p, omb = K1 + 1, 1 - B
        return dict(zip(ids, [idf * ((tf * k1p) / (tf + K1 * (omb + B * fl / avgfl))) for tf, fl in zip(weights, lengths_of)]))
    return dict(zip(ids, weights))


# Segment reader → {(field, term bytes): (docnums, weights)}: a common term's postings decoded once
# for as long as the reader lives, shared by the set operations (kb.index.docset) and the scoring
# here, which read the same lists in the same search. Arrays: 8 bytes a posting.
_DECODED: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
KEEP_DECODED_FROM = 1000  # postings
KEEP_DECODED_UP_TO = 4_000_000  # postings kept by one reader (32 MB)


def _is_kept(reader, fieldname, btext) -> bool:
    kept = _DECODED.get(reader)
    return kept is not None and (fieldname, btext) in kept


def term_postings(reader, fieldname: str, btext: bytes):
    """(docnums, weights) of every posting of a term in one segment's ``reader``, read a block at a time."""
    kept = _DECODED.get(reader)
    key = (fieldname, btext)
    if kept is not None:
        got = kept.get(key)
        if got is not None:
            return got
    from array import array

    ids, weights = _postings(reader.postings(fieldname, btext))
    if len(ids) >= KEEP_DECODED_FROM:
        ids, weights = array("I", ids), array("f", weights)
        if kept is None:
            kept = _DECODED.setdefault(reader, {})
        if sum(len(i) for i, _ in kept.values()) + len(ids) > KEEP_DECODED_UP_TO:
            kept.clear()
        kept[key] = (ids, weights)
    return ids, weights


SEEK_UNDER = 16  # documents asked for: fewer than 1/16 of a term's postings are scored alone, not all of them
SEEK_FEW = 128  # and fewer than 1/128 are looked up block by block (skip_to), its postings not decoded whole


PICK_UNDER = 16  # documents asked for: fewer than 1/16 of a term's decoded postings are found by bisection


def _picked(ids, weights, within) -> tuple[list, list]:
    """The postings of the documents ``within`` among a term's decoded ``ids`` (ascending), in
    that order. A few documents are found by bisection: testing each of a common word's 34 000
    postings for the 500 asked for was a fifth of its search at ×1000 (again on every search)."""
    if len(within) * PICK_UNDER >= len(ids):
        keep = list(map(within.__contains__, ids))  # in C, as the two below
        return list(compress(ids, keep)), list(compress(weights, keep))
    out_ids, out_weights = [], []
    end, at = len(ids), 0
    for d in sorted(within):
        at = bisect_left(ids, d, at)
        if at == end:
            break
        if ids[at] == d:
            out_ids.append(d)
            out_weights.append(weights[at])
    return out_ids, out_weights


def _seek(m, wanted) -> tuple[list, list]:
    ids, weights = [], []
    for d in wanted:
        if not m.is_active():
            break
        m.skip_to(d)
        if m.is_active() and m.id() == d:
            ids.append(d)
            weights.append(m.weight())
    return ids, weights


def _postings(m) -> tuple[list, list]:
    """Every (docnum, weight) of a term's matcher, read a block at a time."""
    if isinstance(m, w3.W3LeafMatcher):
        ids: list = []
        weights: list = []
        while m.is_active():
            if m._ids is None:
                m._read_ids()
            ids.extend(m._ids)
            w = m._data[1]  # as W3LeafMatcher._read_weights reads it, without its generator of 1.0s
            weights.extend(repeat(1.0 if w is None else w, m._blocklength) if w is None or isinstance(w, float) else w)
            m._next_block()
        return ids, weights
    ids = list(m._ids)
    if m._all_weights:
        weights = [m._all_weights] * len(ids)
    elif m._weights:
        weights = list(m._weights)
    else:
        weights = [1.0] * len(ids)
    return ids, weights


def _field_lengths(reader, fieldname):
    """The per-document length list KbPerDocReader keeps for ``fieldname``, or None."""
    perdoc = getattr(reader, "_perdoc", None)
    if not isinstance(perdoc, KbPerDocReader):
        return None
    perdoc.doc_field_length(0, fieldname)
    return perdoc.__dict__.get("_kb_lengths", {}).get(fieldname)
