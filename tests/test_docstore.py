"""The section store (kb/docstore.py): one section by id, candidate sections by their characters,
written inside each generation, carried cheaply, checked like every index file.

The store is the one path of keyword, references, quote and citations: their answers are
checked against what each document, read whole from its JSON, holds (every place a word stands,
each section by its id and heading); expectations about the text come from the PDF's own text
layer (pdftotext of 2017年度…评价结果.pdf page 3). An index built before the store is refused,
naming the file, until an ingest writes it.
"""
from __future__ import annotations

import json
import shutil
import sqlite3

from collections import Counter

import pytest

from conftest import EVAL, EVAL_ID, PLAN_ID
from kb import docstore
from kb.errors import AmbiguousRefError, IndexDamagedError, IndexMissingError, KbError, NotFoundError
from kb.ingest import ingest
from kb.kwic import lookup, normalise_words
from kb.store import Store


def test_every_generation_holds_a_checksummed_store(corpus_index):
    gen = Store(corpus_index).snapshot().path
    sums = json.loads((gen / "checksums.json").read_text(encoding="utf-8"))
    assert docstore.FILE in sums
    db = sqlite3.connect(gen / docstore.FILE)
    docs = [d for (d,) in db.execute("SELECT doc_id FROM docs ORDER BY doc_id")]
    assert docs == sorted([PLAN_ID, EVAL_ID])
    snap = Store(corpus_index).snapshot()
    n = sum(1 for d in snap.documents() for _ in d.walk())
    assert db.execute("SELECT count(*) FROM sections").fetchone()[0] == n


def test_a_section_is_read_by_id_with_the_text_the_pdf_prints(corpus_index):
    # pdftotext p.3: （四）融合发展优势初显。… 无锡搭建产业对接平台“太湖智云”，推动服务外包产业与传统行业的融合。
    ds = docstore.reader(Store(corpus_index).snapshot())
    rows = ds.rows("heading_sq = ?", ("融合发展优势初显",))
    assert [r.doc_id for r in rows] == [EVAL_ID]
    row = rows[0]
    assert row.pages[0] <= 3 <= row.pages[1]
    assert "无锡搭建产业对接平台“太湖智云”，推动服务外包产业与传统行业的融合" in row.text.replace("\n", "")
    assert ds.section_text(EVAL_ID, row.section_id) == row.text
    assert row.heading_path[-1].endswith("融合发展优势初显")


def test_a_store_held_by_a_caller_stays_open_when_others_are_opened(corpus_index, tmp_path):
    # A process keeps a few stores open; opening more forgets the oldest. A search session
    # holding the oldest must go on reading it (test_fresh saw "closed database" once three
    # indexes were open in one test process).
    first = docstore.reader(Store(corpus_index).snapshot())
    for n in range(3):
        copy = tmp_path / f"copy{n}"
        shutil.copytree(corpus_index, copy)
        docstore.reader(Store(copy).snapshot())
    rows = first.rows("heading_sq = ?", ("融合发展优势初显",))
    assert [r.doc_id for r in rows] == [EVAL_ID]


@pytest.mark.parametrize("word", ["太湖智云", "外包", "园", "Business Process", "159 号", "，", "ITO", "臵", "不在文中的词"])
def test_every_section_holding_a_word_is_a_candidate(corpus_index, word):
    snap = Store(corpus_index).snapshot()
    ds = docstore.reader(snap)
    held = ds.holding(word)
    ids = {r.section_id for r in ds.by_ids(held)}
    fold = lambda t: "".join(t.split()).casefold()  # noqa: E731
    for d in snap.documents():
        for s in d.walk():
            text = fold("\n".join([s.title, s.text, *(f.text for p in s.paragraphs for f in p.footnotes)]))
            if fold(word) in text:
                assert s.id in ids, (word, s.id)


