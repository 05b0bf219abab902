"""Is the index missing or behind the corpus folder? Answered from stat() calls alone (no hashing).

A file counts as changed when its size or mtime differs from the manifest; a new file counts
only when it is newer than the live generation, so a PDF the last ingest refused (and reported)
does not trigger a rebuild on every search. An index that holds no document from the corpus
folder (built with `--index` from other files) is never touched.
"""
from __future__ import annotations

from pathlib import Path

from .store import MANIFEST, current_generation


def stale_reason(index_dir: Path, corpus_dir: Path) -> str | None:
    gen = current_generation(index_dir)
    if gen is None:
        return "index missing" if corpus_dir.is_dir() else None
    if not (gen / "search-vocab.json").exists():
        return "index has no search index"
    if not corpus_dir.is_dir():
        return None
    import json

    manifest = json.loads((gen / MANIFEST).read_text(encoding="utf-8"))
    built = (gen / MANIFEST).stat().st_mtime_ns
    root = corpus_dir.resolve()
    known = {e["path"]: e for e in manifest.values() if Path(e["path"]).is_relative_to(root)}
    if not known:
        return None  # an index built from other folders: this corpus is none of its business
    on_disk = {str(p.resolve()): p for p in root.rglob("*") if p.suffix.lower() == ".pdf" and p.is_file()}
    for path, entry in known.items():
        if path not in on_disk:
            return "index stale (a corpus file was removed)"
        st = on_disk[path].stat()
        if st.st_size != entry["size"] or st.st_mtime_ns != entry["mtime_ns"]:
            return "index stale (a corpus file changed)"
    for path, p in on_disk.items():
        if path not in known and p.stat().st_mtime_ns > built:
            return "index stale (a corpus file was added)"
    return None
