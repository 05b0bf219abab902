"""A long file read in page ranges by several workers gives the document one reading gives (kb.parse_pool)."""
from __future__ import annotations

import shutil
import time

import pytest

from conftest import EVAL, PLAN, PLAN_ID, parsed_real, real_pdf
from kb import extract, parse_pool, worker
from kb.parse import document_of_ranges, file_sha256, parse_pdf


@pytest.mark.parametrize("total, workers", [(1, 2), (15, 2), (16, 2), (39, 2), (234, 2), (234, 4), (39, 1)])
def test_ranges_cover_every_page_once_in_order(total, workers):
    got = parse_pool.ranges(total, workers)
    pages = [p for first, last in got for p in range(first, last + 1)]
    assert pages == list(range(1, total + 1))
    assert len(got) <= 2 * workers
    assert len(got) == 1 or min(last - first + 1 for first, last in got) >= parse_pool.MIN_RANGE


def _in_ranges(path, size: int):
    """The Document of ``path`` read ``size`` pages at a time, each range on its own (as workers do)."""
    total = extract.read_range(path, on_open=lambda n: 0).total
    parts = [parse_pool.read_range(str(path), first, min(first + size - 1, total), {})
             for first in range(1, total + 1, size)]
    assert len(parts) == -(-total // size)
    return document_of_ranges(path, parts, path.stem, sha256=file_sha256(path))


# Ranges of 3 pages, far smaller than the pool makes, so that every page-crossing step meets a cut:
# a law whose articles run over pages, web prints with furniture on every page, tables across
# pages, a manual of screenshots, a report with a contents page, the WPS-made constitution.
@pytest.mark.parametrize("name", [
    "gd_renkou_jisheng_tiaoli_2008_webprint", "dg_jifen_ruxue_fangan_2014_dfb37",
    "bj_feijingji_ertong_ruxue_xitong_shouce", "moe_suiqian_zinv_liushou_ertong_zhuanti_baogao_2009",
    "xianfa_2018_wps", "dg_gongzu_banfa_2014_ling138",
])
def test_a_real_pdf_read_in_ranges_is_the_document_of_one_reading(name):
    one = parsed_real(name)
    split = _in_ranges(real_pdf(f"{name}.pdf"), 3)
    assert split.page_count == one.page_count > 3
    assert split == one


def test_the_bundled_plan_read_in_ranges_is_the_document_of_one_reading():
    one = parse_pdf(PLAN, PLAN_ID)
    assert _in_ranges(PLAN, 5) == one


def test_the_first_task_of_a_long_file_tells_the_other_ranges():
    notes = []
    task = worker.Task(key=1, path=str(PLAN), fn=parse_pool.read_file,
                       args=(str(PLAN), PLAN_ID, file_sha256(PLAN), {}, 2))
    [(_, part, err)] = list(worker.run([task], worker.Budget(seconds=120, memory=0, workers=1),
                                       on_note=lambda t, n: notes.append(n)))
    assert err is None
    assert (part.first, part.last, part.total) == (1, 9, 39)  # four ranges for two workers
    assert notes == [("ranges", [(10, 19), (20, 29), (30, 39)])]


def test_the_pool_gives_each_file_its_document_once():
    files = [worker.Task(key=path.stem, path=str(path), fn=None, args=(str(path), path.stem, file_sha256(path), {}))
             for path in (PLAN, EVAL)]
    got = {t.key: (doc, err) for t, doc, err in parse_pool.parse(files, worker.Budget(seconds=300, memory=0, workers=2))}
    assert set(got) == {PLAN.stem, EVAL.stem}
    for path in (PLAN, EVAL):
        doc, err = got[path.stem]
        assert err is None
        assert doc == parse_pdf(path, path.stem)


def test_the_workers_leave_when_the_pool_is_done(monkeypatch):
    """The idle workers are all told to stop before any is waited for, and each leaves at once
    (os._exit, exit status 0): none is left running or unreaped after the pool's last result."""
    import multiprocessing as mp

    started = []
    init = worker._Worker.__init__

    def spy(self, *args):
        init(self, *args)
        started.append(self)

    monkeypatch.setattr(worker._Worker, "__init__", spy)
    files = [worker.Task(key=path.stem, path=str(path), fn=None, args=(str(path), path.stem, file_sha256(path), {}))
             for path in (PLAN, EVAL)]
    got = list(parse_pool.parse(files, worker.Budget(seconds=300, memory=0, workers=2)))
    assert [err for _, _, err in got] == [None, None]
    assert len(started) == 2
    assert [w.proc.exitcode for w in started] == [0, 0]  # left by itself, not killed (-9)
    assert not [p for p in mp.active_children() if p in {w.proc for w in started}]


def _sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "done"


def test_the_ranges_of_a_file_share_its_time_budget():
    from kb.errors import TimeBudgetError

    budget = worker.Budget(seconds=3, memory=0, workers=2)
    # Two tasks of 2 s each: on their own each is within 3 s; as one file's ranges they spend 4.
    alone = [worker.Task(key=n, path="a.pdf", fn=_sleep, args=(2.0,)) for n in (1, 2)]
    assert sorted((t.key, r, e) for t, r, e in worker.run(alone, budget)) == [(1, "done", None), (2, "done", None)]
    grouped = [worker.Task(key=n, path="a.pdf", fn=_sleep, args=(2.0,), group="a") for n in (1, 2)]
    results = list(worker.run(grouped, budget))
    assert len(results) == 2 and all(r is None and isinstance(e, TimeBudgetError) for _, r, e in results)


def test_a_long_file_with_a_page_that_never_ends_is_refused_once(tmp_path):
    pikepdf = pytest.importorskip("pikepdf")
    from hostile import form_bomb

    from kb.ingest import ingest

    bomb = form_bomb(tmp_path / "bomb-page.pdf")
    folder = tmp_path / "in"
    folder.mkdir()
    with pikepdf.open(PLAN) as src, pikepdf.open(bomb) as hostile, pikepdf.new() as out:
        out.pages.extend(src.pages)
        out.pages.extend(hostile.pages)  # page 40: in the last range
        out.save(folder / "long.pdf")
    shutil.copy(EVAL, folder / "eval.pdf")
    # The budget is spent spinning on the bomb, so it is short; eval.pdf (7 pages) needs ~1 s.
    report = ingest([folder], tmp_path / "i", max_seconds=6, workers=2)
    assert report.skipped == [{"path": str(folder / "long.pdf"), "reason": "over the time budget",
                               "error": f"{folder / 'long.pdf'}: over the time budget: 6 s"}]
    assert report.added == ["eval"]
