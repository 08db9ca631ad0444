"""`python build.py --timings`: how long each step of a build took, printed to stderr.

Wall time of the main process, step by step; the jobs of a step that runs on several processes are
listed under it with their own times (marked ·), which overlap and are not added up."""

from __future__ import annotations

import contextlib
import sys
import time

_steps: list[tuple[str, float, bool]] | None = None  # (name, seconds, part of the total?); None: not recording


def start() -> None:
    global _steps
    _steps = []


@contextlib.contextmanager
def step(name: str):
    if _steps is None:
        yield
        return
    began = time.perf_counter()
    try:
        yield
    finally:
        _steps.append((name, time.perf_counter() - began, True))


def note(name: str, seconds: float) -> None:
    """A job's own time (it may have run in a worker, beside others): shown indented, not summed."""
    if _steps is not None:
        _steps.append(("  · " + name, seconds, False))


def report(total: float, out=None) -> None:
    """The recorded steps, the time outside them (start-up, imports) and the total; then stops
    recording (a later build in the same process, e.g. serve's, records only if start() is called)."""
    global _steps
    if _steps is None:
        return
    steps, _steps = _steps, None
    out = out or sys.stderr
    width = max([len(n) for n, _, _ in steps] + [len("other (start-up, imports)")])
    for name, seconds, _ in steps:
        print(f"  {name:<{width}}  {seconds * 1000:8.1f} ms", file=out)
    other = total - sum(seconds for _, seconds, counted in steps if counted)
    print(f"  {'other (start-up, imports)':<{width}}  {other * 1000:8.1f} ms", file=out)
    print(f"  {'total':<{width}}  {total * 1000:8.1f} ms", file=out)