def test_the_index_narrows_a_rare_word_to_its_section(corpus_index):
    # 太湖智云 stands once in the corpus (pdftotext: EVAL p.3 only, not in the plan).
    ds = docstore.reader(Store(corpus_index).snapshot())
    rows = ds.by_ids(ds.holding("太湖智云"))
    assert [r.heading for r in rows] == ["融合发展优势初显"]


WORDS = [["苏州工业园区"], ["服务外包"], ["臵"], ["苏州工业园区", "高新区"], ["园"], ["Business Process"], ["BPO"],
         ["159 号"], ["，"], ["太湖智云"], ["外包", "人才"]]


def _places(documents, words: list[str], all_words: bool) -> Counter:
    """How often each word stands in each heading, paragraph and footnote of ``documents``, by
    ``str.count`` over the whole documents (non-overlapping, as kb keyword counts)."""
    out: Counter = Counter()
    for d in documents:
        for s in d.walk():
            units = [(None, "heading", s.title)]
            for i, p in enumerate(s.paragraphs):
                units.append((i, "caption" if p.kind == "caption" else "text", p.text))
                units += [(i, "footnote", f.text) for f in p.footnotes]
            for i, where, text in units:
                if all_words and not all(w in text for w in words):
                    continue
                for w in words:
                    if text.count(w):
                        out[(d.id, s.id, where, i, w)] += text.count(w)
    return out


def _counted(occurrences) -> Counter:
    return Counter((o.doc_id, o.section_id, o.where, o.paragraph, o.word) for o in occurrences)


@pytest.mark.parametrize("words", WORDS, ids=lambda w: "+".join(w))
def test_keyword_finds_every_place_each_word_stands_in_reading_order(corpus_index, words):
    docs = Store(corpus_index).snapshot().documents()
    order = {s.id: n for n, s in enumerate(s for d in docs for s in d.walk())}
    for all_words in (False, True):
        found = lookup(corpus_index, words, all_words=all_words).occurrences
        assert _counted(found) == _places(docs, normalise_words(words), all_words)
        sections = [order[o.section_id] for o in found]
        assert sections == sorted(sections)


def test_keyword_finds_the_word_on_the_page_the_pdf_prints_it(corpus_index):
    result = lookup(corpus_index, ["太湖智云"])
    assert [(o.doc_id, o.page, o.where) for o in result.occurrences] == [(EVAL_ID, 3, "text")]


def _refs(snap):
    out = set()
    for d in snap.documents():
        out |= {d.id, d.title}
        for s in d.walk():
            out |= {s.id, s.id.split("/", 1)[1], s.title, s.heading, s.number or "第九十九章", s.heading[:4]}
    return sorted(r for r in out if r.strip()) + ["一、（一）", "第五章 重點領域", "附件", "苏州", "没有这一节"]


def _answer(fn):
    try:
        return fn()
    except KbError as e:
        return e


