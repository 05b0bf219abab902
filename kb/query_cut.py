"""Cut a query into the words the index holds, without loading jieba (~0.8 s).

At index time kb/index.py saves every word it indexed with jieba's frequency for it. A query is
cut here the way jieba cuts without HMM — the most probable route through the DAG of known
words — but the only known words are the index's own, so each query word is one that exists
in the index (or a single character, which the character-bigram field still finds).
Runs of Latin letters and digits stay whole, as jieba keeps them.
"""
from __future__ import annotations

import math
import re

_LATIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+\-]*")
_SKIP = re.compile(r"[\s\W_]", re.UNICODE)


class QueryCutter:
    def __init__(self, freqs: dict[str, int], total: int):
        self.freqs = freqs
        self.log_total = math.log(max(total, 1))
        self.max_len = max((len(w) for w in freqs), default=1)

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
        best: list[tuple[float, int]] = [(0.0, n)] * (n + 1)
        for i in range(n - 1, -1, -1):
            choice = (-math.inf, i + 1)
            for j in range(i + 1, min(n, i + self.max_len) + 1):
                word = run[i:j]
                f = self.freqs.get(word)
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
