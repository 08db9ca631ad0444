"""Render pages on several cores, with output byte-identical to a single-process build.

The page contexts are prepared once in the parent; worker processes are forked after that, so they
share the contexts and the already compiled templates copy-on-write and receive nothing but page
indexes. Each returns its pages' HTML as bytes, and the parent adds them in the original page order.
Small sites render in-process: forking costs more than it saves below a few hundred pages.
"""

from __future__ import annotations

import contextlib
import gc

MIN_PAGES = 400  # below this, one process is faster than forking

_pages: list = []  # the page list, inherited by forked workers
_env = None


def render_pages(page_list: list, env, jobs: int = 1) -> dict[str, bytes]:
    """path -> UTF-8 HTML of every page, in page order."""
    if jobs <= 1 or len(page_list) < MIN_PAGES or not _can_fork():
        return dict(_encoded(page_list, env))
    import multiprocessing

    global _pages, _env
    for name in sorted({p.template for p in page_list}):
        env.get_template(name)  # compiled once, here, and inherited by every worker
    _pages, _env = page_list, env
    # Big pages first (tasks.html, long chapters) would leave one worker alone at the end; small
    # interleaved chunks keep both cores busy. The parent reassembles the original order.
    chunk = max(8, len(page_list) // (jobs * 8))
    chunks = [(i, min(i + chunk, len(page_list))) for i in range(0, len(page_list), chunk)]
    gc.freeze()  # keep the shared objects' pages shared in the children (no refcount-free GC writes)
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            results = pool.map(_work, chunks, chunksize=1)
    finally:
        gc.unfreeze()
        _pages, _env = [], None
    out: dict[str, str | bytes] = {}
    for part in results:
        for path, html in part:
            out[path] = html
    return out


def _work(bounds: tuple[int, int]) -> list[tuple[str, bytes]]:
    return _render_chunk(bounds)  # looked up at call time, in the forked worker


def _render_chunk(bounds: tuple[int, int]) -> list[tuple[str, bytes]]:
    start, stop = bounds
    return list(_encoded(_pages[start:stop], _env))


def _encoded(page_list: list, env):
    """(path, bytes) page by page: a big page's text (4 bytes a character for some Chinese) is
    dropped as soon as it is encoded, instead of holding every page twice."""
    from .pages import render

    for p in page_list:
        for path, html in render([p], env).items():
            yield path, html.encode("utf-8")


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


_job: tuple | None = None  # (function, args) for the background worker, inherited by fork


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


def in_background(fn, *args, enabled: bool = True):
    """fn(*args) in a forked process while the caller goes on (e.g. the exports beside the pages);
    `.get()` returns its result. In-process when not enabled or where fork is missing."""
    if not enabled or not _can_fork():
        return _Done(fn(*args))
    import multiprocessing

    global _job
    _job = (fn, args)
    gc.freeze()  # the worker's collections never scan (and so never copy) the model it shares
    try:
        pool = multiprocessing.get_context("fork").Pool(1)  # forks now: the worker has _job
    finally:
        _job = None
        gc.unfreeze()
    result = pool.apply_async(_run_job)
    pool.close()
    return _Pending(pool, result)


def _run_job():
    fn, args = _job
    return fn(*args)


class _Done:
    def __init__(self, value) -> None:
        self.value = value

    def get(self):
        return self.value


class _Pending:
    def __init__(self, pool, result) -> None:
        self.pool, self.result = pool, result

    def get(self):
        try:
            return self.result.get()
        finally:
            self.pool.join()
