"""Model -> the search index: classic script files (`window.… = …`) that work on file://, any sub-path, a server.

No fetch, no JSON request, no module, no worker: a USB stick opened as file:// blocks all of those. The
index is one small metadata file (`assets/search-index.js`: chapters, sections, units with aliases and
members, the list of task shards) and the tasks in shards of SHARD_TASKS each
(`assets/search-tasks-K.js`), which the search page loads on demand by adding `<script src>` elements,
so no single file gets huge at 100,000 tasks.

Matching happens in the browser (templates/assets/search.js) on substrings of folded text, with no
word segmentation that could miss: `fold()` here is the same folding, kept in Python for the tests.
"""

from __future__ import annotations

import json

from . import paging
from .model import Report
from .progress import STATUS_SLUGS, is_overdue
from .pages import Page, SiteContext, _section_numeral, chapter_path, search_examples, unit_path

SHARD_TASKS = 2000
INDEX_PATH = "assets/search-index.js"
STATUS_ORDER = ("未启动", "推进中", "已完成", "滞后")

_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20


def fold(s: str) -> str:
    """Full-width ASCII -> half-width, ideographic space -> space, lower case; never changes the length.

    Keeping the length means a match position in the folded text is the same position in the original,
    which is what highlighting needs.
    """
    s = s.translate(_FULLWIDTH)
    low = s.lower()
    if len(low) == len(s):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in s)


def shard_path(k: int) -> str:
    return f"assets/search-tasks-{k}.js"


def _js(value) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    # Valid JSON, but line terminators inside a JS string literal before ES2019: escape them.
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def build_index(report: Report) -> tuple[dict, list[list[dict]]]:
    """(metadata, shards of task records). Units are referred to by their position in metadata `units`."""
    units = report.sorted_units()
    position = {u.name: i for i, u in enumerate(units)}
    tasks = report.tasks
    statuses = sorted(
        {t.extra["status"] for t in tasks if t.extra.get("status")},
        key=lambda s: (STATUS_ORDER.index(s) if s in STATUS_ORDER else len(STATUS_ORDER), s),
    )
    as_of = report.extra.get("as_of")
    records = []
    for t in tasks:
        rec: dict = {
            "n": t.number,
            "t": t.text,
            "c": t.chapter,
            "s": t.section or 0,
            "l": [position[n] for n in t.lead],
            "r": [position[n] for n in t.responsible],
        }
        if t.and_others:
            rec["o"] = 1
        if t.part > 1:  # a long chapter printed on several pages: the task is on page `p`
            rec["p"] = t.part
        if t.extra.get("status"):
            rec["st"] = str(t.extra["status"])
        if is_overdue(t, as_of):
            rec["od"] = 1
        records.append(rec)
    shards = [records[i : i + SHARD_TASKS] for i in range(0, len(records), SHARD_TASKS)] or [[]]
    meta = {
        "title": report.title,
        "issuer": report.issuer,
        "labels": {"lead": report.labels["lead"], "responsible": report.labels["responsible"]},
        "chapters": [
            {
                "n": c.number,
                "numeral": c.numeral,
                "title": c.title,
                "href": chapter_path(c.number),
                "hrefs": [chapter_path(c.number, k) for k in range(1, c.parts + 1)],
                "sections": [{"numeral": _section_numeral(s.number), "title": s.title} for s in c.sections],
            }
            for c in report.chapters
        ],
        "units": [
            {
                "name": u.name,
                "aliases": list(u.aliases),
                "slug": u.slug,
                "href": unit_path(u),
                "members": [position[m] for m in u.members],
            }
            for u in units
        ],
        "statuses": statuses,
        "status_slugs": {st: STATUS_SLUGS[st] for st in statuses},  # the badges' colours, as on the pages
        "tasks": len(records),
        "shards": [{"src": shard_path(k), "count": len(s)} for k, s in enumerate(shards, 1)],
    }
    return meta, shards


def index_files(meta: dict, shards: list[list[dict]]) -> dict[str, str]:
    """path -> text of every index file (deterministic: everything in report order or pinyin order)."""
    files = {INDEX_PATH: f"window.REPORTSITE_SEARCH={_js(meta)};\n"}
    for k, shard in enumerate(shards, 1):
        files[shard_path(k)] = (
            f"(window.REPORTSITE_SEARCH_TASKS=window.REPORTSITE_SEARCH_TASKS||{{}})[{k}]={_js(shard)};\n"
        )
    return files


def search_page(report: Report, meta: dict) -> Page:
    sc = SiteContext(report)
    ctx = {
        **sc.common(),
        "page_title": "搜索",
        "task_count": meta["tasks"],
        "has_status": bool(meta["statuses"]),
        "example": search_examples(report),
        "tasks_pages": paging.tasks_page_count(report),
    }
    return Page("search.html", "search.html", ctx)


def search_files(report: Report, env) -> dict[str, bytes]:
    """search.html and the index files (site.build_site adds them to the site)."""
    from .pages import render
    from .parallel import gc_paused

    with gc_paused():  # the index's entries: many objects, no cycles
        meta, shards = build_index(report)
    files = {**render([search_page(report, meta)], env), **index_files(meta, shards)}
    return {path: text.encode("utf-8") for path, text in files.items()}
