"""Shared fixtures: the bundled corpus, ../shared/real, and an index built once per run."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
PLAN = CORPUS / "苏州市服务外包产业十二五发展规划.pdf"
EVAL = CORPUS / "2017年度中国服务外包示范城市及申请城市综合评价结果.pdf"
PLAN_ID = PLAN.stem
EVAL_ID = EVAL.stem
REAL = Path(os.environ.get("KB_REAL_PDFS") or ROOT.parent / "shared" / "real")


def real_pdf(name: str) -> Path:
    """A file from ../shared/real, or skip the test saying why."""
    path = REAL / name
    if not path.exists():
        pytest.skip(f"{path} is absent: the real-PDF set lives in ../shared/real beside the checkout (or set KB_REAL_PDFS)")
    return path


_parsed: dict = {}


def parsed_real(name: str):
    """The ``Document`` of ../shared/real/NAME (with or without ``.pdf``), parsed once per test run
    and shared by every module that reads real documents: four modules used to parse the same
    files each. Sharing is safe because a Document is frozen."""
    stem = name.removesuffix(".pdf")
    if stem not in _parsed:
        from kb.parse import parse_pdf

        _parsed[stem] = parse_pdf(real_pdf(f"{stem}.pdf"), stem)
    return _parsed[stem]


@pytest.fixture(autouse=True)
def _isolated_index(tmp_path, monkeypatch):
    """Never touch the checkout's index/: KB_INDEX points at a per-test temp dir by default."""
    monkeypatch.setenv("KB_INDEX", str(tmp_path / "index"))


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory) -> Path:
    """The bundled corpus ingested once per test run; tests read it, never write it."""
    from kb.ingest import ingest

    index = tmp_path_factory.mktemp("corpus") / "index"
    report = ingest([CORPUS], index)
    assert report.ok and report.documents == 2, report
    return index


@pytest.fixture(scope="session")
def plan(corpus_index):
    from kb.store import Store

    return Store(corpus_index).snapshot().document(PLAN_ID)


@pytest.fixture(scope="session")
def evaluation(corpus_index):
    from kb.store import Store

    return Store(corpus_index).snapshot().document(EVAL_ID)


@pytest.fixture(scope="session")
def real_ingest(tmp_path_factory):
    """../shared/real ingested once per test run: (index dir, ingest report); tests never write it."""
    if not REAL.exists():
        pytest.skip(f"{REAL} is absent: the real-PDF set lives in ../shared/real beside the checkout (or set KB_REAL_PDFS)")
    from kb.ingest import ingest

    index = tmp_path_factory.mktemp("real") / "index"
    report = ingest([REAL], index)
    return index, report
