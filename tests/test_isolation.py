"""One hostile PDF, one bad name or one damaged index file never stops the work (issue 12).

Hostile PDFs are generated here (tests/hostile.py); damaged-index cases damage a copy of the
index built once per session. Each case ends in one line naming the file and the reason.
"""
from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from conftest import CORPUS, EVAL, EVAL_ID, PLAN, PLAN_ID, ROOT
from hostile import dense_page, form_bomb, inflate_bomb

KB = [sys.executable, "-c", "import sys; from cli import cli; sys.exit(cli())"]


def kb(*args, cwd=None, env=None):
    return subprocess.run([*KB, *args], cwd=cwd or ROOT, capture_output=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


# -- hostile PDFs: a worker per file, killed at its time or memory budget -------------------------

def test_a_parser_that_never_ends_is_killed_and_the_rest_go_on(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    form_bomb(folder / "bomb.pdf")
    shutil.copy(EVAL, folder / "eval.pdf")
    # The budget is spent spinning on the bomb, so it is short; eval.pdf (7 pages) needs ~1 s.
    result = CliRunner().invoke(cli, ["--index", str(tmp_path / "i"), "ingest", "--max-seconds", "6", str(folder)])
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        f"skipped {folder / 'bomb.pdf'}: over the time budget: 6 s",
        f"1 documents, 7 pages, 14 sections, 4 terms in {tmp_path / 'i'} (1 added, 1 skipped)",
    ]


def test_a_stream_that_inflates_past_the_memory_budget_is_refused(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    inflate_bomb(folder / "inflate.pdf", megabytes=1024)  # 1 MB on disk, 1 GiB inflated
    shutil.copy(EVAL, folder / "eval.pdf")
    result = CliRunner().invoke(cli, ["--index", str(tmp_path / "i"), "ingest", "--json", "--max-memory", "600M", str(folder)])
    assert result.exit_code == 2
    data = json.loads(result.output)
    assert data["skipped"] == [{"path": str(folder / "inflate.pdf"), "reason": "over the memory budget",
                                "error": f"{folder / 'inflate.pdf'}: over the memory budget: 600 MiB"}]
    assert data["added"] == ["eval"]


def test_a_page_of_twenty_thousand_characters_is_read_whole(tmp_path):
    # pdfplumber's dedupe_chars took 26 s on such a page (quadratic); kb.chars makes it linear.
    pdf = dense_page(tmp_path / "dense.pdf", 20000)
    from kb.ingest import ingest
    from kb.store import Store

    report = ingest([pdf], tmp_path / "i")
    assert report.skipped == [] and report.added == ["dense"]
    doc = Store(tmp_path / "i").snapshot().document("dense")
    text = "".join(s.text for s in doc.walk())
    assert sum(ch.isalpha() for ch in text) == 20000  # every character drawn, none lost or doubled


def test_the_worker_pool_uses_every_core_and_keeps_file_order(tmp_path):
    from kb import worker
    from kb.ingest import ingest

    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("c.pdf", "a.pdf", "b.pdf"):  # bytes differ after %%EOF: not duplicates of each other
        (folder / name).write_bytes(EVAL.read_bytes() + f"\n% {name}\n".encode())
    report = ingest([folder], tmp_path / "i", workers=2)
    assert report.added == ["a", "b", "c"]
    assert worker.Budget().workers == len(os.sched_getaffinity(0)) or worker.Budget().workers == 8


# -- names, permissions, encodings: every file its own verdict ------------------------------------

def test_a_name_that_is_not_utf8_is_ingested_and_shown_escaped(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    bad = os.path.join(os.fsencode(folder), b"bad\xfe\xff.pdf")
    with open(bad, "wb") as fh:
        fh.write(EVAL.read_bytes())
    with open(os.path.join(os.fsencode(folder), b"html\xfe.pdf"), "wb") as fh:
        fh.write(b"plain text, not a pdf")
    result = kb("--index", str(tmp_path / "i"), "ingest", str(folder))
    out = result.stdout.decode("utf-8")  # every line is valid UTF-8: the raw bytes are escaped
    assert result.returncode == 2, result.stderr
    assert out.splitlines() == [
        f"skipped '{folder}/html\\xfe.pdf': not a PDF file (no %PDF- header)",
        f"1 documents, 7 pages, 14 sections, 4 terms in {tmp_path / 'i'} (1 added, 1 skipped)",
    ]
    docs = kb("--index", str(tmp_path / "i"), "docs", "--json")
    assert docs.returncode == 0
    [record] = json.loads(docs.stdout)["documents"]  # docs --json: {total, shown, documents} (issue 15)
    assert record["doc_id"] == "bad\ufffd\ufffd"
    assert record["path"] in (f"'{folder}/bad\\xfe\\xff.pdf'", f"{folder}/bad\\xfe\\xff.pdf")


def test_a_newline_in_a_refused_name_stays_on_one_line(tmp_path):
    bad = tmp_path / "two\nlines.pdf"
    bad.write_bytes(b"")
    result = CliRunner().invoke(cli, ["--index", str(tmp_path / "i"), "ingest", str(bad), str(EVAL)])
    assert result.exit_code == 2
    assert result.output.splitlines()[0] == f"skipped '{tmp_path}/two\\nlines.pdf': empty file (0 bytes)"
    assert result.output.splitlines()[1].endswith("(1 added, 1 skipped)")


def test_a_fifo_named_on_the_command_line_is_refused_not_read(tmp_path):
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    result = CliRunner().invoke(cli, ["--index", str(tmp_path / "i"), "ingest", str(fifo), str(EVAL)])
    assert result.exit_code == 2
    assert result.output.splitlines()[0] == f"skipped {fifo}: not a regular file (a device, FIFO or socket)"


def _unprivileged() -> tuple[Path, list[str], dict]:
    """A scratch folder, the command that runs `kb` as a user who is not root, and its environment.

    Root reads a chmod-000 file anyway, so as root the CLI runs as ``nobody`` (setpriv), with an
    interpreter ``nobody`` may execute and this venv's packages on its path.
    """
    import site
    import sysconfig

    d = Path(tempfile.mkdtemp(prefix="kb-perm-"))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(d)}
    if os.getuid() != 0:
        return d, KB, env
    python = Path(sysconfig.get_config_var("BINDIR") or "") / f"python{sys.version_info[0]}.{sys.version_info[1]}"
    system = Path(f"/usr/bin/python{sys.version_info[0]}.{sys.version_info[1]}")
    if not shutil.which("setpriv") or not system.exists():
        pytest.skip("running as root without setpriv or a system Python of this version: cannot test an unreadable file")
    os.chmod(d, 0o777)
    private = [p for p in [str(ROOT), *site.getsitepackages()] if not _world_readable(Path(p))]
    if private:
        pytest.skip(f"{private[0]} is not readable by other users, so the unprivileged user cannot import the tool")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *site.getsitepackages()])
    return d, ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", str(system), *KB[1:]], env


