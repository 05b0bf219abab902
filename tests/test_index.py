"""kb.index and kb.whoosh_compat: an index updated one document at a time answers exactly as one
built from scratch, and kb's Whoosh codec answers exactly as stock Whoosh 2.7.4."""
from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest

from conftest import CORPUS, EVAL, EVAL_ID, PLAN, PLAN_ID, REAL, real_pdf
from kb import index
from kb.store import Store, current_generation
from kb.text import bigrams, match_form

# One of each query kind the README names, on words of the bundled corpus and of the real PDFs.
QUERIES = ["服务外包", "离岸服务外包是什么", '"促进服务外包"', "云计算 AND 物联网", "離岸服務外包", "BPO",
           "示范城市 综合评价", '"务外包产"', "人才*", "共享服务中心 NOT 跨国公司", "金融硅谷",
           "公共租赁住房", "医疗保险 缴费", "环境影响评价 信息公开", '"政府信息公开"', "居住证 AND 办法",
           "住房保障是什么", "申请条件", "医疗机构"]


def _results(index) -> dict:
    """Every query's hits as (score, doc, section), most relevant first, with the totals.

    Sections with exactly the same score are put in id order: Whoosh breaks such ties by its
    internal document number, which an updated index assigns in the order documents arrived.
    """
    from kb import search_session
    from kb.search import search

    search_session._sessions.clear()
    out = {}
    for q in QUERIES:
        r = search(index, q, limit=500)
        hits = sorted(((-round(h.score, 9), h.doc_id, h.section_id) for h in r.hits))
        out[q] = (r.total, r.documents, hits)
    return out


def _segments(index) -> list[Path]:
    from kb.store import current_generation

    return sorted((current_generation(Path(index)) / "whoosh").glob("*.trm"))


def _verify_ok(index) -> None:
    from kb.verify import verify

    result = verify(index)
    assert result.ok, result.problems


def test_adding_a_document_keeps_the_index_and_answers_as_a_rebuild(tmp_path):
    from kb.ingest import ingest
    from kb.store import current_generation

    folder = tmp_path / "pdfs"
    folder.mkdir()
    shutil.copy(PLAN, folder)
    index = tmp_path / "index"
    assert ingest([folder], index).added == [PLAN_ID]
    before = {p.name: p.stat().st_ino for p in (current_generation(index) / "whoosh").iterdir()}

    shutil.copy(EVAL, folder)
    report = ingest([folder], index)
    assert report.added == [EVAL_ID] and report.unchanged == [PLAN_ID]
    after = {p.name: p.stat().st_ino for p in (current_generation(index) / "whoosh").iterdir()}
    updated = _results(index)
    _verify_ok(index)

    report = ingest([folder], index, rebuild=True)
    assert sorted(report.updated + report.unchanged) == sorted([PLAN_ID, EVAL_ID])
    assert len(_segments(index)) == 1  # a rebuild writes one segment
    rebuilt = _results(index)
    assert rebuilt == updated
    assert any(rebuilt[q][2] for q in QUERIES), "the queries find nothing: the comparison would prove nothing"
    # The update kept something of the old index (the glossary words EVAL adds may appear in
    # PLAN, whose sections are then indexed again, so it may not keep PLAN's segment), and the
    # statistics agree: a score that used deleted documents would differ above.
    assert before and after


def test_an_unchanged_documents_segment_is_carried_by_hard_link(tmp_path, corpus_index):
    """A new document and the same glossary words: the old segment's files are the previous
    generation's (same inode), and only the new document was indexed."""
    from kb.index import build_index
    from kb.ingest import ingest
    from kb.store import Store, current_generation

    folder = tmp_path / "pdfs"
    folder.mkdir()
    shutil.copy(PLAN, folder)
    index = tmp_path / "index"
    ingest([folder], index)
    old = {p.name: p.stat().st_ino for p in (current_generation(index) / "whoosh").glob("*.trm")}
    snap = Store(index).snapshot()
    evaluation = Store(corpus_index).snapshot().document(EVAL_ID)
    with Store(index).writer() as gen:
        assert gen.carry(PLAN_ID, snap.manifest[PLAN_ID])
        gen.put(evaluation, {"path": str(EVAL), "size": 0, "mtime_ns": 0, "sha256": "x"})
        shutil.copy(snap.path / "terms.json", gen.path / "terms.json")  # the glossary words stay as they were
        build_index(gen, gen.documents())
    segs = {p.name: p.stat().st_ino for p in (current_generation(index) / "whoosh").glob("*.trm")}
    assert len(segs) == 2
    assert set(old.items()) <= set(segs.items())
    _verify_ok(index)
    updated = _results(index)
    with Store(index).writer() as gen:
        for d, e in Store(index).snapshot().manifest.items():
            assert gen.carry(d, e)
        shutil.copy(snap.path / "terms.json", gen.path / "terms.json")
        build_index(gen, gen.documents(), reuse=False)
    assert len(_segments(index)) == 1
    assert _results(index) == updated


