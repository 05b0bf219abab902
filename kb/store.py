"""Documents ⇄ JSON under index/, in generations swapped atomically.

Layout::

    index/
      lock              held (flock) by the one ingest allowed at a time
      CURRENT           the name of the live generation, replaced with os.replace
      gen-<time>-<pid>/ one complete build
        manifest.json   {doc_id: {path, sha256, size, mtime_ns}}
        docs/<n>.json   one Document each (file name from the manifest, doc ids may be Chinese)
        …               what later stages build beside them (the Whoosh index, terms.json)
        stats.json      {relative path: [size, mtime_ns]} of every file above when its checksum
                        was taken: an ingest trusts a file it reuses whose size and mtime still
                        match instead of reading it all again (a write changes its mtime)
        checksums.json  {relative path: SHA-256} of every file above, written last: what an
                        ingest reuses (hard-links) is checked against it first, and `kb verify`
                        reads every file and reports any that differs, is missing, or is not listed

An ingest writes a new generation beside the live one and only then points CURRENT at it, so a
killed ingest leaves the previous generation answering (Whoosh's own multi-file commit is not
crash-safe: whoosh-community/whoosh #323). Readers resolve CURRENT once and keep using that
generation; the one before the live one is kept so a reader that started just before a swap
can finish.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import stat
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .errors import IndexBusyError, IndexDamagedError, IndexMissingError, NotFoundError
from .model import Document

CURRENT = "CURRENT"
MANIFEST = "manifest.json"
CHECKSUMS = "checksums.json"
STATS = "stats.json"
_GEN_NAME = re.compile(r"gen-[0-9T]+-[0-9]+-[0-9]+")


def _dumps(data) -> str:
    try:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        # A file name that is not UTF-8 (os.fsdecode keeps its bytes as lone surrogates): \udcfe
        # escapes are valid JSON in a valid UTF-8 file and load back to the same name.
        return json.dumps(data, ensure_ascii=True, separators=(",", ":"))


def write_json_atomic(path: Path, data) -> str:
    """Write ``data`` as JSON, atomically; return the SHA-256 of the bytes written."""
    # hashlib is imported where a file is checked, not with this module: OpenSSL's start-up
    # (~2.5 ms) was paid by every command, most of which check no file.
    import hashlib

    raw = _dumps(data).encode("utf-8")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as fh:
        fh.write(raw)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return hashlib.sha256(raw).hexdigest()


def file_digest(path: Path) -> str:
    import hashlib

    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


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
            raise IndexMissingError(root)
        try:
            return cls(gen, manifest_of(gen))
        except (OSError, ValueError) as err:
            raise IndexDamagedError(type(err).__name__, gen / MANIFEST, kind="stored") from err

    @property
    def doc_ids(self) -> list[str]:
        return list(self.manifest)

    def document(self, doc_id: str) -> Document:
        if doc_id not in self._docs:
            entry = self.manifest.get(doc_id)
            if entry is None:
                raise NotFoundError(f"no document {doc_id!r} in the index")
            self._docs[doc_id] = Document.from_dict(read_json(self.path / "docs" / entry["file"]))
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
        from .text import normalise_doc_number

        # 东府[2015]111号 as a user types it is 东府〔2015〕111号 as the index stores it.
        number = normalise_doc_number(ref) or ref
        hits = [d for d in ids if number in (self.manifest[d].get("doc_number") or "") or ref in (self.manifest[d].get("title") or "")]
        if len(hits) == 1:
            return hits[0]
        if hits:
            raise AmbiguousRefError(ref, hits)
        raise NotFoundError(f"no document matches {ref!r}", what="document", ref=ref)


def validity_summary(doc: Document) -> dict:
    """What `kb search --in-force` needs of a document, kept in the manifest (kb.validity)."""
    from .validity import summary

    return summary(doc)


_MANIFESTS: dict = {}  # (manifest path, inode, mtime, size) → its parsed JSON


def manifest_of(gen: Path) -> dict:
    """The parsed manifest of the generation ``gen``, read once a process while the file is the same
    (a generation never changes after its swap; at ×1000 the file is 1 MB, parsed on every search
    and again by the freshness check). Shared: never change it. Raises OSError or ValueError."""
    path = Path(gen) / MANIFEST
    st = path.stat()
    key = (str(path), st.st_ino, st.st_mtime_ns, st.st_size)
    got = _MANIFESTS.get(key)
    if got is None:
        got = json.loads(path.read_text(encoding="utf-8"))
        if len(_MANIFESTS) >= 4:
            _MANIFESTS.clear()
        _MANIFESTS[key] = got
    return got


def read_json(path: Path, kind: str = "stored"):
    """A JSON file of the live generation; a missing or unreadable one means the index is damaged
    (``kind``: "stored" for what ingest parses again, "index" for a derived file it rebuilds)."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise IndexDamagedError(type(err).__name__, path, kind=kind) from err