def _world_readable(path: Path) -> bool:
    """Can a user with no rights of its own list ``path`` (every folder above it traversable)?"""
    path = path.resolve()
    try:
        if not path.stat().st_mode & stat.S_IROTH:
            return False
        return all(p.stat().st_mode & stat.S_IXOTH for p in [path, *path.parents])
    except OSError:
        return False


def test_unreadable_file_and_folder_each_get_a_verdict():
    d, cmd, env = _unprivileged()
    try:
        folder = d / "in"
        (folder / "locked").mkdir(parents=True)
        shutil.copy(EVAL, folder / "eval.pdf")
        shutil.copy(EVAL, folder / "locked" / "inside.pdf")
        unreadable = d / "secret.pdf"
        shutil.copy(EVAL, unreadable)
        os.chmod(unreadable, 0)
        os.chmod(folder / "locked", 0)
        os.chmod(folder, 0o777)
        os.chmod(folder / "eval.pdf", 0o644)
        out = subprocess.run([*cmd, "--index", str(d / "i"), "ingest", str(unreadable), str(folder)],
                             cwd=ROOT, capture_output=True, text=True, env=env)
        assert out.returncode == 2, out.stderr
        assert out.stdout.splitlines() == [
            f"skipped {folder / 'locked'}: folder cannot be read (permission denied); its PDFs were not ingested (Permission denied)",
            f"skipped {unreadable}: permission denied (Permission denied)",
            f"1 documents, 7 pages, 14 sections, 4 terms in {d / 'i'} (1 added, 2 skipped)",
        ]
    finally:
        os.chmod(d / "in" / "locked", 0o755)
        shutil.rmtree(d, ignore_errors=True)


