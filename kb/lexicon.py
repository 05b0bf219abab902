"""A general Chinese dictionary that a query can be cut with, without loading jieba.

The index's own vocabulary only holds words the documents contain, so a query word the text
never uses (什么, 多少, 公租房) fell apart into single characters, each of them required. jieba's
dictionary knows them, but loading it costs ~0.8 s, more than a whole search. So the index build
(which loads jieba anyway) writes jieba's words with their frequencies into a read-only SQLite
table beside the search index; a query looks up only its own substrings (one SELECT, well under
a millisecond). The table depends only on jieba's dictionary, so a new generation hard-links
the previous one's when the dictionary is the same.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

FILE = "lexicon.sqlite"
MAX_LEN = 12  # longer dictionary entries are names and idioms a query never needs whole


def _signature(tk) -> str:
    # The dictionary file jieba loaded, by size and name: cheap, and it changes with jieba's version.
    path = Path(tk.get_dict_file().name) if hasattr(tk, "get_dict_file") else None
    size = path.stat().st_size if path and path.exists() else 0
    return hashlib.sha1(f"{path}:{size}:{tk.total}".encode()).hexdigest()[:16]


def build(gen_path: Path, tk, previous: Path | None = None) -> Path:
    """Write ``gen_path / lexicon.sqlite`` from jieba tokenizer ``tk`` (or link ``previous``'s)."""
    out = Path(gen_path) / FILE
    sig = _signature(tk)
    if previous is not None:
        old = Path(previous) / FILE
        if old.is_file() and _intact(Path(previous)) and _read_signature(old) == sig:
            try:
                os.link(old, out)
                return out
            except OSError:
                pass  # another file system: build afresh
    tmp = out.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)
    try:
        con.execute("CREATE TABLE w(word TEXT PRIMARY KEY, freq INTEGER) WITHOUT ROWID")
        con.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT)")
        rows: dict[str, int] = {}
        for w, f in tk.FREQ.items():  # FREQ also holds every word's prefixes with frequency 0
            if f and 2 <= len(w) <= MAX_LEN:
                key = w.lower()
                rows[key] = max(rows.get(key, 0), int(f))
        con.executemany("INSERT INTO w VALUES (?, ?)", rows.items())
        con.executemany("INSERT INTO meta VALUES (?, ?)", [("signature", sig), ("total", str(int(tk.total)))])
        con.commit()
    finally:
        con.close()
    os.replace(tmp, out)
    return out


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
