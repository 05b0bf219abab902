"""Chinese word segmentation: the only module that imports jieba.

Why not ``jieba.analyse.ChineseAnalyzer``: it stores character offsets as token positions (so
Whoosh phrase queries never match) and its HMM new-word guessing cuts a short query differently
from the same words inside a sentence (``服务外包`` → 服务/外/包 alone, 服务/外包 in text).
Here HMM is off, positions are consecutive, a domain dictionary is loaded into a private
``jieba.Tokenizer`` (never the global one, so every process and every caller gets the same cut),
and search-mode sub-words (服务, 外包 inside 服务外包) are stacked at their word's position so a
query for a part still matches the whole and a phrase may start or end inside a long word.

jieba's dictionary is read from kb's own cache of it (an automaton, see _base), and only index
building cuts text; queries are cut by ``kb.query_cut`` against the vocabulary the index holds.
"""
from __future__ import annotations

import os
import pickle
import re
from collections.abc import Mapping
from functools import lru_cache
from math import log
from pathlib import Path

DATA = Path(__file__).parent / "data" / "search_words.txt"
USER_FREQ = 200_000  # high enough that a domain word beats a split into common words
_DROP = re.compile(r"^[\s\W_]+$", re.UNICODE)  # punctuation and space tokens take no position


def domain_words() -> list[str]:
    """The bundled domain dictionary (one word per line, # comments)."""
    lines = DATA.read_text(encoding="utf-8").splitlines()
    return [w.strip() for w in lines if w.strip() and not w.startswith("#")]


def jieba_module():
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


def dict_path(tk=None) -> Path:
    """The dictionary file ``tk`` loads (jieba's own by default), found without opening it
    (jieba's get_dict_file opens it, through pkg_resources)."""
    name = getattr(tk, "dictionary", None)
    if name is None:
        jieba = jieba_module()
        return Path(jieba.__file__).parent / getattr(jieba, "DEFAULT_DICT_NAME", "dict.txt")
    return Path(name)


_digests: dict[tuple, str] = {}


def dict_digest(path: Path | None) -> str:
    """SHA-256 of the dictionary file (~5 MB, some 10 ms), once per process and file version."""
    try:
        st = path.stat()
    except (OSError, AttributeError):
        return "-"
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key not in _digests:
        from .store import file_digest

        _digests[key] = file_digest(path)
    return _digests[key]


def _cache_dir() -> str:
    from .private_dir import cache_dir  # 0700, ours, not a symlink: jieba loads its cache unchecked

    return cache_dir()


@lru_cache(maxsize=1)
def _base():
    """jieba's tokenizer with its dictionary and the domain words, read from kb's word automaton.

    jieba unmarshals its whole dictionary (349 000 words and their prefixes) on every load: 0.7 s
    of CPU on a fast machine, 1.4 s on a slow one, paid by every ingest however small. The same
    words are kept as one Aho-Corasick automaton (pyahocorasick), pickled in kb's private cache
    folder, which loads in a twentieth of that; a WordsTokenizer cuts with it exactly as jieba
    cuts with its dictionary (tests/test_segment.py compares them on every real PDF).
    """
    words, total = _words()
    return _tokenizer_class()(words, total)


@lru_cache(maxsize=4)
def _tokenizer(user_words: tuple[str, ...]):
    base = _base()
    domain = set(domain_words())
    extra = [w for w in user_words if w and not w.isspace() and w not in domain]
    if not extra:
        return base  # nothing to add: nobody changes a tokenizer after it is made
    # jieba's add_word adds to its total, and the total weighs every route of every sentence: with
    # it moving, a glossary word could change the cut of text that does not contain it, and an
    # index could not be updated one document at a time (kb.index). Glossary words leave it as it is.
    return _tokenizer_class()(base.words, base.total, {w: USER_FREQ for w in extra})


# -- the dictionary as an automaton ------------------------------------------------------------

WORDS_FORMAT = 1
# An automaton value is a word's frequency << 8 | its length (iter tells only where a word ends).
# pyahocorasick keeps values as 32-bit ints: jieba's largest frequency (883 634, 的) fits 23 bits.
_LEN_BITS = 8
_LEN_MASK = (1 << _LEN_BITS) - 1


