"""Chinese word segmentation: the only module that imports jieba.

Why not ``jieba.analyse.ChineseAnalyzer``: it stores character offsets as token positions (so
Whoosh phrase queries never match) and its HMM new-word guessing cuts a short query differently
from the same words inside a sentence (``服务外包`` → 服务/外/包 alone, 服务/外包 in text).
Here HMM is off, positions are consecutive, a domain dictionary is loaded into a private
``jieba.Tokenizer`` (never the global one, so every process and every caller gets the same cut),
and search-mode sub-words (服务, 外包 inside 服务外包) are stacked at their word's position so a
query for a part still matches the whole and a phrase may start or end inside a long word.

jieba costs ~0.8 s to load its dictionary, so only index building calls this; queries are cut
by ``kb.query_cut`` against the vocabulary the index itself holds.
"""
from __future__ import annotations

import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "search_words.txt"
USER_FREQ = 200_000  # high enough that a domain word beats a split into common words
_DROP = re.compile(r"^[\s\W_]+$", re.UNICODE)  # punctuation and space tokens take no position


def domain_words() -> list[str]:
    """The bundled domain dictionary (one word per line, # comments)."""
    lines = DATA.read_text(encoding="utf-8").splitlines()
    return [w.strip() for w in lines if w.strip() and not w.startswith("#")]


def _jieba():
    """jieba, imported without pkg_resources.

    jieba._compat imports pkg_resources (~0.3–0.8 s of CPU: it scans every installed package)
    only to open files beside its own; when that import fails it opens them itself. So while
    jieba is first imported, ``sys.modules["pkg_resources"]`` is None (Python's mark for "cannot
    be imported") and right after the mark is taken out again: any later ``import pkg_resources``
    in the process gets the real module. Nothing of jieba is patched.
    """
    import sys

    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        import jieba

        return jieba
    sys.modules["pkg_resources"] = None
    try:
        import jieba
    finally:
        if "pkg_resources" in sys.modules and sys.modules["pkg_resources"] is None:
            del sys.modules["pkg_resources"]
    return jieba


def _cache_dir() -> str:
    from .private_dir import cache_dir  # 0700, ours, not a symlink: jieba loads its cache unchecked

    return cache_dir()


@lru_cache(maxsize=1)
def _base():
    """jieba's dictionary with the domain words: loaded from jieba's marshal cache once per process.

    An ingest asks for two tokenizers (the glossary index's and the search index's, with
    different user words); each loaded the whole dictionary again (~0.7 s of CPU each).
    """
    import logging

    jieba = _jieba()
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.tmp_dir = _cache_dir()  # jieba's marshal cache must live somewhere this user can write
    tk.initialize()
    for w in set(domain_words()):
        tk.add_word(w, USER_FREQ)
    return tk


@lru_cache(maxsize=4)
def _tokenizer(user_words: tuple[str, ...]):
    base = _base()
    jieba = _jieba()
    domain = set(domain_words())
    extra = [w for w in user_words if w and not w.isspace() and w not in domain]
    if not extra:
        return base  # nothing to add: nobody changes a tokenizer after it is made
    tk = jieba.Tokenizer()
    tk.tmp_dir = base.tmp_dir
    # A copy of the loaded dictionary is what initialize() and the domain words would give
    # again: the same words with the same frequencies and the same total (tests/test_segment.py).
    tk.FREQ = dict(base.FREQ)
    tk.total = base.total
    tk.initialized = True
    # add_word adds to jieba's total, and the total weighs every route of every sentence: with it
    # moving, a glossary word could change the cut of text that does not contain it, and an index
    # could not be updated one document at a time (kb.index). Glossary words leave it as it is.
    fixed = tk.total
    for w in extra:
        tk.add_word(w, USER_FREQ)
    tk.total = fixed
    return tk


def tokenizer(user_words=()):
    """A jieba tokenizer with the domain dictionary plus ``user_words`` (glossary terms, aliases).

    Only text that contains one of ``user_words`` is cut differently for them (see _tokenizer)."""
    return _tokenizer(tuple(sorted({w for w in user_words if w})))


def sub_words(tk, word: str) -> list[tuple[str, int]]:
    """Search-mode parts of ``word`` with their offsets: every shorter dictionary word inside it.

    jieba's cut_for_search stops at 3 characters; 服务外包 inside 离岸服务外包 is 4, and a user
    typing 服务外包 must find the 离岸 definition too.
    """
    out = []
    for n in range(2, len(word)):
        for i in range(len(word) - n + 1):
            gram = word[i:i + n]
            if tk.FREQ.get(gram):
                out.append((gram, i))
    return out


def tokens(tk, text: str):
    """(word, position, start char, end char) with consecutive positions; sub-words share their word's position."""
    pos = -1
    start = 0
    for word in tk.cut(text, HMM=False):
        end = start + len(word)
        if not _DROP.match(word):
            pos += 1
            yield word.lower(), pos, start, end
            for sub, i in sub_words(tk, word):
                yield sub.lower(), pos, start + i, start + i + len(sub)
        start = end


class Cutter:
    """``tokens`` of one tokenizer, with each word's lower-casing and sub-words worked out once:
    the same few thousand words come back in every section, and sub_words tries every substring
    of a word against the dictionary each time it is asked."""

    MAX_WORDS = 500_000  # a bound on memory over a long build; the parts are cheap to make again

    def __init__(self, tk):
        self.tk = tk
        self._parts: dict[str, tuple | None] = {}

    def _make(self, word: str):
        if _DROP.match(word):
            return None
        return word.lower(), tuple((sub.lower(), i, i + len(sub)) for sub, i in sub_words(self.tk, word))

    def tokens(self, text: str):
        """What ``tokens(tk, text)`` yields, in the same order."""
        parts = self._parts
        if len(parts) > self.MAX_WORDS:
            parts.clear()
        pos = -1
        start = 0
        for word in self.tk.cut(text, HMM=False):
            end = start + len(word)
            try:
                got = parts[word]
            except KeyError:
                got = parts[word] = self._make(word)
            if got is not None:
                pos += 1
                low, subs = got
                yield low, pos, start, end
                for sub, i, j in subs:
                    yield sub, pos, start + i, start + j
            start = end


def cutter(user_words=()) -> Cutter:
    """The Cutter of ``tokenizer(user_words)``, one per tokenizer."""
    tk = tokenizer(user_words)
    c = getattr(tk, "_kb_cutter", None)
    if c is None:
        c = tk._kb_cutter = Cutter(tk)
    return c


def frequencies(tk, words) -> dict[str, int]:
    """jieba's frequency for each word (user words get USER_FREQ): what ``query_cut`` ranks cuts by."""
    return {w: int(tk.FREQ.get(w) or USER_FREQ) for w in words}


def total(tk) -> int:
    return int(tk.total)
