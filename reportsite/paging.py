"""Splitting big pages, so that a report of 100,000 tasks still gives pages a browser opens at once.

A chapter longer than model.CHAPTER_PART_TASKS is printed on chapters/K.html, chapters/K-2.html, …
(cut between sections); a unit with more than UNIT_PART_ITEMS tasks gets units/<slug>.html and
units/<slug>_2.html, … (in units/ like every unit page, so that they share its rendered fragments
and links: a folder of their own cost the units job a third more at 100k tasks; a slug has no '_');
the matrix shows MATRIX_ROWS units per page (matrix.html, matrix-2.html, …).
Reports of the real size (the seed) stay on one page each, with the same addresses. Every part
page carries a `parts` navigation whose links say which task numbers they hold (data-tasks), so
site.js can send an old `chapters/K.html#task-N` link on to the part that has task N.
"""

from __future__ import annotations

from .model import ROLES, Assignment, Report, Unit

UNIT_PART_ITEMS = 300
MATRIX_ROWS = 200


def unit_part_path(unit: Unit, part: int) -> str:
    return f"units/{unit.slug}.html" if part == 1 else f"units/{unit.slug}_{part}.html"


def matrix_path(part: int) -> str:
    return "matrix.html" if part == 1 else f"matrix-{part}.html"


def one_part(report: Report, name: str) -> bool:
    """Whether a unit's tasks fit on one page (unit_parts() then gives one part)."""
    return len(report.assignments[name]) <= UNIT_PART_ITEMS


def unit_parts(report: Report, name: str, limit: int | None = None) -> list[list[tuple[str, int, list[Assignment]]]]:
    """A unit's tasks grouped by role and chapter, cut into parts of at most `limit` tasks.

    A (role, chapter) group starts a new part when it would overflow the current one; a group bigger
    than a whole part is continued on the next one."""
    limit = limit or UNIT_PART_ITEMS
    groups: dict[tuple[str, int], list[Assignment]] = {}
    for a in report.assignments[name]:
        key = (a.role, a.task.chapter)
        group = groups.get(key)
        if group is None:
            groups[key] = [a]
        else:
            group.append(a)
    ordered = sorted(groups, key=lambda g: (ROLES.index(g[0]), g[1]))  # roles in ROLES' order, then chapters
    if len(report.assignments[name]) <= limit:  # most units: one part, no cutting
        return [[(role, chapter, groups[(role, chapter)]) for role, chapter in ordered]]
    parts: list[list[tuple[str, int, list[Assignment]]]] = [[]]
    used = 0
    for role, chapter in ordered:
        items = groups[(role, chapter)]
        if used and used + len(items) > limit:
            parts.append([])
            used = 0
        while items:
            room = limit - used
            if room <= 0:
                parts.append([])
                used, room = 0, limit
            parts[-1].append((role, chapter, items[:room]))
            used += len(items[:room])
            items = items[room:]
    return parts


def _numeral_range(numerals: list[str]) -> str:
    return numerals[0] if len(numerals) == 1 else f"{numerals[0]}至{numerals[-1]}"


def unit_part_chapters(parts, report: Report) -> dict[str, list[tuple[int, str]]]:
    """role -> [(part, its chapters in that role: 一至三章)] for a split unit: where each role's tasks are."""
    out: dict[str, list[tuple[int, str]]] = {}
    for k, part in enumerate(parts, 1):
        for role in ROLES:
            numerals = []
            for role_, chapter, _ in part:
                numeral = report.chapters[chapter - 1].numeral
                if role_ == role and numeral not in numerals:
                    numerals.append(numeral)
            if numerals:
                out.setdefault(role, []).append((k, _numeral_range(numerals) + "章"))
    return out


def unit_part_labels(placed: dict[str, list[tuple[int, str]]], report: Report) -> list[str]:
    """第k页（牵头一至三章、责任一章）: what each part of a split unit holds, by role and chapters."""
    held: dict[int, list[str]] = {}
    for role in ROLES:
        for k, chapters in placed.get(role, []):
            held.setdefault(k, []).append(report.labels[role][:2] + chapters)
    return [f"第{k}页（{'、'.join(held[k])}）" for k in sorted(held)]


def anchor_parts(parts: list[list[tuple[str, int, list[Assignment]]]]) -> dict[tuple[str, int], int]:
    """(role, chapter) -> the part where its heading first appears."""
    where: dict[tuple[str, int], int] = {}
    for i, part in enumerate(parts, 1):
        for role, chapter, _ in part:
            where.setdefault((role, chapter), i)
    return where


