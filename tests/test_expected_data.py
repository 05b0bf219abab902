"""The hand-written expectations in tests/expected keep their documented shape (see tests/expected/README.md).

These files are ground truth written by reading the PDFs; this test only guards their
contract so a bench or test can rely on it. It never runs the tool.
"""
from __future__ import annotations

import json
import re

import pytest

from conftest import REAL, ROOT

EXPECTED = ROOT / "tests" / "expected"
FIELDS = ["title", "doc_number", "issuer", "date", "adopted", "promulgated", "effective", "expires",
          "draft", "repeals", "doc_type"]
DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


def _load(name):
    return json.loads((EXPECTED / name).read_text(encoding="utf-8"))


METADATA = _load("metadata.json")
GLOSSARY = _load("glossary.json")


def test_both_files_cover_the_same_documents():
    assert set(METADATA) == set(GLOSSARY)


@pytest.mark.parametrize("stem", sorted(METADATA))
def test_metadata_entry_shape(stem):
    entry = METADATA[stem]
    assert set(FIELDS) <= set(entry), set(FIELDS) - set(entry)
    assert set(entry) <= set(FIELDS) | {"trial", "_note"}
    assert entry["title"] and entry["doc_type"]
    for key in ("date", "adopted", "promulgated", "effective", "expires"):
        assert entry[key] is None or DATE.match(entry[key]), (key, entry[key])
    assert isinstance(entry["draft"], bool) and isinstance(entry["repeals"], list)
    assert entry.get("trial", True) is True
    if entry["doc_number"]:
        assert " " not in entry["doc_number"] and "[" not in entry["doc_number"]


@pytest.mark.parametrize("stem", sorted(GLOSSARY))
def test_glossary_entry_shape(stem):
    for term in GLOSSARY[stem]:
        assert set(term) == {"term", "aliases", "definition_contains", "where"}, term
        assert term["term"] and term["where"] and isinstance(term["aliases"], list)
        assert 6 <= len(re.sub(r"\s+", "", term["definition_contains"])) <= 20, term


def test_every_text_layer_file_and_every_scan_has_expectations():
    manifest = REAL / "MANIFEST.json"
    if not manifest.exists():
        pytest.skip(f"{manifest} is absent: the real-PDF set lives in ../shared/real")
    files = json.loads(manifest.read_text(encoding="utf-8"))["files"]
    wanted = {f["short_name"][:-4] for f in files
              if f["role"] in ("positive", "tricky")
              or f["short_name"].startswith(("NEG_scanned_", "NEG_imageonly_"))}
    assert wanted == set(METADATA)
