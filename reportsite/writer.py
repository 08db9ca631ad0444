"""One writer for every output: safe relative paths, no double writes, and an atomic swap into place.

The site is written into a temporary folder beside the output (as its files are made, or from
memory at the end), and swapped in with one rename (renameat2 RENAME_EXCHANGE where the kernel has it), so a failed or
killed build leaves the previous site whole and stale files never survive.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from pathlib import Path

from .errors import UsageError

_SAFE_PATH = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*$")
MARKER = ".reportsite"  # marks a folder made by reportsite, so that only such folders get replaced; holds
# the record of its pages (reuse.py)


class Site:
    """The built files, path -> bytes, in memory (serve compares them with what is served); or, made by
    staged(), written as they are added into a temporary folder that commit() swaps in (a build
    writes while its workers still render, and the written bytes leave memory: path -> None)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.files: dict[str, bytes | None] = {}
        self.folder = folder
        self.pages: dict[str, tuple] = {}  # page, PDF or export path: (fingerprint, CRC-32 of its bytes, size): reuse.py
        self.reused = 0  # pages whose bytes came from the previous site
        self.reused_pdfs = 0  # and PDFs (pdf.render_pdfs)
        self.reused_exports = 0  # and files of data/ (reuse.making_reusing)
        self._made: set[str] = set()
        self._pause = False  # tests/test_interrupt.py: the site of staged() pauses part-way (TEST_PAUSE)

    def add(self, path: str, content: str | bytes | Path) -> None:
        """A file's text or bytes; or a Path: an unchanged page's file in the previous site (reuse.py),
        hard-linked into a staged site (copied where the file system has no links)."""
        if not _SAFE_PATH.match(path) or ".." in path.split("/"):
            raise ValueError(f"refusing to write outside the output folder or a non-ASCII path: {path!r}")
        if path in self.files:
            raise ValueError(f"two outputs write the same file: {path}")
        data = content.encode("utf-8") if isinstance(content, str) else content
        if self.folder is None:
            self.files[path] = data.read_bytes() if isinstance(data, Path) else data
            return
        self._maybe_pause()
        _write(self.folder, path, data, self._made)
        self.files[path] = None

    def _maybe_pause(self) -> None:
        if self._pause and len(self.files) == _PAUSE_AFTER and os.environ.get(TEST_PAUSE):
            _test_pause(self.folder)

    def written(self, path: str) -> None:
        """Count a file that is already where it belongs: written by a worker process into this
        staged site's folder (with its own Site(folder): same path checks), or, for serve's
        in-memory site, a page reused in place in the output (reuse.py; sync() leaves it alone).
        A path made twice is still refused here."""
        if path in self.files:
            raise ValueError(f"two outputs write the same file: {path}")
        self._maybe_pause()
        self.files[path] = None

    def __contains__(self, path: str) -> bool:
        return path in self.files

    def reused_note(self) -> str:
        """' (72 unchanged pages, 60 unchanged PDFs and 63 unchanged export files reused)', or '' when
        nothing was reused."""
        parts = [
            f"{n} unchanged {what}{'' if n == 1 else 's'}"
            for n, what in ((self.reused, "page"), (self.reused_pdfs, "PDF"), (self.reused_exports, "export file"))
            if n
        ]
        if not parts:
            return ""
        said = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        return f" ({said} reused)"


def check_output_folder(out: Path, protected: list[Path]) -> None:
    """Refuse an output folder that holds the content or templates, or that reportsite did not make."""
    out = out.resolve()
    for p in protected:
        p = p.resolve()
        if p == out or out in p.parents:
            raise UsageError(f"refusing to build into {out}: it contains {p}; choose another --out folder")
    if out.exists():
        if not out.is_dir():
            raise UsageError(f"{out} exists and is not a folder")
        if any(out.iterdir()) and not (out / MARKER).exists():
            raise UsageError(
                f"refusing to replace {out}: it is not empty and was not made by reportsite; "
                "choose a new or empty --out folder"
            )


def _cleanup_leftovers(out: Path) -> None:
    """Remove what earlier builds killed mid-way left beside `out` (their names are ours alone)."""
    for p in out.parent.glob(f".{out.name}.tmp-*"):
        shutil.rmtree(p, ignore_errors=True)
    olds = sorted(out.parent.glob(f".{out.name}.old-*"))
    if olds and not out.exists():  # killed between the two renames of the fallback swap
        olds.pop().rename(out)
    for p in olds:
        shutil.rmtree(p, ignore_errors=True)


