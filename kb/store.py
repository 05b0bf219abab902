"""Documents ⇄ JSON under index/, in generations swapped atomically.

Layout::

    index/
      lock              held (flock) by the one ingest allowed at a time
      CURRENT           the name of the live generation, replaced with os.replace
      gen-<time>-<pid>/ one complete build
        manifest.json   {doc_id: {path, sha256, size, mtime_ns}}
        docs/<n>.json   one Document each (file name from the manifest, doc ids may be Chinese)
        …               what later stages build beside them (the Whoosh index, terms.json)

An ingest writes a new generation beside the live one and only then points CURRENT at it, so a
killed ingest leaves the previous generation answering (Whoosh's own multi-file commit is not
crash-safe: whoosh-community/whoosh #323). Readers resolve CURRENT once and keep using that
generation; the one before the live one is kept so a reader that started just before a swap
can finish.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .errors import IndexBusyError, IndexDamagedError, IndexMissingError, NotFoundError
from .model import Document

CURRENT = "CURRENT"
MANIFEST = "manifest.json"


def write_json_atomic(path: Path, data) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, separators=(",", ":"))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


@dataclass
class Snapshot:
    """One generation of the index, read-only."""

    path: Path
    manifest: dict = field(default_factory=dict)
    _docs: dict = field(default_factory=dict, repr=False)

    @classmethod
    def open(cls, root: Path) -> "Snapshot":
        gen = current_generation(Path(root))
        if gen is None:
            raise IndexMissingError(f"no index in {root}: run `kb ingest` first")
        return cls(gen, _read_json(gen / MANIFEST))

    @property
    def doc_ids(self) -> list[str]:
        return list(self.manifest)

    def document(self, doc_id: str) -> Document:
        if doc_id not in self._docs:
            entry = self.manifest.get(doc_id)
            if entry is None:
                raise NotFoundError(f"no document {doc_id!r} in the index")
            self._docs[doc_id] = Document.from_dict(_read_json(self.path / "docs" / entry["file"]))
        return self._docs[doc_id]

    def documents(self) -> list[Document]:
        return [self.document(d) for d in self.doc_ids]

    def resolve(self, ref: str) -> str:
        """A document id from an exact id, a unique prefix or substring, or its 发文字号."""
        from .errors import AmbiguousRefError

        if not ref.strip():  # "" is a prefix of every id: it would be "ambiguous", not a reference at all
            raise NotFoundError(f"empty document reference {ref!r}: give an id, a unique part of one, or its 发文字号")
        ids = self.doc_ids
        if ref in ids:
            return ref
        for test in (lambda d: d.startswith(ref), lambda d: ref in d):
            hits = [d for d in ids if test(d)]
            if len(hits) == 1:
                return hits[0]
            if hits:
                raise AmbiguousRefError(ref, hits)
        from .metadata import normalise_doc_number

        # 东府[2015]111号 as a user types it is 东府〔2015〕111号 as the index stores it.
        number = normalise_doc_number(ref) or ref
        hits = [d for d in ids if number in (self.manifest[d].get("doc_number") or "") or ref in (self.manifest[d].get("title") or "")]
        if len(hits) == 1:
            return hits[0]
        if hits:
            raise AmbiguousRefError(ref, hits)
        raise NotFoundError(f"no document matches {ref!r}; `kb docs` lists them")


def validity_summary(doc: Document) -> dict:
    """What `kb search --in-force` needs of a document, kept in the manifest (kb.validity)."""
    from .validity import summary

    return summary(doc)


def _read_json(path: Path):
    """A file of the live generation; a missing or unreadable one means the index is damaged."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise IndexDamagedError(f"{path}: the index is damaged ({type(err).__name__}); run `kb ingest` to rebuild it") from err


def current_generation(root: Path) -> Path | None:
    try:
        name = (root / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    gen = root / name
    return gen if (gen / MANIFEST).exists() else None


class Generation:
    """A generation being written. Only ``Store.writer`` makes one."""

    def __init__(self, path: Path, previous: Path | None):
        self.path = path
        self.previous = previous
        self.manifest: dict = {}
        (path / "docs").mkdir(parents=True)

    def put(self, doc: Document, stat: dict) -> None:
        name = f"{len(self.manifest) + 1:05d}.json"
        write_json_atomic(self.path / "docs" / name, doc.to_dict())
        self.manifest[doc.id] = {**stat, "file": name, "title": doc.title, "doc_number": doc.doc_number,
                                 "doc_type": doc.doc_type, "validity": validity_summary(doc)}

    def carry(self, doc_id: str, entry: dict) -> bool:
        """Reuse an unchanged document's JSON from the previous generation (hard link).

        False when that JSON is gone (an index pruned by hand): the caller parses the PDF again.
        """
        name = f"{len(self.manifest) + 1:05d}.json"
        src = self.previous / "docs" / entry["file"] if self.previous else None
        if src is None or not src.is_file():
            return False
        try:
            os.link(src, self.path / "docs" / name)
        except OSError:
            shutil.copyfile(src, self.path / "docs" / name)
        self.manifest[doc_id] = {**entry, "file": name}
        return True

    def documents(self) -> list[Document]:
        return [
            Document.from_dict(json.loads((self.path / "docs" / e["file"]).read_text(encoding="utf-8")))
            for e in self.manifest.values()
        ]


class Store:
    def __init__(self, root: str | Path):
        self.root = Path(root)

    def snapshot(self) -> Snapshot:
        return Snapshot.open(self.root)

    def exists(self) -> bool:
        return current_generation(self.root) is not None

    @contextmanager
    def writer(self, wait: float = 0.0):
        """Hold the index lock and yield a new ``Generation``; swap it in if the block succeeds.

        ``wait`` seconds are spent retrying a busy lock before ``IndexBusyError``.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        lock = open(self.root / "lock", "a+")
        try:
            _lock(lock, self.root, wait)
            previous = current_generation(self.root)
            name = f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6:06d}"
            gen = Generation(self.root / name, previous)
            try:
                yield gen
                write_json_atomic(gen.path / MANIFEST, gen.manifest)
                _fsync_dir(gen.path)
                tmp = self.root / f".{CURRENT}.{os.getpid()}.tmp"
                tmp.write_text(name, encoding="utf-8")
                os.replace(tmp, self.root / CURRENT)
                _fsync_dir(self.root)
            except BaseException:
                shutil.rmtree(gen.path, ignore_errors=True)
                raise
            self._collect(keep={name, previous.name if previous else ""})
        finally:
            lock.close()  # releases the flock

    def _collect(self, keep: set[str]) -> None:
        """Remove generations that are neither live nor the one before (and stray temp files)."""
        for p in self.root.iterdir():
            if p.is_dir() and p.name.startswith("gen-") and p.name not in keep:
                shutil.rmtree(p, ignore_errors=True)


def _lock(fh, root: Path, wait: float) -> None:
    import fcntl

    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            fh.seek(0)
            fh.truncate()
            fh.write(str(os.getpid()))
            fh.flush()
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                fh.seek(0)
                holder = fh.read().strip() or "?"
                raise IndexBusyError(f"{root}: the index is busy, another ingest (pid {holder}) is writing it; try again when it ends")
            time.sleep(0.2)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def open_document(index_dir: str | Path, ref: str) -> Document:
    """The document ``ref`` names (id, unique part of one, 发文字号) in the live generation."""
    snap = Store(index_dir).snapshot()
    return snap.document(snap.resolve(ref))
