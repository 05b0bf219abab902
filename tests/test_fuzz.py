"""Property-based tests: no input ever gets a traceback to the user.

Ingest: mutated bytes of a real PDF either ingest or come back as a reported skip with one of
the named reasons (never "internal error"). outline/docs: any reference string gives exit 0
or a one-line "Error: …" with exit 1.

Queries: any text (CJK, full-width, control characters, Whoosh syntax, corpus words, very long)
given to search, glossary, keyword, export and outline, with their options, exits 0, 1 with an
"Error: …" line, or 2 with a usage message; kb.search, kb.lookup, kb.kwic and kb.refs raise only
KbError. Inputs the properties once crashed on are kept as plain tests at the end.
"""
from __future__ import annotations

import re

import json

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
import pytest

from cli import cli
from kb.errors import InputError, KbError
from conftest import EVAL

def _seed() -> bytes:
    """The evaluation's first two pages (text, footnote, ladder): small, so each example is fast."""
    import io

    import pikepdf

    with pikepdf.open(EVAL) as pdf:
        del pdf.pages[2:]
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


SEED = _seed()
REASONS = {cls.reason for cls in InputError.__subclasses__()}

mutations = st.one_of(
    # flip bytes at random offsets (most land inside compressed streams)
    st.lists(st.tuples(st.integers(0, len(SEED) - 1), st.integers(0, 255)), min_size=1, max_size=40)
    .map(lambda edits: _apply(edits)),
    # cut the file anywhere
    st.integers(0, len(SEED)).map(lambda n: SEED[:n]),
    # splice a random block into the cross-reference / trailer region
    st.tuples(st.integers(max(0, len(SEED) - 4096), len(SEED)), st.binary(min_size=1, max_size=200))
    .map(lambda t: SEED[: t[0]] + t[1] + SEED[t[0]:]),
)


def _apply(edits) -> bytes:
    data = bytearray(SEED)
    for offset, value in edits:
        data[offset] = value
    return bytes(data)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(batch=st.lists(mutations, min_size=10, max_size=10, unique=True))
def test_mutated_pdfs_ingest_or_are_reported_skips(tmp_path_factory, batch):
    """Ten distinct mutants in one folder, one ingest: each is added or a reported skip, and no
    mutant stops the others (40 mutants in all; an ingest per ten, not per mutant, as a user's
    folder of damaged files is ingested)."""
    from kb.ingest import ingest

    folder = tmp_path_factory.mktemp("fuzz")
    paths = [folder / f"mutant-{k}.pdf" for k in range(len(batch))]
    for path, data in zip(paths, batch):
        path.write_bytes(data)
    report = ingest([folder], folder / "index", max_seconds=60)
    seen = {f"{folder}/{d}.pdf" for d in report.added} | {s["path"] for s in report.skipped}
    assert seen == {str(p) for p in paths} and not report.duplicates
    assert len(report.added) + len(report.skipped) == len(paths)
    for skipped in report.skipped:
        assert skipped["reason"] in REASONS, skipped["error"]
        assert "\n" not in skipped["error"]


refs = st.text(min_size=1, max_size=40).filter(lambda s: "\x00" not in s and not s.startswith("-"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ref=refs)
def test_outline_with_any_reference_answers_or_says_why(corpus_index, ref):
    result = CliRunner().invoke(cli, ["--index", str(corpus_index), "outline", ref])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    if result.exit_code != 0:
        assert result.exit_code in (1, 2)  # no document matches: 1; ambiguous: 2
        assert result.output.startswith("Error: ")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ref=refs)
def test_outline_json_with_any_reference(corpus_index, ref):
    result = CliRunner().invoke(cli, ["--index", str(corpus_index), "outline", "--json", ref])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    if result.exit_code == 0:
        assert json.loads(result.output)["doc_id"]


