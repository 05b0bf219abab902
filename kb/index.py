"""The Whoosh full-text index: the only module that imports Whoosh.

Whoosh is pinned to 2.7.4 (setup.cfg): frozen, dependency-free, and the on-disk format that
whoosh-reloaded and whoosh3 also read; whoosh-ng writes indexes 2.7.x cannot open. Keeping every
Whoosh call here makes a change of fork a one-line dependency change plus this file.

One Whoosh document per section (parts, chapters, items and sub-items alike), with fields:

  heading   the section's own title, jieba words            (boost 3: a broad query lands on a chapter)
  term      the whole heading as one token (boost 4): 服务外包 lands on the entry that defines it
  context   document title, 发文字号, ancestors' and children's titles (boost 0.6)
  body      the section's own paragraphs, jieba words with counts but no positions: a quoted
            phrase is checked against the section text instead (Substring), which is exact and
            keeps the index at 1.24× the text on the 100× bench corpus (positions made it 4.4×)
  body_bi   the body's character bigrams, presence only (no positions, no counts): the sections
            that hold every bigram of a substring ("务外包产"), which is then checked against the
            section text itself (kb.search_session) and scored here
  filters   doc_id, doc_type, year; date for sorting; the rest stored for the hit

What kb changes in Whoosh 2.7.4 (Or's matcher choice, skip_to, document lengths, inlined
postings) is in kb.whoosh_compat: a codec subclass used only by kb's indexes, plus one class
attribute that ``whoosh_compat.apply()`` sets when an index is opened or built here.

The index is built into the new generation's directory (``gen.path / "whoosh"``) and never
modified in place: Whoosh's multi-file commit is not crash-safe, the generation swap is. When
documents change, the previous generation's segments are hard-linked into the new directory and
only what changed is indexed there (``build_index``); ``whoosh-state.json`` beside it records
what each document was indexed from, so the next build knows what changed.
Beside it, ``search-vocab.json`` holds every indexed word with jieba's frequency, so queries are
cut by kb.query_cut without loading jieba, and the glossary's alias → term expansions.
"""
from __future__ import annotations

import json
import math
import re
import weakref
from pathlib import Path

from . import whoosh_import  # noqa: F401  (first: Whoosh without urllib, see there)
from whoosh import analysis, fields, formats, query as wq
from whoosh import index as windex
from whoosh.filedb.filestore import FileStorage
from whoosh.matching import FilterMatcher, ListMatcher, NullMatcher

from . import whoosh_compat
from .text import bigrams, match_form
from .whoosh_compat import KbCodec

INLINE_LIMIT = 8  # terms in under 8 sections keep their postings in the term entry (KbTermInfo)

WHOOSH_DIR = "whoosh"
VOCAB_FILE = "search-vocab.json"
WORD_FIELDS = {"title": ("heading", "context"), "body": ("body",), "all": ("heading", "context", "body"),
               "own": ("heading", "body")}  # "own": the section itself, not its document's or parents' titles
BIGRAM_FIELDS = {"title": (), "body": ("body_bi",), "all": ("body_bi",), "own": ("body_bi",)}
PHRASE_FIELDS = ("heading",)  # the body's phrases are checked against its text (Substring)
BIGRAM_WEIGHT = 0.4  # an exact substring is evidence, but words should rank, not bigram counts
_SPACE = re.compile(r"\s+")
# Words typed together must all match, except the question words a user wraps a term in
# ("离岸服务外包是什么"): the text never says them, so requiring them would find nothing.
# Whoosh builds nested matchers recursively: ~1000 AND-ed words or ~500 nested brackets
# overflow Python's stack. Caps far above any real query keep that a named error.
MAX_WORDS = 200
MAX_NESTING = 50
QUESTION_WORDS = frozenset("是 的 了 吗 呢 么 什么 是什么 什么是 啥 如何 怎么 怎样 哪些 有哪些 哪个 定义 含义 意思 解释 概念".split())


class JiebaTokenizer(analysis.Tokenizer):
    """Index-time words from kb.segment (consecutive positions, sub-words stacked).

    A value cut already (``Cut``: a document's titles, cut once for all its sections) is not cut
    again. The tokenizer is pickled in the index's TOC as its user words alone."""

    def __init__(self, user_words=()):
        self.user_words = tuple(user_words)

    def __eq__(self, other):
        return type(other) is type(self) and other.user_words == self.user_words

    def __getstate__(self):
        return {"user_words": self.user_words}  # not the cutter: the TOC keeps what it always kept

    def cutter(self):
        """kb.segment's Cutter for these user words, looked up once (the lookup sorts them all)."""
        c = self.__dict__.get("_cutter")
        if c is None:
            from . import segment

            c = self._cutter = segment.cutter(self.user_words)
        return c

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        cut = getattr(value, "kb_tokens", None)
        t = analysis.Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for word, pos, s, e in (cut if cut is not None else self.cutter().tokens(value)):
            t.text = word
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = word
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar, t.endchar = start_char + s, start_char + e
            yield t


class BigramTokenizer(analysis.Tokenizer):
    """Overlapping character pairs, lower-cased, whitespace removed, consecutive positions."""

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        t = analysis.Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for i, gram in enumerate(bigrams(value)):
            t.text = gram
            t.boost = 1.0
            t.stopped = False
            if positions:
                t.pos = start_pos + i
            yield t


def schema(user_words=()) -> fields.Schema:
    words = JiebaTokenizer(user_words)
    grams = BigramTokenizer()
    return fields.Schema(
        section_id=fields.ID(stored=True, unique=True),
        doc_id=fields.ID(stored=True, sortable=True),  # a column: counting matches per document reads no stored fields
        doc_type=fields.ID(stored=True),
        year=fields.NUMERIC(int, bits=16, signed=False),
        date=fields.ID(stored=True, sortable=True),
        order=fields.NUMERIC(int, sortable=True),  # document order, for stable ties
        heading=fields.TEXT(analyzer=words, phrase=True, field_boost=3.0),
        term=fields.ID(field_boost=4.0),  # the whole heading: a query that IS a heading (a defined term) lands on it
        context=fields.TEXT(analyzer=words, phrase=False, field_boost=0.6),
        body=fields.TEXT(analyzer=words, phrase=False),  # counts only: see PHRASE_FIELDS
        # Positions here were 2/3 of the index and a phrase over them the slowest query (0.25 s at
        # 100×): presence is enough to find candidates, the text says whether the substring is there.
        body_bi=fields.FieldType(formats.Existence(), analyzer=grams, scorable=False),
        doc_title=fields.STORED(),
        doc_number=fields.STORED(),
        title=fields.STORED(),
        heading_path=fields.STORED(),
        pages=fields.STORED(),
    )  # the section text is not stored: the generation's docs/*.json already hold it


