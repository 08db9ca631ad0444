"""Progress: status, deadline and dated updates per task, from tasks.yaml and content/progress/YYYY-MM.yaml.

The site shows what units reported and never invents it: a task without a status is 未填报, and
'overdue' is judged against the report's own `as_of` date, never the build machine's clock.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import os
import re
from functools import lru_cache

from .errors import Problem

STATUSES = ("未启动", "推进中", "已完成", "滞后")
NO_STATUS = "未填报"
DONE = "已完成"
STATUS_SLUGS = {"未启动": "not-started", "推进中": "in-progress", "已完成": "done", "滞后": "behind", NO_STATUS: "none"}
PERIOD_FILE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])\.ya?ml$")


# -- reading and merging ------------------------------------------------------------------------


def merge_folder(report, folder: str, display: str, sources: list[bytes] | None = None) -> list[Problem]:
    """Validate every YAML file of the progress folder and merge it into the report's tasks, in period order.

    Later periods replace status and deadline; updates accumulate, sorted by date. With `report`
    None (tasks.yaml was invalid) the files are still checked, except for task numbers. `sources`:
    as loader.read().
    """
    from . import loader
    from .yamlnodes import Map, Scalar

    problems: list[Problem] = []
    names = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
    numbers = sorted(report.task_by_number) if report else None
    as_of = report.extra.get("as_of") if report else None
    warned_as_of = False
    for fname in names:
        path = os.path.join(folder, fname)
        shown = os.path.join(display, fname) if display else fname
        if not fname.endswith((".yaml", ".yml")) or not os.path.isfile(path) or not fname[:1].isdigit():
            continue  # README, drafts, other files: not a reporting period
        if not PERIOD_FILE.match(fname):
            problems.append(Problem(shown, 1, 1, "a progress file is named after its reporting period: YYYY-MM.yaml, e.g. 2021-06.yaml"))
            continue
        root, read_problems = loader.read(path, shown, sources)
        problems += read_problems
        if root is None or (isinstance(root, Scalar) and root.value is None):
            continue  # unreadable (reported) or empty
        c = loader._Checker(shown)
        if not isinstance(root, Map):
            c.error(root, "a progress file maps task numbers to their progress, e.g. '12: {status: 推进中}'")
            problems += c.problems
            continue
        for key, value in root.pairs:
            n = key.value
            if not isinstance(n, int) or isinstance(n, bool) or n <= 0:
                if isinstance(n, str) and n.strip().isdigit() and int(n) > 0:  # "12": quoted
                    c.error(key, f"a task number is written without quotes: {n.strip()}:")
                else:
                    c.error(key, f"'{n}' is not a task number: each key is the number of a task, e.g. '12:'")
                continue
            if numbers is not None and n not in report.task_by_number:
                c.error(key, f"unknown task {n}{_closest_numbers(n, numbers)}")
                continue
            before = len(c.problems)
            entry = c.mapping(value, loader.PROGRESS_FIELDS, f"task {n}")
            if entry is None or report is None or len(c.problems) > before:
                continue  # reported; merge only what is wholly valid
            if "deadline" in entry and as_of is None and not warned_as_of:
                c.warn(entry["@deadline"], "deadlines are given but report.as_of is not set: no task can be marked overdue")
                warned_as_of = True
            extra = report.task_by_number[n].extra
            for k in ("status", "deadline"):
                if k in entry:
                    extra[k] = entry[k]
            if "updates" in entry:
                extra["updates"] = list(extra.get("updates") or []) + loader._plain(entry["updates"])
        problems += c.problems
    if report is not None:
        for t in report.tasks:
            if t.extra.get("updates"):
                t.extra["updates"] = sorted(t.extra["updates"], key=lambda u: u["date"])
    return problems


def _closest_numbers(n: int, numbers: list[int]) -> str:
    """'; did you mean 143, 134?': similar digits first (typos), then the numerically nearest."""
    similar = [int(x) for x in difflib.get_close_matches(str(n), [str(x) for x in numbers], n=3, cutoff=0.6)]
    nearest = sorted(numbers, key=lambda x: (abs(x - n), x))[:3]
    picks = list(dict.fromkeys(similar + nearest))[:3]
    span = f" (the report has tasks {numbers[0]}–{numbers[-1]})" if numbers else ""
    return f"{span}; did you mean {', '.join(map(str, picks))}?" if picks else span


# -- what pages and exports show -------------------------------------------------------------------


def status_of(task) -> str:
    return task.extra.get("status") or NO_STATUS


def is_overdue(task, as_of: _dt.date | None) -> bool:
    """Deadline passed (strictly before the report's as-of date) and not 已完成."""
    deadline = task.extra.get("deadline")
    return bool(as_of and deadline and deadline < as_of and task.extra.get("status") != DONE)


def latest_update(task) -> dict | None:
    updates = task.extra.get("updates") or []
    return updates[-1] if updates else None


def task_progress(task, as_of: _dt.date | None, tracked: bool = True) -> dict:
    """The progress part of a task view: badge, deadline, overdue mark, latest update, history.
    tracked: some task of the report has a status, a deadline or an update (tracked()); else the
    pages show no progress line at all (not 未填报 on every task of a report that tracks none)."""
    status = status_of(task)
    deadline = task.extra.get("deadline")
    updates = [{"date": u["date"].isoformat(), "html": render_note(u["note"])} for u in task.extra.get("updates") or []]
    return {
        "status": status,
        "slug": STATUS_SLUGS[status],
        "reported": status != NO_STATUS,
        "shown": tracked,
        "deadline": deadline.isoformat() if deadline else "",
        "overdue": is_overdue(task, as_of),
        "updates": updates,
        "latest": updates[-1] if updates else None,
    }


def tracked(report) -> bool:
    """Whether the report follows progress at all: some task has a status, a deadline or an update
    (worked out once per report: every page group asks)."""
    return _once(report, "_tracked", ("status", "deadline", "updates"))


def has_status(report) -> bool:
    """Whether some task has a status: then the pages and the unit PDFs count tasks by status
    (worked out once per report: every unit's PDF asks)."""
    return _once(report, "_has_status", ("status",))


def _once(report, attr: str, keys: tuple[str, ...]) -> bool:
    known = report.__dict__.get(attr)
    if known is None:
        known = report.__dict__[attr] = any(t.extra.get(k) for t in report.tasks for k in keys)
    return known


def status_counts(tasks, as_of: _dt.date | None) -> dict:
    """Counts by status (every status, in order, zeros included) and the overdue count."""
    counts = {s: 0 for s in (*STATUSES, NO_STATUS)}
    for t in tasks:
        counts[status_of(t)] += 1
    return {
        "items": [{"status": s, "slug": STATUS_SLUGS[s], "count": k} for s, k in counts.items()],
        "overdue": sum(1 for t in tasks if is_overdue(t, as_of)),
        "reported": len(tasks) - counts[NO_STATUS],
        "total": len(tasks),
    }


def decorate(pages, report) -> None:
    """Add progress counts and export links to the home, unit and matrix page contexts (the counts
    only when some task has a status: else the pages say 进展未填报 and show none)."""
    as_of = report.extra.get("as_of")
    has = has_status(report)
    common = {"has_progress": has, "as_of": as_of.isoformat() if as_of else ""}
    by_unit: dict[str | None, dict] = {}  # a unit's counts, shared by its part pages and its matrix row

    def unit_counts(name: str | None) -> dict | None:
        if not has:  # the pages show no counts (进展未填报): none are made (3,000 units: 0.1 s)
            return None
        if name not in by_unit:  # None: the whole report
            tasks = report.tasks if name is None else [a.task for a in report.assignments[name]]
            by_unit[name] = status_counts(tasks, as_of)
        return by_unit[name]

    for p in pages:
        if p.template == "home.html":
            p.context["progress"] = dict(
                common,
                total=unit_counts(None),
                chapters=[status_counts(c.tasks, as_of) for c in report.chapters] if has else [],
            )
        elif p.template == "unit.html":
            name = p.context["unit"]["name"]
            unit = report.unit_by_name[name]
            p.context["progress"] = dict(common, total=unit_counts(name), csv=f"data/units/{unit.slug}.csv")
        elif p.template == "matrix.html":
            rows = []
            for row in p.context["rows"] if has else ():
                rows.append({"name": row["name"], "href": row["href"], "counts": unit_counts(row["name"])})
            p.context["progress"] = dict(
                common,
                statuses=[{"status": s, "slug": STATUS_SLUGS[s]} for s in (*STATUSES, NO_STATUS)],
                rows=rows,
                total=unit_counts(None),
            )


# -- Markdown notes --------------------------------------------------------------------------------

SAFE_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def safe_link(url: str) -> bool:
    """http, https, mailto or a relative link; nothing else (javascript:, data:, file:, vbscript: …)."""
    from urllib.parse import unquote

    # browsers ignore control characters and spaces inside a scheme ('java\tscript:'), and the link
    # may reach us percent-encoded ('java%09script:'): judge the decoded, cleaned form
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", unquote(url))
    m = _SCHEME.match(cleaned)
    if m is None:
        head = re.split(r"[/?#]", cleaned, maxsplit=1)[0]
        return ":" not in head and not cleaned.startswith("//")  # '//host' = another host
    return m.group(1).lower() in SAFE_SCHEMES


# A relative link in a note is read from the site's top folder (`units/x.html`, `data/tasks.csv`),
# since the note shows on pages of several folders: render_note() marks it with SITE_ROOT, and each
# page puts its own way up to the top folder in its place (note_html(), the templates' note()).
SITE_ROOT = "\x00"  # markdown-it turns a NUL of the text into U+FFFD: only the link rule makes one


def _site_relative(href: str) -> bool:
    return _SCHEME.match(href) is None and not href.startswith(("/", "#", "?"))


@lru_cache(maxsize=1)
def _markdown():
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False})
    md.disable("image")  # a note must not make the page load anything
    md.validateLink = safe_link

    def link_open(self, tokens, idx, options, env):
        href = tokens[idx].attrGet("href")
        if href and _site_relative(href):
            tokens[idx].attrSet("href", SITE_ROOT + href)
        return self.renderToken(tokens, idx, options, env)

    md.add_render_rule("link_open", link_open)
    return md