@settings(max_examples=20, deadline=None)
@given(index=st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00/"), min_size=1, max_size=20))
def test_docs_on_any_index_path(tmp_path_factory, index):
    where = tmp_path_factory.mktemp("idx") / index
    result = CliRunner().invoke(cli, ["--index", str(where), "docs"])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code in (0, 2)


# ---- FUZZ-QUERIES: search, glossary, keyword, export, outline -----------------------------------

# Text a user might type, and text nobody should: CJK and its punctuation, full-width forms,
# control characters, Whoosh syntax, words the corpus holds (so hits and snippets are made too).
SYNTAX = ['"', "(", ")", "*", "?", ":", "^", "~", "[", "]", "{", "}", "'", "\\", "-", "+",
          "AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO", "title:", "body:", "q:", "*:*", "~2", "^3"]
WORDS = ["服务外包", "离岸", "BPO", "ITO", "苏州", "第五章", "一、（六）", "附录", "159号", "苏府〔2011〕159号",
         "業務流程外包", "云计算", "的", "是什么", "示范城市", "2017", "ch5/s2", "appendix/s13"]
_chars = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),  # CJK ideographs
    st.characters(min_codepoint=0x3000, max_codepoint=0x303F),  # CJK punctuation: 、。〔〕「」
    st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),  # full-width ASCII
    st.characters(min_codepoint=0x00, max_codepoint=0x1F),  # control characters
    st.characters(blacklist_categories=("Cs",)),  # anything else
)
_pieces = st.one_of(st.text(_chars, max_size=8), st.sampled_from(SYNTAX), st.sampled_from(WORDS),
                    st.sampled_from([" ", "\u3000", "\t", "\n"]))
queries = st.one_of(
    st.lists(_pieces, max_size=8).map("".join),
    st.lists(_pieces, max_size=8).map(" ".join),
    st.text(_chars, max_size=30),
    st.sampled_from(["", " ", "\u3000", "\t\n", '"', "AND", "NOT x", "title:", "的 了 是", "，。、！", "*", "?"]),
    st.builds(lambda w, n: w * n, st.sampled_from(WORDS + ["a", "("]), st.integers(200, 2000)),  # very long
)
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _run(index, *args):
    result = CliRunner().invoke(cli, ["--index", str(index), *args], catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1, 2), result.output
    if result.exit_code == 1:  # nothing matched: said on stderr in one line (with notes), stdout empty or JSON
        assert result.stderr.strip() and "Usage: " not in result.stderr, result.output
        if "--json" in args and result.stdout:
            json.loads(result.stdout)
    if result.exit_code == 2:  # an error: usage, a malformed query, an ambiguous reference
        assert result.stderr.startswith("Error: ") or "Usage: " in result.stderr, result.output
        assert all(line.startswith("  ") for line in result.stderr.splitlines()[1:]
                   if not result.stderr.startswith("Usage: ")) or "Usage: " in result.stderr
    return result


def _opt(flag, values):
    return st.one_of(st.just([]), values.map(lambda v: [flag, v]))


@settings(FUZZ, max_examples=150)
@given(query=queries, scope=_opt("--in", st.sampled_from(["title", "body", "all"])),
       sort=_opt("--sort", st.sampled_from(["date", "score"])), limit=_opt("--limit", st.sampled_from(["1", "3", "1000"])),
       as_json=st.sampled_from([[], ["--json"]]))
def test_search_with_any_query_answers_or_says_why(corpus_index, query, scope, sort, limit, as_json):
    result = _run(corpus_index, "search", *scope, *sort, *limit, *as_json, "--", query)
    assert result.exit_code in (0, 1, 2)  # found; nothing matched; a malformed query
    if result.exit_code in (0, 1) and as_json:
        assert json.loads(result.stdout)["query"] == query


@settings(FUZZ, max_examples=60)
@given(year=st.one_of(st.text(_chars, max_size=12), st.from_regex(r"\A\s*\d{4}\s*([-–~]\s*(\d{4})?)?\s*\Z")),
       limit=st.one_of(st.text(max_size=6), st.integers(-5, 2000).map(str)))
def test_search_options_with_any_value(corpus_index, year, limit):
    result = _run(corpus_index, "search", "--year", year, "--limit", limit, "服务外包")
    assert result.exit_code in (0, 1, 2)  # nothing dated then: 1; a malformed --year or --limit: 2


@settings(FUZZ, max_examples=150)
@given(term=queries, mode=st.sampled_from([[], ["--exact"], ["--fuzzy"]]), as_json=st.sampled_from([[], ["--json"]]),
       doc=_opt("--doc", st.one_of(st.sampled_from(["苏州", "2017", "苏府〔2011〕159号", "评价"]), queries)))
def test_glossary_with_any_term_answers_or_says_why(corpus_index, term, mode, as_json, doc):
    result = _run(corpus_index, "glossary", *mode, *as_json, *doc, "--", term)
    assert result.exit_code in (0, 1, 2)
    if result.exit_code == 2 and term:  # besides no TERM: a --doc that names no one document
        assert doc and result.stderr.startswith("Error: ")


