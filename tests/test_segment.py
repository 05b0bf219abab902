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
