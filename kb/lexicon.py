"""A general Chinese dictionary that a query can be cut with, without loading jieba.

The index's own vocabulary only holds words the documents contain, so a query word the text
never uses (什么, 多少, 公租房) fell apart into single characters, each of them required. jieba's
dictionary knows them, but loading it costs ~0.8 s, more than a whole search. So the index build
(which loads jieba anyway) writes jieba's words with their frequencies into a read-only SQLite
table beside the search index; a query looks up only its own substrings (one SELECT, well under
a millisecond). The table depends only on jieba's dictionary and kb's domain words (never on a
glossary), so a new generation hard-links the previous one's when they are the same, and a build
without one copies the table kept in kb's private cache folder under the SHA-256 of what it was
made from: writing ~340k rows into SQLite cost 0.9–1.5 s of every full build.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

FILE = "lexicon.sqlite"
MAX_LEN = 12  # longer dictionary entries are names and idioms a query never needs whole


FORMAT = 2  # bumped when what the table holds changes: 2, the dictionary and domain words only


def _signature(tk) -> str:
    # The dictionary file jieba loaded, by size and name: cheap, and it changes with jieba's version.
    from . import segment

    path = segment.dict_path(tk)
    size = path.stat().st_size if path and path.exists() else 0
    return hashlib.sha1(f"{path}:{size}:{tk.total}".encode()).hexdigest()[:16]


def key(tk) -> str:
    """What the table is made from: the dictionary's bytes, kb's domain words, their frequency
    and total, and how rows are chosen. ``tk`` must be the base tokenizer (segment.tokenizer())."""
    from . import segment

    words = "\n".join(sorted(set(segment.domain_words())))
    made_of = f"{FORMAT}|{MAX_LEN}|{segment.dict_digest(segment.dict_path(tk))}|{words}|{segment.USER_FREQ}|{int(tk.total)}"
    return hashlib.sha256(made_of.encode("utf-8")).hexdigest()


def build(gen_path: Path, tk, previous: Path | None = None) -> Path:
    """``gen_path / lexicon.sqlite`` from jieba's base tokenizer ``tk`` (dictionary and domain
    words): ``previous``'s hard-linked when it was made from the same, else a copy of the one in
    kb's cache folder, which is written the first time."""
    import shutil

    out = Path(gen_path) / FILE
    sig = key(tk)
    if previous is not None:
        old = Path(previous) / FILE
        if old.is_file() and _intact(Path(previous)) and _read_signature(old) == sig:
            try:
                os.link(old, out)
                return out
            except OSError:
                pass  # another file system: from the cache
    cached = _cached(sig)
    if cached is None:
        cached = _write_cache(tk, sig)
    if cached is not None:
        tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
        shutil.copyfile(cached, tmp)  # a copy: nothing written to the generation reaches the cache
        if _read_signature(tmp) == sig:
            os.replace(tmp, out)
            return out
        tmp.unlink(missing_ok=True)
        cached.unlink(missing_ok=True)  # damaged: written again by the next build
    _write(out, tk, sig)
    return out


def _cache_path(sig: str) -> Path:
    from .private_dir import cache_dir  # 0700 and ours: no other user can have planted a table

    return Path(cache_dir()) / f"lexicon-{sig[:32]}.sqlite"


def _cached(sig: str) -> Path | None:
    path = _cache_path(sig)
    return path if path.is_file() and not path.is_symlink() else None


def _write_cache(tk, sig: str) -> Path | None:
    path = _cache_path(sig)
    try:
        _write(path, tk, sig)
    except (OSError, sqlite3.Error):
        return None  # a cache folder that cannot be written: the generation's table is written itself
    for other in path.parent.glob("lexicon-*.sqlite"):  # another jieba or other domain words: ~10 MB each
        if other != path:
            other.unlink(missing_ok=True)
    return path


def _write(out: Path, tk, sig: str) -> None:
    """The table, written beside ``out`` and renamed over it (a reader never sees half of it)."""
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)
    try:
        con.execute("CREATE TABLE w(word TEXT PRIMARY KEY, freq INTEGER) WITHOUT ROWID")
        con.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT)")
        rows: dict[str, int] = {}
        for w, f in tk.FREQ.items():  # words only (kb.segment.Frequencies); a jieba Tokenizer's also lists prefixes, with 0
            if f and 2 <= len(w) <= MAX_LEN:
                key = w.lower()
                rows[key] = max(rows.get(key, 0), int(f))
        con.executemany("INSERT INTO w VALUES (?, ?)", rows.items())
        con.executemany("INSERT INTO meta VALUES (?, ?)", [("signature", sig), ("total", str(int(tk.total)))])
        con.commit()
    finally:
        con.close()
    os.replace(tmp, out)


def _intact(previous: Path) -> bool:
    """The previous generation's lexicon is what its checksums say it is (kb.store): never link damage."""
    from .store import file_digest, read_checksums

    sums = read_checksums(previous) or {}
    want = sums.get(FILE)  # checksums.json maps each file's path in the generation to its SHA-256
    try:
        return bool(want) and file_digest(previous / FILE) == want
    except OSError:
        return False


def _read_signature(path: Path) -> str | None:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT value FROM meta WHERE key = 'signature'").fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return None
    return row[0] if row else None


class Lexicon:
    """Read-only look-ups in a generation's lexicon; an absent or damaged file knows no words."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._con = None
        if self.path.is_file():
            try:
                self._con = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True,
                                            check_same_thread=False)
            except sqlite3.Error:
                self._con = None

    def lookup(self, words) -> dict[str, int]:
        """Frequency of each of ``words`` that the dictionary holds."""
        words = sorted({w for w in words if 2 <= len(w) <= MAX_LEN})
        if self._con is None or not words:
            return {}
        out: dict[str, int] = {}
        try:
            for i in range(0, len(words), 900):  # SQLite's default limit on host parameters is 999
                chunk = words[i:i + 900]
                marks = ",".join("?" * len(chunk))
                out.update(self._con.execute(f"SELECT word, freq FROM w WHERE word IN ({marks})", chunk))
        except sqlite3.Error:
            return out
        return out
