"""What `kb glossary` answers when no term has the name typed, on the real set.

经济补偿 is used by 劳动合同法 (第四十六、四十七条: 用人单位应当向劳动者支付经济补偿) but defined by no
document; 公租房 is the short name people use for 公共租赁住房, which 东莞市公共租赁住房管理办法 defines.
"""
from __future__ import annotations

import re
from collections import Counter

import pytest

from kb.lookup import TermNotFoundError, lookup_in_generation
from kb.glossary import load_terms
from kb.glossary_index import definition_matches
from kb.store import Store


def _gen(real_ingest):
    return Store(real_ingest[0]).snapshot().path


def test_the_definition_fallback_asks_a_run_whole(real_ingest):
    """A term is offered for 经济补偿 only when its name or definition holds 经济补偿, not when it
    holds 经济 alone (国有经济, 特别法人's 集体经济组织 were offered before)."""
    gen = _gen(real_ingest)
    terms = load_terms(gen)
    for q in ("经济补偿", "劳动报酬"):
        for m in definition_matches(gen, terms, q):
            held = m.term.term + m.term.definition + "".join(a.name for a in m.term.aliases)
            assert q in held, (q, m.term.term)
    # Runs typed apart are still asked one by one: a term holding either run is offered.
    assert definition_matches(gen, terms, "公共租赁住房 经济补偿")


def _han(s):
    return Counter(re.findall(r"[\u3400-\u9fff]", s))


@pytest.mark.parametrize("q", ["外包", "离岸外包", "经济补偿", "什么是公租房"])
def test_suggestions_share_two_characters(real_ingest, q):
    """外包 was offered 不满 (by its 并称 以外, one character in common)."""
    gen = _gen(real_ingest)
    with pytest.raises(TermNotFoundError) as err:
        lookup_in_generation(gen, q)
    for name in err.value.suggestions:
        assert sum((_han(q) & _han(name)).values()) >= 2, (q, name)
    if q == "什么是公租房":
        assert "公共租赁住房" in err.value.suggestions


def test_a_one_character_term_is_used_where_it_is_quoted(real_ingest):
    """The 修订说明 defines the parts of its “2+N” scheme: “2”是指2次信息公开… and “N”是可选项，指….
    Read in the PDF (PDFium's text): “2” and “N” each appear quoted once; the bare 2 and N are
    every figure and letter of the corpus, which were counted as uses (2: 173 sections, 6,546)."""
    terms = {t.term: t for t in load_terms(_gen(real_ingest))}
    for name in ("2", "N"):
        t = terms[name]
        assert t.source.doc_id == "mep_hp_gongzhong_canyu_xiuding_shuoming"
        assert t.used_in == (1, 1), (name, t.used_in)