def test_references_resolve_by_their_rules_to_the_documents_sections(corpus_index):
    from kb.docstore import squash
    from kb.export import render
    from kb.refs import Target, resolve_ref

    snap = Store(corpus_index).snapshot()
    docs = snap.documents()
    everywhere = [(d, s) for d in docs for s in d.walk()]

    def same_as_the_document(t):
        # The store reads only the section's branch: it renders as the document read whole does.
        whole = snap.document(t.document.id)
        if t.section is None:
            assert t.document == whole
            return
        assert t.section == whole.section(t.section.id)
        assert t.document.heading_path(t.section.id) == whole.heading_path(t.section.id)
        for fmt in ("json", "md"):
            assert render(t, fmt) == render(Target(whole, whole.section(t.section.id)), fmt)

    for d in docs:
        for ref in (d.id, d.title):  # rule 1: the whole document
            t = resolve_ref(snap, ref)
            assert (t.document.id, t.section) == (d.id, None)
            same_as_the_document(t)
        for s in d.walk():  # rule 2: a full section id, or a local one within its document
            for ref, doc in ((s.id, None), (s.id.split("/", 1)[1], d.id)):
                t = resolve_ref(snap, ref, doc)
                assert (t.document.id, t.section.id) == (d.id, s.id)
            # rule 3: a heading as printed, when no rule before it answers
            key = squash(s.heading)
            if not key or any(key == squash(x.title) or s.heading in (x.id, y.id.split("/", 1)[1])
                              for x, y in everywhere):
                continue
            holders = [y.id for _, y in everywhere if key in (squash(y.title), squash(y.heading), squash(y.number))]
            t = _answer(lambda: resolve_ref(snap, s.heading))
            if isinstance(t, AmbiguousRefError):
                assert len(holders) > 1 and any(c.startswith(s.id + "  ") for c in t.candidates)
            else:
                assert holders == [s.id] and t.section.id == s.id

    cases = [(r, d) for r in _refs(snap) for d in (None, PLAN_ID)]
    answers = [_answer(lambda: resolve_ref(snap, r, d)) for r, d in cases]
    for t in answers:
        if isinstance(t, Target):
            same_as_the_document(t)
        else:
            assert isinstance(t, (NotFoundError, AmbiguousRefError))
    assert sum(1 for t in answers if isinstance(t, Target)) > len(cases) // 2
    assert isinstance(_answer(lambda: resolve_ref(snap, "没有这一节")), NotFoundError)
    simple, traditional = resolve_ref(snap, "第五章 重点领域"), resolve_ref(snap, "第五章 重點領域")
    assert simple.section.heading == "重点领域" and traditional.section.id == simple.section.id


def test_quote_reads_candidates_only_and_cites_the_deepest_section(corpus_index):
    from kb.quote import quote

    q = quote(corpus_index, "太湖智云")
    # The sentence as the PDF prints it (p.3), ending at its 。
    assert q.sentence == "无锡搭建产业对接平台“太湖智云”，推动服务外包产业与传统行业的融合。"
    assert (q.document.id, q.page, q.section.heading) == (EVAL_ID, 3, "融合发展优势初显")
    whole = Store(corpus_index).snapshot().document(EVAL_ID)
    assert q.section == whole.section(q.section.id)
    assert q.record()["heading_path"] == list(whole.heading_path(q.section.id))


def _puts(monkeypatch) -> list[str]:
    seen: list[str] = []
    real = docstore.Writer.put

    def counting(self, doc, digest):
        seen.append(doc.id)
        return real(self, doc, digest)

    monkeypatch.setattr(docstore.Writer, "put", counting)
    return seen




def test_carried_documents_keep_their_rows_and_removed_ones_leave(folder, index, monkeypatch):
    from kb.remove import remove_documents

    first = Store(index).snapshot().path
    puts = _puts(monkeypatch)
    ingest([folder], index)  # nothing changed: no document is stored again
    assert puts == []
    second = Store(index).snapshot().path
    assert second != first and (first / docstore.FILE).stat().st_ino != (second / docstore.FILE).stat().st_ino
    remove_documents(index, ["eval"])
    assert puts == []  # the plan is carried, its rows kept
    snap = Store(index).snapshot()
    ds = docstore.reader(snap)
    assert ds.holding("太湖智云") == set()  # only the evaluation said it
    assert _counted(lookup(index, ["苏州工业园区"]).occurrences) == _places(snap.documents(), ["苏州工业园区"], False)
    from kb.verify import verify

    assert verify(index).ok


def test_a_damaged_previous_store_is_rebuilt_from_the_documents(folder, index, monkeypatch):
    gen = Store(index).snapshot().path
    (gen / docstore.FILE).write_bytes(b"not a database")
    puts = _puts(monkeypatch)
    ingest([folder], index)
    assert sorted(puts) == ["eval", "plan"]  # read again from their JSON, not parsed
    assert [o.page for o in lookup(index, ["太湖智云"]).occurrences] == [3]