def current_generation(root: Path) -> Path | None:
    """The live generation, None when there is no index; ``IndexDamagedError`` for a bad CURRENT."""
    try:
        raw = (root / CURRENT).read_bytes()
    except FileNotFoundError:
        return None
    except OSError as err:
        raise IndexDamagedError(err.strerror, root / CURRENT) from err
    try:
        name = raw.decode("ascii").strip()
    except UnicodeDecodeError:
        name = None
    if not name or not _GEN_NAME.fullmatch(name):
        raise IndexDamagedError("not a generation name", root / CURRENT)
    gen = root / name
    return gen if (gen / MANIFEST).exists() else None


def read_checksums(gen: Path) -> dict | None:
    """A generation's checksums.json, or None when it is absent or unreadable (an older index)."""
    try:
        data = json.loads((gen / CHECKSUMS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def read_stats(gen: Path, checksums: dict | None) -> dict | None:
    """A generation's stats.json when its checksum holds (it is small): {rel: [size, mtime_ns]}."""
    import hashlib

    if not checksums or STATS not in checksums:
        return None
    try:
        raw = (gen / STATS).read_bytes()
        if hashlib.sha256(raw).hexdigest() != checksums[STATS]:
            return None
        data = json.loads(raw)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _stat_key(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns]


def intact(gen: Path, rel: str, checksums: dict | None, stats: dict | None = None) -> bool:
    """Is ``gen/rel`` what was written? Without checksums (an older index), is it at least JSON?

    With ``stats`` (read_stats), a file whose size and mtime are those recorded when its checksum
    was taken is trusted without reading it: whatever rewrites a file (an edit, a truncation, a
    copy over it) moves its mtime. What does not (a disk that rots in place) `kb verify` finds,
    because it reads every file.
    """
    path = gen / rel
    try:
        if checksums is not None:
            if rel not in checksums:
                return False
            if stats is not None and rel in stats and _stat_key(path.stat()) == stats[rel]:
                return True
            return checksums.get(rel) == file_digest(path)
        if rel.endswith(".json"):
            json.loads(path.read_text(encoding="utf-8"))
        return path.is_file()
    except (OSError, ValueError):
        return False


def usable_previous(root: Path) -> tuple[Path | None, dict, list[str]]:
    """(previous generation, its manifest, what was wrong) for an ingest to build on.

    A damaged CURRENT or manifest does not stop an ingest: the newest generation whose manifest
    is intact is used instead, and with none, everything is parsed afresh.
    """
    notes: list[str] = []
    try:
        live = current_generation(root)
        candidates = [live] if live else []
    except IndexDamagedError as err:
        notes.append(str(err))
        candidates = []
    if not candidates and root.is_dir():
        candidates = sorted((p for p in root.iterdir() if p.is_dir() and _GEN_NAME.fullmatch(p.name)
                             and (p / MANIFEST).exists()), key=lambda p: p.name, reverse=True)
    for gen in candidates:
        sums = read_checksums(gen)
        try:
            manifest = json.loads((gen / MANIFEST).read_text(encoding="utf-8"))
            if not isinstance(manifest, dict) or not all(isinstance(e, dict) and "file" in e for e in manifest.values()):
                raise ValueError("not a manifest")
            if sums is not None and not intact(gen, MANIFEST, sums):
                raise ValueError("checksum differs")
        except (OSError, ValueError) as err:
            notes.append(f"{gen / MANIFEST}: damaged ({type(err).__name__ if isinstance(err, OSError) else err})")
            continue
        return gen, manifest, notes
    return None, {}, notes


class Generation:
    """A generation being written. Only ``Store.writer`` makes one."""

    def __init__(self, path: Path, previous: Path | None, previous_manifest: dict | None = None,
                 notes: list[str] | None = None):
        self.path = path
        self.previous = previous
        self.previous_manifest = previous_manifest or {}
        self.previous_checksums = read_checksums(previous) if previous else None
        self.previous_stats = read_stats(previous, self.previous_checksums) if previous else None
        self.notes = notes or []  # what was damaged in the previous index (kb.store.usable_previous)
        self.manifest: dict = {}
        self.checksums: dict[str, str] = {}
        self._n = 0
        self._docstore = None  # kb.docstore.Writer, opened at the first document
        self._synced = False
        self._fresh: dict[str, Document] = {}  # documents put in this generation, not read back from JSON
        (path / "docs").mkdir(parents=True)

    def docstore(self):
        """The generation's section store, started from a copy of the previous one's when that
        is intact (its rows of carried documents are then kept, not built again)."""
        if self._docstore is None:
            from . import docstore

            seed = None
            if self.previous is not None and self.previous_checksums is not None \
                    and intact(self.previous, docstore.FILE, self.previous_checksums, self.previous_stats):
                seed = self.previous / docstore.FILE
            self._docstore = docstore.Writer(self.path / docstore.FILE, seed)
        return self._docstore

    def _name(self) -> str:
        self._n += 1
        return f"{self._n:05d}.json"

    def put(self, doc: Document, stat: dict) -> None:
        name = self._name()
        data = doc.to_dict()  # once: the JSON file and the section store's rows are both made from it
        digest = self.checksums[f"docs/{name}"] = write_json_atomic(self.path / "docs" / name, data)
        self.docstore().put(doc, digest, data)
        self._fresh[doc.id] = doc
        self.manifest[doc.id] = {**stat, "file": name, "title": doc.title, "doc_number": doc.doc_number,
                                 "doc_type": doc.doc_type, "issuer": doc.issuer, "date": doc.date,
                                 "validity": validity_summary(doc),
                                 # the ingest report's totals, without reading every document back
                                 "pages": doc.page_count, "sections": sum(1 for _ in doc.walk())}
        if doc.ocr_pages:  # so a search hit can say it quotes OCR without opening the document
            self.manifest[doc.id]["ocr_pages"] = list(doc.ocr_pages)
        if any(w.startswith("pages without a text layer") for w in doc.warnings):
            self.manifest[doc.id]["image_pages"] = True  # an ingest with --ocr parses it again

    def carry(self, doc_id: str, entry: dict) -> bool:
        """Reuse an unchanged document's JSON from the previous generation (hard link).

        False when that JSON is gone or differs from its checksum (an index pruned or edited by
        hand, a damaged disk): the caller parses the PDF again.
        """
        if self.previous is None:
            return False
        rel = f"docs/{entry['file']}"
        src = self.previous / rel
        if not src.is_file() or not intact(self.previous, rel, self.previous_checksums, self.previous_stats):
            return False
        name = self._name()
        try:
            os.link(src, self.path / "docs" / name)
        except OSError:
            shutil.copyfile(src, self.path / "docs" / name)
        if self.previous_checksums is not None:
            self.checksums[f"docs/{name}"] = self.previous_checksums[rel]
        self.manifest[doc_id] = {**entry, "file": name}
        return True

    def sync_docstore(self):
        """Bring the section store in line with the manifest (what is derived from the documents
        may then ask it which sections hold a word); the open ``docstore.Writer``.

        Rows of documents no longer held are deleted; a carried document whose rows the copied
        store lacks (or holds for other bytes) is read from its JSON and stored: only those.
        """
        store = self.docstore()
        if self._synced:
            return store
        for doc_id in [d for d in store.digests if d not in self.manifest]:
            store.drop(doc_id)
        for doc_id, entry in self.manifest.items():
            rel = f"docs/{entry['file']}"
            digest = self.checksums.get(rel) or file_digest(self.path / rel)
            if not store.holds(doc_id, digest):
                store.put(self.docs().get(doc_id), digest)
        self._synced = True
        return store

    def _close_docstore(self) -> None:
        self.sync_docstore()
        self.docstore().close()

    def discard(self) -> None:
        if self._docstore is not None:
            self._docstore.db.close()

    def seal(self) -> None:
        """Write the manifest and the section store, then checksums.json over every file of the
        generation (and stats.json, what each file's size and mtime were)."""
        self._close_docstore()
        self.checksums[MANIFEST] = write_json_atomic(self.path / MANIFEST, self.manifest)
        stats: dict[str, list[int]] = {}
        for p in sorted(self.path.rglob("*")):
            rel = p.relative_to(self.path).as_posix()
            if rel in (CHECKSUMS, STATS) or p.name.startswith(".") or not p.is_file():
                continue
            st = p.stat()
            stats[rel] = _stat_key(st)
            if rel not in self.checksums:
                self.checksums[rel] = self._carried_digest(rel, st) or file_digest(p)
        self.checksums = {k: v for k, v in sorted(self.checksums.items()) if k in stats}
        self.checksums[STATS] = write_json_atomic(self.path / STATS, stats)
        write_json_atomic(self.path / CHECKSUMS, dict(sorted(self.checksums.items())))

    def _carried_digest(self, rel: str, st: os.stat_result) -> str | None:
        """The previous generation's checksum of ``rel`` when this file is that one, hard-linked
        (same inode) and unchanged since it was summed (its recorded size and mtime)."""
        prev, sums, stats = self.previous, self.previous_checksums, self.previous_stats
        if prev is None or not sums or not stats or rel not in sums or stats.get(rel) != _stat_key(st):
            return None
        try:
            old = (prev / rel).stat()
        except OSError:
            return None
        return sums[rel] if (old.st_ino, old.st_dev) == (st.st_ino, st.st_dev) else None

    def documents(self) -> list[Document]:
        return list(self.docs())

    def docs(self) -> "Documents":
        """The generation's documents in manifest order, each read from its JSON only when asked."""
        return Documents(self.path, self.manifest, self._fresh)


class Documents:
    """A generation's documents, read one at a time: what builds from them (kb.index,
    kb.glossary) asks for the few that changed by id, and a full build streams through them,
    never holding every one at once. Documents put in this run are given, not read back."""

    def __init__(self, path: Path, manifest: dict, fresh: dict | None = None):
        self.path = Path(path)
        self.manifest = manifest
        self.fresh = fresh or {}

    @classmethod
    def of(cls, docs) -> "Documents":
        """``docs`` as a Documents: a list of Document objects is wrapped as it is."""
        if isinstance(docs, Documents):
            return docs
        docs = list(docs)
        return cls(Path("."), {d.id: {} for d in docs}, {d.id: d for d in docs})

    @property
    def ids(self) -> list[str]:
        return list(self.manifest)

    def __len__(self) -> int:
        return len(self.manifest)

    def get(self, doc_id: str) -> Document:
        doc = self.fresh.get(doc_id)
        if doc is None:
            doc = Document.from_dict(read_json(self.path / "docs" / self.manifest[doc_id]["file"]))
        return doc

    def __iter__(self):
        return (self.get(d) for d in self.ids)


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
        lock = _open_lock(self.root / "lock")
        try:
            _lock(lock, self.root, wait)
            previous, manifest, notes = usable_previous(self.root)
            name = f"gen-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6:06d}"
            gen = Generation(self.root / name, previous, manifest, notes)
            try:
                yield gen
                gen.seal()
                _fsync_dir(gen.path)
                tmp = self.root / f".{CURRENT}.{os.getpid()}.tmp"
                tmp.write_text(name, encoding="utf-8")
                os.replace(tmp, self.root / CURRENT)
                _fsync_dir(self.root)
            except BaseException:
                gen.discard()
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


def _open_lock(path: Path):
    """The lock file, never through a symlink (O_NOFOLLOW) and only if it is a regular file of
    one link: a planted ``index/lock`` → ~/.bashrc must not be written, let alone truncated."""
    from .errors import KbError

    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as err:
        if path.is_symlink():
            raise KbError(f"{path}: the lock file is a symbolic link; remove it (it is not ours)") from err
        raise
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1:
        os.close(fd)
        raise KbError(f"{path}: the lock file is not a regular file of its own; remove it (it is not ours)")
    return os.fdopen(fd, "a+")


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
                raise IndexBusyError(f"{root}: the index is busy, another ingest (pid {holder}) is writing it; try again when it ends", holder)
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
