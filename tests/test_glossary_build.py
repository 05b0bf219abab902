"""kb.glossary_build: a glossary updated as documents come, change and go is the glossary a
rebuild writes (terms, uses, lookups, definition search), as tests/test_index.py checks for
search. The documents are the bundled corpus and real PDFs of ../shared/real, whose terms are
used across documents: the plan defines 服务外包 and the evaluation report uses it, and the
report's 示范城市 is a 简称 counted only in the report."""
from __future__ import annotations

import json

import pytest

from conftest import EVAL_ID, PLAN_ID, parsed_real

from kb.glossary import load_terms, with_uses
from kb.ingest import IngestReport, assemble
from kb.lookup import TermNotFoundError, lookup
from kb.model import Document
from kb.store import Store, current_generation

GONGZU = "dg_gongzu_banfa_2014_ling138"  # 公共租赁住房, and 市住建局 as a 简称
YILIAO = "moh_yiliao_jigou_xize_1994_webprint"  # 医疗机构, and 条例 as a 简称
XINXI = "gov_xinxi_gongkai_tiaoli_2007_webprint"  # 政府信息
WORDS = ["跨境完成的外包", "保障性住房", "医疗机构执业许可证", "行政机关", "示范城市 评价", "租金"]


def _as(doc: Document, new_id: str) -> Document:
    """``doc`` under another id (its section ids follow), as if its PDF had that file name."""
    data = doc.to_dict()

    def walk(sections):
        for s in sections:
            s["id"] = new_id + s["id"][len(doc.id):]
            walk(s["children"])

    walk(data["sections"])
    data["id"] = new_id
    return Document.from_dict(data)


@pytest.fixture(scope="module")
def documents(corpus_index):
    snap = Store(corpus_index).snapshot()
    return {"plan": _as(snap.document(PLAN_ID), "plan"), "eval": _as(snap.document(EVAL_ID), "eval"),
            "gongzu": _as(parsed_real(GONGZU), "gongzu"), "yiliao": _as(parsed_real(YILIAO), "yiliao"),
            "xinxi": _as(parsed_real(XINXI), "xinxi")}


def _generation(index, docs: dict[str, Document], rebuild: bool = False):
    """A generation holding ``docs`` in this order: those the index holds unchanged are carried,
    the others stored, and the derived files built as an ingest builds them."""
    with Store(index).writer() as gen:
        for doc_id, doc in docs.items():
            prev = gen.previous_manifest.get(doc_id)
            if not rebuild and prev and prev.get("sha256") == doc.sha256 and gen.carry(doc_id, prev):
                continue
            gen.put(doc, {"path": f"/nowhere/{doc_id}.pdf", "size": 0, "mtime_ns": 0, "sha256": doc.sha256})
        assemble(gen, IngestReport(index=str(index)), reuse=not rebuild)
    return current_generation(index)


def _glossary(gen) -> dict:
    """Everything a user can ask of the glossary: the terms with their uses, each name looked up,
    a search inside the definitions, and the files themselves."""
    from kb.glossary_index import search

    terms = load_terms(gen)
    full = with_uses(gen, terms)
    names = sorted({n for t in terms for n in [t.term, *(a.name for a in t.aliases)]})
    looked = {}
    for name in names:
        try:
            looked[name] = [(m.term.term, m.term.source.doc_id, m.mode, m.name, m.score) for m in lookup(terms, name)]
        except TermNotFoundError as err:
            looked[name] = str(err)
    found = {w: [(t.term, t.source.doc_id, score) for t, score in search(gen, terms, w)] for w in WORDS}
    return {"terms": [(t.term, t.source, t.aliases, t.definition, t.used_in, u.uses) for t, u in zip(terms, full)],
            "lookups": looked, "search": found,
            "files": {n: (gen / n).read_bytes() for n in ("terms.json", "term-uses.jsonl")}}


def _rebuilt(tmp_path, docs, name):
    return _glossary(_generation(tmp_path / name, docs, rebuild=True))


