"""Short forms and colloquial names of policy terms: 公租房 ↔ 公共租赁住房, 医保 ↔ 基本医疗保险.

The shipped list is ``kb/data/synonyms.tsv``; a user adds sets in ``INDEX/synonyms.tsv`` (same
format: one set of equivalent names per line, tab-separated, # comments; the first is the formal
name). A name that sits in several sets is equivalent to all of their names; sets with the same
formal name are one set.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

SHIPPED = Path(__file__).parent / "data" / "synonyms.tsv"
USER_FILE = "synonyms.tsv"


def parse(text: str) -> list[tuple[str, ...]]:
    sets = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        names = tuple(dict.fromkeys(n.strip().lower() for n in line.split("\t") if n.strip()))
        if len(names) > 1:
            sets.append(names)
    return sets


@lru_cache(maxsize=8)
def _table(user_path: str | None, user_mtime: int) -> dict[str, tuple[str, ...]]:
    sets = parse(SHIPPED.read_text(encoding="utf-8"))
    if user_path:
        try:
            sets += parse(Path(user_path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            pass  # an unreadable user file adds nothing; the shipped list still works
    # Sets with the same formal name are one set: a user's 公共租赁住房 ↔ 租房补贴码 joins the shipped
    # 公共租赁住房 ↔ 公租房. Sets that only share another name stay apart (孩子 is in 未成年人's set
    # and in 子女's, and 子女 is no 未成年人).
    merged: dict[str, dict[str, None]] = {}
    for names in sets:
        merged.setdefault(names[0], {}).update(dict.fromkeys(names))
    table: dict[str, dict[str, None]] = {}
    for names in merged.values():
        for n in names:
            table.setdefault(n, {}).update(dict.fromkeys(x for x in names if x != n))
    return {k: tuple(v) for k, v in table.items()}


def table(index_dir=None) -> dict[str, tuple[str, ...]]:
    """name → its other names, from the shipped list and the index's own file."""
    user = Path(index_dir) / USER_FILE if index_dir is not None else None
    try:
        mtime = user.stat().st_mtime_ns if user is not None else 0
    except OSError:
        user, mtime = None, 0
    return _table(str(user) if user else None, mtime)