@lru_cache(maxsize=4096)
def render_note(note: str) -> str:
    """Markdown -> HTML with raw HTML shown as text and only safe links; the only HTML a template
    trusts. A relative link starts with SITE_ROOT: note_html() makes it the page's."""
    return _markdown().render(note).strip()


_SITE_LINK = re.compile(r'<a href="\x00[^"]*">(.*?)</a>', re.S)
_LINK = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.S)
_TAG = re.compile(r"<[^>]+>")


@lru_cache(maxsize=4096)
def note_text(note: str) -> str:
    """A note as plain text, for the CSV and Excel exports: its Markdown rendered (render_note), a
    link as its text and, to another site, its address in brackets (文字（https://…）); a link into
    the site, which means nothing in a spreadsheet, as its text; paragraphs on lines of their own."""
    import html as _html

    def link(m: re.Match) -> str:
        href, text = _html.unescape(m.group(1)), m.group(2)
        plain = _html.unescape(_TAG.sub("", text))
        return text if href == plain else f"{text}（{href}）"

    out = _LINK.sub(link, _SITE_LINK.sub(r"\1", render_note(note)))
    out = re.sub(r"<br\s*/?>|</p>\s*<p>|</li>\s*<li>", "\n", out)
    return _html.unescape(_TAG.sub("", out)).strip()


def note_for_print(html: str) -> str:
    """A rendered note for a PDF handout: a link into the site becomes its text (the PDF is not in
    the site's folders, and paper has no links); a link to another site stays."""
    return _SITE_LINK.sub(r"\1", html)


def note_html(html: str, page_path: str) -> str:
    """A rendered note as on the page at page_path: its relative links from that page's folder."""
    return html.replace(SITE_ROOT, "../" * page_path.count("/"))
