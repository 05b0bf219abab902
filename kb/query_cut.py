"""Cut a query into words, without loading jieba (~0.8 s).

At index time kb/index.py saves every word it indexed with jieba's frequency for it, and
kb/lexicon.py saves jieba's general dictionary. A query is cut here the way jieba cuts without
HMM — the most probable route through the DAG of known words — over the index's words, the
general dictionary's (so 什么, 多少 and 公租房 stay whole instead of falling into required single
characters) and any ``extra`` words the caller knows (synonym names, question frames).
Runs of Latin letters and digits stay whole, as jieba keeps them.
"""
from __future__ import annotations

import math
import re

_LATIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+\-]*")
_SKIP = re.compile(r"[\s\W_]", re.UNICODE)


class QueryCutter:
    def __init__(self, freqs: dict[str, int], total: int, lexicon=None, extra: dict[str, int] | None = None):
        self.freqs = freqs
        self.lexicon = lexicon  # kb.lexicon.Lexicon or None
        self.extra = extra or {}
        self.log_total = math.log(max(total, 1))
        self.max_len = max(max((len(w) for w in freqs), default=1), max((len(w) for w in self.extra), default=1), 12)

    def cut(self, text: str) -> list[str]:
        out: list[str] = []
        i = 0
        while i < len(text):
            m = _LATIN.match(text, i)
            if m:
                out.append(m.group().lower())
                i = m.end()
                continue
            if _SKIP.match(text, i):
                i += 1
                continue
            j = i
            while j < len(text) and not _SKIP.match(text, j) and not _LATIN.match(text, j):
                j += 1
            out.extend(self._cut_run(text[i:j]))
            i = j
        return out

    def _cut_run(self, run: str) -> list[str]:
        """jieba's calc(): best[i] = max over words run[i:j] of log P(word) + best[j]."""
        n = len(run)
        known = self._known(run)
        best: list[tuple[float, int]] = [(0.0, n)] * (n + 1)
        for i in range(n - 1, -1, -1):
            choice = (-math.inf, i + 1)
            for j in range(i + 1, min(n, i + self.max_len) + 1):
                word = run[i:j]
                f = known.get(word)
                if f is None and j > i + 1:
                    continue
                score = math.log(f or 1) - self.log_total + best[j][0]
                if score > choice[0]:
                    choice = (score, j)
            best[i] = choice
        words, i = [], 0
        while i < n:
            j = best[i][1]
            words.append(run[i:j])
            i = j
        return words

    def knows(self, word: str) -> bool:
        """Some dictionary (the index's, the extra words, the general one) holds ``word``."""
        if word in self.freqs or word in self.extra:
            return True
        return bool(self.lexicon is not None and self.lexicon.lookup({word}))

    def _known(self, run: str) -> dict[str, int]:
        """Frequency of every substring of ``run`` that some dictionary holds (the index's first)."""
        subs = {run[i:j] for i in range(len(run)) for j in range(i + 2, min(len(run), i + self.max_len) + 1)}
        known = self.lexicon.lookup({w for w in subs if w not in self.freqs}) if self.lexicon is not None else {}  # not subs - keys(): that walks every key
        for w in subs:
            f = self.freqs.get(w) or self.extra.get(w)
            if f:
                known[w] = max(f, known.get(w, 0))
        for ch in run:
            if ch in self.freqs:
                known[ch] = self.freqs[ch]
        return known
