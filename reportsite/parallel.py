"""A build on several cores, with output byte-identical to a single-process build.

After the load, everything left is a list of independent jobs: each group of pages (its contexts,
then its HTML), the workbook, the other exports and the search index. `Jobs` runs them in forked
worker processes, which share the model and the compiled templates copy-on-write and receive
nothing but a job's position; each worker takes the next job as soon as it is done with one (a
build's workers write their jobs' files themselves: site.py). Small sites run in-process: forking costs more than
it saves below a few hundred pages.

Pages are grouped by folder (units/, chapters/, the top level), one job each: the pages of one
folder share rendered fragments (pages.py: a task's unit-page item is made once and reused on every
unit page that lists it), and a group keeps them in one process. (Making all the contexts first in
the parent and cutting the pages into chunks was no faster: at 10k tasks the same within noise, at
100k 36 s against 34 s.)
"""

from __future__ import annotations

import contextlib
import gc
import time

MIN_PAGES = 400  # below this, one process is faster than forking

_registry: dict[int, list] = {}  # the job lists of started runs, inherited by the workers forked after them


class Jobs:
    """Jobs (name, fn, args), started at once: with processes > 1, forked workers take them in list
    order (put the longest first) while the caller goes on. Iterating gives (position, name,
    seconds, fn(*args)) as each job ends, so the caller can use each result (write its files) while
    the others still run; in-process (processes <= 1, or no fork) the jobs run during the iteration."""

    def __init__(self, jobs: list[tuple[str, object, tuple]], processes: int = 1) -> None:
        self.jobs, self.pool, self.key = jobs, None, None
        if processes > 1 and jobs and _can_fork():
            import multiprocessing

            self.key = max(_registry, default=0) + 1
            _registry[self.key] = jobs
            with gc_frozen():  # keep the shared objects' memory shared in the children (no GC writes)
                self.pool = multiprocessing.get_context("fork").Pool(min(processes, len(jobs)))
            self.results = self.pool.imap_unordered(_work, [(self.key, i) for i in range(len(jobs))], chunksize=1)

    def __iter__(self):
        if self.pool is None:
            for i, job in enumerate(self.jobs):
                yield (i, *_timed(job))
            return
        try:
            yield from self.results
        finally:
            self.close()

    def close(self) -> None:
        """Stop the workers (at the end, or when the build fails before using the results)."""
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            _registry.pop(self.key, None)


def _work(where: tuple[int, int]) -> tuple:
    key, index = where  # looked up in the forked worker, which has the parent's registry
    try:
        return (index, *_timed(_registry[key][index]))
    except Exception as exc:  # a template's mistake is located here, where its traceback still is
        from .cli import template_error
        from .errors import TemplateFailure

        located = template_error(exc)
        if located is None:
            raise
        raise TemplateFailure(located) from None


def _timed(job: tuple[str, object, tuple]) -> tuple[str, float, object]:
    name, fn, args = job
    began = time.perf_counter()
    result = fn(*args)
    return name, time.perf_counter() - began, result


def render_encoded(page_list: list, env) -> list[tuple[str, bytes]]:
    """(path, UTF-8 HTML) of each page. A big page's text (up to 4 bytes a character for some
    Chinese in memory) is dropped as soon as it is encoded, instead of holding every page twice."""
    from .pages import render

    out = []
    for p in page_list:
        for path, html in render([p], env).items():
            out.append((path, html.encode("utf-8")))
    return out


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


@contextlib.contextmanager
def gc_paused():
    """No cyclic garbage collection inside. Loading the model and preparing the page contexts make
    millions of objects and no garbage cycles; the collector's passes over them were half of that
    time at 100k tasks (16.6 s -> 8.8 s for the load alone)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def gc_frozen():
    """Every object alive now is left out of the cyclic collector's passes inside (gc.freeze): objects
    that live to the end of the build (the model, the page contexts) need no rescanning, and forked
    workers do not copy the memory pages that a collection would write to. Nested uses keep the
    outermost one's freeze; after it, the objects are collectable again (serve builds many times)."""
    outermost = gc.get_freeze_count() == 0
    gc.freeze()
    try:
        yield
    finally:
        if outermost:
            gc.unfreeze()
