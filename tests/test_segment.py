"""kb.segment cuts with jieba's dictionary read from kb's own word automaton: the same words,
frequencies, total and cuts as jieba's own load of its dictionary, without paying for that load."""
from __future__ import annotations

import json
import logging
import pickle

import pytest

from kb import segment

jieba = pytest.importorskip("jieba")


def _fresh(user_words=()):
    """A tokenizer as kb.segment built each one before: jieba's own dictionary load, the domain
    words added, then the user words added with the total left as it was."""
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.tmp_dir = segment._cache_dir()
    tk.initialize()
    domain = set(segment.domain_words())
    for w in domain:
        tk.add_word(w, segment.USER_FREQ)
    fixed = tk.total
    for w in user_words:
        if w and not w.isspace() and w not in domain:
            tk.add_word(w, segment.USER_FREQ)
    tk.total = fixed
    return tk


def _real_texts(index):
    from kb.store import Store

    snap = Store(index).snapshot()
    for doc_id in snap.doc_ids:
        doc = snap.document(doc_id)
        yield doc.title
        for sec in doc.walk():
            yield sec.title
            yield sec.text


def _user_words(index):
    """The user words the index was built with: its glossary's names and their expansions."""
    from kb import index as kb_index
    from kb.store import Store

    vocab = json.loads((Store(index).snapshot().path / kb_index.VOCAB_FILE).read_text(encoding="utf-8"))
    return tuple(sorted({w for pair in vocab["expand"].items() for w in pair if kb_index._is_word(w)}))


def test_every_real_document_is_cut_as_jieba_cuts_it(real_ingest, corpus_index):
    """Every heading and body of the 48 real PDFs and the bundled corpus, with no user words and
    with the real index's glossary names as user words (which jieba adds to its dictionary)."""
    texts = list(_real_texts(real_ingest[0])) + list(_real_texts(corpus_index))
    assert sum(map(len, texts)) > 400_000
    user = _user_words(real_ingest[0])
    assert len(user) > 50
    for words in ((), user):
        ours, theirs = segment.tokenizer(words), _fresh(words)
        assert type(ours).__name__ == "WordsTokenizer"
        assert ours.total == theirs.total
        differ = [t for t in texts if list(ours.cut(t, HMM=False)) != list(theirs.cut(t, HMM=False))]
        assert differ == []
        assert all(list(segment.tokens(ours, t)) == list(segment.tokens(theirs, t)) for t in texts[:2000])


def test_the_frequencies_are_jiebas():
    """FREQ holds every word with its frequency and each prefix of a word with 0, as jieba's does
    (iterating it gives the words alone); a glossary word is the user's frequency in its own
    tokenizer only."""
    words = ("一轴两翼", "离岸服务外包合同", "第三方物流", "服务外包")
    ours, theirs = segment.tokenizer(words), _fresh(words)
    assert dict(ours.FREQ.items()) == {w: f for w, f in theirs.FREQ.items() if f}
    assert all(ours.FREQ.get(w) == f for w, f in theirs.FREQ.items())
    assert ours.FREQ.get("离岸服务外包合") == 0 and "离岸服务外包合" in ours.FREQ and "离岸服务外包合同书" not in ours.FREQ
    plain = segment.tokenizer()
    assert plain.FREQ.get("离岸服务外包合同") is None and plain.FREQ.get("一轴两翼") == segment.USER_FREQ and plain.FREQ.get("服务外包") == theirs.FREQ["服务外包"]
    assert plain.total == ours.total == theirs.total


def test_other_modes_are_refused_not_cut_differently():
    """HMM and full mode read jieba's dictionary internals this tokenizer does not have."""
    tk = segment.tokenizer()
    for kw in ({"HMM": True}, {"cut_all": True, "HMM": False}):
        with pytest.raises(ValueError):
            list(tk.cut("离岸服务外包", **kw))


