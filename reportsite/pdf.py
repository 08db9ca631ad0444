"""PDF handouts: one more writer over the same model and templates (WeasyPrint, CSS paged media).

`site/handout.pdf` is the whole report with a cover, a table of contents with page numbers, the unit
index and the matrix; `site/pdf/units/<slug>.pdf` is one short handout per unit. The HTML for every
PDF is rendered here with Jinja (cheap); WeasyPrint turns it into PDF bytes in worker processes (both
cores). The bytes go through the same `Site.add()` and atomic swap as the pages.

Chinese type needs Noto Serif CJK SC / Noto Sans CJK SC (Debian: fonts-noto-cjk). WeasyPrint only logs
a warning when a character has no glyph and draws a box; here that fails the build instead.
"""

from __future__ import annotations

import datetime
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

from .errors import ContentError, Problem, UsageError
from .model import KINDS, ROLES, Report, Unit

FONT_PACKAGE = "fonts-noto-cjk"
SERIF = "Noto Serif CJK SC"  # body text
SANS = "Noto Sans CJK SC"  # headings, labels, the matrix
HANDOUT = "handout.pdf"
_NOTDEF = re.compile(r"\.notdef glyph.*\(U\+([0-9A-Fa-f]{4,6})\)")

Progress = Callable[[int, int], None]


def unit_pdf_path(unit: Unit) -> str:
    return f"pdf/units/{unit.slug}.pdf"


def link_pdfs(page_list: list, report: Report, enabled: bool) -> None:
    """Give the home page and each unit page (every part of a long one) `handout_pdf`: the path of
    handout.pdf or of the unit's PDF, or None when the build makes no PDFs (never a dangling link)."""
    for p in page_list:
        if p.template == "unit.html":
            unit = report.unit_by_name[p.context["unit"]["name"]]
            p.context["handout_pdf"] = unit_pdf_path(unit) if enabled else None
        elif p.path == "index.html":
            p.context["handout_pdf"] = HANDOUT if enabled else None


class MissingGlyphs(Exception):
    """Characters that no installed font can draw: the PDF would show boxes (exit status 1)."""

    def __init__(self, chars: dict[str, list[str]]):
        self.chars = chars  # character -> the PDFs it appears in
        super().__init__(", ".join(f"'{c}' (U+{ord(c):04X})" for c in sorted(chars)))

    def located(self, report: Report, content: Path, shown: str) -> ContentError:
        """The error build and serve report: one located problem per character, at its first place
        in the content file (`shown`: its name as printed), with the tasks that have it."""
        out = []
        lines = content.read_text(encoding="utf-8").splitlines()
        for ch in sorted(self.chars):
            tasks = [str(t.number) for t in report.tasks if ch in t.text]
            where = f" (task {', '.join(tasks)})" if tasks else f" (in {', '.join(self.chars[ch][:3])})"
            line, col = 1, 1
            for i, text in enumerate(lines, 1):
                if ch in text:
                    line, col = i, text.index(ch) + 1
                    break
            message = (
                f"no installed font has a glyph for '{ch}' (U+{ord(ch):04X}){where}: the PDF would print a box; "
                f"install the Debian package {FONT_PACKAGE} ({SERIF}, {SANS}) or replace the character"
            )
            out.append(Problem(shown, line, col, message))
        return ContentError(out)


def _weasyprint_missing(exc: Exception) -> UsageError:
    return UsageError(
        f"--pdf needs WeasyPrint ({exc}); install it with `pip install -e '.[pdf]'` "
        "or `bash scripts/setup.sh --all` (which also installs fonts-noto-cjk and libharfbuzz-subset0)"
    )


