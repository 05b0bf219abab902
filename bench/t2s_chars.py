"""Write kb/data/t2s_chars.txt: every character OpenCC's t2s conversion can change.

    PYTHONPATH=. python bench/t2s_chars.py

kb.text.to_simplified calls OpenCC only for a text holding one of them (a query in simplified
characters, nearly every query, then costs no OpenCC import or build, ~14 ms of a whole process).
A character can change when t2s maps it to another one (TSCharacters.txt), or when a phrase of
TSPhrases.txt holding it maps to a different text at its place (a phrase of another length: each of
its characters). Any other text is left as it is by OpenCC: the test compares the two.
"""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "kb" / "data" / "t2s_chars.txt"
HEADER = "# Characters OpenCC t2s can change (bench/t2s_chars.py writes this file from OpenCC's dictionaries)\n"


def changing_chars() -> set[str]:
    import opencc

    root = Path(opencc.__file__).parent / "dictionary"
    out: set[str] = set()
    for name in ("TSCharacters.txt", "TSPhrases.txt"):
        for line in (root / name).read_text(encoding="utf-8").splitlines():
            if "\t" not in line:
                continue
            key, values = line.split("\t", 1)
            for v in values.split():
                if len(v) != len(key):
                    out.update(key)
                else:
                    out.update(k for k, c in zip(key, v) if k != c)
    return out


def table_text() -> str:
    chars = "".join(sorted(changing_chars()))
    return HEADER + "\n".join(chars[i:i + 64] for i in range(0, len(chars), 64)) + "\n"


if __name__ == "__main__":
    OUT.write_text(table_text(), encoding="utf-8")
    print(f"{OUT}: {len(changing_chars())} characters")