_RENAME_EXCHANGE = 2
_libc = None


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2); False where unsupported."""
    global _libc
    import ctypes  # imported here: only the swap needs it

    try:
        if _libc is None:
            _libc = ctypes.CDLL(None, use_errno=True)  # the C library Python itself runs on
        fn = _libc.renameat2
    except (OSError, AttributeError):  # not Linux with glibc 2.28+, or musl
        return False
    AT_FDCWD = -100
    rc = fn(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return rc == 0


TEST_PAUSE = "REPORTSITE_TEST_PAUSE_IN_COMMIT"  # tests only: seconds to sleep with part of the files written
_PAUSE_AFTER = 20  # a staged site pauses after this many files


def _test_pause(tmp: Path) -> None:
    """Lets tests/test_interrupt.py kill a build at a known point, half-way through writing."""
    import sys
    import time

    print(f"paused in commit: {tmp}", file=sys.stderr, flush=True)
    time.sleep(float(os.environ[TEST_PAUSE]))


def _write(folder: Path, path: str, data: bytes | Path, made: set[str]) -> None:
    # the path as a string, not a Path: 5 µs less a file, and a big site has 6,000+ files
    target = f"{os.fspath(folder)}/{path}"
    parent = target.rpartition("/")[0]
    if parent not in made:
        os.makedirs(parent, exist_ok=True)
        made.add(parent)
    if isinstance(data, Path):  # a previous page, unchanged: the same file, not read and written again
        try:
            os.link(data, target)
            return
        except OSError:  # e.g. FAT or exFAT (a USB stick): no hard links
            data = data.read_bytes()
    # what Path.write_bytes does, without its file objects (10 µs a file: a big site has 6,000+)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


@contextlib.contextmanager
def staged(out: Path):
    """A Site that writes each file as it is added, into a new temporary folder beside `out`;
    commit(site, out) then swaps it in. If the block fails (or is interrupted), the folder is removed
    and `out` is untouched."""
    out = out.absolute()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        _cleanup_leftovers(out)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    except (FileExistsError, NotADirectoryError):  # mkdir met a file where a folder should be
        raise UsageError(f"cannot write the site beside {out}: a file is in the way (choose another --out folder)") from None
    except OSError as exc:
        raise UsageError(f"cannot write the site beside {out}: {exc.strerror or exc} (choose another --out folder)") from None
    site = Site(tmp)
    site._pause = True
    try:
        yield site
    except OSError as exc:  # e.g. the disk is full: said plainly, and the previous site stays
        shutil.rmtree(tmp, ignore_errors=True)
        where = exc.filename or tmp
        raise UsageError(f"{where}: {exc.strerror or exc}; nothing was written, the previous site is unchanged") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


_SET_ASIDE = 1000  # unit pages from which a previous site is set aside for the next build to remove


def _trash_prefix(out: Path) -> str:
    return f".{out.name}.trash-"


def _put_away(tree: Path, out: Path) -> None:
    """The previous site, swapped out by commit(). A big one (1,000 unit pages or more) is only
    renamed, to `.<out>.trash-…` beside `out`, and the next build removes it while it loads the
    content (clearing_trash): unlinking its files took the build 0.09 s at 10k tasks and 3,000 units
    (6,400 files), on one core while the other was idle; in the next build it runs on the core that
    the load leaves idle (the same CPU time, no wall time). A small one is removed at once (a few ms).
    Only where the swap was one atomic exchange (Linux, a native file system): commit() removes the
    previous site at once elsewhere."""
    big = False
    if hasattr(os, "fork"):  # without fork the next build would remove it in its own time: not worth it
        try:
            with os.scandir(tree / "units") as entries:  # counted up to the threshold, not further
                big = sum(1 for _ in zip(range(_SET_ASIDE), entries)) == _SET_ASIDE
        except OSError:
            pass
    if big:
        try:
            aside = tempfile.mkdtemp(prefix=_trash_prefix(out), dir=out.parent)
            os.rename(tree, aside)  # onto the empty folder just made: a name no one else takes
            return
        except OSError:
            pass
    shutil.rmtree(tree, ignore_errors=True)


def _trash(out: Path) -> list[Path]:
    """The previous sites that builds into `out` set aside beside it (_put_away)."""
    out, prefix = out.absolute(), _trash_prefix(out)
    try:
        with os.scandir(out.parent) as entries:
            return sorted(Path(e.path) for e in entries if e.name.startswith(prefix))
    except OSError:
        return []


@contextlib.contextmanager
def clearing_trash(out: Path):
    """Inside, the previous sites that earlier builds set aside beside `out` are removed by a forked
    process: the build loads its content on one core meanwhile. Waited for on the way out, so that
    nothing of the build runs on after it."""
    trash = _trash(out)
    if trash and not hasattr(os, "fork"):
        clear_trash(out)
    pid = os.fork() if trash and hasattr(os, "fork") else -1
    if pid == 0:  # the forked process: the trash only, then gone without the build's exit handlers
        try:
            for tree in trash:
                shutil.rmtree(tree, ignore_errors=True)
        finally:
            os._exit(0)
    try:
        yield
    finally:
        if pid > 0:
            os.waitpid(pid, 0)


def clear_trash(out: Path) -> None:
    """The set-aside previous sites removed now, by this process (serve, before it serves)."""
    for tree in _trash(out):
        shutil.rmtree(tree, ignore_errors=True)


def remove_site(out: Path) -> None:
    """Remove a built site and what builds into it set aside beside it (for a caller that is done
    with the output folder, such as the benchmark)."""
    shutil.rmtree(out, ignore_errors=True)
    clear_trash(out)


def commit(site: Site, out: Path) -> None:
    """Swap the site in as `out`: a staged() site's folder, or (an in-memory site) a temporary
    folder beside `out` that its files are written into first."""
    out = out.absolute()
    if site.folder is None:
        out.parent.mkdir(parents=True, exist_ok=True)
        _cleanup_leftovers(out)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    else:
        tmp = site.folder
    try:
        if site.folder is None:
            made: set[str] = set()
            paths = sorted(site.files)
            pause_at = len(paths) // 2 if os.environ.get(TEST_PAUSE) else -1
            for n, path in enumerate(paths):
                if n == pause_at:
                    _test_pause(tmp)
                _write(tmp, path, site.files[path], made)
        (tmp / MARKER).write_text(_record(site), encoding="utf-8")
        os.chmod(tmp, 0o755)
        if out.exists():
            if _exchange(tmp, out):
                _put_away(tmp, out)  # tmp now holds the previous site
                return
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            os.rmdir(old)
            out.rename(old)
            tmp.rename(out)
            # no atomic exchange: not Linux, or a file system such as FAT (a USB stick), where a
            # dot folder is not hidden from Windows users: the previous site is removed now
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def sync(site: Site, out: Path) -> tuple[int, int]:
    """Make `out` equal to the site, rewriting only the files whose bytes changed (for `serve`;
    a path that maps to None is a page reused in place: its file in `out` is already right).

    Each changed file is replaced atomically (written beside it, then renamed), so a browser never
    reads half a page; files no longer produced are removed. Returns (rewritten, removed).
    Normal builds use commit(): one swap of the whole folder.
    """
    out = out.absolute()
    out.mkdir(parents=True, exist_ok=True)
    written = removed = 0
    for path in sorted(site.files):
        target = out / path
        data = site.files[path]
        if data is None:  # a page reused in place (reuse.py): its file there was just checked
            continue
        try:
            if target.stat().st_size == len(data) and target.read_bytes() == data:
                continue
        except (FileNotFoundError, NotADirectoryError):
            pass
        if target.is_dir():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
        tmp.write_bytes(data)
        os.replace(tmp, target)
        written += 1
    for dirpath, dirnames, filenames in os.walk(out, topdown=False):
        for name in filenames:
            rel = os.path.relpath(os.path.join(dirpath, name), out).replace(os.sep, "/")
            if rel != MARKER and rel not in site.files:
                os.remove(os.path.join(dirpath, name))
                removed += 1
        if dirpath != str(out) and not os.listdir(dirpath):
            os.rmdir(dirpath)
    marker, text = out / MARKER, _record(site)
    try:
        same = marker.read_text(encoding="utf-8") == text
    except (OSError, UnicodeDecodeError):
        same = False
    if not same:
        marker.write_text(text, encoding="utf-8")
    return written, removed


def _record(site: Site) -> str:
    """The marker file's text: a note, and the record of the pages that the next build may reuse."""
    from .reuse import record

    return record(site.pages)