@settings(FUZZ, max_examples=150)
@given(words=st.lists(queries, min_size=1, max_size=3), all_words=st.sampled_from([[], ["--all"]]),
       context=_opt("--context", st.integers(-3, 500).map(str)), extra=st.sampled_from([[], ["--json"], ["--count"]]))
def test_keyword_with_any_words_answers_or_says_why(corpus_index, words, all_words, context, extra):
    result = _run(corpus_index, "keyword", *all_words, *context, *extra, "--", *words)
    if context and int(context[1]) < 0:
        assert result.exit_code == 2
    elif any(not w.strip() for w in words):
        assert result.exit_code == 2  # an empty keyword is refused by name
    else:
        assert result.exit_code in (0, 1)  # found, or nothing found


@settings(FUZZ, max_examples=150)
@given(ref=queries, doc=_opt("--doc", st.one_of(st.sampled_from(["苏州", "2017", "评价"]), queries)),
       fmt=_opt("--format", st.sampled_from(["md", "text", "json"])))
def test_export_with_any_reference_answers_or_says_why(corpus_index, ref, doc, fmt):
    result = _run(corpus_index, "export", *doc, *fmt, "--", ref)
    assert result.exit_code in (0, 1, 2)
    if result.exit_code == 0 and fmt == ["--format", "json"]:
        assert json.loads(result.stdout)["citation"]["doc_id"]


@settings(FUZZ, max_examples=100)
@given(ref=queries, as_json=st.sampled_from([[], ["--json"]]))
def test_outline_with_any_text(corpus_index, ref, as_json):
    assert _run(corpus_index, "outline", *as_json, "--", ref).exit_code in (0, 1, 2)


# The library under the CLI: anything it cannot answer is a KbError, nothing else escapes.

def _answers_or_kb_error(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except KbError as e:
        assert str(e) and "\n" not in str(e)
        return None


@settings(FUZZ, max_examples=100)
@given(query=queries, scope=st.sampled_from(["all", "title", "body"]), sort=st.sampled_from(["score", "date"]))
def test_library_search_raises_only_kb_errors(corpus_index, query, scope, sort):
    from kb.search import search

    result = _answers_or_kb_error(search, corpus_index, query, scope=scope, sort=sort, limit=5)
    if result is not None:
        for hit in result.hits:
            assert 1 <= hit.pages[0] <= hit.pages[1] and hit.heading_path and hit.doc_title
            assert all(0 <= a < b <= len(hit.snippet) for a, b in hit.highlights)


@settings(FUZZ, max_examples=200)
@given(query=queries, mode=st.sampled_from(["auto", "exact", "fuzzy"]))
def test_library_lookup_raises_only_kb_errors(corpus_index, query, mode):
    from kb.glossary import load_terms
    from kb.lookup import lookup
    from kb.store import Store

    terms = load_terms(Store(corpus_index).snapshot().path)
    matches = _answers_or_kb_error(lookup, terms, query, mode)
    assert matches is None or 1 <= len(matches) <= 10


@settings(FUZZ, max_examples=200)
@given(words=st.lists(queries, min_size=0, max_size=3), context=st.integers(-2, 200), all_words=st.booleans())
def test_library_kwic_raises_only_kb_errors(corpus_index, words, context, all_words):
    from kb.kwic import lookup

    result = _answers_or_kb_error(lookup, corpus_index, words, context=context, all_words=all_words)
    if result is not None:
        for o in result.occurrences:
            assert o.keyword == o.word and len(o.left.lstrip("…")) <= context and len(o.right.rstrip("…")) <= context


@settings(FUZZ, max_examples=200)
@given(ref=queries, doc=st.one_of(st.none(), st.sampled_from(["苏州", "2017", "评价", "苏府〔2011〕159号"]), queries))
def test_library_refs_raise_only_kb_errors(corpus_index, ref, doc):
    from kb.refs import resolve_ref
    from kb.store import Store

    target = _answers_or_kb_error(resolve_ref, Store(corpus_index).snapshot(), ref, doc)
    assert target is None or target.section is None or target.document.section(target.section.id) is target.section


# ---- what the properties above found: each input once crashed with a traceback ---------------

@pytest.mark.parametrize("query, message", [
    # Or(Not a, Not b) passes parse(); compile_query refused it, outside the try that names it
    ("NOT a NOT b", "cannot parse query 'NOT a NOT b': a query cannot be only NOT …: say what to find as well"),
    # Whoosh's parser raised IndexError on an operator right after NOT
    *[(q, f"cannot parse query {q!r}: NOT must be followed by what to leave out, not by AND, OR or NOT")
      for q in ("NOT AND 0", "x NOT OR y", "NOT NOT x", "NOT ANDNOT x")],
    # ... and an AssertionError on ANDNOT or ANDMAYBE right after another of them
    *[(q, f"cannot parse query {q!r}: ANDNOT and ANDMAYBE need a word on each side")
      for q in ("0 ANDNOT ANDNOT 0", "x ANDMAYBE ANDNOT y", "AND ANDNOT ANDMAYBE x")],
    # Whoosh parses * as Every("q"), and "q" is no field of the index: TermNotFound
    *[(q, f"cannot parse query {q!r}: a lone * matches everything: put it after the start of a word (服务*)")
      for q in ("*", "*:*", "title:*", "外包 *", "x AND *", "* NOT x")],
    # ~1000 distinct AND-ed words, or ~500 nested brackets: RecursionError inside Whoosh's matchers
    (" ".join(map(str, range(201))), "cannot parse query '0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16'… (693 characters): too long: more than 200 words; search for a shorter passage"),
    ("(" * 51 + "外包" + ")" * 51, "cannot parse query '(((((((((((((((((((((((((((((((((((((((('… (104 characters): brackets nested more than 50 deep"),
])
def test_search_found_by_fuzzing(corpus_index, query, message):
    result = CliRunner().invoke(cli, ["--index", str(corpus_index), "search", "--", query])
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"Error: {message}\n")


