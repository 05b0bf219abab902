"""kb search on the bundled corpus: segmentation, query syntax, filters, CLI, freshness, concurrency."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from kb.errors import IndexBusyError, QueryError
from kb.search import search

from conftest import CORPUS, EVAL, EVAL_ID, PLAN, PLAN_ID

APPENDIX = f"{PLAN_ID}/appendix"


@pytest.fixture(scope="module")
def tk():
    from kb import segment

    return segment.tokenizer()


def ids(result):
    return [h.section_id for h in result.hits]


# -- segmentation -----------------------------------------------------------------------------

def test_positions_are_consecutive_and_sub_words_share_them(tk):
    from kb.segment import tokens

    got = list(tokens(tk, "促进服务外包产业发展，离岸服务外包"))
    assert [(w, p) for w, p, _, _ in got] == [
        ("促进", 0), ("服务外包", 1), ("服务", 1), ("外包", 1), ("产业", 2), ("发展", 3),
        ("离岸服务外包", 4), ("离岸", 4), ("服务", 4), ("外包", 4), ("服务外包", 4),
    ]


@pytest.mark.parametrize("text", ["服务外包", "服务外包是指", "离岸服务外包", "加快发展示范城市"])
def test_domain_words_are_cut_the_same_alone_and_in_a_sentence(tk, text):
    from kb.segment import tokens

    alone = [w for w, *_ in tokens(tk, text)]
    inside = [w for w, *_ in tokens(tk, "我们" + text + "。")]
    assert inside[1:1 + len(alone)] == alone


def test_query_cut_uses_the_index_vocabulary_without_jieba(corpus_index):
    import subprocess
    import sys

    code = ("import sys; from kb.search import search; "
            f"search({str(corpus_index)!r}, '促进服务外包'); print('jieba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)})
    assert out.stdout.strip() == "False"


def test_query_cutter_matches_index_words(corpus_index):
    from kb.query_cut import QueryCutter
    from kb.store import Store

    vocab = json.loads((Store(corpus_index).snapshot().path / "search-vocab.json").read_text(encoding="utf-8"))
    cut = QueryCutter(vocab["freqs"], vocab["total"]).cut
    assert cut("促进服务外包") == ["促进", "服务外包"]
    assert cut("离岸服务外包BPO") == ["离岸服务外包", "bpo"]


# -- queries ----------------------------------------------------------------------------------

def test_phrase_finds_its_sentence(corpus_index):
    r = search(corpus_index, '"促进服务外包"')
    assert ids(r) == [f"{PLAN_ID}/ch7/s4", f"{EVAL_ID}/part1"]
    assert "《国务院关于【促进服务外包】产业加快发展的意见》" in _marked(r.hits[1])


def test_service_outsourcing_finds_definition_first_and_body_too(corpus_index):
    r = search(corpus_index, "服务外包", limit=20)
    assert r.hits[0].section_id == f"{APPENDIX}/s1"
    assert r.hits[0].heading_path == ["苏州市服务外包产业“十二五”发展规划", "附录：概念解释", "（一）服务外包"]
    assert r.hits[0].pages == (34, 35)
    assert f"{PLAN_ID}/ch8/s6" in ids(r)


def test_a_whole_word_matches_its_parts_and_the_longer_word(corpus_index):
    assert f"{APPENDIX}/s3" in ids(search(corpus_index, "服务外包", limit=80))
    assert ids(search(corpus_index, "离岸", limit=3))[0] == f"{APPENDIX}/s3"


@pytest.mark.parametrize("query, first", [
    ("離岸服務外包", f"{APPENDIX}/s3"),
    ("BPO", f"{APPENDIX}/s7"),
    ("bpo", f"{APPENDIX}/s7"),
    ("ITO", f"{APPENDIX}/s6"),
    ("Software as a Service", f"{APPENDIX}/s9"),
    ('"务外包产"', f"{PLAN_ID}/ch8"),
])
def test_traditional_abbreviation_english_and_substring(corpus_index, query, first):
    assert ids(search(corpus_index, query, limit=3))[0] == first


def test_abbreviation_expands_to_the_term(corpus_index):
    r = search(corpus_index, "BPO", limit=10)
    assert r.hits[0].snippet.startswith("…ocess Outsourcing，简写BPO，指企业将自身基于信息技术的业务流程")


def test_boolean_not_excludes(corpus_index):
    with_tnc = set(ids(search(corpus_index, "共享服务中心", limit=50)))
    without = set(ids(search(corpus_index, "共享服务中心 NOT 跨国公司", limit=50)))
    assert without == {f"{APPENDIX}/s1"}
    assert f"{PLAN_ID}/ch5/s4" in with_tnc


def test_and_requires_every_word(corpus_index):
    assert ids(search(corpus_index, "云计算 AND 物联网 AND 专项资金")) == [f"{PLAN_ID}/ch7/s5"]


def test_grouping(corpus_index):
    r = search(corpus_index, "(政务外包 OR 检验检测外包) AND 重点突破")
    assert ids(r)[0] == f"{PLAN_ID}/ch5/s2"
    assert f"{PLAN_ID}/ch5/s1" not in ids(r)  # 政务外包 is not there; 重点突破 is missing from most sections


@pytest.mark.parametrize("query, message", [
    ('"服务外包', "cannot parse query '\"服务外包': unbalanced double quote (\")"),
    ("(人才", "cannot parse query '(人才': a '(' is not closed"),
    ("人才)", "cannot parse query '人才)': a ')' has no matching '('"),
    ("NOT 人才", "cannot parse query 'NOT 人才': a query cannot be only NOT …: say what to find as well"),
    ("  ", "cannot parse query '  ': nothing to search for"),
])
def test_malformed_queries_are_named(corpus_index, query, message):
    with pytest.raises(QueryError) as e:
        search(corpus_index, query)
    assert str(e.value) == message


# -- filters and scopes -----------------------------------------------------------------------

def test_doc_type_and_year_filters(corpus_index):
    assert {h.doc_id for h in search(corpus_index, "服务外包", doc="2017", limit=50).hits} == {EVAL_ID}
    assert {h.doc_id for h in search(corpus_index, "服务外包", doc_type="规划", limit=50).hits} == {PLAN_ID}
    assert {h.doc_id for h in search(corpus_index, "服务外包", years=(2011, 2011), limit=50).hits} == {PLAN_ID}
    assert search(corpus_index, "服务外包", years=(2012, 2020)).hits == []


def test_sort_by_date_puts_dated_documents_first(corpus_index):
    hits = search(corpus_index, "服务外包", sort="date", limit=100).hits
    dates = [h.date or "" for h in hits]
    assert dates == sorted(dates, reverse=True) and dates[0] == "2011-08-11"


def test_title_scope_searches_headings_only(corpus_index):
    assert ids(search(corpus_index, "保障措施", scope="title", limit=1)) == [f"{PLAN_ID}/ch9"]
    assert search(corpus_index, "射频识别", scope="title").hits == []
    assert ids(search(corpus_index, "射频识别", scope="body")) == [f"{APPENDIX}/s20"]


def _marked(hit):
    from kb.present import mark

    return mark(hit.snippet, hit.highlights, color=False)


# -- CLI --------------------------------------------------------------------------------------

EXPECTED_TEXT = """\
1 of 1 section in 1 document
1. 2017年度中国服务外包示范城市及申请城市综合评价结果
   附件1 2017年度中国服务外包示范城市及申请城市综合评价结果
   p.1-7 · score {score} · 2017年度中国服务外包示范城市及申请城市综合评价结果/part1
   为贯彻落实《国务院关于【促进服务外包】产业加快发展的意见》（国发〔2014〕67号），根据商务部等9部门联合印发的《中国服务外包示范城市综合评价办法》（商服贸〔20…
