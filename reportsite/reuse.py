"""Pages of the previous build, reused where nothing they show has changed (an incremental build).

After the load, each page's context is made as always; its fingerprint is a hash of that context
(pickled: every value the template sees), its path and template name, and a stamp of what renders
it: the templates, reportsite's own code, and the Python, Jinja and MarkupSafe it runs on. A build
records every page's fingerprint, the CRC-32 of its bytes and their size in the output folder's
`.reportsite` file. The next build into that folder takes a page from the previous site instead of
rendering it when its fingerprint is the same and the file there is intact:
- a file not written since the record (older than it, with the recorded size) is hard-linked into
  the new site as it is, never read (copied where the file system has no hard links);
- any other file is read and taken if it still has the recorded CRC-32 (a file edited by hand is
  rendered again).
So the output is byte for byte what a fresh build gives (tests), and a one-task edit of a 10k-task
report renders a few pages instead of about 480 (the pages' jobs take half as long). PDFs are
reused the same way, by a fingerprint of their HTML and of what makes them (pdf.render_pdfs); the
exports, made from the model alone, while the model's inputs and the code are the same
(making_reusing); the search index is always made afresh. `--fresh` ignores the previous site.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import pickle
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

from .writer import MARKER

NOTE = "built by reportsite; this folder is replaced by the next build"


@dataclass(frozen=True)
class Previous:
    """The previous site: its folder, {page path: (fingerprint, CRC-32 of its bytes, their size)} and
    when its record was written (st_mtime_ns)."""

    folder: Path
    pages: dict[str, tuple]
    written_ns: int = 0

    def take(self, path: str, fingerprint: str | None) -> tuple[bytes | Path, tuple] | None:
        """The previous file of a page (or PDF, or export) whose fingerprint is unchanged, if it is
        intact: its Path when untouched() (linked, never read), else its bytes when bytes_of(); with
        its entry for the new record. None: make it again."""
        data = self.untouched(path, fingerprint)
        if data is None:
            data = self.bytes_of(path, fingerprint)
            if data is None:
                return None
        known = self.pages[path]
        return data, known if len(known) == 3 else (*known, len(data))  # an older record: no size

    def _known(self, path: str, fingerprint: str | None) -> tuple | None:
        """The page's record, if its fingerprint is unchanged."""
        known = self.pages.get(path)
        return known if fingerprint is not None and known is not None and known[0] == fingerprint else None

    def bytes_of(self, path: str, fingerprint: str | None) -> bytes | None:
        """The previous bytes of a page whose fingerprint is unchanged, if its file is intact."""
        known = self._known(path, fingerprint)
        if known is None:
            return None
        try:
            data = (self.folder / path).read_bytes()
        except OSError:
            return None
        return data if check(data) == known[1] else None

    def untouched(self, path: str, fingerprint: str | None) -> Path | None:
        """The previous file of a page whose fingerprint is unchanged, if it has not been written since
        the record was (older than the record, strictly: timestamps are coarse) and has its recorded
        size; else None, and bytes_of() reads and checks it. A page reused this way is never read."""
        known = self._known(path, fingerprint)
        if known is None or len(known) < 3:  # an older record: no size
            return None
        file = self.folder / path
        try:
            st = file.stat()
        except OSError:
            return None
        return file if st.st_size == known[2] and st.st_mtime_ns < self.written_ns else None


@dataclass
class Rendered:
    """A job's result (a page group, an export job, the PDFs): its files, their record and how many
    came from the previous site."""

    files: list[tuple[str, bytes | Path | None]]  # Path: a previous unchanged file; None: kept in place (serve)
    record: dict[str, tuple]
    reused: int


def render_reusing(page_list: list, env, code: bytes, previous: Previous | None, in_place: bool = False) -> Rendered:
    """(path, UTF-8 HTML) of each page: the previous site's file (its Path, when it was not written
    since the record; the writer links it) or bytes where the page's fingerprint is unchanged and its
    file intact, else rendered (a big page's text is dropped as soon as it is
    encoded, instead of holding every page twice). in_place: the previous site is the output itself
    (serve), so an unchanged page is (path, None): its file stays as it is."""
    from .pages import render

    files, record, reused = [], {}, 0
    for p in page_list:
        fp = fingerprint(code, p)
        taken = previous.take(p.path, fp) if previous is not None else None
        if taken is None:
            data: bytes | Path | None = render([p], env)[p.path].encode("utf-8")
            if fp is not None:
                record[p.path] = (fp, check(data), len(data))
        else:
            reused += 1
            data, record[p.path] = taken
            if in_place:
                data = None  # its file stays as it is
        files.append((p.path, data))
    return Rendered(files, record, reused)


