"""Located problems: every user mistake becomes `file:LINE:COL: message`, collected, reported once."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    col: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        return f"{self.file}:{self.line}:{self.col}: {kind}{self.message}"


class ContentError(Exception):
    """Invalid input: carries every problem found in one run (exit status 1)."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=lambda p: (p.file, p.line, p.col, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(Exception):
    """Bad command line or refused output folder (exit status 2)."""


def did_you_mean(word: str, candidates, n: int = 3, cutoff: float = 0.5) -> str:
    """A ' (did you mean …?)' suffix from the closest candidates, or ''."""
    import difflib

    close = difflib.get_close_matches(word, list(candidates), n=n, cutoff=cutoff)
    if not close:
        return ""
    return "; did you mean " + ", ".join(f"'{c}'" for c in close) + "?"


class TemplateFailure(Exception):
    """A template's mistake met in a worker process, already located (`templates/x.html:LINE: …`):
    the worker's traceback, which locates it, does not travel back to the parent."""

    def __init__(self, located: str):
        super().__init__(located)
        self.located = located
