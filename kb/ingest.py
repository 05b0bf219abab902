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
    documents: int = 0
    pages: int = 0
    sections: int = 0
    terms: int = 0

    @property
    def ok(self) -> bool:
        return not self.skipped


ProgressFn = Callable[[str, int, int], None]  # (file being read, index, total)
OCR_CACHE = "ocr"  # under the index root, beside the generations: OCR results by file SHA-256


def collect_files(paths: list[str | Path]) -> tuple[list[Path], list[Path], list[InputError]]:
    """(files to ingest, folders given, errors for paths that do not exist)."""
    files, roots, errors = [], [], []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            roots.append(p.resolve())
            files.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() == ".pdf"))
        elif p.exists():
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
    use_ocr: bool = False,
    **budget,
) -> IngestReport:
    """Ingest ``paths`` (files and folders) into the index at ``index_dir``.

    ``use_ocr``: OCR the pages without a text layer (the ``ocr`` extra); results are cached in
    the index (kb/ocr.py), so an unchanged file is never OCR'd again.
    """
    import time

    from .ocr import prune_cache

    started = time.time()
    store = Store(index_dir)
    budget = {**budget, "use_ocr": use_ocr, "ocr_cache": store.root / OCR_CACHE}
    report = IngestReport(index=str(index_dir))
    files, roots, missing = collect_files(paths)
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

        prune_cache(store.root / OCR_CACHE, {e.get("sha256") for e in gen.manifest.values()}, since=started)
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