def test_the_automaton_is_cached_once_and_a_bad_cache_made_again(tmp_path, monkeypatch):
    """Made from jieba's own load once into kb's private cache folder, read back by every later
    process; a damaged file, or one naming any class but the automaton's, is never used (nothing
    in it runs) and is made again."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    made, first = [], []

    def make():  # jieba's load and the automaton's making once; later makings hand back the same
        made.append(1)
        if not first:
            first.append(real_make())
        return first[0]

    real_make = segment._make_words
    monkeypatch.setattr(segment, "_make_words", make)
    words, total = segment._words()
    (cached,) = (tmp_path / "cache" / "policy-kb").glob("words-*.pickle")
    again, total2 = segment._words()
    assert made == [1] and total2 == total and len(again) == len(words) > 340_000
    assert again.get("服务外包") == words.get("服务外包")

    cached.write_bytes(cached.read_bytes()[:1000])
    segment._words()
    assert made == [1, 1]

    class Boom:
        def __reduce__(self):
            return (print, ("ran",))

    import hashlib

    for bad in (pickle.dumps({"words": Boom(), "total": 1}), pickle.dumps({"words": {"x": 1}, "total": "abc"})):
        cached.write_bytes(hashlib.sha256(bad).digest() + bad)  # whole, as kb writes it, but not an automaton
        assert segment._read_words(cached) is None
    segment._words()
    assert made == [1, 1, 1] and segment._read_words(cached)[1] == total
    good = bytearray(cached.read_bytes())
    good[len(good) // 2] ^= 1  # one flipped byte in the middle of the automaton
    cached.write_bytes(bytes(good))
    assert segment._read_words(cached) is None


def _rows(path):
    import sqlite3

    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT word, freq FROM w ORDER BY word").fetchall(), dict(con.execute("SELECT * FROM meta"))
    finally:
        con.close()


def test_the_lexicon_is_copied_from_the_private_cache(tmp_path, monkeypatch):
    """A build writes jieba's dictionary into SQLite once, in kb's cache folder under the SHA-256
    of what it is made of; every later build copies it: the same rows as writing it afresh.
    A damaged cached table is never copied into a generation, and is written again."""
    from kb import lexicon

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    tk = segment.tokenizer()
    gens = [tmp_path / n for n in ("a", "b", "c", "direct")]
    for g in gens:
        g.mkdir()
    lexicon.build(gens[0], tk)
    (cached,) = (tmp_path / "cache" / "policy-kb").glob("lexicon-*.sqlite")
    written = cached.stat().st_mtime_ns
    lexicon.build(gens[1], tk)
    assert cached.stat().st_mtime_ns == written  # copied, not written again
    lexicon._write(gens[3] / lexicon.FILE, tk, lexicon.key(tk))
    direct = _rows(gens[3] / lexicon.FILE)
    assert len(direct[0]) > 300_000 and direct[1]["signature"] == lexicon.key(tk)
    assert _rows(gens[0] / lexicon.FILE) == _rows(gens[1] / lexicon.FILE) == direct
    assert (gens[1] / lexicon.FILE).stat().st_ino != cached.stat().st_ino
    cached.write_bytes(b"not a table")
    lexicon.build(gens[2], tk)
    assert _rows(gens[2] / lexicon.FILE) == direct
    assert lexicon.Lexicon(gens[2] / lexicon.FILE).lookup(["服务外包", "什么"]).keys() == {"服务外包", "什么"}


def test_the_lexicon_holds_the_dictionary_and_domain_words_not_a_glossarys(tmp_path, monkeypatch):
    """Glossary words change from corpus to corpus; the lexicon is one table for all of them."""
    from kb import lexicon

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    word = "某某试点专项新词"
    with_glossary = segment.tokenizer((word,))
    assert with_glossary.FREQ.get(word) and lexicon.key(with_glossary) == lexicon.key(segment.tokenizer())
    lexicon.build(tmp_path, segment.tokenizer())
    assert not lexicon.Lexicon(tmp_path / lexicon.FILE).lookup([word])


def test_jieba_is_imported_without_pkg_resources():
    """jieba's _compat imports pkg_resources only to open its own files; kb imports jieba with
    that import failing, so jieba opens them itself, and leaves pkg_resources importable after."""
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys; from kb import segment; tk = segment.tokenizer(); "
            "print('pkg_resources' in sys.modules, 'pkg_resources' in sys.modules.get('jieba._compat').__dict__); "
            "f = tk.get_dict_file(); print(len(f.read()) > 1_000_000); f.close(); "
            "print([w for w, *_ in segment.tokens(tk, '离岸服务外包')]); "
            "import importlib.util; print(importlib.util.find_spec('pkg_resources') is not None)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent).stdout.split("\n")
    assert out[:3] == ["False False", "True", "['离岸服务外包', '离岸', '服务', '外包', '服务外包']"], out
    if out[3] == "True":  # setuptools installed: still importable, as the real module
        subprocess.run([sys.executable, "-c", code + "; import pkg_resources; assert pkg_resources.resource_stream"],
                       check=True, cwd=Path(__file__).resolve().parent.parent, capture_output=True)