@pytest.mark.parametrize("query", ["离岸" * 1000, "的" * 2000, "(" * 50 + "离岸" + ")" * 50])
def test_long_search_found_by_fuzzing_answers(corpus_index, query):
    """RecursionError before: one word repeated was AND-ed with itself a thousand times."""
    result = CliRunner().invoke(cli, ["--index", str(corpus_index), "search", "--limit", "1", "--", query])
    assert result.exit_code == 0 and result.stderr == ""
    first, second = result.stdout.splitlines()[:2]
    assert re.fullmatch(r"1 of \d+ sections? in \d documents?", first) and second.startswith("1. "), result.stdout


@pytest.mark.parametrize("args, code, stdout, stderr", [
    (["outline", ""], 1, "", "Error: empty document reference '': give an id, a unique part of one, or its 发文字号\n"),  # was "'' is ambiguous: 2 matches"
    (["outline", " "], 1, "", "Error: empty document reference ' ': give an id, a unique part of one, or its 发文字号\n"),
    (["keyword", "--doc", " ", "外包"], 1, "", "Error: empty document reference ' ': give an id, a unique part of one, or its 发文字号\n"),
    (["search", "--", ""], 2, "", "Error: cannot parse query '': nothing to search for\n"),
    (["search", "   "], 2, "", "Error: cannot parse query '   ': nothing to search for\n"),
    (["search", '"'], 2, "", "Error: cannot parse query '\"': unbalanced double quote (\")\n"),
    (["search", "NOT x"], 2, "", "Error: cannot parse query 'NOT x': a query cannot be only NOT …: say what to find as well\n"),
    (["search", "AND"], 1, "", "No sections match 'AND'.\n"),  # a lone operator is a word
    (["search", "title:"], 1, "", "No sections match 'title:'.\n"),
    (["search", "，。！"], 1, "", "No sections match '，。！'.\n"),  # punctuation is looked for as typed
    (["keyword", ""], 2, "", "Error: empty keyword '': give at least one character that is not a space\n"),
    (["export", ""], 1, "", "Error: empty reference: give a section id, a heading or a document\n"),
    (["export", "--doc", "苏州", " "], 1, "", "Error: empty reference: give a section id, a heading or a document\n"),
    (["glossary", ""], 2, "", "Usage: cli glossary [OPTIONS] [TERM]\nTry 'cli glossary --help' for help.\n\nError: give a TERM to look up, --search WORDS, or --list\n"),
    (["search", "--year", "20l1", "外包"], 2, "",
     "Usage: cli search [OPTIONS] QUERY...\nTry 'cli search --help' for help.\n\nError: Invalid value for --year: '20l1': use YEAR or FROM-TO, e.g. 2011-2017\n"),
])
def test_empty_and_bare_syntax_inputs(corpus_index, args, code, stdout, stderr):
    result = CliRunner().invoke(cli, ["--index", str(corpus_index), *args])
    assert (result.exit_code, result.stdout, result.stderr) == (code, stdout, stderr)
