"""Files → documents over the worker pool (kb.worker), a long file read in page ranges by all workers.

A pool over files leaves a core idle whenever one file holds most of the pages (the bundled
corpus: 39 of its 46 pages are in one file). Pages are independent while they are extracted, so
the worker that opens a long file reads its first range and tells the parent the others
(``worker.tell``), which go to the front of the queue for any free worker; when every range is
in, one more task joins them (``parse.document_of_ranges``): OCR, type sizes, furniture, wraps,
structure and metadata look across pages and run there, on the joined pages, so the document is
the one a single reading gives (tests/test_parse_pool.py compares them on the real PDFs).

Every task of a file is one group of the pool: they share the file's time budget (the seconds
their workers spent, together), and the first failure refuses the file, withdraws its ranges
not yet started and drops what the others send back.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Iterator

from . import worker

# A range is at least this many pages: each one opens the file again and loads its fonts again.
MIN_RANGE = 8


def ranges(total: int, workers: int) -> list[tuple[int, int]]:
    """(first, last) pages, 1-based: up to two ranges a worker, so a file split while the other
    workers finish smaller files still ends with all of them busy."""
    if workers < 2:
        return [(1, total)]
    n = max(1, min(2 * workers, total // MIN_RANGE))
    edges = [1 + total * k // n for k in range(n + 1)]
    return [(edges[k], edges[k + 1] - 1) for k in range(n)]


def read_file(path: str, doc_id: str, sha256: str, options: dict, workers: int):
    """A file's first task: its Document, or (a long file, several workers) its first PageRange,
    the other ranges told to the parent as ``("ranges", [(first, last), …])``."""
    from . import extract

    split: list[tuple[int, int]] = []

    def plan(total: int) -> int:
        split[:] = ranges(total, workers)
        if len(split) > 1:
            worker.tell(("ranges", split[1:]))
        return split[0][1]

    part = extract.read_range(Path(path), on_open=plan, max_seconds=float("inf"), **_page_budget(options))
    if len(split) > 1:
        return part
    return _printable(join(path, doc_id, sha256, [part], options), path)


def read_range(path: str, first: int, last: int, options: dict):
    """Pages ``first``..``last`` of ``path`` (a later range of a long file)."""
    from . import extract

    return extract.read_range(Path(path), first, on_open=lambda total: min(last, total),
                              max_seconds=float("inf"), **_page_budget(options))


def _page_budget(options: dict) -> dict:
    # What parse_pdf hands to the reading of pages; the OCR options are the join's.
    return {k: v for k, v in options.items() if k not in ("use_ocr", "ocr_cache")}


def join(path: str, doc_id: str, sha256: str, parts: list, options: dict):
    """The Document of a file's ranges (``parse.document_of_ranges``), OCR progress told per page."""
    from .parse import document_of_ranges

    # The wall-clock budget is the watchdog's (kb.worker), which also stops a page that never ends.
    # Each page OCR'd is told to the parent at once: the progress bar moves per page of a scan.
    doc = document_of_ranges(Path(path), parts, doc_id, sha256=sha256, use_ocr=options.get("use_ocr", False),
                             ocr_cache=options.get("ocr_cache"),
                             on_ocr_page=lambda page, count: worker.tell(("ocr", page, count)))
    return _printable(doc, path)


def _printable(doc, path: str):
    from .errors import shown

    # The document's path is printed (docs, citations): escaped when it is not printable UTF-8;
    # the manifest keeps the real name, which freshness and removal need.
    return doc if path.isprintable() else replace(doc, path=shown(path))


def parse(files: list[worker.Task], budget: worker.Budget,
          on_note: Callable[[worker.Task, Any], None] | None = None) -> Iterator[tuple[worker.Task, Any, BaseException | None]]:
    """(file task, Document, None) or (file task, None, error) once per file, as ``worker.run``.

    ``files``: tasks whose ``args`` are ``(path, doc_id, sha256, options)``; their ``fn`` is not
    called (each becomes the tasks above). ``on_note`` gets each file's other notes (OCR pages).
    """
    workers = max(1, budget.workers)
    queue = worker.Queue(
        worker.Task(key=("file", n), path=f.path, fn=read_file, args=(*f.args, workers), group=n)
        for n, f in enumerate(files))
    parts: dict[int, list] = {}  # file → the ranges read so far
    expected: dict[int, int] = {}  # file → how many ranges it was split into
    done: set[int] = set()

    def note(task: worker.Task, payload) -> None:
        n = task.group
        if isinstance(payload, tuple) and payload and payload[0] == "ranges":
            if n in done:
                return
            expected[n] = len(payload[1]) + 1
            path, _doc_id, _sha, options = files[n].args
            queue.push_front([worker.Task(key=("range", n, first), path=task.path, fn=read_range,
                                          args=(path, first, last, options), group=n)
                              for first, last in payload[1]])
        elif on_note is not None and n not in done:
            on_note(files[n], payload)

    for task, result, err in worker.run(queue, budget, on_note=note):
        n = task.group
        if n in done:
            continue  # its file is refused already
        if err is not None:
            done.add(n)
            queue.withdraw(n)
            yield files[n], None, err
            continue
        if task.key[0] == "join" or not _is_range(result):
            done.add(n)
            yield files[n], result, None
            continue
        got = parts.setdefault(n, [])
        got.append(result)
        if len(got) == expected.get(n, 0):
            path, doc_id, sha, options = files[n].args
            queue.push_front([worker.Task(key=("join", n), path=task.path, fn=join,
                                          args=(path, doc_id, sha, parts.pop(n), options), group=n)])


def _is_range(result) -> bool:
    from .extract import PageRange

    return isinstance(result, PageRange)
