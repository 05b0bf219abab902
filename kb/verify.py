"""The live generation checked against its checksums.json, read-only (`kb verify`).

Every file the generation holds is hashed and compared; a file listed but gone, one that differs,
one not listed, a manifest entry whose document is missing, and a CURRENT that names no
generation are each reported. `kb ingest` repairs all of them (kb.ingest).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .errors import IndexDamagedError, IndexMissingError
from .store import CHECKSUMS, CURRENT, MANIFEST, current_generation, file_digest, read_checksums

@dataclass
class VerifyResult:
    index: str
    generation: str | None = None
    checked: int = 0
    problems: list[dict] = field(default_factory=list)  # {"path", "problem"}

    @property
    def ok(self) -> bool:
        return not self.problems

    def record(self) -> dict:
        return {"index": self.index, "generation": self.generation, "checked": self.checked,
                "problems": self.problems, "ok": self.ok}

    def text(self) -> str:
        if self.ok:
            return f"{self.index}: intact ({self.checked} files match their checksums)"
        lines = [f"damaged {p['path']}: {p['problem']}" for p in self.problems]
        n = len(self.problems)
        lines.append(f"{self.index}: {n} problem{'s' if n > 1 else ''}")
        return "\n".join(lines)


def verify(index_dir) -> VerifyResult:
    root = Path(index_dir)
    result = VerifyResult(index=str(index_dir))
    try:
        gen = current_generation(root)
    except IndexDamagedError:
        result.problems.append({"path": str(root / CURRENT), "problem": "does not name a generation"})
        return result
    if gen is None:
        if (root / CURRENT).exists():
            result.problems.append({"path": str(root / CURRENT), "problem": "names a generation that is missing"})
            return result
        raise IndexMissingError(root)
    result.generation = gen.name
    sums = read_checksums(gen)
    if sums is None:
        result.problems.append({"path": str(gen / CHECKSUMS), "problem": "missing or unreadable (an index built before checksums, or damaged)"})
        sums = {}
    on_disk = {p.relative_to(gen).as_posix() for p in gen.rglob("*") if p.is_file() and not p.name.startswith(".")}
    on_disk.discard(CHECKSUMS)
    for rel in sorted(set(sums) | on_disk):
        path = gen / rel
        if rel not in on_disk:
            result.problems.append({"path": str(path), "problem": "missing"})
            continue
        result.checked += 1
        if not sums:
            continue
        if rel not in sums:
            result.problems.append({"path": str(path), "problem": "not listed in checksums.json (added by hand?)"})
            continue
        try:
            digest = file_digest(path)
        except OSError as err:
            result.problems.append({"path": str(path), "problem": f"unreadable ({err.strerror})"})
            continue
        if digest != sums[rel]:
            result.problems.append({"path": str(path), "problem": "differs from its checksum (damaged or edited)"})
    try:
        manifest = json.loads((gen / MANIFEST).read_text(encoding="utf-8"))
        files = [e["file"] for e in manifest.values()]
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as err:
        if not any(p["path"] == str(gen / MANIFEST) for p in result.problems):
            result.problems.append({"path": str(gen / MANIFEST), "problem": f"unreadable ({type(err).__name__})"})
        return result
    for name in files:
        rel = f"docs/{name}"
        if rel not in on_disk and rel not in sums:
            result.problems.append({"path": str(gen / rel), "problem": "missing (named in the manifest)"})
    return result
