"""Bad input, budgets, crash safety and a busy index: each ends in one line naming the file and why."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from conftest import CORPUS, EVAL, EVAL_ID, PLAN, PLAN_ID, ROOT


def _bad(tmp_path: Path, kind: str) -> Path:
    if kind == "empty":
        path = tmp_path / "empty.pdf"
        path.write_bytes(b"")
    elif kind == "html":
        path = tmp_path / "page.pdf"
        path.write_bytes(b"\n<!DOCTYPE html><html><body>\xe9\x80\x9a\xe7\x9f\xa5</body></html>")
    elif kind == "truncated":
        path = tmp_path / "half.pdf"
        data = EVAL.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif kind == "encrypted":
        import pikepdf

        path = tmp_path / "locked.pdf"
        with pikepdf.open(EVAL) as pdf:
            pdf.save(path, encryption=pikepdf.Encryption(owner="owner", user="user"))
    elif kind == "missing":
        path = tmp_path / "missing.pdf"
    return path


BAD = {
    "empty": "empty file (0 bytes)",
    "html": "not a PDF file (the file is HTML)",
    "truncated": "truncated or damaged PDF (no %%EOF at the end: the file was cut short)",
    "encrypted": "encrypted PDF: a password is needed to open it",
    "missing": "no such file or directory",
}


@pytest.mark.parametrize("kind", sorted(BAD))
def test_bad_input_is_refused_with_one_line(tmp_path, kind):
    path = _bad(tmp_path, kind)
    result = CliRunner().invoke(cli, ["--index", str(tmp_path / "i"), "ingest", str(path)])
    assert result.exit_code == 2  # refused or busy: an error (issue 15)
    assert result.output == f"skipped {path}: {BAD[kind]}\n0 documents, 0 pages, 0 sections in {tmp_path / 'i'} (1 skipped)\n"


@pytest.mark.parametrize("kind", sorted(BAD))
def test_bad_input_json(tmp_path, kind):
    path = _bad(tmp_path, kind)
    result = CliRunner().invoke(cli, ["--index", str(tmp_path / "i"), "ingest", "--json", str(path)])
    assert result.exit_code == 2  # refused or busy: an error (issue 15)
    data = json.loads(result.output)
    reason = BAD[kind] if kind == "empty" else BAD[kind].split(" (")[0]
    assert data["skipped"] == [{"path": str(path), "reason": reason, "error": f"{path}: {BAD[kind]}"}]


def test_mixed_folder_goes_on_with_the_rest(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for kind in ("empty", "html", "truncated", "encrypted"):
        _bad(folder, kind)
    (folder / "eval.pdf").write_bytes(EVAL.read_bytes())
    (folder / "notes.txt").write_text("not a pdf, not looked at")
    result = CliRunner().invoke(cli, ["--index", str(tmp_path / "i"), "ingest", str(folder)])
    assert result.exit_code == 2  # refused or busy: an error (issue 15)
    assert result.output.splitlines() == [
        f"skipped {folder / 'empty.pdf'}: empty file (0 bytes)",
        f"skipped {folder / 'half.pdf'}: truncated or damaged PDF (no %%EOF at the end: the file was cut short)",
        f"skipped {folder / 'locked.pdf'}: encrypted PDF: a password is needed to open it",
        f"skipped {folder / 'page.pdf'}: not a PDF file (the file is HTML)",
        f"1 documents, 7 pages, 14 sections, 4 terms in {tmp_path / 'i'} (1 added, 4 skipped)",
    ]


def test_page_budget(tmp_path):
    result = CliRunner().invoke(cli, ["--index", str(tmp_path / "i"), "ingest", "--max-pages", "1", str(EVAL)])
    assert result.exit_code == 2  # refused or busy: an error (issue 15)
    assert result.output.splitlines()[0] == f"skipped {EVAL}: over the per-file budget (7 pages, the limit is 1)"


def test_time_budget(tmp_path):
    result = CliRunner().invoke(cli, ["--index", str(tmp_path / "i"), "ingest", "--max-seconds", "0", str(EVAL)])
    assert result.exit_code == 2  # refused or busy: an error (issue 15)
    # The budget is a wall-clock limit enforced by killing the worker (kb.worker), not a check between pages.
    assert result.output.splitlines()[0] == f"skipped {EVAL}: over the time budget: 0 s"


def test_second_ingest_gets_index_busy(tmp_path):
    from kb.store import Store

    index = tmp_path / "i"
    with Store(index).writer():
        result = CliRunner().invoke(cli, ["--index", str(index), "ingest", str(EVAL)])
    assert result.exit_code == 2  # refused or busy: an error (issue 15)
    assert result.output == f"Error: {index}: the index is busy, another ingest (pid {os.getpid()}) is writing it; try again when it ends\n"


def test_second_ingest_json_also_one_line(tmp_path):
    from kb.store import Store

    index = tmp_path / "i"
    with Store(index).writer():
        result = CliRunner().invoke(cli, ["--index", str(index), "ingest", "--json", str(EVAL)])
    assert result.exit_code == 2  # refused or busy: an error (issue 15)
    assert len(result.output.splitlines()) == 1 and "the index is busy" in result.output


# The child ingests, and once the first file is parsed (on_progress for file 2 fires) it writes
# a marker file and waits; the parent kills it with SIGKILL as soon as the marker appears.
CHILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from kb.ingest import ingest

    marker = Path(sys.argv[2])

    def progress(path, i, total):
        if i == 1:
            marker.write_text(path)
            time.sleep(600)

    ingest(sys.argv[3:], sys.argv[1], on_progress=progress)
""")


