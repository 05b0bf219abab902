"""Files an ingest leaves out: ``--exclude GLOB`` and the ``.kbignore`` of an ingested folder.

A ``.kbignore`` holds one glob a line (``#`` starts a comment), as ``.gitignore`` does for the
simple cases: a pattern without ``/`` is matched against the file name at any depth
(``NEG_*``), one with ``/`` against the path relative to the folder (``drafts/*.pdf``). Matching
is fnmatch's (``*``, ``?``, ``[…]``), case-sensitive. Known-bad files listed here are then not
refused again on every re-ingest, so the exit status says something new is wrong.
"""
from __future__ import annotations

from fnmatch import fnmatchcase
from pathlib import Path

IGNORE_FILE = ".kbignore"


def read_ignore(folder: Path) -> list[str]:
    path = Path(folder) / IGNORE_FILE
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    return [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]


def excluded(path: Path, patterns, root: Path | None = None) -> bool:
    """Does any of ``patterns`` match ``path`` (its name, its path under ``root``, or as given)?"""
    path = Path(path)
    rel = None
    if root is not None:
        try:
            rel = path.resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            rel = None
    for pat in patterns:
        pat = pat.rstrip("/")
        if "/" not in pat:
            if fnmatchcase(path.name, pat) or (rel and any(fnmatchcase(part, pat) for part in rel.split("/")[:-1])):
                return True
        elif (rel and fnmatchcase(rel, pat.lstrip("/"))) or fnmatchcase(path.as_posix(), pat):
            return True
    return False