def _words():
    """(automaton of every word jieba's dictionary and the domain words give a frequency, total):
    from the cache when it was made from the same dictionary, domain words and pyahocorasick,
    else made from jieba's own load (and cached when the folder can be written)."""
    import hashlib

    import ahocorasick

    jieba = jieba_module()
    words = "\n".join(sorted(set(domain_words())))
    lib = Path(ahocorasick.__file__).stat()
    made_of = (f"{WORDS_FORMAT}|{jieba.__version__}|{dict_digest(dict_path())}|{words}|{USER_FREQ}|"
               f"{lib.st_size}:{lib.st_mtime_ns}")
    path = Path(_cache_dir()) / f"words-{hashlib.sha256(made_of.encode('utf-8')).hexdigest()[:32]}.pickle"
    got = _read_words(path)
    if got is not None:
        return got
    got = _make_words()
    _write_words(path, got)
    return got


def _make_words():
    """The words and total of jieba's own load plus the domain words, as kb cut with them before."""
    import logging

    import ahocorasick

    jieba = jieba_module()
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.tmp_dir = _cache_dir()  # jieba's marshal cache must live somewhere this user can write
    tk.initialize()
    for w in set(domain_words()):
        tk.add_word(w, USER_FREQ)
    words = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    for w, f in tk.FREQ.items():
        if f:  # FREQ also holds every word's prefixes, with frequency 0: never a word of a cut
            if len(w) > _LEN_MASK or not 0 < f < 1 << (31 - _LEN_BITS):
                raise ValueError(f"jieba word {w[:20]!r} (frequency {f}) does not fit kb's word automaton")
            words.add_word(w, int(f) << _LEN_BITS | len(w))
    words.make_automaton()
    return words, int(tk.total)


class _AutomatonOnly(pickle.Unpickler):
    def find_class(self, module, name):
        # A cache file names one class; anything else is not ours (the folder is private, still).
        if (module, name) == ("ahocorasick", "Automaton"):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name}")


def _read_words(path: Path):
    """(automaton, total) from a cache file, or None when it is absent, damaged or not what kb
    writes. The file is the SHA-256 of the pickle, then the pickle: a flipped byte that would still
    unpickle into an automaton with other words (and other cuts) is caught before unpickling."""
    import hashlib
    import io

    import ahocorasick

    try:
        data = path.read_bytes()
        if len(data) < 32 or hashlib.sha256(data[32:]).digest() != data[:32]:
            return None
        got = _AutomatonOnly(io.BytesIO(data[32:])).load()
        words, total = got["words"], got["total"]
    except (OSError, EOFError, ValueError, TypeError, KeyError, AttributeError, pickle.UnpicklingError, MemoryError):
        return None  # made again
    if not (isinstance(words, ahocorasick.Automaton) and words.kind == ahocorasick.AHOCORASICK
            and words.store == ahocorasick.STORE_INTS and type(total) is int and total > 0):
        return None
    return words, total


def _write_words(path: Path, got) -> None:
    import hashlib
    import tempfile
    import time

    words, total = got
    data = pickle.dumps({"words": words, "total": total}, protocol=pickle.HIGHEST_PROTOCOL)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".words-", suffix=".tmp", dir=path.parent)  # one per writer, thread or process
        with os.fdopen(fd, "wb") as fh:
            fh.write(hashlib.sha256(data).digest() + data)
        os.replace(tmp, path)  # whole or not at all: another process may be reading it
    except OSError:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        return  # a cache folder that cannot be written: made again next time
    # Another jieba or other domain words (another checkout) keep theirs: the two newest stay, so
    # two installs do not delete each other's; what a killed writer left is gone after an hour.
    def mtime(p):
        try:
            return p.stat().st_mtime
        except OSError:  # another process removed it meanwhile
            return 0.0

    for old in sorted(path.parent.glob("words-*.pickle"), key=mtime, reverse=True)[2:]:
        old.unlink(missing_ok=True)
    for left in path.parent.glob(".words-*.tmp"):
        if 0 < mtime(left) < time.time() - 3600:
            left.unlink(missing_ok=True)


