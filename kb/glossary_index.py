"""Glossary terms in a Whoosh index of their own: full-text search inside definitions.

`kb glossary --search 跨境完成的外包` asks which term is defined that way, and a name lookup
that matches nothing falls back to it before giving up. The fields go through the same
analysis as sections (kb.index.JiebaTokenizer with the glossary's names as user words), so a
word finds a definition exactly as it finds a section. Built into the generation next to
terms.json by ``build``; the name lookup (kb.lookup) never opens it, so it stays free of jieba
and Whoosh.
"""
from __future__ import annotations

from pathlib import Path

from .model import Term

GLOSSARY_DIR = "glossary-whoosh"


def _schema(user_words):
    from whoosh import fields

    from .index import JiebaTokenizer

    words = JiebaTokenizer(user_words)
    return fields.Schema(
        key=fields.ID(stored=True, unique=True),  # position in terms.json
        term=fields.TEXT(analyzer=words, field_boost=3.0),
        aliases=fields.TEXT(analyzer=words, field_boost=2.0),
        definition=fields.TEXT(analyzer=words),
    )


def _names(terms: list[Term]) -> list[str]:
    return sorted({n for t in terms for n in [t.term] + [a.name for a in t.aliases] if len(n) >= 2})


def build(gen_path, terms: list[Term]) -> Path:
    """Write the glossary index for ``terms`` (in terms.json order) into the generation."""
    from whoosh import index as windex

    from . import whoosh_compat

    whoosh_compat.apply()
    path = Path(gen_path) / GLOSSARY_DIR
    path.mkdir(parents=True, exist_ok=True)
    ix = windex.create_in(str(path), _schema(tuple(_names(terms))))
    with ix.writer() as w:
        for i, t in enumerate(terms):
            w.add_document(key=str(i), term=t.term, aliases=" ".join(a.name for a in t.aliases),
                           definition=t.definition)
    return path


def search(gen_path, terms: list[Term], words: str, limit: int = 10) -> list[tuple[Term, float]]:
    """(term, score) whose term, aliases or definition hold the words of ``words``: every word
    if any term has them all, else any of them. Question words (什么, 是指 …) are dropped."""
    from whoosh import query as wq

    from . import safe_pickle, whoosh_compat
    from .index import QUESTION_WORDS, JiebaTokenizer

    path = Path(gen_path) / GLOSSARY_DIR
    if not path.is_dir():
        return []
    whoosh_compat.apply()
    ix = safe_pickle.open_dir(path, whoosh_compat.KbFileIndex)  # its TOC's pickles may name only schema classes
    tokens = [t.text for t in JiebaTokenizer(tuple(_names(terms)))(words)]
    tokens = list(dict.fromkeys(w for w in tokens if w.strip() and w not in QUESTION_WORDS and w not in "，。、？?！!：:；;"))
    if not tokens:
        return []

    def either(w):
        return wq.Or([wq.Term(f, w) for f in ("term", "aliases", "definition")])

    with ix.searcher() as s:
        for q in (wq.And([either(w) for w in tokens]), wq.Or([either(w) for w in tokens])):
            hits = s.search(q, limit=limit)
            found = [(terms[int(h["key"])], round(float(h.score), 3)) for h in hits if int(h["key"]) < len(terms)]
            if found:
                return found
    return []


def definition_matches(gen_path, terms: list[Term], words: str, doc_id: str | None = None, limit: int = 10):
    """``search`` as lookup Matches (mode "definition"), optionally only one document's terms."""
    from .lookup import Match

    hits = search(gen_path, terms, words, limit=limit * 4 if doc_id else limit)
    out = [Match(t, "definition", t.term, score) for t, score in hits if doc_id is None or t.source.doc_id == doc_id]
    return out[:limit]