def _extractions(monkeypatch) -> list[str]:
    import kb.glossary

    seen = []
    real = kb.glossary.extract_terms

    def counting(doc):
        seen.append(doc.id)
        return real(doc)

    monkeypatch.setattr(kb.glossary, "extract_terms", counting)
    return seen


def test_add_change_remove_give_the_glossary_a_rebuild_gives(tmp_path, documents, monkeypatch):
    d = documents
    index = tmp_path / "index"
    _generation(index, {"eval": d["eval"], "gongzu": d["gongzu"]})
    seen = _extractions(monkeypatch)

    # Added: the plan, which defines 服务外包 that the report (kept, not read again) uses, and a
    # law between them in manifest order.
    docs = {"eval": d["eval"], "yiliao": d["yiliao"], "gongzu": d["gongzu"], "plan": d["plan"]}
    import kb.glossary_index

    indexed = []
    add = kb.glossary_index._add
    monkeypatch.setattr(kb.glossary_index, "_add", lambda w, terms, keys, ids: indexed.append(set(ids)) or add(w, terms, keys, ids))
    gen = _generation(index, docs)
    assert sorted(seen) == ["plan", "yiliao"]  # only the new documents are read
    assert "plan" in indexed[0] and "gongzu" not in indexed[0]  # an update of the glossary index, not a rebuild
    updated = _glossary(gen)
    assert updated == _rebuilt(tmp_path, docs, "r1")
    outsourcing = next(t for t in updated["terms"] if t[0] == "服务外包")
    assert outsourcing[1].doc_id == "plan" and {u.doc_id for u in outsourcing[5]} == {"plan", "eval"}
    city = next(t for t in updated["terms"] if t[0] == "服务外包示范城市")
    assert {u.doc_id for u in city[5]} == {"eval", "plan"}  # 示范城市 counts in the report only, the full name in both
    assert sum(u.count for u in city[5] if u.doc_id == "eval") > sum(1 for u in city[5] if u.doc_id == "eval")

    # Changed: the file behind "gongzu" now holds another law.
    seen.clear()
    docs = {**docs, "gongzu": _as(d["xinxi"], "gongzu")}
    gen = _generation(index, docs)
    assert seen == ["gongzu"]
    assert _glossary(gen) == _rebuilt(tmp_path, docs, "r2")
    assert not any(t[0] == "公共租赁住房" for t in _glossary(gen)["terms"])

    # Removed: the plan, whose terms the report used.
    seen.clear()
    docs = {k: v for k, v in docs.items() if k != "plan"}
    gen = _generation(index, docs)
    assert seen == []
    after = _glossary(gen)
    assert after == _rebuilt(tmp_path, docs, "r3")
    assert not any(t[0] == "服务外包" for t in after["terms"])
    from kb.verify import verify

    assert verify(index).ok


def test_a_term_defined_in_many_documents_shares_one_line_of_uses(tmp_path, documents):
    """Ten copies of the plan define 服务外包 ten times: its uses are written once, not ten times
    (the file would grow with the square of the corpus), and each copy reads them all."""
    copies = {f"plan{i}": _as(documents["plan"], f"plan{i}") for i in range(10)}
    gen = _generation(tmp_path / "index", {"eval": documents["eval"], **copies})
    terms = load_terms(gen)
    defs = [t for t in terms if t.term == "服务外包"]
    assert len(defs) == 10 and len({t.uses_at for t in defs}) == 1
    uses = [t.uses for t in with_uses(gen, defs)]
    assert all(u == uses[0] for u in uses) and {u.doc_id for u in uses[0]} == {"eval", *copies}
    # A 简称 of the report's is counted in the report only: its own pieces, the rest shared.
    full = with_uses(gen, terms)
    city = next(t for t in full if t.term == "服务外包示范城市")
    assert len(city.uses_at) > 2 and city.used_in == (len(city.uses), sum(u.count for u in city.uses))
    assert {u.doc_id for u in city.uses} == {"eval", *copies}
    own_lines = sum(len(json.dumps([u.__dict__ for u in t.uses], ensure_ascii=False)) for t in full)
    assert (gen / "term-uses.jsonl").stat().st_size * 5 < own_lines
