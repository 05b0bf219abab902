"""Parsing in worker processes: both cores, and a hard limit on every file's time and memory.

Why processes: pdfminer is pure Python, so threads share one core; and a hostile PDF can loop
for ever (a ``/Contents`` that refers to itself) or inflate a 4 MB stream to 4 GB, and neither
can be stopped from inside the process that runs it (a check between pages never comes).

* Each worker limits its own address space (``RLIMIT_AS``): an allocation past the limit is a
  ``MemoryError`` in the worker, reported as "over the memory budget", and the worker is replaced
  (its heap may be in pieces).
* The parent is the watchdog: a task not answered by its deadline has its worker killed
  (SIGKILL) and reported as "over the time budget"; a fresh worker takes the next task.
* Workers are started with "spawn": they inherit no file descriptor (above all not the index
  lock, which a worker outliving a killed ingest would otherwise keep) and no state. They ignore
  SIGINT, so Ctrl-C is the parent's to handle (it kills them and the generation is discarded),
  and on Linux they die with the parent (``PR_SET_PDEATHSIG``), so ``kill -9`` of an ingest
  leaves no worker parsing a hostile file for ever.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from typing import Any, Callable, Iterator

from .errors import InputError, MemoryBudgetError, ParserCrashError, TimeBudgetError

# No real policy PDF comes near these: the longest file of ../shared/real (234 pages) took 12 s of
# CPU but 82 s of wall-clock time on the shared 2-core machine (peak 60 MiB); a wall-clock limit
# must leave room for a 2000-page file (--max-pages) on a machine busy with other work.
DEFAULT_SECONDS = 300.0
DEFAULT_MEMORY = 2 << 30  # 2 GiB of address space per worker


def default_workers() -> int:
    try:
        return max(1, min(len(os.sched_getaffinity(0)), 8))
    except AttributeError:  # not Linux
        return max(1, min(os.cpu_count() or 1, 8))


@dataclass
class Budget:
    seconds: float = DEFAULT_SECONDS
    memory: int = DEFAULT_MEMORY  # bytes of address space; 0: no limit
    workers: int = field(default_factory=default_workers)


@dataclass
class Task:
    key: Any
    path: str  # the file the task reads: named in a budget refusal
    fn: Callable
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    # Tasks of one group (the page ranges of one file, kb.parse_pool) share one time budget: the
    # seconds their workers spent on them together, so splitting a file never buys it more time.
    group: Any = None


class Queue:
    """The tasks ``run`` has still to start; the caller may add and withdraw tasks while it runs."""

    def __init__(self, tasks=()):
        self._tasks = deque(tasks)

    def push_front(self, tasks: list[Task]) -> None:
        """Start these next, in this order (the rest of a file already begun goes before new files)."""
        self._tasks.extendleft(reversed(tasks))

    def withdraw(self, group: Any) -> None:
        """Forget the tasks of ``group`` not started yet (its file is refused already)."""
        self._tasks = deque(t for t in self._tasks if t.group != group or group is None)

    def __len__(self) -> int:
        return len(self._tasks)

    def popleft(self) -> Task:
        return self._tasks.popleft()

    def appendleft(self, task: Task) -> None:
        self._tasks.appendleft(task)


class RemoteError(Exception):
    """An exception other than an ``InputError`` raised in a worker (a bug, not bad input)."""


def _die_with_parent() -> None:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the parent's finally still kills its workers
        return


def _memory_error(err: BaseException) -> bool:
    """A MemoryError anywhere in the chain: pdfplumber/pdfminer wrap what they catch."""
    seen = 0
    while err is not None and seen < 10:
        if isinstance(err, MemoryError):
            return True
        err = err.__cause__ or err.__context__
        seen += 1
    return False


_NOTE: Callable[[Any], None] | None = None  # set in a worker while it runs a task


def tell(note: Any) -> None:
    """From inside a task: send ``note`` to the parent now (``run``'s ``on_note``), before the
    task's result; outside a worker, nothing. OCR says so after each page (a scan takes minutes)."""
    if _NOTE is not None:
        _NOTE(note)


def _worker_main(conn, memory: int, parent: int, warm: tuple[str, ...]) -> None:
    global _NOTE
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    if os.getppid() != parent:  # the parent died before the line above took effect
        return
    if memory:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    import importlib

    for name in warm:  # imported before the first task, so its time is not charged to a file
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            msg = None
        if msg is None:
            # Nothing a worker holds needs tearing down (it writes no file; its results went
            # through the pipe), and unwinding pdfminer's modules took ~25 ms that the ingest
            # waited out after its last file.
            for stream in (sys.stdout, sys.stderr):
                try:
                    stream.flush()
                except (AttributeError, OSError, ValueError):
                    pass
            os._exit(0)
        tid, fn, args, kwargs = msg
        conn.send(("start", tid, None))  # the file's clock starts now
        _NOTE = lambda note, tid=tid: conn.send(("note", tid, note))  # noqa: E731
        try:
            reply = ("ok", tid, fn(*args, **kwargs))
        except BaseException as err:  # noqa: BLE001 - every failure goes back as a verdict
            if _memory_error(err):
                reply = ("memory", tid, None)
            elif isinstance(err, InputError):
                reply = ("input", tid, err)
            else:
                reply = ("error", tid, f"{type(err).__name__}: {err}")
        _NOTE = None
        try:
            conn.send(reply)
        except MemoryError:
            conn.send(("memory", tid, None))
        if reply[0] == "memory":
            return


# What a worker imports before it takes a task: pdfplumber and pdfminer take seconds to import on
# a busy machine, which must not count against the first file's time budget.
WARM = ("kb.parse", "pdfplumber")
STARTUP_GRACE = 120.0  # seconds a fresh worker may take to start before its first file's clock runs


class _Worker:
    def __init__(self, ctx, memory: int):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, memory, os.getpid(), WARM), daemon=True)
        self.proc.start()
        child.close()
        self.asked = False  # told to stop

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()

    def ask_to_stop(self) -> None:
        if self.asked:
            return
        self.asked = True
        try:
            self.conn.send(None)
        except OSError:
            pass

    def stop(self) -> None:
        self.ask_to_stop()
        self.proc.join(1)
        self.kill()


