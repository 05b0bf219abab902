"""kb.segment loads jieba's dictionary once per process and copies it per set of user words."""
from __future__ import annotations

import logging

import pytest

from kb import segment

jieba = pytest.importorskip("jieba")


def _fresh(user_words):
    """A tokenizer built as kb.segment built each one before: its own dictionary load."""
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.tmp_dir = segment._cache_dir()
    tk.initialize()
    domain = set(segment.domain_words())
    for w in domain:
        tk.add_word(w, segment.USER_FREQ)
    fixed = tk.total
    for w in user_words:
        if w not in domain:
            tk.add_word(w, segment.USER_FREQ)
    tk.total = fixed
    return tk


def test_user_word_tokenizers_equal_a_fresh_load():
    words = ("一轴两翼", "离岸服务外包合同", "第三方物流")
    shared = segment.tokenizer(words)
    fresh = _fresh(words)
    assert shared.total == fresh.total
    assert shared.FREQ == fresh.FREQ
    text = "苏州市推进离岸服务外包合同执行，构建一轴两翼的发展格局，培育第三方物流企业。"
    assert list(segment.tokens(shared, text)) == list(segment.tokens(fresh, text))


def test_one_dictionary_load_for_many_tokenizers(monkeypatch):
    segment._tokenizer.cache_clear()
    plain = segment.tokenizer()
    loads = []
    monkeypatch.setattr(jieba.Tokenizer, "initialize", lambda self, *a: loads.append(self))
    a = segment.tokenizer(("示范城市综合评价",))
    b = segment.tokenizer(("第三方物流",))
    assert loads == []
    # Each has its own words: adding to one never shows in another or in the plain one.
    assert a.FREQ.get("示范城市综合评价") and not b.FREQ.get("示范城市综合评价") and not plain.FREQ.get("示范城市综合评价")
    assert b.FREQ.get("第三方物流") and not a.FREQ.get("第三方物流") and not plain.FREQ.get("第三方物流")
    assert a.total == b.total == plain.total


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
