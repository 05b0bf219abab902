"""The section store (kb/docstore.py): one section by id, candidate sections by their characters,
written inside each generation, carried cheaply, checked like every index file.

Equivalence tests compare the store's answers with the full scans over the JSON documents
(the path an index without docs.sqlite still takes); expectations about the text come from
the PDF's own text layer (pdftotext of 2017年度…评价结果.pdf page 3).
"""
from __future__ import annotations

import json
import shutil
import sqlite3

import pytest

from conftest import EVAL, EVAL_ID, PLAN, PLAN_ID
from kb import docstore
from kb.errors import IndexDamagedError
from kb.ingest import ingest
from kb.kwic import keyword, lookup
from kb.store import Store


def _without_store(monkeypatch):
    monkeypatch.setattr(docstore, "reader", lambda snap: None)


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


@pytest.mark.parametrize("words", WORDS, ids=lambda w: "+".join(w))
def test_keyword_from_the_store_is_the_full_scan(corpus_index, words):
    docs = Store(corpus_index).snapshot().documents()
    for all_words in (False, True):
        assert lookup(corpus_index, words, all_words=all_words).occurrences == \
            keyword(docs, words, all_words=all_words).occurrences


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
    from kb.errors import KbError

    try:
        return fn()
    except KbError as e:
        return type(e).__name__, str(e), getattr(e, "candidates", None)


def test_references_resolve_and_render_as_over_the_documents(corpus_index, monkeypatch):
    from kb.export import render
    from kb.refs import resolve_ref

    snap = Store(corpus_index).snapshot()

    def run(ref, doc):
        t = resolve_ref(Store(corpus_index).snapshot(), ref, doc)
        return t.document.id, t.section and t.section.id, render(t, "json"), render(t, "md")

    refs = _refs(snap)
    cases = [(r, d) for r in refs for d in (None, PLAN_ID)]
    with_store = [_answer(lambda: run(r, d)) for r, d in cases]
    _without_store(monkeypatch)
    without = [_answer(lambda: run(r, d)) for r, d in cases]
    assert with_store == without
    assert sum(1 for a in with_store if isinstance(a[0], str) and a[0] in (PLAN_ID, EVAL_ID)) > len(cases) // 2


def test_quote_reads_candidates_only_and_cites_the_deepest_section(corpus_index, monkeypatch):
    from kb.quote import quote

    q = quote(corpus_index, "太湖智云")
    # The sentence as the PDF prints it (p.3), ending at its 。
    assert q.sentence == "无锡搭建产业对接平台“太湖智云”，推动服务外包产业与传统行业的融合。"
    assert (q.document.id, q.page, q.section.heading) == (EVAL_ID, 3, "融合发展优势初显")
    record = q.record()
    _without_store(monkeypatch)
    assert quote(corpus_index, "太湖智云").record() == record


def _puts(monkeypatch) -> list[str]:
    seen: list[str] = []
    real = docstore.Writer.put

    def counting(self, doc, digest):
        seen.append(doc.id)
        return real(self, doc, digest)

    monkeypatch.setattr(docstore.Writer, "put", counting)
    return seen


# A first ingest of the two PDFs is where each test below starts, not what it checks: it is made
# once per module into a template index (as in tests/test_store.py), and each test gets its own
# copy of that index and of the folder, the files' sizes and mtimes as they were ingested (an index
# keys files by path, and the folder is back at the template's path, so the copy sees them unchanged).
@pytest.fixture(scope="module")
def _ingested(tmp_path_factory):
    base = tmp_path_factory.mktemp("docstore")
    pristine = base / "pristine"
    pristine.mkdir()
    shutil.copy(PLAN, pristine / "plan.pdf")
    shutil.copy(EVAL, pristine / "eval.pdf")
    folder = base / "docs"
    shutil.copytree(pristine, folder)
    template = base / "template"
    ingest([folder], template)
    return pristine, folder, template


@pytest.fixture()
def folder(_ingested):
    pristine, d, _ = _ingested
    shutil.rmtree(d)
    shutil.copytree(pristine, d)  # copy2: the mtimes the template index recorded
    return d


@pytest.fixture()
def index(_ingested, folder, tmp_path):
    """An index holding both PDFs of ``folder``, as a first ingest leaves it."""
    shutil.copytree(_ingested[2], tmp_path / "index", symlinks=True)
    return tmp_path / "index"


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
    assert lookup(index, ["苏州工业园区"]).occurrences == keyword(snap.documents(), ["苏州工业园区"]).occurrences
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
