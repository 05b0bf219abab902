"""kb/model.py: frozen records, one JSON codec, labels that are strings in JSON."""
from __future__ import annotations

import dataclasses
import json

import pytest

from kb.model import BODY, Document, Label, Paragraph, ParagraphKind, Section, SectionKind, Term


def _through_json(obj) -> dict:
    return json.loads(json.dumps(obj.to_dict(), ensure_ascii=False))


@pytest.mark.parametrize("which", ["plan", "evaluation"])
def test_a_document_survives_the_json_round_trip(request, which):
    doc = request.getfixturevalue(which)
    again = Document.from_dict(_through_json(doc))
    assert again == doc
    assert again.to_dict() == doc.to_dict()


def test_documents_and_sections_are_frozen(plan):
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.title = "x"
    sec = plan.sections[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        sec.heading = "x"
    # The tree cannot be changed through its sequences either: they are tuples.
    assert isinstance(plan.sections, tuple) and isinstance(sec.children, tuple) and isinstance(sec.paragraphs, tuple)
    assert all(isinstance(s.children, tuple) and isinstance(s.paragraphs, tuple) for s in plan.walk())


def test_a_list_given_to_a_record_is_kept_as_a_tuple():
    par = Paragraph(text="第一条", pages=(1, 1))
    sec = Section(id="d/art1", level=1, number="第一条", heading="", kind="article", paragraphs=[par])
    doc = Document(id="d", path="/d.pdf", sha256="0", title="t", sections=[sec], warnings=["w"])
    assert sec.paragraphs == (par,) and doc.sections == (sec,) and doc.warnings == ("w",)


def test_labels_are_strings_in_json_and_enums_when_read(plan):
    data = _through_json(plan)
    assert {ln["label"] for ln in data["furniture"]} <= {"furniture"}
    kinds = {p["kind"] for s in plan.walk() for p in _through_json(plan)["sections"][0]["paragraphs"]}
    assert kinds <= {"text", "caption", "table_row"}
    again = Document.from_dict(data)
    assert all(type(ln.label) is Label for ln in again.furniture)
    assert all(type(p.kind) is ParagraphKind for s in again.walk() for p in s.paragraphs)
    assert BODY == "body" and f"{BODY}" == "body" and json.dumps(BODY) == '"body"'


def test_section_kinds_are_strings_in_json_and_enums_when_read(plan, evaluation):
    # The plan (苏府〔2011〕159号) is a notice, then the plan under 第一章…, 一、（一）, and an 附录.
    for doc in (plan, evaluation):
        assert all(type(s.kind) is SectionKind for s in doc.walk())
        again = Document.from_dict(_through_json(doc))
        assert [type(s.kind) for s in again.walk()] == [SectionKind] * len(list(doc.walk()))
    written = {s["kind"] for s in _through_json(plan)["sections"]} | {
        c["kind"] for s in _through_json(plan)["sections"] for c in s["children"]}
    assert {"part", "chapter", "appendix"} <= written and all(type(k) is str for k in written)
    assert json.dumps(plan.sections[0].record()["kind"]) == '"part"' and SectionKind.PART == "part"


def test_a_term_survives_the_json_round_trip(corpus_index):
    from kb.glossary import load_terms, with_uses
    from kb.store import current_generation

    gen = current_generation(corpus_index)
    terms = with_uses(gen, load_terms(gen))
    assert terms
    for t in terms:
        assert Term.from_dict(json.loads(json.dumps(t.to_dict(), ensure_ascii=False))) == t
