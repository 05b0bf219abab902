"""Files and folders → a new index generation: parse what changed, reuse what did not.

A file is re-parsed only when its size or modification time changed and its SHA-256 did too;
a document disappears from the index when it lay under an ingested folder (or was an ingested
file) and is gone. Every file gets its own verdict: a bad name, a file that cannot be read, a
folder that cannot be listed, a PDF that hangs the parser or eats the memory (kb.worker) is
refused on one line and the rest are ingested. What is reused from the previous generation is
checked against its checksums first; a damaged document is parsed again, damaged derived files
(search index, glossary) are built again. Everything is built into the new generation before it
is swapped in, so readers never see a half-built index.

Parsing runs in worker processes started with "spawn" (kb.worker): as with any multiprocessing
code, a script that calls ``ingest()`` at import time needs an ``if __name__ == "__main__":`` guard.
"""
from __future__ import annotations

import os
import stat as stat_mod
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from .errors import (
    InputError,
    MissingFileError,
    NotRegularFileError,
    UnreadableError,
    UnreadableFolderError,
    shown,
)
from . import parse_pool, worker
from .parse import PARSER_VERSION, file_sha256
from .store import Generation, Store, intact, read_checksums


@dataclass
class IngestReport:
    index: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)  # {"path", "reason", "error"}
    warnings: list[dict] = field(default_factory=list)  # {"doc_id", "warning"}
    duplicates: list[dict] = field(default_factory=list)  # {"path", "doc_id"}: byte-identical to doc_id, not added
    excluded: list[str] = field(default_factory=list)  # paths left out by --exclude or a .kbignore
    repaired: list[str] = field(default_factory=list)  # what was damaged in the index and rebuilt
    documents: int = 0
    pages: int = 0
    sections: int = 0
    terms: int = 0

    @property
    def ok(self) -> bool:
        return not self.skipped


ProgressFn = Callable[[str, int, int], None]  # (file just finished, files done, total)
OCR_CACHE = "ocr"  # under the index root, beside the generations: OCR results by file SHA-256
OCR_SECONDS = 3600.0  # the default time budget of a file when OCR is on: ~5 s a page on one core


def _refusal(err: InputError) -> dict:
    return {"path": shown(err.path), "reason": err.reason, "error": str(err)}


def collect_files(paths: list[str | Path], exclude=(), excluded: list | None = None) -> tuple[list[Path], list[Path], list[InputError]]:
    """(files to ingest, folders given, a refusal for each path that cannot be looked at).

    Folders are walked with every error kept: a subfolder that cannot be listed is named, not
    skipped in silence. A path given by name that is not a regular file (a FIFO would block the
    read for ever) is refused; in a folder only regular ``*.pdf`` files are looked at.
    ``exclude`` globs and each folder's .kbignore (kb.ignore) leave files out; their paths are
    appended to ``excluded``.
    """
    from .ignore import excluded as is_excluded, read_ignore

    files, roots, errors = [], [], []
    for raw in paths:
        p = Path(raw)
        try:
            st = p.stat()
        except FileNotFoundError:
            errors.append(MissingFileError(p))
            continue
        except OSError as err:
            errors.append(UnreadableError(p, err.strerror) if isinstance(err, PermissionError) else MissingFileError(p, err.strerror))
            continue
        if stat_mod.S_ISDIR(st.st_mode):
            roots.append(p.resolve())
            patterns = [*exclude, *read_ignore(p)]
            found = []

            def on_error(err: OSError, _where=p) -> None:
                errors.append(UnreadableFolderError(err.filename or _where, err.strerror))

            for folder, dirs, names in os.walk(p, onerror=on_error):
                dirs.sort()
                for name in names:
                    f = Path(folder) / name
                    if f.suffix.lower() == ".pdf" and f.is_file():
                        if patterns and is_excluded(f, patterns, p):
                            if excluded is not None:
                                excluded.append(str(f))
                        else:
                            found.append(f)
            files.extend(sorted(found))
            if excluded is not None:
                excluded.sort()  # os.walk gives a folder's files before its subfolders'; a listing reads sorted
        elif stat_mod.S_ISREG(st.st_mode):
            if exclude and is_excluded(p, exclude):
                if excluded is not None:
                    excluded.append(str(p))
            else:
                files.append(p)
        else:
            errors.append(NotRegularFileError(p, "a device, FIFO or socket"))
    seen, unique = set(), []
    for f in files:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, roots, errors