def parts_nav(
    hrefs: list[str], current: int, numbers: list[list[int]] | None = None, labels: list[str] | None = None
) -> list[dict] | None:
    """The context of templates/parts.html; None when there is only one page."""
    if len(hrefs) < 2:
        return None
    nav = []
    for i, href in enumerate(hrefs, 1):
        nums = numbers[i - 1] if numbers else []
        nav.append(
            {
                "href": href,
                "label": labels[i - 1] if labels else f"第{i}页",
                "current": i == current,
                "tasks": f"{min(nums)}-{max(nums)}" if nums else "",
            }
        )
    return nav


TASKS_PAGE_TASKS = 1500  # tasks.html (every task, for the browser's find) holds at most this many
TARGETS_PAGE_ROWS = 1500  # targets.html: quantities a page (targets.targets_pages); 10 MB on one page at 100k tasks


def split_tasks_page(page) -> list:
    """tasks.html of a big report: tasks.html, tasks-2.html, … of at most TASKS_PAGE_TASKS tasks each,
    cut between sections (a longer section is cut between tasks). A real report keeps one page."""
    ctx = page.context
    groups: list[list[dict]] = [[]]  # per page: its chapters, each with that page's share of tasks
    used = 0
    for c in ctx["chapters"]:
        blocks = [(None, c["direct_tasks"])] + list(enumerate(s["tasks"] for s in c["sections"]))
        for index, tasks in blocks:
            if used and used + len(tasks) > TASKS_PAGE_TASKS:
                groups.append([])
                used = 0
            for t in tasks:
                if used >= TASKS_PAGE_TASKS:
                    groups.append([])
                    used = 0
                chapters = groups[-1]
                if not chapters or chapters[-1]["number"] != c["number"]:
                    chapters.append({**c, "direct_tasks": [], "sections": [], "_last": None})
                here = chapters[-1]
                if index is None:
                    here["direct_tasks"].append(t)
                else:
                    if here["_last"] != index:
                        here["sections"].append({**c["sections"][index], "tasks": []})
                        here["_last"] = index
                    here["sections"][-1]["tasks"].append(t)
                used += 1
    for chapters in groups:
        for c in chapters:
            del c["_last"]
    return chapter_group_pages(page, groups)


def chapter_group_pages(page, groups: list[list[dict]]) -> list:
    """One page (X.html) per group of chapter blocks: X.html, X-2.html, … each with a 分页 navigation
    labelled by its chapters (第2页（四至七章）); one group gives back the page itself."""
    from .pages import Page

    if len(groups) == 1:
        return [page]
    stem = page.path.removesuffix(".html")
    hrefs = [page.path] + [f"{stem}-{k}.html" for k in range(2, len(groups) + 1)]
    labels = []
    for k, chapters in enumerate(groups, 1):
        first, last = chapters[0]["numeral"], chapters[-1]["numeral"]
        labels.append(f"第{k}页（{first}{'至' + last if last != first else ''}章）")
    # the task numbers each page holds (tasks.html; the targets pages hold rows): site.js forwards
    # an old tasks.html#task-N link with them, and the page says its range
    numbers = [
        [t["number"] for c in chapters for t in [*c.get("direct_tasks", []), *(x for s in c.get("sections", []) for x in s.get("tasks", []))]]
        for chapters in groups
    ]
    ctx = page.context
    return [
        Page(
            href,
            page.template,
            {
                **ctx,
                "chapters": chapters,
                "page_title": ctx["page_title"] + (f"（第{k}页）" if k > 1 else ""),
                "parts": parts_nav(hrefs, k, numbers if any(numbers) else None, labels=labels),
            },
        )
        for k, (href, chapters) in enumerate(zip(hrefs, groups, strict=True), 1)
    ]


def tasks_page_count(report: Report) -> int:
    """How many pages split_tasks_page() makes of tasks.html (the search page says it), by the same
    cuts: between sections, a longer block between tasks."""
    pages, used = 1, 0
    for c in report.chapters:
        for n in [len(c.direct_tasks)] + [len(s.tasks) for s in c.sections]:
            if used and used + n > TASKS_PAGE_TASKS:
                pages, used = pages + 1, 0
            while n:
                if used >= TASKS_PAGE_TASKS:
                    pages, used = pages + 1, 0
                take = min(n, TASKS_PAGE_TASKS - used)
                used, n = used + take, n - take
    return pages