class Frequencies(Mapping):
    """jieba's FREQ of a WordsTokenizer, read-only: a word's frequency, 0 for a prefix of a word.

    Iterating gives the words only (jieba's dict also lists each prefix, with frequency 0)."""

    def __init__(self, words, extra: dict[str, int]):
        self._words, self._extra = words, extra
        self._prefixes = {w[:i] for w in extra for i in range(1, len(w) + 1)}

    def get(self, word, default=None):
        if not word:
            return default  # jieba's dict has no empty word (the automaton matches "" as everyone's prefix)
        f = self._extra.get(word)
        if f is not None:
            return f
        v = self._words.get(word, None)
        if v is not None:
            return v >> _LEN_BITS
        return 0 if word in self._prefixes or self._words.match(word) else default

    def __getitem__(self, word):
        f = self.get(word)
        if f is None:
            raise KeyError(word)
        return f

    def __contains__(self, word):
        return self.get(word) is not None

    def __iter__(self):
        yield from self._extra
        for w in self._words.keys():
            if w not in self._extra:
                yield w

    def __len__(self):
        return len(self._words) + sum(1 for w in self._extra if not self._words.exists(w))


@lru_cache(maxsize=1)
def _tokenizer_class():
    import ahocorasick

    jieba = jieba_module()

    class WordsTokenizer(jieba.Tokenizer):
        """jieba's Tokenizer whose dictionary is an automaton: get_DAG finds every word of a
        sentence in one pass in C instead of trying each prefix at each position, and there is
        nothing to load (``initialized``). calc is jieba's, with the frequency read from it. The
        cut, HMM off, is jieba's own code (cut and its __cut_DAG_NO_HMM)."""

        def __init__(self, words, total: int, extra: dict[str, int] | None = None):
            super().__init__()
            self.words, self.total, self.extra = words, total, dict(extra or {})
            self.FREQ = Frequencies(words, self.extra)
            self.initialized = True
            self._extra_words = None
            if self.extra:
                self._extra_words = ahocorasick.Automaton(ahocorasick.STORE_INTS)
                for w in self.extra:
                    self._extra_words.add_word(w, len(w))
                self._extra_words.make_automaton()

        def initialize(self, dictionary=None):
            pass  # the words are the automaton's

        def cut(self, sentence, cut_all=False, HMM=True, use_paddle=False):
            if cut_all or HMM or use_paddle:
                # jieba's HMM and full modes read its dictionary's internals; kb cuts with neither.
                raise ValueError("WordsTokenizer cuts with HMM=False only")
            return super().cut(sentence, cut_all=False, HMM=False)

        def get_DAG(self, sentence):
            """Start → [(end, automaton value)] of every word in ``sentence``; a start no word has is
            left out (calc takes its character alone, as jieba does). Only calc reads it."""
            dag: dict[int, list] = {}
            get = dag.get
            for end, v in self.words.iter(sentence):
                k = end - (v & _LEN_MASK) + 1
                ends = get(k)
                if ends is None:
                    dag[k] = [(end, v)]
                else:
                    ends.append((end, v))
            if self._extra_words is not None:
                for end, length in self._extra_words.iter(sentence):
                    k = end - length + 1
                    # A glossary word's frequency is its own, also where it is a dictionary word.
                    ends = [(e, v) for e, v in dag.get(k, ()) if e != end]
                    ends.append((end, self.extra[sentence[k:end + 1]] << _LEN_BITS))  # calc reads only the frequency
                    dag[k] = ends
            return dag

        def calc(self, sentence, DAG, route):
            """jieba's calc: the same sums in the same order, so the same floats and routes."""
            n = len(sentence)
            route[n] = (0, 0)
            logtotal = log(self.total)
            get = DAG.get
            for idx in range(n - 1, -1, -1):
                words = get(idx)
                if words is None:  # log(1): a character that is no word counts once
                    route[idx] = (0.0 - logtotal + route[idx + 1][0], idx)
                elif len(words) == 1:
                    x, v = words[0]
                    route[idx] = (log(v >> _LEN_BITS) - logtotal + route[x + 1][0], x)
                else:
                    route[idx] = max((log(v >> _LEN_BITS) - logtotal + route[x + 1][0], x) for x, v in words)

    return WordsTokenizer


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
