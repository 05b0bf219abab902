"""kb/index.py: the Whoosh index of the bundled corpus, and what other modules rely on it for."""
from __future__ import annotations

import pickle

from kb import index
from kb.store import Store, current_generation
from kb.text import bigrams, match_form


def test_tokenizers_keep_their_pickled_names():
    # A built index's TOC pickles the schema: the classes must stay importable under these names
    # (or PARSER_VERSION must change, so old indexes are rebuilt).
    for cls in (index.JiebaTokenizer, index.BigramTokenizer):
        assert cls.__module__ == "kb.index"
        assert pickle.loads(pickle.dumps(cls)) is cls


def test_the_bigram_field_and_the_substring_check_agree():
    # BigramTokenizer indexes bigrams(text); the substring check compares match_form(text).
    text = "离岸 服务外包\nBPO"
    grams = [t.text for t in index.BigramTokenizer()(text)]
    assert grams == bigrams(text)
    form = match_form(text)
    assert all(g in form for g in grams) and "".join(g[0] for g in grams) + grams[-1][1] == form


def test_every_section_of_the_corpus_is_one_index_document(corpus_index):
    snap = Store(corpus_index).snapshot()
    sections = {s.id for d in snap.documents() for s in d.walk()}
    ix, vocab = index.open_index(current_generation(corpus_index))
    with ix.searcher() as s:
        stored = {f["section_id"] for f in s.all_stored_fields()}
    assert stored == sections
    assert vocab["freqs"] and vocab["total"] > 0


def test_a_heading_is_found_by_its_own_words(corpus_index):
    from kb.search import search

    # "第九章 保障措施" is a chapter heading of the plan (its text layer, page 32).
    hits = search(corpus_index, "保障措施", scope="title", limit=1).hits
    assert hits and hits[0].heading_path[-1].endswith("保障措施")