def test_sigkill_during_ingest_leaves_previous_index_answering(tmp_path, corpus_index):
    import shutil

    index = tmp_path / "index"
    shutil.copytree(corpus_index, index)
    marker = tmp_path / "parsed-one"
    folder = tmp_path / "new"
    folder.mkdir()
    for name in ("a.pdf", "b.pdf"):  # distinct bytes: an identical copy is a duplicate, not parsed
        (folder / name).write_bytes(EVAL.read_bytes() + f"\n%{name}\n".encode())
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(index), str(marker), str(folder)],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    deadline = time.monotonic() + 120
    while not marker.exists() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), "the child never reached its second file"
    child.send_signal(signal.SIGKILL)
    assert child.wait() == -signal.SIGKILL

    docs = CliRunner().invoke(cli, ["--index", str(index), "docs", "--json"])
    assert docs.exit_code == 0
    assert [d["doc_id"] for d in json.loads(docs.output)["documents"]] == [EVAL_ID, PLAN_ID]
    outline = CliRunner().invoke(cli, ["--index", str(index), "outline", "苏州", "--json"])
    assert outline.exit_code == 0
    assert [s["title"] for s in json.loads(outline.output)["outline"][1]["children"][:2]] == ["第一章 现状与经验", "第二章 机遇与挑战"]
    # The killed run held the lock; flock dies with the process, so the next ingest just works.
    again = CliRunner().invoke(cli, ["--index", str(index), "ingest", str(folder)])
    assert again.exit_code == 0
    # 41 terms: the bundled corpus's 33 (see test_store) and the evaluation's 4 again in each copy.
    assert again.output.splitlines()[-1] == f"4 documents, 60 pages, 106 sections, 41 terms in {index} (2 added)"


def test_reader_answers_during_an_ingest(tmp_path, corpus_index):
    import shutil

    from kb.store import Store

    index = tmp_path / "index"
    shutil.copytree(corpus_index, index)
    with Store(index).writer() as gen:
        assert gen.path.exists()
        result = CliRunner().invoke(cli, ["--index", str(index), "docs", "--json"])
    assert result.exit_code == 0
    assert [d["doc_id"] for d in json.loads(result.output)["documents"]] == [EVAL_ID, PLAN_ID]