def run(tasks: list[Task] | Queue, budget: Budget,
        on_note: Callable[[Task, Any], None] | None = None) -> Iterator[tuple[Task, Any, BaseException | None]]:
    """(task, result, None) or (task, None, error) for each task, in the order they finish.

    ``tasks`` may be a ``Queue`` the caller adds to (or withdraws from) between results and in
    ``on_note``. ``on_note(task, note)`` is called for each ``tell(note)`` of a running task; a
    note does not move the task's deadline.

    The error is the worker's ``InputError``, a ``TimeBudgetError`` or ``MemoryBudgetError``, a
    ``ParserCrashError`` (the worker died), or a ``RemoteError`` (a bug in our code). A group's
    tasks share ``budget.seconds`` of work: past it, each of its running tasks is killed and gets a
    ``TimeBudgetError``. Leaving the iteration early (an exception in the caller, Ctrl-C) kills
    every worker.
    """
    ctx = mp.get_context("spawn")
    pending = tasks if isinstance(tasks, Queue) else Queue(tasks)
    idle: list[_Worker] = []
    # conn → (worker, task, deadline before it starts, when it started or None)
    busy: dict[Any, tuple[_Worker, Task, float, float | None]] = {}
    spent: dict[Any, float] = {}  # group → seconds of its finished tasks
    workers = max(1, budget.workers)
    tids = 0

    def group(task: Task) -> Any:
        return ("task", id(task)) if task.group is None else ("group", task.group)

    def finished(task: Task, started: float | None) -> None:
        if started is not None:
            g = group(task)
            spent[g] = spent.get(g, 0.0) + time.monotonic() - started

    def deadlines(now: float) -> dict[Any, float]:
        """conn → when its task is over budget, if nothing else of its group ends first."""
        running: dict[Any, list[float]] = {}
        for _w, task, _d, started in busy.values():
            if started is not None:
                running.setdefault(group(task), []).append(started)
        left = {g: budget.seconds - spent.get(g, 0.0) - sum(now - s for s in starts) for g, starts in running.items()}
        out = {}
        for conn, (_w, task, before, started) in busy.items():
            if started is None:
                out[conn] = before
            else:
                g = group(task)
                out[conn] = now + left[g] / len(running[g])  # its group's remaining seconds, spent by each of them at once
        return out

    try:
        while pending or busy:
            while pending and (idle or len(busy) + len(idle) < workers):
                w = idle.pop() if idle else _Worker(ctx, budget.memory)
                task = pending.popleft()
                tids += 1
                try:
                    w.conn.send((tids, task.fn, task.args, task.kwargs))
                except OSError:  # it died while idle: a fresh one takes the task
                    w.kill()
                    pending.appendleft(task)
                    continue
                busy[w.conn] = (w, task, time.monotonic() + STARTUP_GRACE + budget.seconds, None)
            if not busy:
                continue
            now = time.monotonic()
            timeout = max(0.0, min(deadlines(now).values()) - now)
            for conn in wait(list(busy), timeout=timeout):
                if conn not in busy:
                    continue  # killed with its group earlier in this round
                w, task, before, started = busy.pop(conn)
                try:
                    kind, _tid, payload = conn.recv()
                    if kind == "start":
                        busy[conn] = (w, task, before, time.monotonic())  # its clock starts now
                        continue
                    if kind == "note":
                        busy[conn] = (w, task, before, started)
                        if on_note is not None:
                            on_note(task, payload)
                        continue
                except (EOFError, OSError):
                    finished(task, started)
                    w.proc.join(1)
                    code = w.proc.exitcode
                    w.kill()
                    how = f"killed by signal {-code}" if code and code < 0 else f"exit status {code}"
                    yield task, None, ParserCrashError(task.path, how)
                    continue
                finished(task, started)
                if kind == "ok":
                    idle.append(w)
                    yield task, payload, None
                elif kind == "input":
                    idle.append(w)
                    yield task, None, payload
                elif kind == "memory":
                    w.kill()
                    yield task, None, MemoryBudgetError(task.path, budget.memory)
                else:
                    idle.append(w)
                    yield task, None, RemoteError(payload)
            now = time.monotonic()
            over = {group(busy[c][1]) for c, d in deadlines(now).items() if d <= now}
            for conn, (w, task, _before, started) in list(busy.items()):
                if group(task) in over:
                    del busy[conn]
                    finished(task, started)
                    w.kill()
                    yield task, None, TimeBudgetError(task.path, budget.seconds)
    finally:
        for w, _, _, _ in busy.values():
            w.kill()
        for w in idle:  # all told first: they exit at once, not one after the other
            w.ask_to_stop()
        for w in idle:
            w.stop()