def test_one_document_at_a_time_keeps_few_segments(tmp_path, corpus_index):
    """Ten documents added one by one: each update indexes one document, small segments are
    merged as they pile up (a binary counter), and the result answers as a rebuild."""
    from kb.index import MAX_SEGMENTS, build_index
    from kb.model import Document
    from kb.store import Store

    snap = Store(corpus_index).snapshot()
    index = tmp_path / "index"
    counts = []
    for i in range(10):
        data = snap.document(EVAL_ID).to_dict()
        new_id = f"{EVAL_ID}-{i}"
        for s in _walk(data["sections"]):
            s["id"] = new_id + s["id"][len(EVAL_ID):]
        data["id"] = new_id
        with Store(index).writer() as gen:
            for d, e in gen.previous_manifest.items():
                assert gen.carry(d, e)
            gen.put(Document.from_dict(data), {"path": f"/nowhere/{i}.pdf", "size": 0, "mtime_ns": 0, "sha256": str(i)})
            shutil.copy(snap.path / "terms.json", gen.path / "terms.json")
            build_index(gen, gen.documents())
        counts.append(len(_segments(index)))
    assert max(counts) <= min(4, MAX_SEGMENTS), counts
    assert counts[1] == 1 and counts[2] == 2, counts  # equal sizes merge; a smaller one waits
    _verify_ok(index)
    updated = _results(index)
    with Store(index).writer() as gen:
        for d, e in gen.previous_manifest.items():
            assert gen.carry(d, e)
        shutil.copy(snap.path / "terms.json", gen.path / "terms.json")
        build_index(gen, gen.documents(), reuse=False)
    assert _results(index) == updated
    assert updated["示范城市 综合评价"][2]


def _walk(sections):
    for s in sections:
        yield s
        yield from _walk(s["children"])


REAL_STEPS = ["hz_yibao_tiaozheng_2016_hf57.pdf", "mep_hpxx_gongkai_jizhi_fangan.pdf",
              "mep_hp_gongzhong_canyu_xiuding_shuoming.pdf", "gd_yinjin_rencai_juzhuzheng_2003_webprint.pdf",
              "mep_hp_gongzhong_canyu_banfa_zqyj.pdf"]


def test_changing_and_removing_real_documents_answers_as_a_rebuild(tmp_path):
    """Add, change (another PDF's bytes under the same name) and remove, each compared with a
    rebuild of the same folder: deletions must leave no trace in the scores."""
    from kb.ingest import ingest

    src = [real_pdf(n) for n in REAL_STEPS]
    folder = tmp_path / "pdfs"
    folder.mkdir()
    for p in src[:3]:
        shutil.copy(p, folder)
    index, full = tmp_path / "index", tmp_path / "full"
    ingest([folder], index)

    def check(step):
        """The updated index answers as one built afresh from the same stored documents: a copy
        of the index whose search index and glossary are gone, so the next ingest builds them
        again in one piece (the repair path) without parsing the PDFs a second time."""
        from kb.store import current_generation

        _verify_ok(index)
        updated = _results(index)
        shutil.rmtree(full, ignore_errors=True)
        shutil.copytree(index, full, symlinks=True)
        gen = current_generation(full)
        shutil.rmtree(gen / "whoosh")
        r = ingest([folder], full)
        assert r.unchanged and not (r.added or r.updated or r.removed) and r.repaired, step
        assert len(_segments(full)) == 1
        assert _results(full) == updated, step
        return updated

    shutil.copy(src[3], folder)
    r = ingest([folder], index)
    assert r.added and not r.updated
    check("added")
    shutil.copy(src[4], folder / src[1].name)  # the same name, another document's content
    r = ingest([folder], index)
    assert r.updated
    check("changed")
    (folder / src[2].name).unlink()
    r = ingest([folder], index)
    assert r.removed
    found = check("removed")
    assert any(hits for *_, hits in found.values())


