"""A small per-user cache that keeps repeat builds fast: pinyin of unit names, compiled templates.

Only derived data goes here, each entry keyed by what it derives from, so a build gives the same
bytes with or without it. The folder is $REPORTSITE_CACHE, else $XDG_CACHE_HOME/reportsite, else
~/.cache/reportsite; REPORTSITE_CACHE=off disables it, and an unwritable folder is simply skipped.
"""

from __future__ import annotations

import atexit
import json
import os
from pathlib import Path


def cache_dir() -> Path | None:
    env = os.environ.get("REPORTSITE_CACHE")
    if env == "off":
        return None
    base = Path(env) if env else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "reportsite"
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return base if os.access(base, os.W_OK) else None


class JsonCache:
    """A dict persisted as one JSON file, written back (atomically) at exit when it grew.

    family=(pattern, n): the file is one of a family (e.g. one per report); reading it marks it as
    used (its date), a key it lacks is looked up in the family's other files (read on the first such
    miss: a report copied or moved to another file starts from what its old file knew), and saving
    it removes all but the n most recently used files of the family and the `retired` files (an
    older layout)."""

    def __init__(self, name: str, stamp: str, family: tuple[str, int] | None = None, retired: tuple[str, ...] = ()) -> None:
        self.data: dict[str, object] = {}
        self.dirty = False
        folder = cache_dir()
        self.path = folder / name if folder else None
        self.stamp = stamp
        self.family = family
        self.retired = retired
        self._other_data: dict | None = None
        if self.path and self.path.exists():
            self.data = self._read(self.path)
            if family:
                try:
                    os.utime(self.path)  # used now: kept over the family's older files
                except OSError:
                    pass

    def get(self, key: str):
        value = self.data.get(key)
        if value is None and self.family and self.path:
            value = self._others().get(key)
            if value is not None:
                self.put(key, value)
        return value

    def _others(self) -> dict:
        """The entries of the family's other files (with the same stamp), merged: the most recently
        used file wins."""
        if self._other_data is None:
            self._other_data = {}
            for p in sorted(self.path.parent.glob(self.family[0]), key=_used):
                if p != self.path:
                    self._other_data.update(self._read(p))
        return self._other_data

    def _read(self, path: Path) -> dict:
        """A saved file's entries, if it was saved with this stamp (else, or unreadable: none)."""
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
            data = saved["data"] if saved.get("stamp") == self.stamp else {}
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError, KeyError, AttributeError):
            return {}

    def put(self, key: str, value) -> None:
        self.data[key] = value
        if not self.dirty and self.path:
            self.dirty = True
            pid = os.getpid()
            atexit.register(lambda: os.getpid() == pid and self.save())

    def save(self) -> None:
        if not (self.path and self.dirty):
            return
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        try:
            tmp.write_text(json.dumps({"stamp": self.stamp, "data": self.data}, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self.path)
            self.dirty = False
        except OSError:
            return
        self._prune()

    def _prune(self) -> None:
        folder = self.path.parent
        old = [folder / name for name in self.retired]
        if self.family:
            pattern, keep = self.family
            files = sorted((p for p in folder.glob(pattern) if p != self.path), key=_used, reverse=True)
            old += files[max(0, keep - 1) :]  # this file counts as one of the `keep`
        for p in old:
            try:
                p.unlink()
            except OSError:
                pass


def _used(p: Path) -> float:
    """When a family's file was last used (its date, set when it is read)."""
    try:
        return p.stat().st_mtime
    except OSError:
        return 0.0


def template_cache():
    """Jinja's on-disk bytecode cache (it checks each template's source, so edits are never stale)."""
    folder = cache_dir()
    if folder is None:
        return None
    import jinja2

    path = folder / "templates"
    path.mkdir(exist_ok=True)
    return jinja2.FileSystemBytecodeCache(str(path))
