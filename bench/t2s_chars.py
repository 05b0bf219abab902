"""Write kb/data/t2s_chars.txt: what OpenCC's t2s conversion can change, read off its dictionaries.

    PYTHONPATH=. python bench/t2s_chars.py

kb.text.to_simplified uses it to call OpenCC only when it must: a text without a character t2s can
change (nearly every query) is left as it is, and one holding none of t2s's phrases is converted
character by character from the table (OpenCC's first choice for each, as OpenCC converts it);
only a text holding a phrase pays OpenCC's import and build (~3.5 ms; the table ~1 ms).

The file: on lines starting with ``<``, the characters of TSCharacters.txt whose first choice
differs, and on lines starting with ``>`` those choices in the same order (str.maketrans reads the
two at once); on lines starting with ``~``, the phrases of TSPhrases.txt; on lines starting with ``!``, the characters
without a pair that t2s can still change: a phrase holding one maps to a different text at its place
(a phrase of another length: each of its characters), or a later choice differs. The test compares
to_simplified with OpenCC.
"""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "kb" / "data" / "t2s_chars.txt"
HEADER = ("# OpenCC t2s, read off its dictionaries by bench/t2s_chars.py: '<' lines: the characters of\n"
          "# TSCharacters.txt whose first choice differs, '>' lines: those choices, in the same order;\n"
          "# '~' lines: the phrases of TSPhrases.txt; '!' lines: the other characters a phrase (or a\n"
          "# later choice) can change\n")


def _entries(name: str):
    import opencc

    for line in (Path(opencc.__file__).parent / "dictionary" / name).read_text(encoding="utf-8").splitlines():
        if "\t" in line:
            key, values = line.split("\t", 1)
            yield key, values.split()


def pairs() -> dict[str, str]:
    return {k: v[0] for k, v in _entries("TSCharacters.txt") if v and v[0] != k}


def phrases() -> set[str]:
    return {k for k, _ in _entries("TSPhrases.txt")}


def changing_chars() -> set[str]:
    out: set[str] = set()
    for name in ("TSCharacters.txt", "TSPhrases.txt"):
        for key, values in _entries(name):
            for v in values:
                if len(v) != len(key):
                    out.update(key)
                else:
                    out.update(k for k, c in zip(key, v) if k != c)
    return out


def table_text() -> str:
    items = sorted(pairs().items())
    trad = "".join(k for k, _ in items)
    simp = "".join(v for _, v in items)
    lines = ["<" + trad[i:i + 64] for i in range(0, len(trad), 64)]
    lines += [">" + simp[i:i + 64] for i in range(0, len(simp), 64)]
    keys = sorted(phrases())
    lines += ["~" + " ".join(keys[i:i + 16]) for i in range(0, len(keys), 16)]
    other = "".join(sorted(changing_chars() - set(pairs())))
    lines += ["!" + other[i:i + 64] for i in range(0, len(other), 64)]
    return HEADER + "\n".join(lines) + "\n"


if __name__ == "__main__":
    OUT.write_text(table_text(), encoding="utf-8")
    print(f"{OUT}: {len(pairs())} pairs, {len(phrases())} phrases")
