"""kb/validity.py: the repeal clauses are the pattern's matches, found in linear time."""
import random

from kb.validity import REPEAL, _repeal_clauses


def test_repeal_clauses_are_the_patterns_matches():
    # Every arrangement of the characters the pattern cares about, including a lone 废 or 止.
    alphabet = "废止。；《》予以同时一并即行甲乙"
    rng = random.Random(1)
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert list(_repeal_clauses(text)) == [(m.start(), m.end()) for m in REPEAL.finditer(text)], text


def test_repeal_clause_of_a_real_sentence():
    text = "本办法自2016年1月1日起施行。原《东莞市公共租赁住房管理暂行办法》同时废止。"
    (start, end), = _repeal_clauses(text)
    assert text[start:end] == "原《东莞市公共租赁住房管理暂行办法》同时废止"