# -- a damaged index: named by kb verify, never a traceback, repaired by kb ingest ----------------

def _damage(gen: Path, what: str) -> Path:
    def garbage(p: Path) -> Path:
        p.write_bytes(b"\x00garbage\xff" * 10)
        return p

    def truncate(p: Path) -> Path:
        data = p.read_bytes()
        p.write_bytes(data[: len(data) // 2])
        return p

    manifest = json.loads((gen / "manifest.json").read_text(encoding="utf-8"))
    doc = gen / "docs" / manifest[PLAN_ID]["file"]
    whoosh = gen / "whoosh"
    if what == "document truncated":
        return truncate(doc)
    if what == "document garbage":
        return garbage(doc)
    if what == "document text edited":
        data = json.loads(doc.read_text(encoding="utf-8"))
        data["sections"][0]["heading"] = "（篡改）" + data["sections"][0]["heading"]
        doc.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        return doc
    if what == "manifest truncated":
        return truncate(gen / "manifest.json")
    if what == "terms.json garbage":
        return garbage(gen / "terms.json")
    if what == "search-vocab.json truncated":
        return truncate(gen / "search-vocab.json")
    if what == "whoosh TOC garbage":
        return garbage(next(whoosh.glob("_MAIN_*.toc")))
    if what == "whoosh segment truncated":
        return truncate(next(whoosh.glob("*.trm")))
    if what == "posting file flipped":
        p = next(whoosh.glob("*.pst"))
        data = bytearray(p.read_bytes())
        for i in range(0, len(data), 5):
            data[i] ^= 0x5A
        p.write_bytes(bytes(data))
        return p
    raise AssertionError(what)


DAMAGE = ["document truncated", "document garbage", "document text edited", "manifest truncated", "terms.json garbage",
          "search-vocab.json truncated", "whoosh TOC garbage", "whoosh segment truncated", "posting file flipped"]


@pytest.fixture(scope="module")
def baseline(corpus_index):
    result = CliRunner().invoke(cli, ["--index", str(corpus_index), "search", "--json", "离岸服务外包"])
    assert result.exit_code == 0
    return [h["section_id"] for h in json.loads(result.output)["hits"]]


@pytest.mark.parametrize("what", DAMAGE)
def test_damaged_index_is_named_then_repaired(tmp_path, corpus_index, baseline, what):
    from kb.ingest import ingest
    from kb.store import current_generation

    index = tmp_path / "index"
    shutil.copytree(corpus_index, index)
    damaged = _damage(current_generation(index), what)

    check = CliRunner().invoke(cli, ["--index", str(index), "verify"])
    assert check.exit_code == 1
    assert f"damaged {damaged}: " in check.output  # read-only: the file is still damaged afterwards
    assert "`kb ingest` repairs it" in check.output.splitlines()[-1]

    search = kb("--index", str(index), "search", "离岸服务外包", cwd=tmp_path)  # no ./corpus: a reader only
    assert b"Traceback" not in search.stderr, search.stderr.decode()
    if search.returncode:
        assert search.stderr.decode().count("\n") == 1 and "run `kb ingest`" in search.stderr.decode()

    report = ingest([CORPUS], index)
    assert report.skipped == [] and report.repaired, report
    assert any(str(damaged.name) in r or "manifest" in r for r in report.repaired)
    assert CliRunner().invoke(cli, ["--index", str(index), "verify"]).exit_code == 0
    after = CliRunner().invoke(cli, ["--index", str(index), "search", "--json", "离岸服务外包"])
    assert [h["section_id"] for h in json.loads(after.output)["hits"]] == baseline
    assert (report.documents, report.sections) == (2, 78)


def test_an_undecodable_current_is_named_and_repaired(tmp_path, corpus_index, baseline):
    index = tmp_path / "index"
    shutil.copytree(corpus_index, index)
    (index / "CURRENT").write_bytes(b"\xfe\xff\x00")
    for args in (["docs"], ["search", "外包"], ["outline", PLAN_ID]):
        out = kb("--index", str(index), *args, cwd=index.parent)
        assert out.returncode == 2 and out.stderr.decode() == f"Error: {index / 'CURRENT'}: the index is damaged (not a generation name); run `kb ingest` to repair it\n"
    out = CliRunner().invoke(cli, ["--index", str(index), "ingest", str(CORPUS)])
    assert out.exit_code == 0
    assert out.output.splitlines()[0] == f"repaired {index / 'CURRENT'}: the index is damaged (not a generation name)"
    after = CliRunner().invoke(cli, ["--index", str(index), "search", "--json", "离岸服务外包"])
    assert [h["section_id"] for h in json.loads(after.output)["hits"]] == baseline


def test_rebuild_parses_everything_again(tmp_path, corpus_index):
    from kb.ingest import ingest

    index = tmp_path / "index"
    shutil.copytree(corpus_index, index)
    report = ingest([CORPUS], index, rebuild=True)
    assert (report.unchanged, report.updated, report.added) == ([], [EVAL_ID, PLAN_ID], [])
    from kb.store import current_generation

    gen = current_generation(index)
    # Nothing hard-linked from the previous generation (which is kept beside it): all written afresh.
    assert all(p.stat().st_nlink == 1 for p in gen.rglob("*") if p.is_file())
    assert CliRunner().invoke(cli, ["--index", str(index), "verify"]).exit_code == 0


# -- loading what others wrote --------------------------------------------------------------------

def test_a_crafted_whoosh_toc_runs_no_code(tmp_path, corpus_index):
    import pickle

    from kb.store import current_generation

    index = tmp_path / "index"
    shutil.copytree(corpus_index, index)
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    from whoosh.filedb.filestore import FileStorage

    folder = current_generation(index) / "whoosh"
    toc = next(folder.glob("_MAIN_*.toc"))
    st = FileStorage(str(folder))
    s = st.open_file(toc.name)
    head = [s.read_varint() for _ in range(3)]
    magic, version = s.read_int(), s.read_int()
    release = [s.read_varint() for _ in range(3)]
    s.read_string()
    rest = s.read(1 << 20)
    s.close()
    toc.unlink()
    out = st.create_file(toc.name)
    for v in head:
        out.write_varint(v)
    out.write_int(magic)
    out.write_int(version)
    for v in release:
        out.write_varint(v)
    out.write_string(pickle.dumps(Evil(), 2))
    out.write(rest)
    out.close()

    result = kb("--index", str(index), "search", "外包")
    assert not marker.exists()
    assert result.returncode == 2
    assert result.stderr.decode() == f"Error: {folder}: the search index is damaged (UnpicklingError); run `kb ingest` to repair it\n"


def test_the_lock_file_is_never_opened_through_a_link(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    index = tmp_path / "i"
    index.mkdir()
    (index / "lock").symlink_to(victim)
    result = CliRunner().invoke(cli, ["--index", str(index), "ingest", str(EVAL)])
    assert result.exit_code == 2
    assert result.output == f"Error: {index / 'lock'}: the lock file is a symbolic link; remove it (it is not ours)\n"
    assert victim.read_text() == "precious"


def test_the_jieba_cache_folder_is_private(tmp_path, monkeypatch):
    from kb.private_dir import cache_dir

    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    planted = tmp_path / "elsewhere"
    planted.mkdir()
    (tmp_path / f"policy-kb-{os.getuid()}").symlink_to(planted)
    got = cache_dir()
    assert Path(got) != planted and not Path(got).is_symlink() and Path(got).parent == tmp_path
    assert stat.S_IMODE(os.lstat(got).st_mode) == 0o700
    (tmp_path / f"policy-kb-{os.getuid()}").unlink()
    (tmp_path / f"policy-kb-{os.getuid()}").mkdir(mode=0o777)
    os.chmod(tmp_path / f"policy-kb-{os.getuid()}", 0o777)
    assert cache_dir() == str(tmp_path / f"policy-kb-{os.getuid()}")  # ours: kept, closed to others
    assert stat.S_IMODE(os.lstat(cache_dir()).st_mode) == 0o700


def test_export_never_replaces_a_fifo(tmp_path, corpus_index):
    fifo = tmp_path / "out.md"
    os.mkfifo(fifo)
    result = CliRunner().invoke(cli, ["--index", str(corpus_index), "export", PLAN_ID, "-o", str(fifo), "--force"])
    assert result.exit_code == 2
    assert result.output == f"Error: {fifo}: cannot write, it is not a regular file (a device, FIFO or socket)\n"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


# -- queries --------------------------------------------------------------------------------------

def test_undecodable_query_bytes_are_a_named_error(corpus_index):
    result = subprocess.run([*KB, "--index", str(corpus_index), "search", b"\xfe\xff"], cwd=ROOT, capture_output=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 2
    assert result.stderr == b"Error: the query is not UTF-8 text (bytes \\xfe\\xff); check the terminal's encoding\n"


def test_a_query_over_the_cap_is_refused_by_name(corpus_index):
    result = CliRunner().invoke(cli, ["--index", str(corpus_index), "search", "外包" * 20000])
    assert result.exit_code == 2
    assert result.output == "Error: query too long: 40000 characters, the limit is 2000; search for a shorter passage\n"


def test_the_no_match_line_shortens_a_long_query(corpus_index):
    result = CliRunner().invoke(cli, ["--index", str(corpus_index), "search", "zqx" * 500])
    assert result.exit_code == 1  # no match (issue 15): said on stderr
    assert result.stderr.endswith(f"No sections match {'zqx' * 13 + 'z' + '…'!r}.\n")


# -- searches while an ingest runs, in the README's layout (./corpus, ./index) --------------------

def test_a_search_during_an_ingest_answers_and_says_so(tmp_path, monkeypatch):
    from kb.store import Store

    shutil.copytree(CORPUS, tmp_path / "corpus")
    monkeypatch.chdir(tmp_path)
    from kb.ingest import ingest

    ingest(["corpus"], "index")
    os.utime(tmp_path / "corpus" / PLAN.name)  # now stale: a search would rebuild
    with Store("index").writer():
        result = subprocess.run([*KB, "--index", "index", "search", "离岸服务外包"], cwd=tmp_path, capture_output=True,
                                text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"index stale (a corpus file changed): the index is being updated by another ingest (pid {os.getpid()}); answering from the current index\n"
    assert result.stdout.splitlines()[1].startswith("1. ")  # after the "N of M sections" line


def test_two_first_searches_at_once_both_answer(tmp_path):
    shutil.copytree(CORPUS, tmp_path / "corpus")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("KB_INDEX", None)
    procs = [subprocess.Popen([*KB, "search", "离岸服务外包"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=env) for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
        assert out.splitlines()[1].startswith("1. ") and "Traceback" not in err
