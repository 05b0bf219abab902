"""Glossary terms in a Whoosh index of their own: full-text search inside definitions.

`kb glossary --search 跨境完成的外包` asks which term is defined that way, and a name lookup
that matches nothing falls back to it before giving up. The fields go through the same
analysis as sections (kb.index.JiebaTokenizer with the glossary's names as user words), so a
word finds a definition exactly as it finds a section. Built into the generation next to
terms.json by ``build``; the name lookup (kb.lookup) never opens it, so it stays free of jieba
and Whoosh.
"""
from __future__ import annotations

import re
from pathlib import Path

from .model import Term

GLOSSARY_DIR = "glossary-whoosh"


def _schema(user_words):
    from whoosh import fields

    from .index import JiebaTokenizer

    words = JiebaTokenizer(user_words)
    return fields.Schema(
        key=fields.ID(stored=True, unique=True),  # "n/doc_id": the document's n-th term (term_key)
        doc_id=fields.ID(sortable=True),  # a column: an update deletes a document's terms by it
        term=fields.TEXT(analyzer=words, field_boost=3.0),
        aliases=fields.TEXT(analyzer=words, field_boost=2.0),
        definition=fields.TEXT(analyzer=words),
    )


def _names(terms: list[Term]) -> list[str]:
    return sorted({n for t in terms for n in [t.term] + [a.name for a in t.aliases] if len(n) >= 2})


def term_keys(terms: list[Term]) -> list[str]:
    """A key per term that stays while its document does: its place among its document's terms.
    (A place in terms.json would move whenever a document before it came or went.)"""
    seen: dict[str, int] = {}
    out = []
    for t in terms:
        n = seen[t.source.doc_id] = seen.get(t.source.doc_id, -1) + 1
        out.append(f"{n}/{t.source.doc_id}")
    return out


def _add(writer, terms, keys, docs: set[str]) -> dict[str, list]:
    """Add the terms of ``docs``; {doc_id: [terms, 0, {field: length}]} (kb.index._merge_policy)."""
    from . import whoosh_compat

    counts: dict[str, list] = {}
    totals = whoosh_compat.field_lengths(writer)
    for t, key in zip(terms, keys):
        doc_id = t.source.doc_id
        if doc_id not in docs:
            continue
        before = dict(totals)
        writer.add_document(key=key, doc_id=doc_id, term=t.term, aliases=" ".join(a.name for a in t.aliases),
                            definition=t.definition)
        c = counts.setdefault(doc_id, [0, 0, {}])
        c[0] += 1
        for f, v in totals.items():
            if v != before.get(f, 0):
                c[2][f] = c[2].get(f, 0) + v - before.get(f, 0)
    return counts


def build(gen_path, terms: list[Term], previous: Path | None = None, changed=(), gen=None, prev_state=None) -> dict:
    """Write the glossary index for ``terms`` (in terms.json order) into the generation; what the
    next build needs to update it (kept in kb.glossary_build's state).

    With ``previous`` (the previous generation, whose glossary state is ``prev_state``), its
    segments are carried and only the terms of the documents in ``changed`` (and of those whose
    terms hold a name added or dropped, which the analysis cuts differently now) are indexed
    again, as kb.index does for sections: the result answers as a rebuild.
    """
    from whoosh import index as windex

    from . import index, whoosh_compat

    whoosh_compat.apply()
    path = Path(gen_path) / GLOSSARY_DIR
    names = _names(terms)
    keys = term_keys(terms)
    doc_ids = list(dict.fromkeys(t.source.doc_id for t in terms))
    plan = _plan(previous, names, terms, set(changed), gen, prev_state) if previous is not None else None
    if plan is None:
        path.mkdir(parents=True, exist_ok=True)
        ix = windex.create_in(str(path), _schema(tuple(names)))
        writer = index.new_writer(ix)
        counts = _add(writer, terms, keys, set(doc_ids))
        writer.commit()
    else:
        files, sums, old_counts, redo = plan
        index.carry_segments(files, path, gen, sums, GLOSSARY_DIR)
        gone = set(old_counts) - set(doc_ids)
        writer = index.update_writer(path, _schema(tuple(names)), (redo | gone) & set(old_counts))
        added = _add(writer, terms, keys, redo)
        index.commit_update(writer, old_counts)
        counts = {d: added.get(d) or old_counts[d] for d in doc_ids if d in added or d in old_counts}
    return {"names": names, "counts": counts}


