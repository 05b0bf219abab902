"""Is the index missing or behind the corpus folder? Answered from stat() calls alone (no hashing).

A file counts as changed when its size or mtime differs from the manifest; a new file counts
only when it is newer than the live generation, so a PDF the last ingest refused (and reported)
does not trigger a rebuild on every search. An index that holds no document from the corpus
folder (built with `--index` from other files) is never touched.
"""
from __future__ import annotations

from pathlib import Path

from .docstore import FILE as DOCSTORE
from .errors import IndexBusyError, IndexDamagedError
from .store import MANIFEST, current_generation, manifest_of

# A first search that finds another process building the index waits for it this long.
FIRST_BUILD_WAIT = 600.0


def refresh(index_dir, corpus_dir, on_build=None, on_busy=None):
    """Build the index from ``corpus_dir`` when it is missing, damaged or older than the corpus.

    Returns the ingest's report, or None when nothing was built. When another ingest is writing
    the index, a search must not fail: with an index in place, ``on_busy(reason)`` is told and
    the current generation answers; with none yet (two first searches at once), this waits for
    the other build and answers from it.
    """
    index_dir, corpus_dir = Path(index_dir), Path(corpus_dir)
    try:
        reason = stale_reason(index_dir, corpus_dir)
    except IndexDamagedError as err:
        if not corpus_dir.is_dir():
            raise  # nothing here to rebuild it from: a reader only names the damage
        reason = str(err)
    if reason is None:
        return None
    from .ingest import ingest  # only when there is something to build: it pulls in the PDF pipeline (~90 ms)
    told = False

    def started(*_):  # said once the lock is ours: a busy index is said differently
        nonlocal told
        if on_build and not told:
            told = True
            on_build(reason)

    try:
        return ingest([corpus_dir], index_dir, on_progress=started)
    except IndexBusyError as err:
        try:
            live = current_generation(index_dir)
        except IndexDamagedError:
            live = None
        if live is not None:
            if on_busy:
                on_busy(f"{reason}: {err.holder_text()}; answering from the current index")
            return None
        return ingest([corpus_dir], index_dir, wait=FIRST_BUILD_WAIT, on_progress=started)


def stale_reason(index_dir: Path, corpus_dir: Path) -> str | None:
    gen = current_generation(index_dir)
    if gen is None:
        return "index missing" if corpus_dir.is_dir() else None
    if not (gen / "search-vocab.json").exists():
        return "index has no search index"
    if not corpus_dir.is_dir():
        return None

    root = corpus_dir.resolve()  # once: resolving it for each entry was a stat() per path component per document
    try:
        manifest = manifest_of(gen)  # the search that follows reads the same, parsed once
        built = (gen / MANIFEST).stat().st_mtime_ns
        known = {e["path"]: e for e in manifest.values() if Path(e["path"]).is_relative_to(root)}
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as err:
        raise IndexDamagedError(type(err).__name__, gen / MANIFEST) from None
    if not known:
        return None  # an index built from other folders: this corpus is none of its business
    if not (gen / DOCSTORE).exists():  # built before the section store, which the query path reads
        return "index has no section store"
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