def making_reusing(
    name: str, fn, args: tuple, inputs: str, code: bytes, previous: Previous | None, in_place: bool = False
) -> Rendered:
    """An export job (the workbook, the other exports): its files as a Rendered, taken from the
    previous site when the model's inputs (Report.inputs) and the code that makes them are the same
    and every file the job made then is intact, else made by fn(*args) -> {path: bytes}. Every file
    of the job is recorded under one fingerprint, so the record says which files a job made."""
    fp = digest(f"{name}\0{inputs}\0".encode() + code)
    if previous is not None and inputs:
        paths = [path for path, known in previous.pages.items() if known[0] == fp]
        files: list = []
        record: dict[str, tuple] = {}
        for path in paths:
            taken = previous.take(path, fp)
            if taken is None:
                break
            data, record[path] = taken
            files.append((path, None if in_place else data))
        else:
            if paths:
                return Rendered(files, record, len(paths))
    from .parallel import gc_paused

    with gc_paused():  # rows, records and the JSON model: a million objects at 100k tasks, no cycles
        made = fn(*args)
    return Rendered(list(made.items()), {path: (fp, check(data), len(data)) for path, data in made.items()}, 0)


def read_previous(out: Path) -> Previous | None:
    """The record of the site in `out`, if reportsite built it (any other or damaged record: None).
    A record without sizes (reportsite before 2026-11-29) still serves, through bytes_of()."""
    try:
        marker = out / MARKER
        written_ns = marker.stat().st_mtime_ns
        record = json.loads(marker.read_text(encoding="utf-8"))
        pages = {}
        for path, known in record["pages"].items():
            fp, h, *size = known
            pages[str(path)] = (str(fp), str(h), int(size[0])) if size else (str(fp), str(h))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return Previous(out, pages, written_ns)


def record(pages: dict[str, tuple]) -> str:
    """The `.reportsite` file's text: the note and every page's (fingerprint, CRC-32 of its bytes, size)."""
    lines = [f"{json.dumps(path)}: {json.dumps(list(pages[path]))}" for path in sorted(pages)]
    return '{"note": ' + json.dumps(NOTE) + ',\n"pages": {\n' + ",\n".join(lines) + "\n}}\n"


def stamp(templates: Path | None) -> bytes:
    """What renders every page, hashed: each template's text, each of reportsite's own modules, and
    the versions of Python, Jinja and MarkupSafe. A change to any of them renders every page.
    templates=None: all but the templates (what makes the exports); with templates, the hash of
    that and of the templates; reportsite's modules are read once per process (_code_stamp)."""
    code = _code_stamp()
    if templates is None:
        return code
    h = hashlib.blake2b(code, digest_size=16)
    for f in sorted(templates.rglob("*.html")):
        h.update(f.relative_to(templates).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.digest()


@functools.lru_cache(maxsize=1)
def _code_stamp() -> bytes:
    import jinja2
    import markupsafe

    h = hashlib.blake2b(digest_size=16)
    h.update(f"{sys.version}\0{jinja2.__version__}\0".encode())
    try:  # its source, not its file's date: the same versions give the same record on any machine
        h.update(Path(markupsafe.__file__).read_bytes() + b"\0")
    except (OSError, TypeError):
        h.update(b"markupsafe?\0")
    code = Path(__file__).parent
    for f in sorted(code.rglob("*.py")):
        h.update(f.relative_to(code).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.digest()


def fingerprint(code: bytes, page) -> str | None:
    """A page's fingerprint (None if its context cannot be pickled: that page is always rendered).
    A value shared by many pages (a task view, the navigation: pages.SharedDict, SharedList) counts as
    the digest of its content (content_digest)."""
    context = {k: v for k, v in page.context.items() if k != "_fragments"}  # the build's shared cache
    try:
        return hashlib.blake2b(code + content_digest((page.path, page.template, context)), digest_size=16).hexdigest()
    except (pickle.PicklingError, TypeError, AttributeError):
        return None


def content_digest(value) -> bytes:
    """The digest of a value's pickle, in which a shared value (pages.SharedDict, SharedList) is its
    own digest."""
    out = io.BytesIO()
    _context_pickler()(out, protocol=5).dump(value)
    return hashlib.blake2b(out.getbuffer(), digest_size=16).digest()


def _shared_digest(digest: bytes):
    """What a shared value stands for in a fingerprint's pickle (never unpickled)."""
    raise NotImplementedError


@functools.lru_cache(maxsize=1)
def _context_pickler():
    """The Pickler class of content_digest(): its dispatch table puts a shared value's digest in
    place of the value (made when first asked, as pages, which defines them, imports this module)."""
    from .pages import SharedDict, SharedList

    def shared(value):
        return _shared_digest, (value.digest(),)

    class ContextPickler(pickle.Pickler):
        dispatch_table = {SharedDict: shared, SharedList: shared}

    return ContextPickler


def digest(data: bytes) -> str:
    """A fingerprint's hash (of what makes a page, a PDF or an export)."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def check(data: bytes) -> str:
    """The record's check that a file is intact: the CRC-32 of its bytes, as zip and PNG check
    theirs (with the size beside it, against a file changed since the record, not a forgery). Every
    byte of the site passes through it: 110 MB at 10k tasks and 3,000 units, 0.02 s against 0.13 s
    with blake2b."""
    return f"{zlib.crc32(data):08x}"
