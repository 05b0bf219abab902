"""Files and folders → a new index generation: parse what changed, reuse what did not.

A file is re-parsed only when its size or modification time changed and its SHA-256 did too;
a document disappears from the index when it lay under an ingested folder (or was an ingested
file) and is gone. One bad file is reported and skipped; the rest are ingested. Everything the
later stages build (search index, glossary) is built into the same generation before it is
swapped in, so readers never see a half-built index.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .errors import InputError, MissingFileError
from .parse import PARSER_VERSION, file_sha256, parse_pdf
from .store import Generation, Snapshot, Store


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
    documents: int = 0
    pages: int = 0
    sections: int = 0
    terms: int = 0

    @property
    def ok(self) -> bool:
        return not self.skipped


ProgressFn = Callable[[str, int, int], None]  # (file being read, index, total)


def collect_files(paths: list[str | Path], exclude=(), excluded: list | None = None) -> tuple[list[Path], list[Path], list[InputError]]:
    """(files to ingest, folders given, errors for paths that do not exist).

    ``exclude`` globs and each folder's .kbignore (kb.ignore) leave files out; their paths are
    appended to ``excluded``.
    """
    from .ignore import excluded as is_excluded, read_ignore

    files, roots, errors = [], [], []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            roots.append(p.resolve())
            patterns = [*exclude, *read_ignore(p)]
            for f in sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() == ".pdf"):
                if patterns and is_excluded(f, patterns, p):
                    if excluded is not None:
                        excluded.append(str(f))
                else:
                    files.append(f)
        elif p.exists():
            if exclude and is_excluded(p, exclude):
                if excluded is not None:
                    excluded.append(str(p))
            else:
                files.append(p)
        else:
            errors.append(MissingFileError(p))
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
    base = path.stem.strip().replace(" ", "_") or "document"
    doc_id, n = base, 2
    while doc_id in taken:
        doc_id, n = f"{base}-{n}", n + 1
    return doc_id


def ingest(
    paths: list[str | Path],
    index_dir: str | Path,
    *,
    on_progress: ProgressFn | None = None,
    wait: float = 0.0,
    exclude=(),
    **budget,
) -> IngestReport:
    """Ingest ``paths`` (files and folders; ``str`` or ``Path``) into the index at ``index_dir``.

    ``exclude``: globs of files to leave out (kb.ignore), besides each folder's .kbignore.
    """
    if isinstance(paths, (str, os.PathLike)):  # one path given where a list is expected
        paths = [paths]
    store = Store(index_dir)
    report = IngestReport(index=str(index_dir))
    files, roots, missing = collect_files(paths, exclude, report.excluded)
    for err in missing:
        report.skipped.append({"path": err.path, "reason": err.reason, "error": str(err)})

    with store.writer(wait=wait) as gen:
        old = Snapshot.open(store.root).manifest if store.exists() else {}
        by_path = {e["path"]: doc_id for doc_id, e in old.items()}
        given = {str(f.resolve()) for f in files}
        taken: set[str] = set()

        for i, path in enumerate(files):
            if on_progress:
                on_progress(str(path), i, len(files))
            try:
                stat = _stat(path)
                doc_id = by_path.get(stat["path"]) or _new_id(path, taken | set(old))
                prev = old.get(doc_id)
                if prev and prev.get("parser") != PARSER_VERSION:
                    prev = {**prev, "size": None, "sha256": None}  # parsed by older rules: parse again
                if prev and prev["size"] == stat["size"] and prev["mtime_ns"] == stat["mtime_ns"] and gen.carry(doc_id, prev):
                    report.unchanged.append(doc_id)
                    taken.add(doc_id)
                    continue
                sha = file_sha256(path)
                if prev and prev.get("sha256") == sha and gen.carry(doc_id, {**prev, **stat}):
                    report.unchanged.append(doc_id)
                    taken.add(doc_id)
                    continue
                original = duplicate_of(sha, stat["path"], gen.manifest, old)
                if original:
                    report.duplicates.append({"path": str(path), "doc_id": original})
                    continue
                doc = parse_pdf(path, doc_id, sha256=sha, **budget)
            except InputError as err:
                report.skipped.append({"path": str(path), "reason": err.reason, "error": str(err)})
                continue
            except Exception as err:  # a parser bug on one file must not cost the others
                report.skipped.append({"path": str(path), "reason": "internal error", "error": f"{path}: internal error ({type(err).__name__}: {err})"})
                continue
            gen.put(doc, {**stat, "sha256": sha, "parser": PARSER_VERSION})
            (report.updated if prev else report.added).append(doc_id)
            taken.add(doc_id)
            report.warnings.extend({"doc_id": doc_id, "warning": w} for w in doc.warnings)
        if on_progress:
            on_progress("", len(files), len(files))

        # Documents not given this time: kept unless they lay under a given folder and are gone.
        for doc_id, entry in old.items():
            if doc_id in gen.manifest:
                continue
            p = entry["path"]
            under_root = any(Path(p).is_relative_to(r) for r in roots)
            if (under_root and not os.path.exists(p)) or (p in given and not os.path.exists(p)):
                report.removed.append(doc_id)
            elif p in given:
                continue  # given but refused this time: reported in skipped
            elif not gen.carry(doc_id, entry):
                report.removed.append(doc_id)
                report.warnings.append({"doc_id": doc_id, "warning": f"its stored copy was missing from the index; ingest {p} again"})

        docs = gen.documents()
        report.documents = len(docs)
        report.pages = sum(d.page_count for d in docs)
        report.sections = sum(1 for d in docs for _ in d.walk())
        unchanged = not (report.added or report.updated or report.removed) and set(gen.manifest) == set(old)
        if not (unchanged and carry_derived(gen, report)):
            build_derived(gen, docs, report)
    return report


def _link_or_copy(src, dst) -> None:
    import shutil

    try:
        os.link(src, dst)
    except OSError:  # a file system without hard links
        shutil.copy2(src, dst)


def carry_derived(gen: Generation, report: IngestReport) -> bool:
    """Reuse the previous generation's search index and glossary when no document changed.

    Hard links, so it costs nothing on disk; False (build afresh) if anything is missing.
    """
    import json
    import shutil

    prev = gen.previous
    derived = [p for p in prev.iterdir() if p.name not in ("docs", "manifest.json")] if prev else []
    if not derived or not (prev / "terms.json").exists():
        return False
    for src in derived:
        dst = gen.path / src.name
        if src.is_dir():
            shutil.copytree(src, dst, copy_function=_link_or_copy)
        else:
            _link_or_copy(src, dst)
    report.terms = len(json.loads((gen.path / "terms.json").read_text(encoding="utf-8")))
    return True


def build_derived(gen: Generation, docs, report: IngestReport) -> None:
    """Everything built from the documents, into the generation before it goes live."""
    from .glossary import build_terms
    from .index import build_index

    build_terms(gen, docs, report)  # first: the search index reads terms.json for its dictionary
    build_index(gen, docs, report)


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
