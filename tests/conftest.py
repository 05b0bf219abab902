"""Shared fixtures: the bundled corpus, ../shared/real, and an index built once per run."""
from __future__ import annotations

import os
import shutil
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
_session: dict = {}  # this run's tmp_path_factory, and what _once built


def _once(name: str, build):
    """``build(folder)`` run once per test run, into a fresh ``folder``; its value kept for the run.

    Under pytest-xdist (setup.cfg runs two workers) a session fixture is built once per worker:
    here the first worker to ask builds it in the run's shared temp folder, under a lock, while
    the other waits, then reads the pickled value. Building it twice would cost the whole
    machine as much again (an ingest already parses on both cores)."""
    if name not in _session:
        tmp = _session["tmp"]
        if not os.environ.get("PYTEST_XDIST_WORKER"):
            _session[name] = build(tmp.mktemp(name))
        else:
            import fcntl
            import pickle

            root = tmp.getbasetemp().parent  # the run's own, shared by its workers
            with open(root / f"{name}.lock", "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                done = root / f"{name}.pickle"
                if done.exists():
                    _session[name] = pickle.loads(done.read_bytes())
                else:
                    (root / name).mkdir()
                    _session[name] = build(root / name)
                    done.write_bytes(pickle.dumps(_session[name]))
    return _session[name]


def _real_ingested():
    """../shared/real ingested once per test run: (index dir, ingest report)."""
    from kb.ingest import ingest

    return _once("real", lambda folder: (folder / "index", ingest([REAL], folder / "index")))


def parsed_real(name: str):
    """The ``Document`` of ../shared/real/NAME (with or without ``.pdf``), parsed once per test run
    and shared by every module that reads real documents: four modules used to parse the same
    files each. Sharing is safe because a Document is frozen.

    When this run ingests ../shared/real anyway (a collected test asks for ``real_ingest``), the
    document is the one that ingest stored: each file is parsed once per run, not once for the
    index and again here. kb's store keeps what parse_pdf returned (tests/test_model.py checks the
    round trip; all 36 stored files compared equal to parse_pdf's Document on 2026-12-01); a file
    the ingest refused is parsed here, so its error is raised as before."""
    stem = name.removesuffix(".pdf")
    if stem not in _parsed:
        path = real_pdf(f"{stem}.pdf")
        stored = None
        if _session.get("will_ingest_real"):
            from kb.store import Store

            index, _ = _real_ingested()
            snap = Store(index).snapshot()
            stored = snap.document(stem) if stem in snap.doc_ids else None
        if stored is None:
            from kb.parse import parse_pdf

            stored = parse_pdf(path, stem)
        _parsed[stem] = stored
    return _parsed[stem]


def pytest_collection_modifyitems(session, config, items):
    _session["will_ingest_real"] = REAL.exists() and any("real_ingest" in item.fixturenames for item in items)


@pytest.fixture(scope="session", autouse=True)
def _session_tmp(tmp_path_factory):
    _session["tmp"] = tmp_path_factory


@pytest.fixture(autouse=True)
def _isolated_index(tmp_path, monkeypatch):
    """Never touch the checkout's index/: KB_INDEX points at a per-test temp dir by default."""
    monkeypatch.setenv("KB_INDEX", str(tmp_path / "index"))


@pytest.fixture(scope="session")
def corpus_index() -> Path:
    """The bundled corpus ingested once per test run; tests read it, never write it."""
    from kb.ingest import ingest

    index, report = _once("corpus", lambda folder: (folder / "index", ingest([CORPUS], folder / "index")))
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
def real_ingest():
    """../shared/real ingested once per test run: (index dir, ingest report); tests never write it."""
    if not REAL.exists():
        pytest.skip(f"{REAL} is absent: the real-PDF set lives in ../shared/real beside the checkout (or set KB_REAL_PDFS)")
    return _real_ingested()


# -- two PDFs ingested once per module, copied for each test ---------------------------------------
# A first ingest of the two PDFs is where the store tests start, not what they check: it is made
# once per module into a template index, and each test gets its own copy of that index and of the
# folder, with the files' sizes and mtimes as they were ingested (an index keys files by path, and
# the folder is back at the template's path, so the copied index sees them unchanged).
@pytest.fixture(scope="module")
def two_pdfs_ingested(tmp_path_factory):
    """(pristine folder, folder, template index, the first ingest's report)."""
    from kb.ingest import ingest

    base = tmp_path_factory.mktemp("two")
    pristine = base / "pristine"
    pristine.mkdir()
    shutil.copy(PLAN, pristine / "plan.pdf")
    shutil.copy(EVAL, pristine / "eval.pdf")
    folder = base / "docs"
    shutil.copytree(pristine, folder)
    template = base / "template"
    first = ingest([folder], template)
    return pristine, folder, template, first


@pytest.fixture()
def folder(two_pdfs_ingested):
    pristine, d, _, _ = two_pdfs_ingested
    shutil.rmtree(d)
    shutil.copytree(pristine, d)  # copy2: the mtimes the template index recorded
    return d


@pytest.fixture()
def index(two_pdfs_ingested, folder, tmp_path):
    """An index holding both PDFs of ``folder``, as a first ingest leaves it."""
    shutil.copytree(two_pdfs_ingested[2], tmp_path / "index", symlinks=True)
    return tmp_path / "index"