def _stat(path: Path) -> dict:
    st = path.stat()
    return {"path": str(path.resolve()), "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _new_id(path: Path, taken: set[str]) -> str:
    # An id is typed and printed: bytes that are not UTF-8 become U+FFFD, control characters "_".
    stem = os.fsencode(path.stem).decode("utf-8", "replace")
    base = "".join(ch if ch.isprintable() and not ch.isspace() else "_" for ch in stem.strip()) or "document"
    doc_id, n = base, 2
    while doc_id in taken:
        doc_id, n = f"{base}-{n}", n + 1
    return doc_id


def parse_one(path: str, doc_id: str, sha256: str, options: dict):
    """What a worker runs: one PDF → one Document (kb.parse), with the page budget in ``options``."""
    from .parse import parse_pdf

    # The wall-clock budget is the watchdog's (kb.worker), which also stops a page that never ends.
    # Each page OCR'd is told to the parent at once: the progress bar moves per page of a scan.
    doc = parse_pdf(Path(path), doc_id, sha256=sha256, max_seconds=float("inf"),
                    on_ocr_page=lambda page, count: worker.tell(("ocr", page, count)), **options)
    # The document's path is printed (docs, citations): escaped when it is not printable UTF-8;
    # the manifest keeps the real name, which freshness and removal need.
    return doc if path.isprintable() else replace(doc, path=shown(path))


def ingest(
    paths: list[str | Path],
    index_dir: str | Path,
    *,
    on_progress: ProgressFn | None = None,
    wait: float = 0.0,
    exclude=(),
    rebuild: bool = False,
    max_seconds: float | None = None,
    max_memory: int = worker.DEFAULT_MEMORY,
    workers: int | None = None,
    use_ocr: bool = False,
    **options,
) -> IngestReport:
    """Ingest ``paths`` (files and folders; ``str`` or ``Path``) into the index at ``index_dir``.

    ``max_seconds`` and ``max_memory`` (bytes) bound each file's parse, in ``workers`` processes
    (default: one per core; the time default is worker.DEFAULT_SECONDS, OCR_SECONDS with OCR);
    ``rebuild`` parses every file again, reusing nothing; ``exclude``: globs of files to leave
    out (kb.ignore), besides each folder's .kbignore; ``use_ocr``: OCR the pages without a text
    layer (the ``ocr`` extra), cached in the index (kb/ocr.py) so an unchanged file is never OCR'd
    again; other ``options`` (``max_pages``, …) go to ``kb.parse.parse_pdf``.
    """
    import time

    from .ocr import prune_cache

    started = time.time()
    if isinstance(paths, (str, os.PathLike)):  # one path given where a list is expected
        paths = [paths]
    if max_seconds is None:
        max_seconds = OCR_SECONDS if use_ocr else worker.DEFAULT_SECONDS
    budget = worker.Budget(seconds=max_seconds, memory=max_memory, workers=workers or worker.default_workers())
    store = Store(index_dir)
    options = {**options, "use_ocr": use_ocr, "ocr_cache": str(store.root / OCR_CACHE)}
    report = IngestReport(index=str(index_dir))
    files, roots, refused = collect_files(paths, exclude, report.excluded)
    report.skipped.extend(_refusal(e) for e in refused)

    with store.writer(wait=wait) as gen:
        report.repaired.extend(gen.notes)
        old = gen.previous_manifest
        by_path = {e.get("path"): doc_id for doc_id, e in old.items()}
        given = {str(f.resolve()) for f in files}
        if rebuild:  # every document the index holds whose PDF is still there is parsed again too
            files += [Path(e["path"]) for e in old.values() if e.get("path") not in given and os.path.isfile(e.get("path", ""))]
            given = {str(f.resolve()) for f in files}
        taken: set[str] = set()
        total = len(files)
        done = 0
        verdicts: dict[int, tuple[str, str]] = {}  # file number → (what happened, doc id)
        tasks: list[worker.Task] = []
        queued: dict[str, dict] = {}

        # A file is one step of the progress bar, and a file that turns out to need OCR adds one
        # step a page when its first OCR'd page is told (worker.tell): page count, pages told.
        ocr_steps: dict[int, list[int]] = {}

        def progress(path, task_no: int | None = None) -> None:
            nonlocal done
            pages, told = ocr_steps.pop(task_no, (0, 0))
            done += 1 + pages - told  # the pages of a file that did not need OCR, at its end
            if on_progress:
                on_progress(path, done, total)

        def ocr_page(task, note) -> None:
            nonlocal done, total
            _, _page, count = note
            steps = ocr_steps.setdefault(task.key[0], [0, 0])
            if not steps[0]:
                steps[0] = count
                total += count
            if steps[1] < steps[0]:
                steps[1] += 1
                done += 1
            if on_progress:
                on_progress(task.path, done, total)

        if on_progress:
            on_progress("", 0, total)
        for i, path in enumerate(files):
            try:
                stat = _stat(path)
                doc_id = by_path.get(stat["path"]) or _new_id(path, taken | set(old))
                taken.add(doc_id)
                prev = None if rebuild else old.get(doc_id)
                if prev and prev.get("parser") != PARSER_VERSION:
                    prev = {**prev, "size": None, "sha256": None}  # parsed by older rules: parse again
                elif prev and use_ocr and prev.get("image_pages"):
                    prev = {**prev, "size": None, "sha256": None}  # its image-only pages can be read now
                if prev and prev["size"] == stat["size"] and prev["mtime_ns"] == stat["mtime_ns"] and gen.carry(doc_id, prev):
                    verdicts[i] = ("unchanged", doc_id)
                    progress(str(path))
                    continue
                try:
                    sha = file_sha256(path)
                except PermissionError as err:
                    raise UnreadableError(path, err.strerror) from None
                except IsADirectoryError:
                    raise NotRegularFileError(path, "a directory") from None
                if prev and prev.get("sha256") == sha and gen.carry(doc_id, {**prev, **stat}):
                    verdicts[i] = ("unchanged", doc_id)
                    progress(str(path))
                    continue
                original = duplicate_of(sha, stat["path"], gen.manifest, old, queued)
                if original:
                    report.duplicates.append({"path": str(path), "doc_id": original})
                    progress(str(path))
                    continue
                if prev and prev.get("sha256") == sha:
                    report.repaired.append(f"{gen.previous / 'docs' / prev['file']}: damaged or missing; parsed again from {shown(path)}")
            except InputError as err:
                report.skipped.append(_refusal(err))
                progress(str(path))
                continue
            except OSError as err:  # vanished or unreadable between listing and reading
                report.skipped.append(_refusal(MissingFileError(path, err.strerror) if isinstance(err, FileNotFoundError)
                                               else UnreadableError(path, err.strerror)))
                progress(str(path))
                continue
            # A PDF unchanged since it was parsed, reparsed only to repair its stored copy, stays "unchanged".
            existed = "unchanged" if prev and prev.get("sha256") == sha else "updated" if old.get(doc_id) else "added"
            queued[doc_id] = {**stat, "sha256": sha}  # a second copy in this same run is a duplicate too
            tasks.append(worker.Task(key=(i, doc_id, stat, sha, existed), path=str(path),
                                     fn=parse_one, args=(str(path), doc_id, sha, options)))

        # Largest first: a long file started last would leave the other core idle while it finishes.
        tasks.sort(key=lambda t: -t.key[2]["size"])
        warm = _warm_up() if tasks else None
        for task, doc, err in parse_pool.parse(tasks, budget, on_note=ocr_page):
            i, doc_id, stat, sha, existed = task.key
            try:
                if err is not None:
                    raise err
                gen.put(doc, {**stat, "sha256": sha, "parser": PARSER_VERSION})
            except InputError as e:
                report.skipped.append(_refusal(e))
            except Exception as e:  # a parser bug, or a document that cannot be stored: this file only
                detail = str(e) if isinstance(e, worker.RemoteError) else f"{type(e).__name__}: {e}"
                report.skipped.append({"path": shown(task.path), "reason": "internal error",
                                       "error": f"{shown(task.path)}: internal error ({detail})"})
            else:
                verdicts[i] = (existed, doc_id)
                report.warnings.extend({"doc_id": doc_id, "warning": w} for w in doc.warnings)
            progress(task.path, i)

        report.skipped.sort(key=lambda r: r["path"])  # the workers finish in any order; the report does not
        for i in sorted(verdicts):
            what, doc_id = verdicts[i]
            getattr(report, what).append(doc_id)
        order = [verdicts[i][1] for i in sorted(verdicts)]

        # Documents not given this time: kept unless they lay under a given folder and are gone.
        for doc_id, entry in old.items():
            if doc_id in gen.manifest:
                continue
            p = entry.get("path", "")
            under_root = any(Path(p).is_relative_to(r) for r in roots)
            if (under_root and not os.path.exists(p)) or (p in given and not os.path.exists(p)):
                report.removed.append(doc_id)
            elif p in given:
                continue  # given but refused this time: reported in skipped
            elif gen.carry(doc_id, entry):
                order.append(doc_id)
            else:
                report.removed.append(doc_id)
                report.warnings.append({"doc_id": doc_id, "warning": f"its stored copy was missing or damaged; ingest {shown(p)} again"})
        rank = {d: n for n, d in enumerate(order)}  # the manifest in file order, not in the order workers finished
        gen.manifest = {d: gen.manifest[d] for d in sorted(gen.manifest, key=lambda d: rank.get(d, len(rank)))}

        prune_cache(store.root / OCR_CACHE, {e.get("sha256") for e in gen.manifest.values()}, since=started)
        unchanged = not (report.added or report.updated or report.removed) and set(gen.manifest) == set(old)
        if warm is not None:
            warm.join()
        assemble(gen, report, reuse=not rebuild, unchanged=unchanged and not rebuild)
    return report


def _warm_up():
    """A thread that loads what the glossary and index builds will need (their modules, Whoosh,
    the word automaton of kb.segment: some 0.4 s of CPU) while this process only waits for the
    parse workers, so little of it is left for after the last file; started only when there is
    something to parse, so there is something to segment. A failure here is left for the build
    itself to meet and report."""
    import threading

    def load():
        try:
            from . import glossary, glossary_build, glossary_index, index, segment  # noqa: F401
            from whoosh import writing  # noqa: F401  (after kb.index: Whoosh without urllib)

            segment.tokenizer()
        except Exception:
            pass

    t = threading.Thread(target=load, name="kb-warm-up", daemon=True)
    t.start()
    return t


def assemble(gen: Generation, report: IngestReport, reuse: bool = True, unchanged: bool = False) -> None:
    """Everything a generation holds besides its documents, once they are all in it.

    The report's totals come from the manifest and what is derived is built from the documents
    that changed (kb.index, kb.glossary): nothing here reads every document, so adding one
    document to a large index costs about that document. ``unchanged``: no document changed,
    so the previous generation's derived files are linked when intact.
    """
    _totals(gen, report)
    gen.sync_docstore()  # first: the derived builds ask it which stored sections hold a new word
    if not (unchanged and carry_derived(gen, report)):
        build_derived(gen, gen.docs(), report, reuse=reuse)


def _totals(gen: Generation, report: IngestReport) -> None:
    docs = gen.docs()
    report.documents = len(docs)
    report.pages = report.sections = 0
    for doc_id, entry in gen.manifest.items():
        if "pages" not in entry or "sections" not in entry:  # a manifest from before the counts were kept
            doc = docs.get(doc_id)
            entry.update(pages=doc.page_count, sections=sum(1 for _ in doc.walk()))
        report.pages += entry["pages"]
        report.sections += entry["sections"]


def _link_or_copy(src, dst) -> None:
    import shutil

    try:
        os.link(src, dst)
    except OSError:  # a file system without hard links
        shutil.copy2(src, dst)


DERIVED_NEEDED = ("terms.json", "search-vocab.json")


def carry_derived(gen: Generation, report: IngestReport) -> bool:
    """Reuse the previous generation's search index and glossary when no document changed.

    Hard links, so it costs nothing on disk; False (build afresh) if anything is missing or
    differs from its checksum (then said in ``report.repaired``).
    """
    import json
    import shutil

    prev = gen.previous
    if prev is None:
        return False
    sums = read_checksums(prev)
    # docs.sqlite is the generation's own (kb.store writes it), never linked: it is written in place.
    derived = [p for p in prev.iterdir() if p.name not in ("docs", "manifest.json", "checksums.json", "docs.sqlite")
               and not p.name.startswith(".")]
    if not derived or not all((prev / n).exists() for n in DERIVED_NEEDED) or not (prev / "whoosh").is_dir():
        if derived:
            report.repaired.append(f"{prev}: its search index or glossary was incomplete; built again")
        return False
    files = [p for p in prev.rglob("*") if p.is_file() and p.relative_to(prev).parts[0] not in ("docs", "manifest.json", "checksums.json")]
    if sums is None:
        return False  # an index from before checksums: build once, with them
    listed = {k for k in sums if k.split("/")[0] not in ("docs", "manifest.json")}
    rels = {p.relative_to(prev).as_posix() for p in files}
    bad = sorted((listed - rels) | {r for r in rels if not intact(prev, r, sums)})
    if bad:
        report.repaired.append(f"{prev / bad[0]}: damaged or missing" + (f" (and {len(bad) - 1} more)" if len(bad) > 1 else "")
                               + "; search index and glossary built again from the stored documents")
        return False
    for src in derived:
        dst = gen.path / src.name
        if src.is_dir():
            shutil.copytree(src, dst, copy_function=_link_or_copy)
        else:
            _link_or_copy(src, dst)
        for p in ([src] if src.is_file() else src.rglob("*")):
            rel = p.relative_to(prev).as_posix()
            if rel in sums:
                gen.checksums[rel] = sums[rel]
    report.terms = len(json.loads((gen.path / "terms.json").read_text(encoding="utf-8")))
    return True


def build_derived(gen: Generation, docs, report: IngestReport, reuse: bool = True) -> None:
    """Everything built from the documents, into the generation before it goes live.

    ``reuse``: what depends on no document (the query lexicon) may be linked from the previous
    generation when its checksum holds; ``--rebuild`` writes it afresh too.
    """
    from .glossary import build_terms
    from .index import build_index

    build_terms(gen, docs, report, reuse=reuse)  # first: the search index reads terms.json for its dictionary
    build_index(gen, docs, report, reuse=reuse)


def duplicate_of(sha: str, path: str, *manifests: dict) -> str | None:
    """The id of a document with the same bytes as the file at ``path``, other than itself.

    A copy of a file already indexed (the same PDF saved twice) would double every hit; the
    original counts only while its file still exists, so a file moved or renamed is re-read
    under its new path rather than reported as a copy of a file that is gone.
    """
    for manifest in manifests:
        for doc_id, entry in manifest.items():
            if entry.get("sha256") == sha and entry.get("path") != path and _unchanged_since(entry):
                return doc_id
    return None


def _unchanged_since(entry: dict) -> bool:
    """Does the file an entry was read from still exist, as it was read (size and mtime)?"""
    try:
        st = os.stat(entry["path"])
    except (OSError, KeyError):
        return False
    return (st.st_size, st.st_mtime_ns) == (entry.get("size"), entry.get("mtime_ns"))
