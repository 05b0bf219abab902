"""kb/text.py: the shared text rules, on strings as the PDFs print them."""
from __future__ import annotations

import pytest

from kb.text import (bigrams, cn_date_to_iso, cn_to_int, fix_spacing, fold_width, match_form,
                     name_key, normalise_doc_number, page_list, to_simplified, year_bracket_forms)


@pytest.mark.parametrize("text, value", [
    ("第十二章", 12), ("（二十）", 20), ("第一百零五条", 105), ("3.", 3), ("两", 2), ("十", 10), ("第二十五条", 25), ("附件", None),
])
def test_chinese_numerals(text, value):
    assert cn_to_int(text) == value


@pytest.mark.parametrize("text, iso", [
    ("二○一一年八月十一日", "2011-08-11"),  # the plan's date line: 〇 printed as ○ (U+25CB)
    ("二〇一五年十二月三十一日", "2015-12-31"),
    ("2014 年 4 月 1 日", "2014-04-01"),
    ("２０１６年５月１日", "2016-05-01"),
    ("二〇一五年十三月一日", None),
    ("2015年", None),
])
def test_dates(text, iso):
    assert cn_date_to_iso(text) == iso


@pytest.mark.parametrize("text, number", [
    ("苏府〔2011〕159 号", "苏府〔2011〕159号"),
    ("东府[2015]111号", "东府〔2015〕111号"),
    ("粤府〔２００３〕８１号", "粤府〔2003〕81号"),
    ("商服贸（2018）3号", "商服贸〔2018〕3号"),
    ("第三条", None),
])
def test_doc_numbers(text, number):
    assert normalise_doc_number(text) == number


def test_width_and_spacing():
    assert fold_width("２００３年ＩＴＯ，") == "2003年ITO，"  # full-width punctuation stays
    assert fix_spacing("苏州服务外包最早萌芽于 20 世纪 90 年代") == "苏州服务外包最早萌芽于20世纪90年代"
    assert fix_spacing("ITO 、 BPO and KPO") == "ITO、BPO and KPO"


def test_name_keys_and_traditional():
    assert name_key("《服务外包》") == name_key("服务 外包") == "服务外包"
    assert name_key("ITO") == name_key("ito")
    assert to_simplified("國務院關於") == "国务院关于"
    assert to_simplified("ITO") == "ITO"


def test_the_bigram_form_is_what_substring_checks_compare():
    assert match_form("离岸 服务\n外包 BPO") == "离岸服务外包bpo"
    assert bigrams("服务 外包") == ["服务", "务外", "外包"]
    assert bigrams("外") == []


def test_page_lists():
    assert page_list([1, 2, 3, 7]) == "1-3, 7"
    assert page_list([1, 2, 3, 5], sep="、", dash="–") == "1–3、5"
    assert page_list([]) == ""


def test_int_to_cn_writes_figures_as_laws_do_and_reads_back():
    from kb.text import cn_to_int, int_to_cn

    assert [int_to_cn(n) for n in (5, 10, 15, 30, 42, 100)] == ["五", "十", "十五", "三十", "四十二", ""]
    assert all(cn_to_int(int_to_cn(n)) == n for n in range(1, 100))


def test_the_t2s_table_is_opencc_s_and_converts_as_opencc_does(corpus_index):
    """to_simplified calls OpenCC only for a text holding one of t2s's phrases, and converts any other
    text from kb/data/t2s_chars.txt: the table is what bench/t2s_chars.py reads off the installed
    OpenCC, and to_simplified equals OpenCC on every character of its dictionaries, on random texts
    of them, on each phrase among them, on the corpus and on the three query sets."""
    import json
    import random
    from pathlib import Path

    import opencc
    from opencc import OpenCC

    from bench.t2s_chars import OUT, changing_chars, pairs, phrases, table_text
    from kb.store import Store
    from kb.text import _t2s_table

    assert OUT.read_text(encoding="utf-8") == table_text()
    table, changing, phrase = _t2s_table()
    assert changing == changing_chars() and set(phrase) == phrases() and table == {ord(k): ord(v) for k, v in pairs().items()}
    cc = OpenCC("t2s")
    root = Path(opencc.__file__).parent / "dictionary"
    chars = sorted({c for name in ("TSCharacters.txt", "TSPhrases.txt", "STCharacters.txt")
                    for c in root.joinpath(name).read_text(encoding="utf-8") if not c.isspace()})
    assert all(to_simplified(c) == cc.convert(c) for c in chars)
    rng = random.Random(13)
    # Random texts of the dictionaries' characters, and each phrase inside one (with its neighbours).
    texts = ["".join(rng.choice(chars) for _ in range(rng.randint(2, 12))) for _ in range(3000)]
    texts += [rng.choice(chars) + p + rng.choice(chars) for p in phrase]
    texts += [s.title + s.text for d in Store(corpus_index).snapshot().documents() for s in d.walk()]
    for name in ("natural_queries.json", "heldout_queries.json", "fresh_queries.json"):
        texts += [c["q"] for c in json.loads((Path(__file__).parent / name).read_text(encoding="utf-8"))["queries"]]
    assert all(to_simplified(t) == cc.convert(t) for t in texts)
    # Each way is taken: left as it is, converted from the table, and by OpenCC.
    ways = {"as is" if changing.isdisjoint(t) else "table" if not any(p in t for p in phrase) else "opencc" for t in texts}
    assert ways == {"as is", "table", "opencc"}