def test_a_damaged_store_is_reported_by_verify_and_by_the_command(folder, index):
    from kb.verify import verify

    path = Store(index).snapshot().path / docstore.FILE
    data = bytearray(path.read_bytes())
    data[:16] = b"garbage garbage!"
    path.write_bytes(bytes(data))
    docstore._open.clear()
    result = verify(index)
    assert [p["path"] for p in result.problems] == [str(path)]
    with pytest.raises(IndexDamagedError) as err:
        lookup(index, ["外包"])
    assert str(path) in str(err.value) and "\n" not in str(err.value)


def test_a_missing_store_that_checksums_list_is_damaged(folder, index):
    path = Store(index).snapshot().path / docstore.FILE
    path.unlink()
    docstore._open.clear()
    with pytest.raises(IndexDamagedError, match="docs.sqlite"):
        lookup(index, ["外包"])


def test_an_index_from_before_the_store_is_refused_by_name_until_it_is_built(folder, index):
    # An index written before docs.sqlite existed: no such file, and checksums.json lists none.
    from click.testing import CliRunner

    from cli import cli
    from kb.freshness import refresh
    from kb.quote import quote
    from kb.refs import resolve_ref

    gen = Store(index).snapshot().path
    path = gen / docstore.FILE
    path.unlink()
    sums = json.loads((gen / "checksums.json").read_text(encoding="utf-8"))
    del sums[docstore.FILE]
    (gen / "checksums.json").write_text(json.dumps(sums), encoding="utf-8")
    docstore._open.clear()
    for ask in (lambda: lookup(index, ["外包"]), lambda: quote(index, "太湖智云"),
                lambda: resolve_ref(Store(index).snapshot(), "融合发展优势初显")):
        with pytest.raises(IndexMissingError) as err:
            ask()
        assert (err.value.path, err.value.what) == (str(path), "section store")
        assert "kb " not in str(err.value) and "\n" not in str(err.value)
    result = CliRunner().invoke(cli, ["--index", str(index), "keyword", "外包"])
    assert (result.exit_code, result.stdout) == (2, "")  # an error, not "nothing found"
    assert result.stderr == f"Error: {path}: the index has no section store yet: run `kb ingest`\n"
    # kb search builds what is missing itself (kb.freshness), as it builds a missing search index.
    assert refresh(index, folder) is not None
    assert [o.page for o in lookup(index, ["太湖智云"]).occurrences] == [3]


def test_a_put_stores_each_paragraph_and_the_header_as_the_documents_json_has_them(plan, tmp_path):
    """Generation.put turns a document into a dict once, for its JSON file and for these rows:
    each section's paragraphs (their fields at defaults left out) and the document's header
    are those of the Document itself, and the JSON file holds that same dict."""
    from dataclasses import asdict

    w = docstore.Writer(tmp_path / "docs.sqlite")
    w.put(plan, "digest")
    bodies = [json.loads(b) for (b,) in w.db.execute("SELECT body FROM sections ORDER BY ord")]
    want = [[{k: v for k, v in asdict(p).items() if k not in docstore._DEFAULTS or v != docstore._DEFAULTS[k]}
             for p in s.paragraphs] for s in plan.walk()]
    assert json.loads(json.dumps(want)) == bodies and any(len(b) > 1 for b in bodies)
    header = {k: v for k, v in asdict(plan).items() if k not in ("sections", "furniture")}
    (meta,) = w.db.execute("SELECT meta FROM docs").fetchone()
    assert meta == docstore._dumps(header)
    w.close()
    with Store(tmp_path / "index").writer() as gen:
        gen.put(plan, {"path": "/nowhere.pdf", "size": 0, "mtime_ns": 0, "sha256": "-"})
    snap = Store(tmp_path / "index").snapshot()
    assert json.loads((snap.path / "docs" / snap.manifest[plan.id]["file"]).read_text(encoding="utf-8")) == \
        json.loads(json.dumps(plan.to_dict()))
