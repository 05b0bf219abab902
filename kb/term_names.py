"""Every glossary name with its compared form, and each term's record, in one SQLite file.

`kb glossary ITO` used to parse the whole terms.json and build every Term to compare one
name: at ×1000 the bundled corpus that is 33,000 terms for each lookup. ``term-names.sqlite``
holds a row per name (the term's position in terms.json, the name's place among the term's
names, its kind, and ``kb.lookup.norm`` of it, indexed) and a row per term (its terms.json
record), so an exact or alias lookup is one indexed SELECT and builds only the terms it shows;
prefix, contains and fuzzy read the names alone. Written next to terms.json when the glossary
is built; a generation without it is read through terms.json, as before. Like every file of a
generation it is never changed after the swap, so it is opened ``immutable``.
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

FILE = "term-names.sqlite"
VERSION = 1

_SCHEMA = """
CREATE TABLE terms(pos INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE names(pos INTEGER NOT NULL, ord INTEGER NOT NULL, doc_id TEXT NOT NULL,
                   name TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY(pos, ord)) WITHOUT ROWID;
CREATE INDEX names_key ON names(key, pos);
"""


def build(gen_path, records: list[dict]) -> Path:
    """Write the file for ``records`` (terms.json's entries, in its order) into the generation."""
    from .lookup import norm

    path = Path(gen_path) / FILE
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=OFF")
        db.executescript(_SCHEMA)
        db.execute(f"PRAGMA user_version={VERSION}")
        db.execute("BEGIN")
        for pos, r in enumerate(records):
            doc_id = r["source"]["doc_id"]
            data = {k: v for k, v in r.items() if k != "uses"}  # uses stay in term-uses.jsonl
            db.execute("INSERT INTO terms VALUES (?, ?, ?)", (pos, doc_id, json.dumps(data, ensure_ascii=False)))
            names = [(r["term"], "term")] + [(a["name"], a["kind"]) for a in r["aliases"]]
            db.executemany("INSERT INTO names VALUES (?, ?, ?, ?, ?, ?)",
                           [(pos, i, doc_id, n, k, norm(n)) for i, (n, k) in enumerate(names)])
        db.execute("COMMIT")
    finally:
        db.close()
    return path


class Names:
    """The file of one generation, read-only. Positions are terms.json's."""

    def __init__(self, path: Path):
        from .errors import IndexDamagedError

        self.path = path
        try:
            self.db = sqlite3.connect(path.resolve().as_uri() + "?immutable=1", uri=True)
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as err:
            raise IndexDamagedError(str(err), path) from err
        if version != VERSION:
            raise IndexDamagedError(f"glossary names version {version}, this kb reads {VERSION}", path)

    def _q(self, sql: str, args=()) -> list:
        from .errors import IndexDamagedError

        try:
            return self.db.execute(sql, args).fetchall()
        except sqlite3.DatabaseError as err:
            raise IndexDamagedError(str(err), self.path) from err

    @staticmethod
    def _doc(doc_id: str | None) -> tuple[str, tuple]:
        return (" AND doc_id = ?", (doc_id,)) if doc_id is not None else ("", ())

    def named(self, key: str, canonical: bool, doc_id: str | None, limit: int) -> list[tuple[int, str]]:
        """(pos, name) of the terms whose canonical name (or, else, an alias: the first that
        matches) has compared form ``key``, in terms.json order."""
        where, args = self._doc(doc_id)
        kind = "kind = 'term'" if canonical else "kind != 'term'"
        # SQLite gives a bare column from the row that holds the min(): the term's first such name.
        sql = f"SELECT pos, name, min(ord) FROM names WHERE key = ? AND {kind}{where} GROUP BY pos ORDER BY pos LIMIT ?"
        return [(r[0], r[1]) for r in self._q(sql, (key, *args, limit))]

    def names(self, doc_id: str | None = None, part: str | None = None, prefix: bool = False):
        """(pos, name, key) of every name in term and name order; ``part``: only those whose key
        starts with it (``prefix``) or holds it."""
        where, args = self._doc(doc_id)
        if part is not None:
            where += " AND instr(key, ?) = 1" if prefix else " AND instr(key, ?) > 0"
            args = (*args, part)
        return self._q(f"SELECT pos, name, key FROM names WHERE 1{where} ORDER BY pos, ord", args)

    def terms(self, positions) -> dict:
        """pos → Term (without uses: ``kb.glossary.with_uses`` reads those)."""
        from .model import Term

        positions = sorted(set(positions))
        out = {}
        for i in range(0, len(positions), 500):
            chunk = positions[i:i + 500]
            rows = self._q(f"SELECT pos, data FROM terms WHERE pos IN ({','.join('?' * len(chunk))})", chunk)
            out.update((p, Term.from_dict(json.loads(d))) for p, d in rows)
        return out

    def close(self) -> None:
        self.db.close()


def open_names(gen_path) -> Names | None:
    """The generation's names file, or None when it was built before there was one, or when
    terms.json, which it is built from, is missing: reading terms.json then reports the damage."""
    path = Path(gen_path) / FILE
    return Names(path) if path.is_file() and (Path(gen_path) / "terms.json").is_file() else None
