"""A build on several cores, with output byte-identical to a single-process build.

After the load, everything left is a list of independent jobs: each group of pages (its contexts,
then its HTML), the workbook, the other exports and the search index. `Jobs` runs them in this
process and in forked workers, which share the model and the compiled templates copy-on-write and
receive nothing but jobs' positions; each process takes the next job as soon as it is done with
one (a build's workers write their jobs' files themselves: site.py). Forking by hand costs about
2 ms, so even the real report (0.27 s against 0.31 s, 12 alternating runs in a slow hour) builds
faster on two processes.

Pages are grouped by folder (units/, chapters/, the top level), one job each: the pages of one
folder share rendered fragments (pages.py: a task's unit-page item is made once and reused on every
unit page that lists it), and a group keeps them in one process. (Making all the contexts first in
the parent and cutting the pages into chunks was no faster: at 10k tasks the same within noise, at
100k 36 s against 34 s.)
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import struct
import sys
import time

_TICKET = struct.Struct("<H")  # a job's position, as the workers take it from the tickets pipe


class Jobs:
    """Jobs (name, fn, args) on `processes` processes: this one and processes - 1 forked workers.

    Every job's position is written as a ticket into a pipe before the fork; each process takes the
    next ticket when it is free (a pipe read is atomic), so the list order decides what starts
    first: put the longest first. Iterating runs this process's share and gives (position, name,
    seconds, fn(*args)) as each of its jobs ends, so the caller can use each result (write its
    files) while the workers still run; then each worker's results, which it sends back pickled when
    it has no ticket left. In-process only (processes <= 1, or no fork): the jobs in list order.
    Forking by hand costs about 2 ms, a multiprocessing pool about 25 ms (a small site's whole page
    rendering), which is why there is no pool here."""

    def __init__(self, jobs: list[tuple[str, object, tuple]], processes: int = 1) -> None:
        self.jobs = jobs
        self.tickets: int | None = None
        self.workers: list[tuple[int, int]] = []  # (pid, the pipe its results come back on)
        if processes <= 1 or len(jobs) < 2 or not hasattr(os, "fork"):
            return
        read, write = os.pipe()
        os.write(write, b"".join(_TICKET.pack(i) for i in range(len(jobs))))  # a few bytes: never blocks
        os.close(write)
        self.tickets = read
        threading = sys.modules.get("threading")
        if threading is not None and threading.active_count() > 1:
            # Other threads run beside this one (serve's server): look up prctl here, so that no
            # worker has to load ctypes' library (dlopen) while some lock of theirs may be held
            _find_prctl()
        with gc_frozen():  # keep the shared objects' memory shared with the workers (no GC writes)
            for _ in range(min(processes, len(jobs)) - 1):
                back, out = os.pipe()
                pid = os.fork()
                if pid == 0:  # the worker: take tickets, send the results back, leave
                    os.close(back)
                    _worker(jobs, read, out)
                os.close(out)
                self.workers.append((pid, back))

    def __iter__(self):
        if self.tickets is None:
            for i, job in enumerate(self.jobs):
                yield (i, *_timed(job))
            return
        try:
            for i in _take(self.tickets):
                yield (i, *_timed(self.jobs[i]))
            while self.workers:
                pid, back = self.workers[0]
                with os.fdopen(back, "rb") as f:
                    data = f.read()
                self.workers.pop(0)
                os.waitpid(pid, 0)
                status, payload = pickle.loads(data) if data else ("error", "a worker process died")
                if status == "located":
                    from .errors import TemplateFailure

                    raise TemplateFailure(payload)
                if status == "error":
                    raise RuntimeError(f"in a worker process: {payload}")
                yield from payload
        finally:
            self.close()

    def close(self) -> None:
        """Stop the workers that are left (when the build fails or is interrupted) and close the pipes."""
        for pid, back in self.workers:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            os.close(back)
        self.workers = []
        if self.tickets is not None:
            os.close(self.tickets)
            self.tickets = None


def _take(tickets: int):
    """The positions of the jobs this process takes, one at a time, until no ticket is left."""
    while True:
        ticket = os.read(tickets, _TICKET.size)
        if not ticket:
            return
        yield _TICKET.unpack(ticket)[0]


_prctl = None  # the C library's prctl, once looked up (None: not yet; False: there is none)


def _find_prctl():
    global _prctl
    if _prctl is None:
        try:
            import ctypes

            _prctl = ctypes.CDLL(None, use_errno=True).prctl  # the C library Python itself runs on
        except (OSError, AttributeError):  # not Linux with glibc
            _prctl = False
    return _prctl


def _die_with_parent() -> None:
    """If the build is killed (SIGKILL: no clean-up runs), its workers die too (Linux PR_SET_PDEATHSIG),
    instead of writing on into the folder that the next build removes."""
    parent = os.getppid()
    prctl = _find_prctl()
    if not prctl:
        return
    prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before that took effect
        os._exit(1)


def _worker(jobs: list, tickets: int, out: int) -> None:
    """A forked worker's whole life: its jobs, then ("ok", results), ("located", a template
    mistake located here, where its traceback still is) or ("error", a traceback) on `out`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the whole group: the parent handles it
    _die_with_parent()
    try:
        try:
            message = ("ok", [(i, *_timed(jobs[i])) for i in _take(tickets)])
        except Exception as exc:
            import traceback

            from .cli import template_error

            located = template_error(exc)
            message = ("located", located) if located else ("error", traceback.format_exc())
        with os.fdopen(out, "wb") as f:
            f.write(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))
    finally:
        os._exit(0)  # never the parent's exit handlers or the rest of its program


def _timed(job: tuple[str, object, tuple]) -> tuple[str, float, object]:
    name, fn, args = job
    began = time.perf_counter()
    result = fn(*args)
    return name, time.perf_counter() - began, result


@contextlib.contextmanager
def gc_paused():
    """No cyclic garbage collection inside. Loading the model and preparing the page contexts make
    millions of objects and no garbage cycles; the collector's passes over them were half of that
    time at 100k tasks (16.6 s -> 8.8 s for the load alone).

    On the way out, what was made inside is moved past the young generations without a pass: left
    there, the first collection after re-enabling would scan it all (about 0.2 s of a units job at
    10k tasks and 3,000 units). Inside gc_frozen() it joins the frozen objects (unfrozen with them);
    else it goes to the oldest generation (gc.freeze then gc.unfreeze), collectable as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        frozen = _frozen > 0
        gc.freeze()  # every tracked object, out of the generations (their counts reset)
        if not frozen:
            gc.unfreeze()  # back, all in the oldest generation
        if enabled:
            gc.enable()


_frozen = 0  # gc_frozen() blocks this process is in (gc.get_freeze_count() would count every frozen
# object, 10 to 20 ms each time at 10k tasks and 3,000 units)


@contextlib.contextmanager
def gc_frozen():
    """Every object alive now is left out of the cyclic collector's passes inside (gc.freeze): objects
    that live to the end of the build (the model, the page contexts) need no rescanning, and forked
    workers do not copy the memory pages that a collection would write to. Nested uses keep the
    outermost one's freeze; after it, the objects are collectable again (serve builds many times)."""
    global _frozen
    _frozen += 1
    gc.freeze()
    try:
        yield
    finally:
        _frozen -= 1
        if not _frozen:
            gc.unfreeze()
