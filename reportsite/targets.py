"""Quantified targets: the numbers with a measure in the task texts (8%, 2.9万亩, 300亿元, 6栋638套 …).

A quantity is Arabic digits followed by a unit of measure, with its qualifiers (余, 以上, 左右 …).
Years (2021年), ages (60岁), durations (30年), names (5G, “5163”工程, “1+N”) and Chinese numerals
(三纵三横一环, 六大产业) are not quantities: they have no unit from the list, or sit inside quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# longest first, so that 平方米 wins over 米 and 人次 over 人
UNITS = sorted(
    """% ％ 个百分点 立方米 平方米 平方公里 公里 公顷 公斤 千瓦 米 吨 亩 元 张 名 人次 人 户 个 条 栋 套 座 场（次） 场(次) 场
    所 家 辆 台 处 项 间 株 棵 头 只 批 次 期""".split(),
    key=len,
    reverse=True,
)
_NUMBER = r"\d+(?:\.\d+)?(?:万|亿|万亿)?(?:余|多)?"
_ONE = _NUMBER + "(?:" + "|".join(re.escape(u) for u in UNITS) + r")(?:以上|以下|以内|左右|余)?"
# adjacent ones are one quantity: 6栋638套. Written to start with a digit (the first quantity's
# first digit, then a look back at the character before it), so that the search skips from digit to
# digit instead of trying the pattern at every character: twice as fast, the same matches.
assert _ONE.startswith(r"\d+")
QUANTITY = re.compile(r"\d(?<![0-9A-Za-z.+\-第]\d)\d*" + _ONE[len(r"\d+") :] + "(?:" + _ONE + ")*")
_NOT_AFTER = re.compile(r"^[A-Za-z0-9]")  # 5G, 4K: a name, not a measure
_QUOTES = {"“": "”", "《": "》", "「": "」", '"': '"'}
_CLAUSE_END = "，,。；;：:、！？"


@dataclass(frozen=True)
class Quantity:
    text: str  # as written, e.g. 2000余张
    start: int
    end: int
    measure: str  # the clause it belongs to, e.g. 拟设置2000余张床位


_QUOTE_MARKS = re.compile("[" + re.escape("".join(sorted(set(_QUOTES) | set(_QUOTES.values())))) + "]")


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each quoted stretch: an opening mark up to its closing one (the regular
    expression visits only the quote marks, not every character)."""
    spans, opener, start = [], None, 0
    for m in _QUOTE_MARKS.finditer(text):
        ch, i = m.group(), m.start()
        if opener is None and ch in _QUOTES:
            opener, start = ch, i
        elif opener is not None and ch == _QUOTES[opener] and i != start:
            spans.append((start, i + 1))
            opener = None
    return spans


@lru_cache(maxsize=1 << 17)  # every text of a 100k report: pages, targets and tasks.json all ask
def find(text: str) -> tuple[Quantity, ...]:
    """The quantities of one task text, in order (cached: every page that shows the task asks)."""
    quoted = _quoted_spans(text)
    out = []
    for m in QUANTITY.finditer(text):
        if any(a <= m.start() < b for a, b in quoted) or _NOT_AFTER.match(text[m.end() :]):
            continue
        out.append(Quantity(m.group(0), m.start(), m.end(), _clause(text, m.start(), m.end())))
    return tuple(out)


def _clause(text: str, start: int, end: int) -> str:
    a = max(text.rfind(ch, 0, start) for ch in _CLAUSE_END) + 1
    ends = [i for i in (text.find(ch, end) for ch in _CLAUSE_END) if i != -1]
    return text[a : min(ends) if ends else len(text)].strip()


@lru_cache(maxsize=1 << 17)
def segments(text: str) -> tuple[tuple[str, bool], ...]:
    """The text cut into (piece, is_quantity) for highlighting; templates escape every piece."""
    out, pos = [], 0
    for q in find(text):
        if q.start > pos:
            out.append((text[pos : q.start], False))
        out.append((q.text, True))
        pos = q.end
    if pos < len(text):
        out.append((text[pos:], False))
    return tuple(out)


def targets_page(report, sc=None):
    """targets.html: every quantity, grouped by chapter, with its measure, task and units (one page;
    sc: the SiteContext of the other top-level pages, sharing their task views)."""
    from .pages import Page, SiteContext, chapter_path

    sc = sc or SiteContext(report)
    chapters, total, tasks = [], 0, 0
    for c in report.chapters:
        rows = []
        for t in c.tasks:
            found = find(t.text)
            if not found:
                continue
            tasks += 1
            view = sc.task_view(t)
            task = {"number": t.number, "href": view["href"]}
            for q in found:
                rows.append(
                    {
                        "quantity": q.text,
                        "measure": _highlight(q.measure, q.text),
                        "task": task,
                        "lead": view["lead"],
                        "responsible": view["responsible"],
                        "and_others": t.and_others,
                    }
                )
        total += len(rows)
        if rows:
            head = {"number": c.number, "numeral": c.numeral, "title": c.title, "href": chapter_path(c.number)}
            chapters.append({**head, "rows": rows, "continued": False})
    ctx = {**sc.common(), "page_title": "量化目标", "chapters": chapters, "count": total, "task_count": tasks}
    return Page("targets.html", "targets.html", ctx)


def targets_pages(report, sc=None) -> list:
    """targets.html, cut for a big report into targets.html, targets-2.html, … of at most
    paging.TARGETS_PAGE_ROWS rows each: between chapters, a longer chapter between rows (its
    heading repeated, marked 续). A real report keeps its one page at the same address."""
    from . import paging

    page = targets_page(report, sc)
    limit = paging.TARGETS_PAGE_ROWS
    groups: list[list[dict]] = [[]]
    used = 0
    for c in page.context["chapters"]:
        rows = c["rows"]
        if used and used + len(rows) > limit:
            groups.append([])
            used = 0
        first = True
        while rows:
            if used >= limit:
                groups.append([])
                used = 0
            take = rows[: limit - used]
            groups[-1].append({**c, "rows": take, "continued": not first})
            used += len(take)
            rows = rows[len(take) :]
            first = False
    return paging.chapter_group_pages(page, groups)


def _highlight(measure: str, quantity: str) -> list[tuple[str, bool]]:
    before, _, after = measure.partition(quantity)
    return [x for x in ((before, False), (quantity, True), (after, False)) if x[0]]