def test_a_document_numbers_year_in_every_bracket_pair_pages_print():
    assert year_bracket_forms("东府办〔2014〕37号") == [
        "东府办〔2014〕37号", "东府办[2014]37号", "东府办［2014］37号", "东府办(2014)37号", "东府办（2014）37号",
        "东府办【2014】37号", "东府办﹝2014﹞37号"]
    assert year_bracket_forms("深府[2007]164号")[0] == "深府〔2007〕164号"
    assert year_bracket_forms("居住证") == [] and year_bracket_forms("（2014年）") == []


def _lazy_patterns():
    """Every module-level LazyPattern of the modules that use them: (module, name, pattern)."""
    import importlib

    from kb.text import LazyPattern

    out = []
    for name in ("kb.text", "kb.clean", "kb.validity"):
        module = importlib.import_module(name)
        out += [(name, attr, p) for attr, p in vars(module).items() if isinstance(p, LazyPattern)]
    return out


def test_the_lazy_patterns_answer_as_compiled_ones_on_real_text(plan, evaluation):
    """kb.text.LazyPattern compiles on first use; on every line and heading of the bundled corpus
    and of three real documents (a law, a web print, a table report) each of the 38 patterns must
    match, search, find and substitute exactly as ``re.compile`` of the same source does."""
    import re

    from conftest import parsed_real

    docs = [plan, evaluation] + [parsed_real(n) for n in (
        "laodong_hetong_fa_2012_xz", "gd_renkou_jisheng_tiaoli_2008_webprint", "sz_jiaoyuju_bumen_juesuan_2014_webprint")]
    strings = sorted({s for d in docs for sec in d.walk() for s in (sec.title, *sec.text.split("\n")) if s})
    patterns = _lazy_patterns()
    assert len(patterns) >= 38 and len(strings) > 1000

    def shape(m):
        return None if m is None else (m.span(), m.groups())

    hits = 0
    for module, name, lazy in patterns:
        compiled = re.compile(*lazy._source)
        for s in strings:
            got, want = shape(lazy.search(s)), shape(compiled.search(s))
            assert got == want, (module, name, s)
            hits += want is not None
            assert shape(lazy.match(s)) == shape(compiled.match(s)), (module, name, s)
            assert lazy.findall(s) == compiled.findall(s), (module, name, s)
            assert lazy.sub("", s) == compiled.sub("", s), (module, name, s)
        assert lazy.pattern == compiled.pattern and lazy.flags == compiled.flags
    assert hits > 100  # the patterns did meet text they match, not only text they miss


def test_no_pattern_is_compiled_when_a_command_starts():
    """Compiling these patterns was ~5 ms of every command's start-up: importing the CLI and the
    modules that hold them compiles none (a module-level use at import would)."""
    import subprocess
    import sys

    code = ("import cli, kb.text, kb.clean, kb.validity\n"
            "from kb.text import LazyPattern\n"
            "mods = (kb.text, kb.clean, kb.validity)\n"
            "lazy = [p for m in mods for p in vars(m).values() if isinstance(p, LazyPattern)]\n"
            "print(len(lazy), sum('search' in vars(p) for p in lazy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=__import__("pathlib").Path(__file__).resolve().parent.parent)
    count, compiled = map(int, out.stdout.split())
    assert count >= 38 and compiled == 0