"""


def test_cli_search_plain(corpus_index):
    r = CliRunner().invoke(cli, ["--index", str(corpus_index), "search", '"促进服务外包"', "--doc", "2017"])
    assert r.exit_code == 0
    # The score is the library's, to two places: no figure copied from a run. The phrase stands
    # once in the 2017 document, in its one body section, so that section is the only hit.
    [hit] = search(corpus_index, '"促进服务外包"', doc="2017").hits
    assert hit.score > 0
    assert r.output == EXPECTED_TEXT.format(score=f"{hit.score:.2f}")


def test_cli_search_json(corpus_index):
    r = CliRunner().invoke(cli, ["--index", str(corpus_index), "search", "BPO", "--limit", "1", "--json"])
    assert r.exit_code == 0
    data = json.loads(r.output)
    score = data["hits"][0].pop("score")
    assert score > 10 and score == search(corpus_index, "BPO", limit=1).hits[0].score  # the library's own figure
    # BPO is only ever written in the plan (its appendix and the chapters that use it).
    assert data.pop("documents") == 1 and data.pop("total") >= 1
    assert data == {
        "query": "BPO",
        "normalized_query": "BPO",
        "query_analysis": {"mode": "best", "words": ["bpo"], "expanded": {"bpo": ["业务流程外包"]},
                           "dropped": [], "unmatched": [], "required": 1},
        "shown": 1,
        "partial": False,
        "hits": [{
            "rank": 1,
            "doc_id": PLAN_ID,
            "doc_title": "市政府关于印发苏州市服务外包产业“十二五”发展规划的通知",
            "doc_number": "苏府〔2011〕159号",
            "doc_type": "规划",
            "date": "2011-08-11",
            "section_id": f"{APPENDIX}/s7",
            "section_title": "（七）业务流程外包",
            "heading_path": ["苏州市服务外包产业“十二五”发展规划", "附录：概念解释", "（七）业务流程外包"],
            "pages": [36, 36],
            "snippet": "…ocess Outsourcing，简写BPO，指企业将自身基于信息技术的业务流程委托给专业化服务提供商，由其按照服务协议要求进行管理、运营和维护服务等。服务内…",
            "highlights": [[21, 24]],
            "matched": ["bpo"],
            "partial": False,
            "ocr": False,
            "path": str(PLAN.resolve()),
            "page": 36,  # （七）业务流程外包 … 简写 BPO stands on PDF page 36
            "citation": "苏州市人民政府《市政府关于印发苏州市服务外包产业“十二五”发展规划的通知》（苏府〔2011〕159号，"
                        "2011年8月11日）印发的《苏州市服务外包产业“十二五”发展规划》附录（七）",
        }],
    }


def test_cli_search_by_doc_json_best_is_a_hit_as_the_hits_are(corpus_index):
    """README: by_doc's ``best`` is "a hit as below": the same fields, the PDF's path, the page and
    the citation included (a first-time user found them missing)."""
    r = CliRunner().invoke(cli, ["--index", str(corpus_index), "search", "服务外包", "--by-doc", "--json"])
    assert r.exit_code == 0
    data = json.loads(r.output)
    assert len(data["by_doc"]) == 2
    for group in data["by_doc"]:
        best = group["best"]
        assert set(best) == set(data["hits"][0]) and best["doc_id"] == group["doc_id"]
        assert best["path"].endswith(".pdf") and best["pages"][0] <= best["page"] <= best["pages"][1]
        assert best["citation"].startswith(("苏州市人民政府", "商务部"))  # the issuer a citation opens with


def test_cli_malformed_query_is_one_line(corpus_index):
    r = CliRunner().invoke(cli, ["--index", str(corpus_index), "search", "(人才"])
    assert r.exit_code == 2
    assert r.stderr == "Error: cannot parse query '(人才': a '(' is not closed\n"


def test_cli_bad_year_is_a_usage_error(corpus_index):
    r = CliRunner().invoke(cli, ["--index", str(corpus_index), "search", "人才", "--year", "20x1"])
    assert r.exit_code == 2
    assert "Invalid value for --year: '20x1': use YEAR or FROM-TO, e.g. 2011-2017" in r.stderr


# -- freshness and concurrency ----------------------------------------------------------------

def test_missing_then_stale_index_is_built_first(tmp_path, monkeypatch):
    shutil.copytree(CORPUS, tmp_path / "corpus")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    r = runner.invoke(cli, ["--index", "index", "search", "ITO", "--limit", "1"])
    assert r.exit_code == 0
    assert r.stderr == "index missing: building it from corpus/ …\n"
    assert f"{APPENDIX}/s6" in r.stdout
    r = runner.invoke(cli, ["--index", "index", "search", "ITO", "--limit", "1"])
    assert r.stderr == ""
    pdf = tmp_path / "corpus" / Path(EVAL_ID + ".pdf")
    os.utime(pdf, ns=(pdf.stat().st_atime_ns, pdf.stat().st_mtime_ns + 10**9))
    r = runner.invoke(cli, ["--index", "index", "search", "ITO", "--limit", "1"])
    assert r.exit_code == 0
    assert r.stderr == "index stale (a corpus file changed): building it from corpus/ …\n"


@pytest.fixture
def index_copy(corpus_index, tmp_path):
    dst = tmp_path / "index"
    shutil.copytree(corpus_index, dst)
    return dst


def test_search_answers_while_an_ingest_holds_the_writer(index_copy):
    from kb.store import Store

    with Store(index_copy).writer():
        assert ids(search(index_copy, "BPO", limit=1)) == [f"{APPENDIX}/s7"]
        r = CliRunner().invoke(cli, ["--index", str(index_copy), "ingest", str(CORPUS)])
        assert r.exit_code == 2
        assert r.stderr == f"Error: {index_copy}: the index is busy, another ingest (pid {os.getpid()}) is writing it; try again when it ends\n"
        with pytest.raises(IndexBusyError):
            from kb.ingest import ingest

            ingest([CORPUS], index_copy)


def test_interrupted_build_leaves_the_previous_index_answering(index_copy, monkeypatch, tmp_path):
    import shutil

    import kb.index
    from kb.ingest import ingest

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(kb.index, "build_index", crash)
    added = tmp_path / "copy.pdf"  # a new document, so the search index must be rebuilt
    shutil.copy(EVAL, added)
    with added.open("ab") as fh:  # not byte-identical: an identical copy is a duplicate, not added
        fh.write(b"\n%kb test copy\n")
    with pytest.raises(KeyboardInterrupt):
        ingest([CORPUS, added], index_copy)
    assert ids(search(index_copy, "ITO", limit=1)) == [f"{APPENDIX}/s6"]


def test_top_n_is_a_prefix_of_a_longer_list(corpus_index):
    assert ids(search(corpus_index, '服务外包', limit=3)) == ids(search(corpus_index, '服务外包', limit=50))[:3]


def test_an_unknown_type_is_an_error_naming_the_types(corpus_index):
    r = CliRunner().invoke(cli, ["--index", str(corpus_index), "search", "人才", "--type", "不存在"])
    assert r.exit_code == 2
    assert r.output == "Error: no document of type '不存在'; the index has: 规划, 评价结果\n"


def test_full_width_digits_in_a_query_match_the_text(corpus_index):
    assert ids(search(corpus_index, '"２０１０年服务外包接包合同金额２２．７亿美元"'.replace("．", "."), limit=1)) == [f"{PLAN_ID}/ch1/s1"]


@pytest.mark.parametrize("value, years", [("2011", (2011, 2011)), ("2011-", (2011, 9999)), ("2011–", (2011, 9999)),
                                          ("2011~", (2011, 9999)), ("2011-2017", (2011, 2017)), ("2011–2017", (2011, 2017))])
def test_year_ranges(value, years):
    from cli import _years

    assert _years(value) == years


def test_whoosh_is_loaded_without_urllib_and_leaves_the_real_one_importable():
    import subprocess
    import sys

    code = ("import sys, kb.index; loaded = 'urllib.request' in sys.modules; import urllib.request; "
            "print(loaded, hasattr(urllib.request, 'urlopen'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True"]