def _matches(families: tuple[str, ...]) -> dict[str, tuple[list[str], str | None]]:
    """What fontconfig gives for each family: the family names of its match and the font's file.
    Asked through ctypes from the C library that WeasyPrint's Pango uses, so that checking the fonts
    does not import WeasyPrint (half a second: a rebuild whose PDFs are all unchanged never does)."""
    import ctypes

    lib = _fontconfig()
    config = lib.FcInitLoadConfigAndFonts()
    out: dict[str, tuple[list[str], str | None]] = {}
    if not config:  # fontconfig could not load its configuration: no family resolves
        return out
    try:
        for family in families:
            pattern = lib.FcPatternCreate()
            lib.FcPatternAddString(pattern, b"family", family.encode("utf-8"))
            lib.FcConfigSubstitute(config, pattern, 0)  # FcMatchPattern
            lib.FcDefaultSubstitute(pattern)
            result = ctypes.c_int()
            match = lib.FcFontMatch(config, pattern, ctypes.byref(result))
            lib.FcPatternDestroy(pattern)
            if not match:
                continue
            value = ctypes.c_char_p()
            names, n = [], 0
            while lib.FcPatternGetString(match, b"family", n, ctypes.byref(value)) == 0:  # FcResultMatch
                names.append(value.value.decode("utf-8", "replace"))
                n += 1
            file = None
            if lib.FcPatternGetString(match, b"file", 0, ctypes.byref(value)) == 0:
                file = value.value.decode("utf-8", "surrogateescape")
            lib.FcPatternDestroy(match)
            out[family] = (names, file)
    finally:
        lib.FcConfigDestroy(config)
    return out


_FONTCONFIG = None


def _fontconfig():
    """libfontconfig through ctypes, its functions typed (loaded once per process). Without it, Pango
    and so WeasyPrint cannot run either: said as WeasyPrint missing."""
    global _FONTCONFIG
    if _FONTCONFIG is not None:
        return _FONTCONFIG
    import ctypes
    import ctypes.util

    try:
        lib = ctypes.CDLL("libfontconfig.so.1")
    except OSError:
        name = ctypes.util.find_library("fontconfig")
        try:
            lib = ctypes.CDLL(name) if name else None
        except OSError:
            lib = None
        if lib is None:
            raise _weasyprint_missing(OSError("cannot load libfontconfig")) from None
    p, s, i = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int
    for fn, restype, argtypes in (
        ("FcInitLoadConfigAndFonts", p, []),
        ("FcPatternCreate", p, []),
        ("FcPatternAddString", i, [p, s, s]),
        ("FcConfigSubstitute", i, [p, p, i]),
        ("FcDefaultSubstitute", None, [p]),
        ("FcFontMatch", p, [p, p, ctypes.POINTER(i)]),
        ("FcPatternGetString", i, [p, s, i, ctypes.POINTER(s)]),
        ("FcPatternDestroy", None, [p]),
        ("FcConfigDestroy", None, [p]),
    ):
        getattr(lib, fn).restype = restype
        getattr(lib, fn).argtypes = argtypes
    _FONTCONFIG = lib
    return lib


def installed_families(families: tuple[str, ...]) -> set[str]:
    """The subset of `families` that fontconfig resolves to itself (not to a fallback font)."""
    matches = _matches(families)
    return {f for f in families if f in matches and f.lower() in (n.lower() for n in matches[f][0])}


def font_files(families: tuple[str, ...] = (SERIF, SANS)) -> list[tuple[str, int, int]]:
    """The font files the PDFs are set in, as (path, size, mtime in ns): part of each PDF's
    fingerprint, so that updated fonts make new PDFs."""
    out = []
    for _names, file in _matches(families).values():
        try:
            st = os.stat(file) if file else None
        except OSError:
            st = None
        out.append((file or "?", st.st_size if st else -1, st.st_mtime_ns if st else -1))
    return out


def check_available(families: tuple[str, ...] | None = None) -> None:
    """Fail early and clearly (UsageError, exit 2) when WeasyPrint or the CJK fonts are missing."""
    import importlib.util

    families = families or (SERIF, SANS)
    try:  # found, not imported: only a PDF to make imports it (html_to_pdf)
        found = importlib.util.find_spec("weasyprint")
    except (ImportError, ValueError) as exc:
        raise _weasyprint_missing(exc) from None
    if found is None:
        raise _weasyprint_missing(ImportError("No module named 'weasyprint'"))
    missing = [f for f in families if f not in installed_families(families)]
    if missing:
        raise UsageError(
            f"--pdf needs the fonts {', '.join(missing)}, which are not installed; "
            f"install the Debian package {FONT_PACKAGE} (`apt-get install {FONT_PACKAGE}`, "
            "or `bash scripts/setup.sh --all`)"
        )