def _plan(previous: Path, names, terms, changed: set[str], gen, prev_state):
    """(files to carry, their checksums, terms indexed per document, documents to index again),
    or None to build afresh."""
    from . import index

    state = (prev_state or {}).get("index")
    sums = (prev_state or {}).get("sums")
    if not isinstance(state, dict) or not isinstance(state.get("counts"), dict) or not sums:
        return None
    files = index.carried_files(previous, GLOSSARY_DIR, sums, prev_state.get("stats"))
    if files is None:
        return None
    words = set(names) ^ set(state.get("names") or ())
    if len(words) > index.MAX_CHANGED_WORDS:
        return None
    redo = set(changed)
    if words:
        for t in terms:
            if t.source.doc_id not in redo and any(w in text for text in (t.term, t.definition, *(a.name for a in t.aliases))
                                                  for w in words):
                redo.add(t.source.doc_id)
    # A document with terms that the old index lacks (it had none then) is indexed too.
    redo |= {t.source.doc_id for t in terms if t.source.doc_id not in state["counts"]}
    return files, sums, state["counts"], redo


def search(gen_path, terms: list[Term], words: str, limit: int = 10) -> list[tuple[Term, float]]:
    """(term, score) whose term, aliases or definition hold the words of ``words``: every word
    if any term has them all, else every word of one of the runs typed apart. Question words
    (什么, 是指 …) are dropped."""
    from whoosh import query as wq

    from . import safe_pickle, whoosh_compat
    from .index import QUESTION_WORDS, JiebaTokenizer

    path = Path(gen_path) / GLOSSARY_DIR
    if not path.is_dir():
        return []
    whoosh_compat.apply()
    ix = safe_pickle.open_dir(path, whoosh_compat.KbFileIndex)  # its TOC's pickles may name only schema classes
    tk = JiebaTokenizer(tuple(_names(terms)))
    # The runs the user typed apart (离岸 外包 企业), each its words: a term need not hold every run,
    # but a run is asked whole. 经济补偿 is one run that jieba cuts 经济 | 补偿: a term holding only
    # 经济 (国有经济) is not what was asked, as any term holding a part of it was before.
    runs = [list(dict.fromkeys(w for w in (t.text for t in tk(run)) if w.strip() and w not in QUESTION_WORDS))
            for run in re.split(r"[\s，。、？?！!：:；;,]+", words)]
    runs = [r for r in runs if r]
    tokens = list(dict.fromkeys(w for r in runs for w in r))
    if not tokens:
        return []

    def either(w):
        return wq.Or([wq.Term(f, w) for f in ("term", "aliases", "definition")])

    keys = term_keys(terms)
    by_key = dict(zip(keys, terms))
    rank = {k: i for i, k in enumerate(keys)}
    with ix.searcher() as s:
        asked = [wq.And([either(w) for w in tokens])]
        if len(runs) > 1:
            asked.append(wq.Or([wq.And([either(w) for w in r]) for r in runs]))
        for q in asked:
            # Every match, ties in terms.json order: Whoosh breaks them by its document numbers,
            # which in an index updated document by document are not terms.json's order.
            hits = sorted(((float(h.score), h["key"]) for h in s.search(q, limit=None) if h["key"] in by_key),
                          key=lambda sk: (-sk[0], rank[sk[1]]))
            found = [(by_key[k], round(score, 3)) for score, k in hits[:limit]]
            if found:
                return found
    return []


def definition_matches(gen_path, terms: list[Term], words: str, doc_id: str | None = None, limit: int = 10):
    """``search`` as lookup Matches (mode "definition"), optionally only one document's terms."""
    from .lookup import Match

    hits = search(gen_path, terms, words, limit=limit * 4 if doc_id else limit)
    out = [Match(t, "definition", t.term, score) for t, score in hits if doc_id is None or t.source.doc_id == doc_id]
    return out[:limit]