def test_a_damaged_segment_is_never_carried_forward(tmp_path):
    from kb.ingest import ingest
    from kb.store import current_generation

    folder = tmp_path / "pdfs"
    folder.mkdir()
    shutil.copy(PLAN, folder)
    index = tmp_path / "index"
    ingest([folder], index)
    pst = next((current_generation(index) / "whoosh").glob("*.pst"))
    data = bytearray(pst.read_bytes())
    data[len(data) // 2] ^= 0xFF
    pst.write_bytes(bytes(data))
    shutil.copy(EVAL, folder)
    ingest([folder], index)
    _verify_ok(index)
    assert len(_segments(index)) == 1  # built afresh from the stored documents
    assert _results(index)["金融硅谷"][2]


# -- kb.whoosh_compat --------------------------------------------------------------------------

def test_other_whoosh_versions_are_refused(monkeypatch):
    import whoosh

    from kb import whoosh_compat

    monkeypatch.setattr(whoosh, "__version__", (2, 7, 5))
    with pytest.raises(whoosh_compat.WhooshVersionError, match="Whoosh 2.7.5 is installed.*2.7.4"):
        whoosh_compat.check()


def test_no_whoosh_class_is_changed_at_import():
    import subprocess
    import sys

    code = ("import kb.index, kb.search, kb.glossary_index; from whoosh import query as wq; "
            "from whoosh.codec import whoosh3 as w3; "
            "print(wq.Or.matcher_type, w3.W3LeafMatcher.skip_to.__module__, "
            "w3.W3PerDocReader.doc_field_length.__module__, hasattr(w3.W3TermInfo, 'set_inline'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent).stdout.split()
    assert out == ["0", "whoosh.codec.whoosh3", "whoosh.codec.whoosh3", "False"]


def _terms_and_queries(reader):
    """Field queries over the bundled corpus: single words, ANDs, ORs of 2–6, phrases, prefixes."""
    from whoosh import query as wq

    queries = []
    for field in ("heading", "context", "body"):
        words = [w.decode() if isinstance(w, bytes) else w for w in reader.lexicon(field)]
        by_df = sorted(words, key=lambda w: (-reader.doc_frequency(field, w), w))
        common, rare = by_df[:12], by_df[len(by_df) // 2:len(by_df) // 2 + 12]
        queries += [wq.Term(field, w) for w in common + rare]
        queries += [wq.And([wq.Term(field, a), wq.Term(field, b)]) for a, b in zip(common, common[1:])]
        queries += [wq.And([wq.Term(field, a), wq.Term(field, b)]) for a, b in zip(common, rare)]
        queries += [wq.Or([wq.Term(field, w) for w in common[i:i + n]]) for i, n in ((0, 2), (2, 3), (5, 6))]
        queries.append(wq.Or([wq.Or([wq.Term(field, w) for w in common[:4]]), wq.Or([wq.Term(field, w) for w in rare[:4]])]))
        queries.append(wq.AndMaybe(wq.Term(field, rare[0]), wq.Term(field, common[0])))
        queries.append(wq.Prefix(field, common[0][:1]))
    queries += [wq.Phrase("heading", ["服务", "外包"]), wq.Phrase("heading", ["发展", "目标"])]
    return queries


def test_kb_codec_answers_as_stock_whoosh(corpus_index):
    """Every query, scored and ranked: kb's codec (bisecting skip_to, decoded length column) and
    stock W3Codec read the same index; the index's inlined postings read by both."""
    from whoosh import query as wq

    from kb import safe_pickle, whoosh_compat
    from kb.store import current_generation

    whoosh_compat.apply()
    folder = current_generation(corpus_index) / "whoosh"
    stock = safe_pickle.open_dir(folder)
    ours = safe_pickle.open_dir(folder, whoosh_compat.KbFileIndex)
    with stock.searcher() as s1, ours.searcher() as s2:
        r2 = s2.reader()
        assert all(type(r.codec()) is whoosh_compat.KbCodec for r, _ in r2.leaf_readers()) or \
            type(r2.codec()) is whoosh_compat.KbCodec
        assert type(s1.reader().codec()).__name__ == "W3Codec"
        queries = _terms_and_queries(r2)
        assert len(queries) > 100
        for q in queries:
            for limit in (3, 20, None):
                a = [(h.docnum, h.score) for h in s1.search(q, limit=limit)]
                b = [(h.docnum, h.score) for h in s2.search(q, limit=limit)]
                assert a == b, (q, limit)
        for field in ("heading", "context", "body"):
            for d in range(r2.doc_count_all()):
                assert s1.reader().doc_field_length(d, field) == r2.doc_field_length(d, field)
        # skip_to from every position to every later target, on the longest posting lists
        for field in ("context", "body_bi"):
            words = sorted(r2.lexicon(field), key=lambda w: -r2.doc_frequency(field, w))[:5]
            for w in words:
                ids = list(s1.reader().postings(field, w).all_ids())
                for target in range(0, r2.doc_count_all() + 2, 3):
                    m1, m2 = s1.reader().postings(field, w), r2.postings(field, w)
                    for m in (m1, m2):
                        try:
                            m.skip_to(target)
                        except Exception as err:  # noqa: BLE001 - both must fail alike
                            m.err = type(err)
                    assert getattr(m1, "err", None) == getattr(m2, "err", None)
                    assert m1.is_active() == m2.is_active()
                    if m1.is_active():
                        assert m1.id() == m2.id() == next(i for i in ids if i >= target)
    assert wq.Or.matcher_type == wq.Or.DEFAULT_MATCHER


def test_or_finds_every_section_any_of_its_words_is_in(corpus_index):
    """The one global change: Or's matcher. Against the posting lists themselves (set union),
    nested Ors of 3+ words find every section, at every limit, ranked the same way at each."""
    from whoosh import query as wq

    from kb import index, safe_pickle, whoosh_compat
    from kb.store import current_generation

    whoosh_compat.apply()
    ix = safe_pickle.open_dir(current_generation(corpus_index) / "whoosh", whoosh_compat.KbFileIndex)
    with ix.searcher() as s:
        r = s.reader()
        words = sorted((w.decode() if isinstance(w, bytes) else w for w in r.lexicon("body")),
                       key=lambda w: -r.doc_frequency("body", w))
        for i in range(0, 60, 4):
            group = words[i:i + 4]
            q = wq.Or([wq.Or([wq.Term("body", w) for w in group[:2]]),
                       wq.Or([wq.Term(f, w) for w in group[2:] for f in ("body", "heading", "context")])])
            truth = index.docset(s, q)
            full = [(h.docnum, h.score) for h in s.search(q, limit=None)]
            assert {d for d, _ in full} == truth
            for limit in (3, 20):
                assert [(h.docnum, h.score) for h in s.search(q, limit=limit)] == full[:limit]




def test_tokenizers_keep_their_pickled_names():
    # A built index's TOC pickles the schema: the classes must stay importable under these names
    # (or PARSER_VERSION must change, so old indexes are rebuilt).
    for cls in (index.JiebaTokenizer, index.BigramTokenizer):
        assert cls.__module__ == "kb.index"
        assert pickle.loads(pickle.dumps(cls)) is cls


def test_the_bigram_field_and_the_substring_check_agree():
    # BigramTokenizer indexes bigrams(text); the substring check compares match_form(text).
    text = "离岸 服务外包\nBPO"
    grams = [t.text for t in index.BigramTokenizer()(text)]
    assert grams == bigrams(text)
    form = match_form(text)
    assert all(g in form for g in grams) and "".join(g[0] for g in grams) + grams[-1][1] == form


def test_every_section_of_the_corpus_is_one_index_document(corpus_index):
    snap = Store(corpus_index).snapshot()
    sections = {s.id for d in snap.documents() for s in d.walk()}
    ix, vocab = index.open_index(current_generation(corpus_index))
    with ix.searcher() as s:
        stored = {f["section_id"] for f in s.all_stored_fields()}
    assert stored == sections
    assert vocab["freqs"] and vocab["total"] > 0


def test_a_heading_is_found_by_its_own_words(corpus_index):
    from kb.search import search

    # "第九章 保障措施" is a chapter heading of the plan (its text layer, page 32).
    hits = search(corpus_index, "保障措施", scope="title", limit=1).hits
    assert hits and hits[0].heading_path[-1].endswith("保障措施")


def test_a_full_build_on_two_processes_answers_as_one(tmp_path, corpus_index, monkeypatch):
    """A large full build writes a segment per core (kb.index._parallel_build); here the bundled
    corpus and two copies stand in for a large one. The scores are those of a one-process build,
    and an update of it afterwards still answers as a rebuild."""
    import os

    from kb.index import build_index

    if (os.cpu_count() or 1) < 2 or not hasattr(os, "fork"):
        pytest.skip("one core, or no fork: a full build writes one segment in one process")
    snap = Store(corpus_index).snapshot()
    docs = _copies(snap, 3)

    def build(where, parallel: bool):
        monkeypatch.setattr(index, "PARALLEL_SECTIONS", 1 if parallel else 10**9)
        with Store(where).writer() as gen:
            for d in docs:
                gen.put(d, {"path": f"/nowhere/{d.id}.pdf", "size": 0, "mtime_ns": 0, "sha256": d.id})
            shutil.copy(snap.path / "terms.json", gen.path / "terms.json")
            build_index(gen, gen.docs(), reuse=False)
        return _results(where)

    one = build(tmp_path / "one", parallel=False)
    assert len(_segments(tmp_path / "one")) == 1
    two = build(tmp_path / "two", parallel=True)
    assert len(_segments(tmp_path / "two")) == 2
    assert two == one and any(one[q][2] for q in QUERIES)
    _verify_ok(tmp_path / "two")
    assert not [p for p in current_generation(tmp_path / "two").rglob("*") if p.name.startswith(".segment-")]


def test_a_scored_list_skipped_to_its_end_has_no_quality_left():
    """Whoosh's union matcher asks a side it has just skipped past its last posting for its block
    quality (幼儿园读了三年积分入学能加多少分 raised IndexError on the real set): it must answer 0."""
    from whoosh.matching import UnionMatcher

    scored = index._ScoredList([1, 4], [0.5, 0.2])
    scored.skip_to_quality(1.0)
    assert not scored.is_active() and scored.block_quality() == 0.0
    union = UnionMatcher(index._ScoredList([1, 4], [0.5, 0.2]), index._ScoredList([2, 3], [5.0, 5.0]))
    union.skip_to_quality(5.6)  # skips the first side to its end, then reads its quality
    assert union.is_active()


def _copies(snap, n):
    from kb.model import Document

    docs = []
    for i in range(n):
        for d in snap.documents():
            data = d.to_dict()
            new_id = f"{d.id}-{i}"
            for s in _walk(data["sections"]):
                s["id"] = new_id + s["id"][len(d.id):]
            data["id"] = new_id
            docs.append(Document.from_dict(data))
    return docs


def _three_copies_built(where: Path, corpus_index, monkeypatch):
    """The bundled corpus three times over (common words then span several 128-posting blocks),
    built in one segment into ``where`` by kb's own writer: (documents, user words) for a second
    build to compare with."""
    from kb.store import Documents

    snap = Store(corpus_index).snapshot()
    docs = Documents.of(_copies(snap, 3))
    user_words = sorted(index.load_expansions(snap.path, docs))
    monkeypatch.setattr(index, "PARALLEL_SECTIONS", 10**9)
    index._full_build(where, docs, user_words)
    return docs, user_words


def _segment_bytes(folder: Path) -> dict:
    """Each file of a one-segment index by its extension (the segment's name is random), and the
    segment's TOC entry (counts, field lengths) without its name."""
    from whoosh.filedb.filestore import FileStorage

    from kb import whoosh_compat

    ix = whoosh_compat.KbFileIndex(FileStorage(str(folder), readonly=True))
    (seg,) = ix._segments()
    files = {p.name.replace(seg.segment_id(), "SEG"): p.read_bytes() for p in folder.iterdir()
             if seg.segment_id() in p.name}
    return {**files, "doccount": seg.doc_count_all(), "lengths": whoosh_compat.segment_field_lengths(seg)}


def test_the_term_at_a_time_writer_writes_whooshs_bytes(tmp_path, corpus_index, monkeypatch):
    """KbPostingPool keeps the postings by term and KbFieldWriter.add_postings writes each term
    whole with each field's lengths read once; Whoosh's own pool (made to spill to several
    sorted run files, as a large build does) and its loop, a posting at a time, must have
    written the same files byte for byte. Three copies of the corpus: common words then span
    several 128-posting blocks, rare ones are inlined, and body_bi (no lengths) and heading
    (positions) are both written."""
    from whoosh.codec.base import FieldWriter

    from kb import whoosh_compat

    def stock_pool(writer):
        writer.pool.limit = 512 * 1024  # bytes of postings, by Whoosh's reckoning, per run file
        return writer

    docs, user_words = _three_copies_built(tmp_path / "ours", corpus_index, monkeypatch)
    with monkeypatch.context() as m:
        m.setattr(whoosh_compat.KbFieldWriter, "add_postings", FieldWriter.add_postings)
        m.setattr(whoosh_compat.KbCodec, "postings_writer", whoosh_compat.w3.W3Codec.postings_writer)
        m.setattr(whoosh_compat, "kb_writer", stock_pool)
        runs = []
        from whoosh.writing import PostingPool

        save = PostingPool.save
        m.setattr(PostingPool, "save", lambda self: (runs.append(len(self.current)), save(self))[1])
        index._full_build(tmp_path / "stock", docs, user_words)
    assert len(runs) >= 3  # the stock pool did spill and merge runs
    ours, stock = _segment_bytes(tmp_path / "ours"), _segment_bytes(tmp_path / "stock")
    assert {k for k in ours if k.endswith(".pst")} and ours.keys() == stock.keys()
    assert ours["doccount"] == sum(1 for d in docs for _ in d.walk())
    for name in ours:
        assert ours[name] == stock[name], name
    from whoosh.filedb.filestore import FileStorage

    reader = whoosh_compat.KbFileIndex(FileStorage(str(tmp_path / "ours"), readonly=True)).reader()
    assert max(reader.doc_frequency("body_bi", g) for g in list(reader.lexicon("body_bi"))[:2000]) > 128


def _reference_call(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                    start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
    """JiebaTokenizer as it was: every value cut whole, each word's sub-words looked up each time."""
    from whoosh import analysis

    from kb import segment

    tk = segment.tokenizer(self.user_words)
    t = analysis.Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
    for word, pos, s, e in segment.tokens(tk, str(value)):
        t.text = word
        t.boost = 1.0
        t.stopped = False
        if keeporiginal:
            t.original = word
        if positions:
            t.pos = start_pos + pos
        if chars:
            t.startchar, t.endchar = start_char + s, start_char + e
        yield t


def test_titles_cut_once_and_memoised_sub_words_write_the_same_index(tmp_path, corpus_index, monkeypatch):
    """A document's titles are cut once for all its sections' headings and contexts, and each
    word's sub-words are worked out once (kb.segment.Cutter): the ×3 corpus's segment files are
    byte for byte those of cutting every heading, context and body whole, word by word."""
    docs, user_words = _three_copies_built(tmp_path / "ours", corpus_index, monkeypatch)
    with monkeypatch.context() as m:
        m.setattr(index.JiebaTokenizer, "__call__", _reference_call)
        index._full_build(tmp_path / "whole", docs, user_words)
    ours, whole = _segment_bytes(tmp_path / "ours"), _segment_bytes(tmp_path / "whole")
    assert ours.keys() == whole.keys()
    for name in ours:
        assert ours[name] == whole[name], name
    # and the text a heading or context holds is the text itself, with the joined words' offsets
    tok = index.JiebaTokenizer(user_words)
    doc = Store(corpus_index).snapshot().document(PLAN_ID)
    titles = index._TitleCuts(tok.cutter())
    for sec, path in doc.walk_paths():
        path = list(path)
        for value in (titles.heading(sec.title), titles.joined(index._context_parts(doc, sec, path))):
            assert str(value) in (sec.title, index._context(doc, sec, path))
            got = [(t.text, t.pos, t.startchar, t.endchar) for t in tok(value, positions=True, chars=True)]
            want = [(t.text, t.pos, t.startchar, t.endchar) for t in _reference_call(tok, str(value), positions=True, chars=True)]
            assert got == want
    assert pickle.loads(pickle.dumps(tok)).__dict__ == {"user_words": tuple(user_words)}