def font_css(serif: str | None = None, sans: str | None = None) -> str:
    """Serif for text, bold sans for headings and labels; every bold thing is sans, so that each PDF
    embeds just two subset fonts (Serif Regular, Sans Bold): WeasyPrint keeps glyph ids, so each
    CJK subset costs ~150 KB however few glyphs it holds."""
    bold = (
        "h1, h2, h3, b, strong, .role, .task-number, .index-name, .toc-chapter > a, "
        ".matrix thead th, .matrix tfoot th, .matrix tfoot td, .matrix .row-total"
    )
    serif, sans = serif or SERIF, sans or SANS
    return (
        f'html, .toc-section > a, .index-count, .matrix thead .col-title {{ font-family: "{serif}", serif; }}\n'
        f'{bold} {{ font-family: "{sans}", sans-serif; font-weight: bold; }}\n'
    )


def stylesheets(templates: Path, fonts: str) -> list[str]:
    return [(templates / "pdf" / "handout.css").read_text(encoding="utf-8"), fonts]


def _created() -> str | None:
    """The PDF dates: SOURCE_DATE_EPOCH when set (reproducible builds), else none at all."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch.isdigit():
        return None
    when = datetime.datetime.fromtimestamp(int(epoch), tz=datetime.timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


# ---- contexts: the model as the two templates want it -------------------------------------------


def _print_note(html: str):
    """progress.render_note's HTML as the PDFs show it (the templates' print_note)."""
    from markupsafe import Markup

    from .progress import note_for_print

    return Markup(note_for_print(html))


def _common(report: Report, sc) -> dict:
    as_of = report.extra.get("as_of")
    return {**sc.common(), "as_of": str(as_of) if as_of else None, "created": _created(), "print_note": _print_note}


def handout_context(report: Report, sc) -> dict:
    from .pages import _level, example_collective, tasks_page, unit_counts

    chapters = tasks_page(report).context["chapters"]  # the all-tasks page's chapters, sections and tasks
    for view, c in zip(chapters, report.chapters, strict=True):
        view["count"] = len(c.tasks)
        for s, sv in zip(c.sections, view["sections"], strict=True):
            sv["id"] = f"section-{c.number}-{s.number}"
    groups = []
    for kind, label in KINDS.items():
        units = []
        for u in report.sorted_units():
            if u.kind != kind:
                continue
            entry = {"name": u.name, "slug": u.slug, "roles": [], "lead": [], "responsible": []}
            for role in ROLES:
                mine = [a for a in report.assignments[u.name] if a.role == role]
                entry[role] = [a.task.number for a in mine]
                if not mine:
                    continue
                vias = sorted({a.via for a in mine if a.via})
                entry["roles"].append(
                    {
                        "label": report.labels[role],
                        "direct": [a.task.number for a in mine if not a.via],
                        "via": [{"name": v, "numbers": [a.task.number for a in mine if a.via == v]} for v in vias],
                    }
                )
            units.append(entry)
        if units:
            groups.append({"label": label, "units": units})
    rows = []
    for u in report.sorted_units():
        cells = []
        for c in report.chapters:
            lead = report.count(u.name, "lead", c.number)
            resp = report.count(u.name, "responsible", c.number)
            cells.append({"lead": lead, "responsible": resp, "level": _level(lead + resp)})
        rows.append({"name": u.name, "cells": cells, **unit_counts(report, u.name)})
    return {
        **_common(report, sc),
        "doc_title": report.title,
        "counts": {
            "tasks": len(report.tasks),
            "chapters": len(report.chapters),
            "sections": len(report.sections),
            "units": len(report.units),
        },
        "chapters": chapters,
        "groups": groups,
        "matrix_rows": rows,
        "collective": example_collective(report),
    }


def unit_context(report: Report, unit: Unit, sc) -> dict:
    """A unit's tasks by role, then chapter (all of them: the site may split a long unit page)."""
    from .pages import unit_counts

    grouped: dict[tuple[str, int], list[dict]] = {}
    for a in report.assignments[unit.name]:
        grouped.setdefault((a.role, a.task.chapter), []).append({"task": sc.task_view(a.task), "via": a.via})
    roles = []
    for role in ROLES:
        chapters = [
            {"numeral": c.numeral, "title": c.title, "tasks": grouped[role, c.number]}
            for c in report.chapters
            if (role, c.number) in grouped
        ]
        roles.append(
            {"role": role, "label": report.labels[role], "chapters": chapters, "count": report.count(unit.name, role)}
        )
    return {
        **_common(report, sc),
        "doc_title": f"{unit.name} · {report.title}",
        "unit": {
            "name": unit.name,
            "kind": KINDS[unit.kind],
            "aliases": list(unit.aliases),
            "members": [{"name": m} for m in unit.members],
            "collectives": [{"name": n} for n in report.collectives_of.get(unit.name, [])],
        },
        "counts": unit_counts(report, unit.name),
        "progress": _unit_progress(report, unit),
        "roles": roles,
        # the six it shares most tasks with: a line or two in the head (the site lists twelve)
        "partners": [{"name": n, "count": k} for n, k in report.partners[unit.name][:6]],
    }