# -- building ---------------------------------------------------------------------------------

STATE_FILE = "whoosh-state.json"  # what the index holds, for the next build to update it in place of rebuilding
# Bumped when what a section is indexed as changes (fields, analysis, codec): an index built by
# other rules is rebuilt in full instead of updated.
INDEX_FORMAT = 1
MAX_SEGMENTS = 8  # more than this and every query term pays a matcher per segment
MAX_CHANGED_WORDS = 2000  # past this many glossary words added or removed, rebuilding is as cheap


def build_index(gen, docs, report=None, reuse: bool = True) -> Path:
    """Index every section of ``docs`` into ``gen.path / "whoosh"`` and save the query vocabulary.

    With ``reuse`` and a previous generation whose index is intact and built by the same rules,
    only what changed is indexed: its segments are hard-linked into the new generation (Whoosh
    never rewrites a segment file), the documents that changed or went away are deleted by
    doc_id, the new ones added, and the segments that now hold deletions are rewritten without
    them, so the index answers exactly as one built from scratch (Whoosh's statistics count
    deleted documents). The previous generation is never written to: the swap stays atomic.
    """
    from . import segment
    from .store import Documents

    whoosh_compat.apply()
    docs = Documents.of(docs)
    expand = load_expansions(Path(gen.path), docs)
    user_words = sorted({w for pair in expand.items() for w in pair if _is_word(w)})
    out = Path(gen.path) / WHOOSH_DIR
    tk = segment.tokenizer(tuple(user_words))
    digests = doc_digests(gen)
    plan = _plan_update(gen, docs, user_words, digests, _tokenizer_signature(tk)) if reuse else None
    if plan is None:
        written = _full_build(out, docs, user_words)
    else:
        written = _update(out, gen, docs, user_words, plan)
    counts, next_order = written
    sections = sum(c[0] for c in counts.values())
    chars = sum(c[1] for c in counts.values())
    ix = whoosh_compat.KbFileIndex(FileStorage(str(out), readonly=True))
    with ix.reader() as reader:
        words = {w.decode("utf-8") if isinstance(w, bytes) else w
                 for f in ("heading", "context", "body") for w in reader.lexicon(f)}
    vocab = {"total": segment.total(tk), "freqs": segment.frequencies(tk, sorted(words)), "expand": expand,
             "avg_len": chars / max(1, sections)}  # Substring's BM25 needs it, and measuring it would read every document
    from . import lexicon

    # jieba's dictionary and the domain words, not this build's glossary words: the table is the
    # same for every corpus, so it is linked or copied, not written again (kb.lexicon)
    lexicon.build(Path(gen.path), segment.tokenizer(), getattr(gen, "previous", None) if reuse else None)
    (Path(gen.path) / VOCAB_FILE).write_text(json.dumps(vocab, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    if digests is not None:
        state = {"format": INDEX_FORMAT, "tokenizer": _tokenizer_signature(tk), "user_words": user_words,
                 "docs": digests, "next_order": next_order, "counts": counts}
        (Path(gen.path) / STATE_FILE).write_text(json.dumps(state, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    if report is not None and hasattr(report, "index_build"):
        report.index_build = "full" if plan is None else "updated"
    return out


def new_writer(ix):
    # procs>1 loses jieba user words in spawned workers
    return whoosh_compat.kb_writer(ix.writer(procs=1, limitmb=128, compound=False, codec=KbCodec(inlinelimit=INLINE_LIMIT)))


class Cut(str):
    """A field value with its words already worked out (``kb_tokens``: JiebaTokenizer's tuples)."""

    kb_tokens: list


class _TitleCuts:
    """A document's titles, each cut once: its title is in every section's context, a section's
    title in its own heading and in its parent's and children's contexts. Cutting the titles
    apart gives the words of cutting them joined by spaces (jieba never joins across a space),
    with positions and offsets shifted as the joined text has them."""

    def __init__(self, cutter):
        self.cutter = cutter
        self.cuts: dict[str, list] = {}

    def _cut(self, title: str) -> list:
        got = self.cuts.get(title)
        if got is None:
            got = self.cuts[title] = list(self.cutter.tokens(title))
        return got

    def heading(self, title: str) -> Cut:
        out = Cut(title)
        out.kb_tokens = self._cut(title)
        return out

    def joined(self, parts) -> Cut:
        tokens, pos, at = [], 0, 0
        for part in parts:
            got = self._cut(part)
            if got:
                tokens += [(w, p + pos, s + at, e + at) for w, p, s, e in got] if pos or at else got
                pos += got[-1][1] + 1
            at += len(part) + 1
        out = Cut(" ".join(parts))
        out.kb_tokens = tokens
        return out


def _add_docs(writer, docs, order: int) -> tuple[dict[str, list], int]:
    """Add every section of ``docs``; ({doc_id: [sections, characters of text, {field: length}]},
    next order number). The lengths are what BM25 averages over (see _merge_policy)."""
    counts = {}
    totals = whoosh_compat.field_lengths(writer)
    cutter = writer.schema["context"].analyzer.cutter()
    for doc in docs:
        n = chars = 0
        before = dict(totals)
        year = int(doc.date[:4]) if doc.date and doc.date[:4].isdigit() else 0
        titles = _TitleCuts(cutter)
        for sec, path in doc.walk_paths():  # one walk, not a search from the top per section
            path = list(path)
            writer.add_document(
                section_id=sec.id, doc_id=doc.id, doc_type=doc.doc_type or "", year=year,
                date=doc.date or "", order=order,
                heading=titles.heading(sec.title), term=sec.heading.strip().lower(),
                context=titles.joined(_context_parts(doc, sec, path)),
                body=sec.text, body_bi=sec.text,
                doc_title=doc.title, doc_number=doc.doc_number, title=sec.title,
                heading_path=path, pages=list(sec.pages),
            )
            n += 1
            order += 1
            chars += len(_SPACE.sub("", sec.text))
        counts[doc.id] = [n, chars, {f: v - before.get(f, 0) for f, v in totals.items() if v != before.get(f, 0)}]
    return counts, order


def _context_parts(doc, sec, path) -> list[str]:
    return [doc.title, doc.doc_number or "", *path[:-1], *(c.title for c in sec.children)]


def _context(doc, sec, path) -> str:
    return " ".join(_context_parts(doc, sec, path))


PARALLEL_SECTIONS = 5000  # below this a full build writes one segment in one process


def _full_build(out: Path, docs, user_words):
    """A fresh index. A large one is written on every core: each process writes one segment of
    consecutive documents, and the segments are listed in one commit, not merged (a merge would
    write every posting again). Scores are those of one segment: Whoosh sums each segment's
    statistics (document frequencies, field lengths)."""
    out.mkdir(parents=True, exist_ok=True)
    ix = windex.create_in(str(out), schema(user_words))
    parts = _parts(docs)
    writer = new_writer(ix)
    if len(parts) == 1:
        written = _add_docs(writer, docs, 0)
        writer.commit()
        return written
    return _parallel_build(ix, writer, docs, parts, user_words)


def _parts(docs) -> list[tuple[list[str], int]]:
    """(doc ids, order number of the first section) of each process's share, balanced by sections."""
    import os

    procs = min(os.cpu_count() or 1, 2) if hasattr(os, "fork") else 1
    sizes = []
    for doc_id in docs.ids:
        entry = docs.manifest.get(doc_id) or {}
        n = entry.get("sections")
        if n is None:  # documents given in memory, or an entry from before the counts were kept
            n = sum(1 for _ in docs.get(doc_id).walk())
        sizes.append(n)
    total = sum(sizes)
    if procs < 2 or total < PARALLEL_SECTIONS:
        return [(docs.ids, 0)]
    parts, ids, at, first = [], [], 0, 0
    for doc_id, n in zip(docs.ids, sizes):
        ids.append(doc_id)
        at += n
        if len(parts) < procs - 1 and at >= total * (len(parts) + 1) / procs:
            parts.append((ids, first))
            ids, first = [], at
    if ids:
        parts.append((ids, first))
    return parts


def _parallel_build(ix, writer, docs, parts, user_words):
    """The last share is written here, each other one by a forked child (which inherits the
    documents already in memory and jieba's dictionary): it writes its segment's files and
    hands back the segment and its counts, and this process commits them all, in order."""
    import os
    import pickle
    import tempfile

    from whoosh.writing import SegmentWriter

    from . import segment

    segment.tokenizer(tuple(user_words))  # loaded once, inherited by the children
    children = []
    try:
        return _parallel_share(ix, writer, docs, parts, children, SegmentWriter)
    finally:
        for pid, _, _, result in children:  # reaped and removed even when this process failed
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
            if os.path.exists(result):
                os.unlink(result)


def _parallel_share(ix, writer, docs, parts, children, SegmentWriter):
    import os
    import pickle
    import tempfile

    for ids, first in parts[:-1]:
        fd, result = tempfile.mkstemp(prefix=".segment-", dir=ix.storage.folder)
        os.close(fd)
        pid = os.fork()
        if pid == 0:  # the child: never returns (os._exit skips the parent's atexit and buffers)
            code = 1
            try:
                sub = whoosh_compat.kb_writer(SegmentWriter(ix, _lk=False, limitmb=128, compound=False,
                                                            codec=KbCodec(inlinelimit=INLINE_LIMIT)))
                written = _add_docs(sub, (docs.get(d) for d in ids), first)
                seg = sub._finalize_segment()  # not _finish: it would remove the temp folder the parent writes in
                with open(result, "wb") as fh:
                    pickle.dump((seg, written), fh)
                code = 0
            finally:
                os._exit(code)
        children.append((pid, ids, first, result))
    ids, first = parts[-1]
    counts, next_order = _add_docs(writer, (docs.get(d) for d in ids), first)
    segments = []
    for pid, ids, first, result in children:
        _, status = os.waitpid(pid, 0)
        got = None
        if status == 0:
            with open(result, "rb") as fh:
                got = pickle.load(fh)  # our own child's file, in our own generation
        os.unlink(result)
        if got is None:  # the child failed: its share is written here, after the others
            part, _ = _add_docs(writer, (docs.get(d) for d in ids), first)
        else:
            seg, (part, _) = got
            segments.append(seg)
        counts.update(part)
    writer.commit(mergetype=lambda w, existing: existing + segments)
    return {d: counts[d] for d in docs.ids}, next_order


def doc_digests(gen) -> dict[str, str] | None:
    """doc_id → SHA-256 of its stored JSON (kb.store's checksums), or None when one is unknown."""
    manifest = getattr(gen, "manifest", None)
    sums = getattr(gen, "checksums", None)
    if not manifest or sums is None:
        return None
    out = {d: sums.get(f"docs/{e.get('file')}") for d, e in manifest.items()}
    return out if all(out.values()) else None


def _tokenizer_signature(tk) -> str:
    """jieba's dictionary and kb's domain words: segments cut with others are not reused."""
    import hashlib

    from . import lexicon, segment

    words = "\n".join(segment.domain_words())
    return hashlib.sha1(f"{words}|{segment.USER_FREQ}|{lexicon._signature(tk)}".encode()).hexdigest()[:16]


def _plan_update(gen, docs, user_words, digests, tokenizer: str):
    """What to delete and add to the previous generation's index, or None to build afresh."""
    from .store import intact, read_checksums, read_stats

    prev = getattr(gen, "previous", None)
    if prev is None or digests is None:
        return None
    prev = Path(prev)
    try:
        state = json.loads((prev / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # an index from before incremental builds, or damaged: build once
    sums = getattr(gen, "previous_checksums", None) or read_checksums(prev) or {}
    stats = getattr(gen, "previous_stats", None) or read_stats(prev, sums)
    if (not isinstance(state, dict) or state.get("format") != INDEX_FORMAT or state.get("tokenizer") != tokenizer
            or not isinstance(state.get("docs"), dict)
            or not isinstance(state.get("counts"), dict) or set(state["counts"]) != set(state["docs"])
            or not all(isinstance(c, list) and len(c) == 3 for c in state["counts"].values())
            or not intact(prev, STATE_FILE, sums, stats)):
        return None
    files = carried_files(prev, WHOOSH_DIR, sums, stats)
    if files is None:
        return None  # damaged or edited: never carry it forward
    old = state["docs"]
    # A glossary word added or removed changes the cut of the text that contains it, and only
    # that text (kb.segment keeps jieba's total fixed): those documents are indexed again too.
    changed_words = set(user_words) ^ set(state.get("user_words") or ())
    if len(changed_words) > MAX_CHANGED_WORDS:
        return None
    drop = {d for d, h in old.items() if digests.get(d) != h}
    add = {d for d, h in digests.items() if old.get(d) != h}
    if changed_words:
        for doc_id in _may_hold(gen, docs, changed_words, skip=add):
            if _holds_any(docs.get(doc_id), changed_words):
                drop.add(doc_id)
                add.add(doc_id)
    return {"previous": prev, "files": files, "sums": sums, "drop": drop, "add": add, "state": state}


def carried_files(prev: Path, subdir: str, sums: dict, stats: dict | None) -> list[Path] | None:
    """The files of the previous generation's Whoosh directory ``subdir`` when every one is
    listed in its checksums and intact; None otherwise (build afresh)."""
    from .store import intact

    files = sorted((prev / subdir).glob("*")) if (prev / subdir).is_dir() else []
    rels = [f"{subdir}/{p.name}" for p in files]
    listed = {k for k in sums if k.startswith(subdir + "/")}
    if not files or set(rels) != listed or not all(intact(prev, r, sums, stats) for r in rels):
        return None
    return files


def _may_hold(gen, docs, words, skip=()) -> list[str]:
    """Documents (not in ``skip``) whose sections or titles may hold one of ``words``: those the
    generation's section store names (a superset), or every document where there is none."""
    ids = [d for d in docs.ids if d not in skip]
    store = gen.sync_docstore() if hasattr(gen, "sync_docstore") and ids else None
    if store is None or any('"' in w or "\\" in w or not w.isprintable() for w in words):  # titles are read as JSON text
        return ids
    found = store.docs_holding(words)
    return [d for d in ids if d in found]


def _holds_any(doc, words) -> bool:
    for sec, path in doc.walk_paths():
        text = "\n".join((sec.title, _context(doc, sec, list(path)), sec.text))
        if any(w in text for w in words):
            return True
    return False


def carry_segments(files, out: Path, gen, sums: dict, subdir: str) -> None:
    """Hard-link a previous generation's Whoosh ``files`` into ``out`` (Whoosh never rewrites a
    segment file), their checksums carried so kb.store's seal need not read them again."""
    import os
    import shutil

    out.mkdir(parents=True, exist_ok=True)
    for src in files:
        if src.name.endswith("WRITELOCK"):
            continue  # Whoosh opens its lock file for writing: the new generation gets its own
        dst = out / src.name
        try:
            os.link(src, dst)
        except OSError:  # a file system without hard links
            shutil.copy2(src, dst)
        rel = f"{subdir}/{src.name}"
        if getattr(gen, "checksums", None) is not None and rel in sums:
            gen.checksums[rel] = sums[rel]


def update_writer(out: Path, schema_, drop, key_field: str = "doc_id"):
    """A writer over the carried segments in ``out`` with the documents of ``drop`` deleted.
    The schema is given, not read: its tokenizer carries this build's glossary words."""
    ix = whoosh_compat.KbFileIndex(FileStorage(str(out)), schema=schema_)
    writer = new_writer(ix)
    for doc_id in sorted(drop):
        writer.delete_by_term(key_field, doc_id)
    return writer


def commit_update(writer, counts: dict) -> None:
    """Commit, rewriting the segments with deletions so the statistics are a rebuild's (_merge_policy)."""
    writer.commit(mergetype=lambda w, segments: _merge_policy(w, segments, counts))


def _update(out: Path, gen, docs, user_words, plan):
    carry_segments(plan["files"], out, gen, plan["sums"], WHOOSH_DIR)
    writer = update_writer(out, schema(user_words), plan["drop"])
    state = plan["state"]
    added, next_order = _add_docs(writer, (docs.get(d) for d in docs.ids if d in plan["add"]), int(state.get("next_order", 0)))
    commit_update(writer, state["counts"])
    counts = {d: added[d] if d in added else state["counts"][d] for d in docs.ids}
    return counts, next_order


def _merge_policy(writer, segments, counts):
    """Rewrite the segments that hold deletions, and keep the count of segments logarithmic.

    A segment with deleted documents still counts them in its statistics (document frequencies,
    field lengths), so scores would differ from a fresh build: it is rewritten without them.
    Otherwise a segment is merged into the new one while it is no bigger than what the new one
    already holds (a binary counter: each document is copied O(log n) times over its life).

    Whoosh's merge adds up each document's length as stored, in one byte (approximate), where a
    fresh build adds the exact lengths: BM25's average length, and every score, would drift. The
    merged total is set to the exact one: the segment's own, less its deleted documents' (``counts``,
    kept per document in the index state).
    """
    from whoosh.reading import SegmentReader

    keep = [s for s in segments if not s.has_deletions()]
    merge = [s for s in segments if s.has_deletions()]
    size = writer.docnum + sum(s.doc_count() for s in merge)
    keep.sort(key=lambda s: s.doc_count_all())
    while keep and (len(keep) >= MAX_SEGMENTS or keep[0].doc_count_all() <= size):
        s = keep.pop(0)
        merge.append(s)
        size += s.doc_count_all()
    totals = whoosh_compat.field_lengths(writer)
    for s in merge:
        reader = SegmentReader(writer.storage, writer.schema, s)
        exact = whoosh_compat.segment_field_lengths(s)
        if s.has_deletions():
            col = reader.column_reader("doc_id")
            gone = {col[d] for d in s.deleted_docs()}
            for doc_id in gone:
                doc_id = doc_id.decode("utf-8") if isinstance(doc_id, bytes) else doc_id
                for f, v in counts[doc_id][2].items():
                    exact[f] = exact.get(f, 0) - v
        before = dict(totals)
        writer.add_reader(reader)
        reader.close()
        for f in set(exact) | set(totals):
            totals[f] = before.get(f, 0) + exact.get(f, 0)
    order = {id(s): i for i, s in enumerate(segments)}
    return sorted(keep, key=lambda s: order[id(s)])


def _is_word(w: str) -> bool:
    return bool(w) and not w.isspace() and len(w) <= 30


def load_expansions(gen_path: Path, docs) -> dict[str, str]:
    """alias (lower-cased) or term → canonical term, from the glossary's terms.json.

    ``build_derived`` writes terms.json before the search index, so it is always there.
    """
    from .glossary import load_terms, vocabulary

    return {k.lower(): v for k, v in vocabulary(load_terms(gen_path)).items()}


# -- querying ---------------------------------------------------------------------------------

def open_index(gen_path: Path):
    """(Whoosh index, vocabulary) of a generation, or None when it has no search index."""
    d = Path(gen_path) / WHOOSH_DIR
    v = Path(gen_path) / VOCAB_FILE
    from . import safe_pickle  # the TOC's pickles may name only schema classes: a crafted index runs no code

    if not v.exists() or not safe_pickle.exists_in(d):
        return None
    from .store import read_json

    whoosh_compat.apply()
    return safe_pickle.open_dir(d, whoosh_compat.KbFileIndex), read_json(v, kind="index")


class QuerySyntaxError(ValueError):
    pass


class Quoted(wq.Phrase):
    """A "quoted" query part. Whoosh normalises a one-word Phrase to a Term, which would lose the
    quotes: with IDTokenizer every quoted Chinese phrase is one word, and quotes mean exact text."""

    def normalize(self):
        return self


_FOUND: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # searcher → {(field, text): found}


class Substring(wq.Query):
    """Sections whose text contains ``text`` (whitespace ignored, case-insensitive).

    Candidates hold every bigram of ``text`` (body_bi); each is confirmed against its section
    text, ``texts(searcher)`` → (normalized texts by document number, mean length), which the
    caller keeps loaded. Scored as Whoosh scores a phrase — the sum of its words' scores in
    ``words_field`` — when ``words`` cover the text, else by BM25 on the occurrences.
    """

    K1, B = 1.2, 0.75

    def __init__(self, fieldname: str, text: str, texts, boost: float = 1.0, words=(), words_field="body"):
        self.fieldname = fieldname
        self.text = match_form(text)
        self.texts = texts
        self.boost = boost
        self.words = tuple(words)
        self.words_field = words_field

    def __unicode__(self):
        return f'{self.fieldname}:~"{self.text}"'

    __str__ = __unicode__

    def __repr__(self):
        return f"Substring({self.fieldname!r}, {self.text!r}, boost={self.boost})"

    def __eq__(self, other):
        return (type(other) is type(self) and other.fieldname == self.fieldname
                and other.text == self.text and other.boost == self.boost and other.words == self.words)

    def __hash__(self):
        return hash((type(self).__name__, self.fieldname, self.text, self.boost, self.words))

    def _grams(self):
        return sorted(set(bigrams(self.text)))

    def terms(self, phrases=False):
        return [(self.fieldname, g) for g in self._grams()]

    def estimate_size(self, ixreader):
        return min((ixreader.doc_frequency(self.fieldname, g) for g in self._grams()), default=0)

    def _found(self, top):
        """(document number, occurrences) of every section holding the text, in the whole index."""
        memo = _FOUND.setdefault(top, {})  # each segment's matcher asks again
        if len(memo) > 256:  # a long-lived searcher: keep the memo small
            memo.clear()
        key = (self.fieldname, self.text, self.words)
        if key in memo:
            return memo[key]
        reader = top.reader()
        grams = sorted(self._grams(), key=lambda g: reader.doc_frequency(self.fieldname, g))
        found = []
        if grams and all((self.fieldname, g) in reader for g in grams):
            # Set intersection in C beats Whoosh's Python intersection matcher on long posting lists.
            if self.words:
                # Only sections holding the words are matched (the matcher filters the words' own
                # matches): they are the candidates, and the rarest bigram narrows them. The other
                # bigrams (服务, 外包 in nearly every section) would cost more to read than they save.
                ids = set(_docs(top, self._words_query(), {})) & _term_set(top, self.fieldname, grams[0])
            else:
                ids = set(_term_set(top, self.fieldname, grams[0]))
                for g in grams[1:]:
                    if not ids:
                        break
                    ids.intersection_update(_term_set(top, self.fieldname, g))
            texts, _ = self.texts(top)
            needle = self.text
            if hasattr(texts, "prefetch"):
                texts.prefetch(ids)  # the candidates' texts read in one go, not a query each
            found = [(d, n) for d in sorted(ids) if (n := texts[d].count(needle))]
        memo[key] = found
        return found

    def _local(self, searcher):
        """(whole index searcher, the segment's offset in it, (docnum, occurrences) found in ``searcher``'s
        segment, in its numbers, and how many the whole index holds)."""
        # Whoosh asks each segment's searcher for a matcher, in that segment's document numbers;
        # the texts and the statistics are the whole index's (as Whoosh's own scorers use).
        top = searcher.get_parent()
        offset = top._offset_for_subsearcher(searcher) if top is not searcher else 0
        everywhere = self._found(top)
        end = offset + searcher.reader().doc_count_all()
        return top, offset, [(d - offset, n) for d, n in everywhere if offset <= d < end], len(everywhere)

    def _words_query(self):
        return wq.And([wq.Term(self.words_field, w) for w in self.words], boost=self.boost)

    def _weights(self, top, found, n_found):
        texts, avg_len = self.texts(top)
        idf = math.log(top.doc_count_all() / (n_found + 1)) + 1  # Whoosh's own idf
        k1, b = self.K1, self.B
        return [self.boost * idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(texts[d]) / avg_len))
                for d, tf in found]

    def matcher(self, searcher, context=None):
        top, offset, found, n_found = self._local(searcher)
        if not found:
            return NullMatcher()
        if self.words:
            return FilterMatcher(self._words_query().matcher(searcher, context), {d for d, _ in found})
        weights = self._weights(top, [(d + offset, n) for d, n in found], n_found)
        return _ScoredList([d for d, _ in found], weights)

    def docs(self, searcher, cache=None) -> set[int]:
        """The documents it matches (what its matcher yields), by set operations (kb.index.docset)."""
        return {d for d, _ in self._found(searcher)}  # with words, only those holding them are found

    def kb_scores(self, searcher, within, scores):
        """whoosh_compat.top_docs's way: segment-local docnum → score, as the matcher scores."""
        top, offset, found, n_found = self._local(searcher)
        if within is not None:
            found = [(d, n) for d, n in found if d in within]
        if not found:
            return {}
        if self.words:
            return scores(searcher, self._words_query(), {d for d, _ in found})
        return dict(zip((d for d, _ in found), self._weights(top, [(d + offset, n) for d, n in found], n_found)))


class _ScoredList(ListMatcher):
    """Documents with their final scores. Each posting is its own "block" of known quality, so the
    top-N collector skips every one that cannot enter the top N (with 100 equal copies, nearly all)
    instead of scoring it, and the union matcher's max_quality() is not a max() over the list each time."""

    def __init__(self, ids, weights):
        super().__init__(ids, weights)
        self._max = max(weights)

    def supports_block_quality(self):
        return True

    def max_quality(self):
        return self._max

    def block_max_weight(self):
        return self._max

    def block_quality(self):
        # Whoosh's union matcher asks a side it has just skipped to its end for its quality (binary.py,
        # UnionMatcher.skip_to_quality): an exhausted list adds nothing, it must not raise.
        return self._weights[self._i] if self._i < len(self._weights) else 0.0

    def copy(self):
        m = _ScoredList(self._ids, self._weights)
        m._i = self._i
        return m


def _posting_ids(reader, fieldname: str, text: str):
    """Every document number of a term's postings, a block at a time (Whoosh's all_ids() steps one by one)."""
    if not reader.is_atomic():  # several segments: each one's, shifted to the whole index's numbers
        out = []
        for leaf, offset in reader.leaf_readers():
            if (fieldname, text) in leaf:
                out.extend(map(offset.__add__, _posting_ids(leaf, fieldname, text)) if offset else _posting_ids(leaf, fieldname, text))
        return out
    btext = reader._text_to_bytes(fieldname, text)
    if _in_every(reader, fieldname, btext):
        # In every section (context:服务外包 of a corpus of one subject): no postings to read.
        return range(reader.doc_count_all())
    return whoosh_compat.term_postings(reader, fieldname, btext)[0]


def parse(text: str):
    """Whoosh query syntax → a tree whose leaves are Term/Phrase/Prefix/Wildcard on field "q"."""
    _check_balance(text)
    from whoosh import qparser  # typed syntax only: a plain query's search does not import it

    q_schema = fields.Schema(q=fields.TEXT(analyzer=analysis.IDTokenizer(), phrase=True),
                             title=fields.TEXT(analyzer=analysis.IDTokenizer(), phrase=True),
                             body=fields.TEXT(analyzer=analysis.IDTokenizer(), phrase=True))
    # Plain words are OR-ed with a bonus per word matched (sections with all of them rank first,
    # but "离岸服务外包 定义" still finds the entry that never says 定义); AND is there to require.
    parser = qparser.QueryParser("q", q_schema, group=qparser.OrGroup.factory(0.9))
    parser.remove_plugin_class(qparser.RangePlugin)
    parser.remove_plugin_class(qparser.BoostPlugin)
    # Field names are ASCII words (title:, body:); an unknown one (foo:bar) stays a field so it is
    # refused by name below, instead of Whoosh quietly searching the text "foo:bar".
    parser.replace_plugin(qparser.FieldsPlugin(r"(?P<text>[A-Za-z_][A-Za-z0-9_]*|[*]):", remove_unknown=False))
    parser.phraseclass = Quoted
    try:
        tree = parser.parse(text)
    except IndexError:  # Whoosh 2.7.4 builds an empty NOT group when an operator follows NOT
        raise QuerySyntaxError("NOT must be followed by what to leave out, not by AND, OR or NOT") from None
    except AssertionError:  # ... and asserts two operands when ANDNOT or ANDMAYBE follows another of them
        raise QuerySyntaxError("ANDNOT and ANDMAYBE need a word on each side") from None
    bad = [q for q in tree.leaves() if getattr(q, "fieldname", None) not in (*q_schema.names(), None, "*")]
    if bad:
        f = bad[0].fieldname
        raise QuerySyntaxError(f"unknown field {f!r} in {f}:…: the fields are title: and body: "
                               f"(put it in quotes, \"{f}:…\", to search for the text)")
    # A lone * (or *:*) parses as "every document", and Whoosh folds "外包 *" and "x AND *" into it too.
    if any(isinstance(q, wq.Every) for q in tree.leaves()):
        raise QuerySyntaxError("a lone * matches everything: put it after the start of a word (服务*)")
    if tree is wq.NullQuery or not list(tree.leaves()):
        raise QuerySyntaxError("nothing to search for")
    if isinstance(tree, wq.Not):
        raise QuerySyntaxError("a query cannot be only NOT …: say what to find as well")
    return tree


def _check_balance(text: str) -> None:
    if text.count('"') % 2:
        raise QuerySyntaxError('unbalanced double quote (")')
    depth = 0
    for ch in text:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            raise QuerySyntaxError("a ')' has no matching '('")
        if depth > MAX_NESTING:
            raise QuerySyntaxError(f"brackets nested more than {MAX_NESTING} deep")
    if depth:
        raise QuerySyntaxError("a '(' is not closed")


def compile_query(tree, cutter, expand: dict[str, str], scope: str = "all", texts=None):
    """The parsed tree → a query on the real fields, and the strings to highlight.

    ``texts(searcher)`` gives the section texts a substring is checked against (see Substring).
    """
    marks: set[str] = set()
    count = 0

    def words_for(text: str, where: str):
        nonlocal count
        tokens = list(dict.fromkeys(w for w in cutter.cut(text) if w))  # a repeated word adds nothing to the AND
        wanted = [w for w in tokens if w not in QUESTION_WORDS] or tokens
        if not wanted:
            return None
        count += len(wanted)
        if count > MAX_WORDS:
            raise QuerySyntaxError(f"too long: more than {MAX_WORDS} words; search for a shorter passage")
        per_word = [wq.Or([wq.Term(f, w) for f in WORD_FIELDS[where]]) for w in wanted]
        marks.update(t for t in wanted if len(t) > 1 or len(wanted) == 1)
        return per_word[0] if len(per_word) == 1 else wq.And(per_word)

    def substring(text: str, where: str, words=()):
        grams = bigrams(text)
        if not grams or not BIGRAM_FIELDS[where]:
            return None
        marks.add(match_form(text))
        boost = 1.0 if words else BIGRAM_WEIGHT
        subs = [Substring(f, text, texts, boost=boost, words=words) for f in BIGRAM_FIELDS[where]]
        return subs[0] if len(subs) == 1 else wq.Or(subs)

    def term(text: str, where: str, phrase: bool):
        text = text.lower()
        cut = cutter.cut(text)
        # A single character left over ("务外包产" → 务/外包/产): the words do not cover the text.
        loose = not cut or any(len(w) == 1 and not w.isascii() for w in cut)
        if phrase and len(cut) == 1 and not loose:
            parts = [_word_phrase(cut, where)]  # one whole word: the word itself is the exact text
            marks.add(match_form(text))
        elif phrase:
            # Exact text: the heading's words in sequence, and the body's text itself (Substring),
            # which is exact and, unlike a phrase over word positions, cheap on a big index. Text
            # the words cover scores as a body phrase did; a loose one as a substring.
            marks.add(match_form(text))
            parts = [_word_phrase(cut, where), substring(text, where, () if loose else cut)]
        else:
            parts = [words_for(text, where), substring(text, where) if loose else None]
        if where in ("all", "title"):
            parts.append(wq.Term("term", _SPACE.sub(" ", text).strip()))
        parts = [p for p in parts if p is not None]
        if not parts:
            return wq.NullQuery
        q = parts[0] if len(parts) == 1 else wq.Or(parts)
        canonical = expand.get(_SPACE.sub(" ", text).strip())
        if canonical and canonical.lower() != text:
            alt = term(canonical, where, phrase)
            q = wq.Or([q, alt])
        return q

    def leaf_scope(fieldname: str) -> str:
        return scope if fieldname == "q" else fieldname

    def walk(q):
        if isinstance(q, wq.Phrase):
            return term(" ".join(q.words), leaf_scope(q.fieldname), True)
        if isinstance(q, wq.Term):
            return term(q.text, leaf_scope(q.fieldname), False)
        if isinstance(q, (wq.Prefix, wq.Wildcard)):
            cls = type(q)
            marks.add(q.text.rstrip("*?").lower())
            prefix = wq.Or([cls(f, q.text.lower()) for f in WORD_FIELDS[leaf_scope(q.fieldname)]])
            # 信息公开* : the stem is two indexed words (信息, 公开), so no single word starts with
            # it; the stem as exact text finds what "words starting with 信息公开" means.
            if isinstance(q, wq.Prefix) and len(cutter.cut(q.text.lower())) > 1:
                return wq.Or([prefix, term(q.text, leaf_scope(q.fieldname), True)])
            return prefix
        if q.is_leaf():
            return q
        if isinstance(q, wq.Or) and any(isinstance(c, wq.Not) for c in q.subqueries):
            # With plain words OR-ed, "A NOT B" parses as Or(A, Not(B)): "A, or anything without B".
            # The user means A and not B.
            keep = [walk(c) for c in q.subqueries if not isinstance(c, wq.Not)]
            drop = [walk(c.query) for c in q.subqueries if isinstance(c, wq.Not)]
            if not keep:
                raise QuerySyntaxError("a query cannot be only NOT …: say what to find as well")
            pos = keep[0] if len(keep) == 1 else type(q)(keep, scale=q.scale)
            return wq.AndNot(pos, drop[0] if len(drop) == 1 else wq.Or(drop))
        return q.apply(walk)

    return walk(tree), sorted(marks, key=len, reverse=True)


def _word_phrase(tokens, where):
    """The words in sequence where positions are kept (headings), or the single word anywhere."""
    if not tokens:
        return None
    if len(tokens) == 1:
        return wq.Or([wq.Term(f, tokens[0]) for f in WORD_FIELDS[where]])
    phrases = [wq.Phrase(f, tokens) for f in WORD_FIELDS[where] if f in PHRASE_FIELDS]
    return (phrases[0] if len(phrases) == 1 else wq.Or(phrases)) if phrases else None


_OPERATORS = re.compile(r'(^|\s|\()(AND|OR|NOT|ANDNOT|ANDMAYBE)(\s|\)|$)|["()*?]|\b[A-Za-z_]\w*\s*:')


def is_plain(text: str) -> bool:
    """True when ``text`` uses none of the query syntax (operators, quotes, brackets, fields, wildcards)."""
    return _OPERATORS.search(text) is None


def plain_words(text: str) -> str:
    """``text`` with its query syntax (operators, quotes, brackets, fields, wildcards) blanked out."""
    return _OPERATORS.sub(" ", text)


SYNONYM_WEIGHT = 0.7  # another name of the word the user typed: evidence, a little weaker


def concept_query(names, cutter, scope: str = "all", texts=None, boosts=(), loose: bool = True):
    """One concept of a plain query: any of its ``names`` in the scope's fields.

    ``cutter`` must know only the index's own words. A name the index holds as a word is a term;
    one it holds as several words (晚婚晚育 → 晚婚 + 晚育) is those words together; otherwise its
    text is looked for as a substring, or-ed (when ``loose``) with the index words that make up
    at least half of it: evidence for ranking, not a match of the name (kb.search says partial).
    """
    parts = []
    for i, name in enumerate(names):
        boost = boosts[i] if i < len(boosts) else (1.0 if i == 0 else SYNONYM_WEIGHT)
        name = name.lower()
        if name in cutter.freqs:
            q = wq.Or([wq.Term(f, name) for f in WORD_FIELDS[scope]], boost=boost)
        else:
            words = [w for w in cutter.cut(name) if w]
            whole = [w for w in words if w in cutter.freqs and (len(w) > 1 or w.isascii())]
            if len(words) > 1 and len(whole) == len(words):
                q = wq.And([wq.Or([wq.Term(f, w) for f in WORD_FIELDS[scope]]) for w in whole], boost=boost)
            elif len(_SPACE.sub("", name)) >= 2 and BIGRAM_FIELDS[scope]:
                q = wq.Or([Substring(f, name, texts, boost=BIGRAM_WEIGHT * boost) for f in BIGRAM_FIELDS[scope]])
                if loose and whole and sum(map(len, whole)) * 2 >= len(name):
                    # 签合同 is nowhere as typed, but 合同 is most of it: a weaker match of the words
                    q = wq.Or([q, wq.And([wq.Or([wq.Term(f, w) for f in WORD_FIELDS[scope]]) for w in whole],
                                         boost=0.5 * boost)])
            else:
                continue
        parts.append(q)
        if scope in ("all", "title"):
            parts.append(wq.Term("term", name, boost=boost))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.Or(parts)


def heading_query(text: str, scope: str = "all"):
    """The whole query as a heading: a query that IS a heading (a defined term) lands on it."""
    if scope not in ("all", "title") or not text.strip():
        return None
    return wq.Term("term", _SPACE.sub(" ", text.lower()).strip())


def doc_ids_of(searcher, docnums) -> dict[int, str]:
    """docnum → doc_id, from the doc_id column (no stored fields read)."""
    reader = searcher.reader()
    col = reader.column_reader("doc_id") if reader.has_column("doc_id") else None
    out = {}
    for d in docnums:
        if col is not None:
            v = col[d]
            out[d] = v.decode("utf-8") if isinstance(v, bytes) else v
        else:
            out[d] = reader.stored_fields(d).get("doc_id", "")
    return out


def docset(searcher, q, restrict=None, cache: dict | None = None) -> set[int]:
    """Every document number ``q`` matches (unscored), within ``restrict`` when given.

    Terms, Ors and Ands are answered with set operations on the posting lists read a block at
    a time (``cache``: term → its set, shared by the calls of one search; a common term's set is
    kept by the searcher too): Whoosh's matchers step one posting at a time in Python, which on a
    word every section holds cost 0.1 s a query at 100×. The answer may be a kept (frozen) set.
    """
    if q is None:
        return set()
    found = _docs(searcher, q, {} if cache is None else cache)
    return found & restrict if restrict is not None else found


# searcher → {(field, text): frozenset of its documents}, for terms of many postings. A searcher reads
# one generation, which never changes (kb.store): a long-lived process reads a common word's
# postings once, not once a search (服务外包 at ×1000: ~40 000 postings, each search of it re-read).
_TERM_SETS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
KEEP_SET_FROM = 1000  # postings: below this, reading the term again is cheap
KEEP_SETS_UP_TO = 2_000_000  # document numbers in all the kept sets of one searcher


def _term_set(searcher, fieldname: str, text: str) -> frozenset:
    kept = _TERM_SETS.get(searcher)
    if kept is None:
        kept = _TERM_SETS.setdefault(searcher, {})
    key = (fieldname, text)
    found = kept.get(key)
    if found is not None:
        return found
    reader = searcher.reader()
    found = frozenset(_posting_ids(reader, fieldname, text)) if key in reader else frozenset()
    if len(found) >= KEEP_SET_FROM:
        whoosh_compat.keep(kept, key, found, KEEP_SETS_UP_TO)
    return found


def in_every_section(searcher, fieldname: str, text: str) -> bool:
    """The term is in every section of the index (and none is deleted): its set is all of them."""
    reader = searcher.reader()
    try:
        btext = reader._text_to_bytes(fieldname, text)
    except Exception:  # not a field of the schema
        return False
    return _in_every(reader, fieldname, btext)


def _in_every(reader, fieldname: str, btext: bytes) -> bool:
    """``reader`` (an index or one segment) holds the term in each of its sections, none deleted:
    its postings need not be read."""
    n = reader.doc_count_all()
    return n > 0 and not reader.has_deletions() and reader.doc_frequency(fieldname, btext) == n


def term_holders(searcher, fieldname: str, text: str, docnums) -> set[int]:
    """Those of ``docnums`` (a few: the ranked rows) that hold the term, looked up in its decoded
    postings (sorted, per segment) rather than made into a set of every section holding it."""
    from bisect import bisect_left

    reader = searcher.reader()
    out: set[int] = set()
    for leaf, offset in ([(reader, 0)] if reader.is_atomic() else reader.leaf_readers()):
        n = leaf.doc_count_all()
        local = [d - offset for d in docnums if offset <= d < offset + n]
        if not local or (fieldname, text) not in leaf:
            continue
        btext = leaf._text_to_bytes(fieldname, text)
        if _in_every(leaf, fieldname, btext):
            out.update(d + offset for d in local)
            continue
        ids = whoosh_compat.term_postings(leaf, fieldname, btext)[0]
        for d in local:
            i = bisect_left(ids, d)
            if i < len(ids) and ids[i] == d:
                out.add(d + offset)
    return out


def _docs(searcher, q, cache: dict) -> set[int]:
    if isinstance(q, wq.Term):
        key = (q.fieldname, q.text)
        if key not in cache:
            cache[key] = _term_set(searcher, q.fieldname, q.text)
        return cache[key]
    if isinstance(q, wq.Or):
        out: set[int] = set()
        for sub in q.subqueries:
            out |= _docs(searcher, sub, cache)
        return out
    if isinstance(q, wq.And):
        subs = sorted((_docs(searcher, sub, cache) for sub in q.subqueries), key=len)
        return set(subs[0]).intersection(*subs[1:]) if subs else set()
    if isinstance(q, Substring):
        return q.docs(searcher, cache)
    return set(searcher.docs_for_query(q))


def scored(searcher, q, allowed: set[int] | None, limit: int | None, filter_q=None) -> list[tuple[int, float, dict]]:
    """(docnum, score, stored fields) of the best ``limit`` documents by ``q``: of ``allowed``, or
    (``allowed`` None) of those ``filter_q`` lets through."""
    if allowed is not None and not allowed:
        return []
    within = allowed if allowed is not None else (docset(searcher, filter_q) if filter_q is not None else None)
    return [(d, score, dict(searcher.stored_fields(d))) for d, score in whoosh_compat.top_docs(searcher, q, limit, within)]


def any_of(queries):
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def filter_query(doc_ids=None, doc_type=None, years=None):
    parts = []
    if doc_ids:
        parts.append(wq.Or([wq.Term("doc_id", d) for d in doc_ids]))
    if doc_type:
        parts.append(wq.Term("doc_type", doc_type))
    if years:
        parts.append(wq.NumericRange("year", years[0], years[1]))
    return wq.And(parts) if parts else None


def run(s, q, *, limit: int, filter_q=None, sort: str = "score") -> list[tuple[float, dict]]:
    """(score, stored fields) of the top ``limit`` hits, from the open searcher ``s``."""
    within = docset(s, filter_q) if filter_q is not None else None
    if sort == "date":
        # Every match scored, and ordered here (newest first, then by score).
        rows = [(score, dict(s.stored_fields(d))) for d, score in whoosh_compat.top_docs(s, q, None, within)]
        rows.sort(key=lambda row: (row[1].get("date") or "", row[0]), reverse=True)
        return rows[:limit]
    return [(score, dict(s.stored_fields(d))) for d, score in whoosh_compat.top_docs(s, q, limit, within)]