def _unit_progress(report: Report, unit: Unit) -> dict | None:
    """The unit's tasks counted by status (progress.status_counts), when some task of the report has
    a status; else None (the PDF then says nothing of progress)."""
    from .progress import has_status, status_counts

    if not has_status(report):  # once per report, not once per unit
        return None
    return status_counts([a.task for a in report.assignments[unit.name]], report.extra.get("as_of"))


# ---- rendering ----------------------------------------------------------------------------------


def _no_fetching():
    """The PDF templates load nothing: the stylesheet is passed in, and content cannot add resources."""
    import weasyprint

    fetcher = getattr(weasyprint, "URLFetcher", None)
    return fetcher(allowed_protocols=()) if fetcher else None


def html_to_pdf(html: str, css: list[str]) -> tuple[bytes, list[str]]:
    """WeasyPrint: HTML -> (PDF bytes, WeasyPrint's warnings). Runs in a worker process."""
    import logging  # here: an HTML build does not pay for it

    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # e.g. installed without Pango: check_available() only finds it
        raise _weasyprint_missing(exc) from None

    class Collect(logging.Handler):
        def __init__(self) -> None:
            super().__init__(logging.WARNING)
            self.messages: list[str] = []

        def emit(self, record: logging.LogRecord) -> None:
            self.messages.append(record.getMessage())

    logger = logging.getLogger("weasyprint")
    handler = Collect()
    logger.addHandler(handler)
    try:
        doc = weasyprint.HTML(string=html, url_fetcher=_no_fetching())
        data = doc.write_pdf(stylesheets=[weasyprint.CSS(string=c) for c in css])
    finally:
        logger.removeHandler(handler)
    return data, handler.messages


def _worker_start() -> None:
    """Ctrl+C reaches the whole process group: only the parent handles it (and stops the workers)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _job(args: tuple[str, str, list[str]]) -> tuple[str, bytes, list[str]]:
    path, html, css = args
    data, warnings = html_to_pdf(html, css)
    return path, data, warnings


def render_documents(report: Report, templates: Path) -> list[tuple[str, str]]:
    """(output path, HTML) for the handout, then for every unit, in a fixed order."""
    from .pages import SiteContext, make_env

    env = make_env(templates)
    sc = SiteContext(report)
    docs = [(HANDOUT, env.get_template("pdf/handout.html").render(handout_context(report, sc)))]
    unit_template = env.get_template("pdf/unit.html")
    for u in report.units:
        docs.append((unit_pdf_path(u), unit_template.render(unit_context(report, u, sc))))
    return docs


def stamp(code: bytes, css: list[str]) -> bytes:
    """What turns a PDF's HTML into its bytes, hashed: `code` (reuse.stamp(None): reportsite's code,
    not the templates, whose whole effect is in the HTML), the stylesheets, WeasyPrint's and pydyf's
    versions and the font files."""
    import hashlib

    h = hashlib.blake2b(code, digest_size=16)
    h.update(f"\0{_version('weasyprint')}\0{_version('pydyf')}\0".encode())
    for c in css:
        h.update(c.encode("utf-8") + b"\0")
    for file, size, mtime in font_files():
        h.update(f"{file}\0{size}\0{mtime}\0".encode("utf-8", "surrogateescape"))
    return h.digest()


def _version(package: str) -> str:
    """An installed package's version, from its metadata (importing WeasyPrint takes half a second)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "?"


def render_pdfs(
    report: Report,
    templates: Path,
    progress: Progress | None = None,
    workers: int | None = None,
    fonts: str | None = None,
    previous=None,
    code: bytes | None = None,
    in_place: bool = False,
):
    """Every PDF of the build, as a reuse.Rendered: (path, bytes) in path order, their record and how
    many came from the previous site; raises MissingGlyphs rather than print boxes.

    previous (reuse.Previous): a PDF whose fingerprint (its HTML and the stamp() of what makes it:
    so an edit of the site's templates, which are not in its HTML, makes no PDF again) is recorded there, with its file intact, is taken from it (a Path: linked) instead of being made
    again by WeasyPrint; progress then counts only the PDFs made. in_place: the previous site is the
    output itself (serve), so a reused PDF is (path, None): its file stays as it is."""
    from .reuse import Rendered, check, digest
    from .reuse import stamp as code_stamp

    docs = render_documents(report, templates)
    css = stylesheets(templates, font_css() if fonts is None else fonts)
    made_by = stamp(code_stamp(None) if code is None else code, css)
    results: dict[str, bytes | Path | None] = {}
    record: dict[str, tuple] = {}
    fingerprints: dict[str, str] = {}
    jobs = []
    for path, html in docs:
        fp = digest(made_by + path.encode() + b"\0" + html.encode("utf-8"))
        taken = previous.take(path, fp) if previous is not None else None
        if taken is None:
            fingerprints[path] = fp
            jobs.append((path, html, css))
        else:
            results[path], record[path] = taken
            if in_place:
                results[path] = None  # its file stays as it is
    reused = len(results)
    workers = min(workers or min(2, os.cpu_count() or 1), len(jobs))
    missing: dict[str, list[str]] = {}
    others: dict[str, list[str]] = {}
    done = 0

    def collect(path: str, data: bytes, warnings: list[str]) -> None:
        nonlocal done
        for w in warnings:
            m = _NOTDEF.search(w)
            if m:
                missing.setdefault(chr(int(m.group(1), 16)), []).append(path)
            else:  # e.g. a CSS property WeasyPrint ignores after someone edits the templates
                others.setdefault(w, []).append(path)
        results[path] = data
        record[path] = (fingerprints[path], check(data), len(data))
        done += 1
        if progress:
            progress(done, len(jobs))

    if workers <= 1:
        for job in jobs:
            collect(*_job(job))
    else:
        import multiprocessing

        # spawn, not fork: the caller may run threads (a test's browser), and fork would copy their locks
        pool = multiprocessing.get_context("spawn").Pool(workers, initializer=_worker_start)
        try:
            for result in pool.imap_unordered(_job, jobs):  # in order of submission: the handout (longest) first
                collect(*result)
            pool.close()
        except BaseException:  # Ctrl+C or a failure: stop the workers now, not after every PDF
            pool.terminate()
            raise
        finally:
            pool.join()
    for w, paths in sorted(others.items()):
        more = f" (and {len(paths) - 1} more PDFs)" if len(paths) > 1 else ""
        print(f"warning: {min(paths)}{more}: WeasyPrint: {w}", file=sys.stderr)
    if missing:
        raise MissingGlyphs({c: sorted(set(p)) for c, p in missing.items()})
    return Rendered(sorted(results.items()), record, reused)


def terminal_progress(stream=None) -> Progress:
    """'PDF 12/60' rewritten in place on a terminal; a line every tenth of the way otherwise."""
    stream = stream or sys.stderr
    tty = stream.isatty()

    def show(done: int, total: int) -> None:
        if tty:
            end = "\n" if done == total else ""
            stream.write(f"\rPDF 讲义 {done}/{total}{end}")
        elif done == total or done * 10 // total != (done - 1) * 10 // total:
            stream.write(f"PDF 讲义 {done}/{total}\n")
        stream.flush()

    return show
