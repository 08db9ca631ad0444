"""Exports for the supervision office's own tools: CSV (Excel-ready), JSON, XLSX, one CSV per unit.

Everything lands in site/data/ and is byte-identical for the same input: rows in document order,
units in pinyin order, the workbook's dates taken from the report (never the clock), zip entries
with a fixed timestamp.
"""

from __future__ import annotations

import csv
import datetime as _dt
import json
import unicodedata
from collections.abc import Iterable, Iterator

from . import progress, targets, xlsx
from .model import KINDS, ROLES, Report, Task, cn_numeral
from .pages import chapter_path, unit_path

DATA = "data"
TASKS_CSV = f"{DATA}/tasks.csv"
TASKS_JSON = f"{DATA}/tasks.json"
MATRIX_CSV = f"{DATA}/matrix.csv"
TASKS_XLSX = f"{DATA}/tasks.xlsx"
LINKS = {"csv": TASKS_CSV, "json": TASKS_JSON, "matrix": MATRIX_CSV, "xlsx": TASKS_XLSX}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def unit_csv_path(unit) -> str:
    return f"{DATA}/units/{unit.slug}.csv"


def all_exports(report: Report, workbook: bool = True) -> dict[str, bytes]:
    """Every file of site/data/; workbook=False leaves out tasks.xlsx (site.py makes it in a worker)."""
    rows = task_rows(report)  # each task's row once, shared by every file that lists it
    records = _Records()  # and its CSV record once: tasks.csv and every unit's CSV that lists it
    task_csv = {n: records.of(row) for n, row in rows.items()}
    out = {
        TASKS_CSV: _csv_file(records.of_header(task_header(report)), [task_csv[t.number] for t in report.tasks]),
        TASKS_JSON: (_json_text(model_json(report)) + "\n").encode("utf-8"),
        MATRIX_CSV: _csv(*matrix_table(report)),
    }
    if workbook:
        out[TASKS_XLSX] = workbook_bytes(report, rows)
    header = records.of_header(["角色", "经由"] + task_header(report))
    ways = _Ways(lambda role, via: records.of([report.labels[role], via or ""])[:-2] + ",")
    for u in report.units:
        lines = [ways[a.role, a.via] + task_csv[a.task.number] for a in report.assignments[u.name]]
        out[unit_csv_path(u)] = _csv_file(header, lines)
    return out


class _Ways(dict):
    """(role, via) -> the first two fields of a unit CSV's record and their ",", made once."""

    def __init__(self, make):
        super().__init__()
        self.make = make

    def __missing__(self, key):
        self[key] = self.make(*key)
        return self[key]


# -- rows -------------------------------------------------------------------------------------------


def task_header(report: Report) -> list[str]:
    return [
        "编号", "章", "节", "任务", report.labels["lead"], report.labels["responsible"],
        "状态", "截止日期", "逾期", "最新进展日期", "最新进展",
    ]  # fmt: skip


def task_row(report: Report, t: Task, places: dict | None = None) -> list:
    """编号, 章, 节, 任务, lead, responsible, 状态, 截止日期, 逾期, 最新进展日期, 最新进展."""
    chapter, section = (places or task_places(report))[t.chapter, t.section or 0]
    latest = progress.latest_update(t)
    deadline = t.extra.get("deadline")
    return [
        t.number,
        chapter,
        section,
        t.text,
        "、".join(t.lead),
        "、".join(t.responsible) + ("等有关单位" if t.and_others else ""),
        # 未填报 only where the report follows progress, as on the pages (else the column stays empty)
        progress.status_of(t) if progress.tracked(report) else "",
        deadline or "",  # a date: a date cell in the workbook, YYYY-MM-DD in the CSV
        "是" if progress.is_overdue(t, report.extra.get("as_of")) else "",
        latest["date"] if latest else "",
        progress.note_text(latest["note"]) if latest else "",  # plain text: a spreadsheet shows no Markdown
    ]


def task_places(report: Report) -> dict[tuple[int, int], tuple[str, str]]:
    """(chapter, section or 0) -> the 章 and 节 cells of its tasks."""
    places = {}
    for c in report.chapters:
        chapter = f"{c.numeral}、{c.title}"
        places[c.number, 0] = (chapter, "")
        for s in c.sections:
            places[c.number, s.number] = (chapter, f"（{cn_numeral(s.number)}）{s.title}")
    return places


def task_rows(report: Report) -> dict[int, list]:
    """task number -> its row (task_row)."""
    places = task_places(report)
    return {t.number: task_row(report, t, places) for t in report.tasks}


def assignment_table(report: Report, rows: dict[int, list] | None = None) -> tuple[list[str], Iterator[list]]:
    """One row per (unit, task): the sheet to filter by unit. The rows are made as they are read."""
    rows = rows if rows is not None else task_rows(report)
    header = ["单位", "角色", "经由"] + task_header(report)
    body = (
        xlsx.Shared((u.name, report.labels[a.role], a.via or ""), rows[a.task.number])
        for u in report.sorted_units()
        for a in report.assignments[u.name]
    )
    return header, body


def matrix_table(report: Report) -> tuple[list[str], list[list]]:
    """Units × (chapter, role) counts: one pass over each unit's assignments, each counted straight
    into its cell of the row (a Counter of (role, chapter) keys, then a lookup per cell, took twice
    as long: 67 against 33 ms at 10k tasks and 3,000 units, in both the workbook and the CSV)."""
    header = ["单位", "类别"]
    for c in report.chapters:
        header += [f"{c.numeral}、{report.labels[role]}" for role in ROLES]
    header += [f"合计{report.labels['lead']}", f"合计{report.labels['responsible']}", "合计"]
    width, step = 2 + len(ROLES) * len(report.chapters), len(ROLES)
    column = {(role, c.number): 2 + step * i + j for i, c in enumerate(report.chapters) for j, role in enumerate(ROLES)}
    lead_at, responsible_at = 2 + ROLES.index("lead"), 2 + ROLES.index("responsible")
    rows = []
    for u in report.sorted_units():
        row = [0] * width
        for a in report.assignments[u.name]:
            row[column[a.role, a.task.chapter]] += 1
        row[0], row[1] = u.name, KINDS[u.kind]
        lead, resp = sum(row[lead_at::step]), sum(row[responsible_at::step])
        row += [lead, resp, lead + resp]
        rows.append(row)
    return header, rows


def model_json(report: Report) -> dict:
    """The whole model for other programs: report, units, chapters, sections, tasks with progress."""

    def task(t: Task) -> dict:
        updates = t.extra.get("updates") or []
        return {
            "number": t.number,
            "text": t.text,
            "href": f"{chapter_path(t.chapter)}#task-{t.number}",
            "lead": list(t.lead),
            "responsible": list(t.responsible),
            "and_others": t.and_others,
            "status": t.extra.get("status"),
            "deadline": t.extra["deadline"].isoformat() if t.extra.get("deadline") else None,
            "overdue": progress.is_overdue(t, report.extra.get("as_of")),
            "updates": [{"date": u["date"].isoformat(), "note": u["note"]} for u in updates],
            "quantities": [{"quantity": q.text, "measure": q.measure} for q in targets.find(t.text)],
        }

    as_of = report.extra.get("as_of")
    return {
        "report": {
            "title": report.title,
            "issuer": report.issuer,
            "year": report.year,
            "source": report.source,
            "as_of": as_of.isoformat() if as_of else None,
            "labels": report.labels,
            "statuses": list(progress.STATUSES),
        },
        "units": [
            {
                "name": u.name,
                "kind": u.kind,
                "aliases": list(u.aliases),
                "members": list(u.members),
                "slug": u.slug,
                "href": unit_path(u),
                "csv": unit_csv_path(u),
            }
            for u in report.units
        ],
        "chapters": [
            {
                "number": c.number,
                "title": c.title,
                "href": chapter_path(c.number),
                "tasks": [task(t) for t in c.direct_tasks],
                "sections": [
                    {"number": s.number, "title": s.title, "tasks": [task(t) for t in s.tasks]} for s in c.sections
                ],
            }
            for c in report.chapters
        ],
    }


# -- writers ----------------------------------------------------------------------------------------


def _json_text(v, depth: int = 0) -> str:
    """Indented outline (report, chapters, sections), each unit and task on one line of its own.

    json.dumps(indent=…) runs the pure-Python encoder (about 3 s at 100k tasks); the one-line
    pieces go through the C one, and a task per line still reads (and diffs) well."""
    pad, end = "\n" + " " * (depth + 1), "\n" + " " * depth
    if isinstance(v, dict) and v and "text" not in v and "slug" not in v:
        items = (_json_line(k) + ": " + _json_text(x, depth + 1) for k, x in v.items())
        return "{" + pad + ("," + pad).join(items) + end + "}"
    if isinstance(v, list) and v and isinstance(v[0], dict):
        return "[" + pad + ("," + pad).join(_json_text(x, depth + 1) for x in v) + end + "]"
    return _json_line(v)


_json_line = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(v, ensure_ascii=False), its encoder made once


class _Records(list):
    """CSV records, each made by csv.writer (UTF-8 with BOM and CRLF: what Excel needs to open Chinese
    text correctly by double-click). The C writer hands each row to write() at once, so a record is
    one item, ending with CRLF; records of rows of two or more values join into the row of them all."""

    write = list.append

    def __init__(self):
        super().__init__()
        self.writer = csv.writer(self, lineterminator="\r\n")

    def of(self, row: list) -> str:
        # text that Excel would run as a formula (=, +, -, @ first) gets a leading apostrophe
        return self.of_header(["'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v for v in row])

    def of_header(self, row: list) -> str:
        self.writer.writerow(row)
        return self.pop()


def _csv_file(header: str, records: list[str]) -> bytes:
    return ("\ufeff" + header + "".join(records)).encode("utf-8")


def _csv(header: list[str], rows: Iterable[list]) -> bytes:
    records = _Records()
    return _csv_file(records.of_header(header), [records.of(r) for r in rows])


WIDTHS = {"编号": 6, "章": 24, "节": 24, "任务": 70, "状态": 8, "截止日期": 12, "逾期": 6, "最新进展日期": 13,
          "最新进展": 40, "单位": 26, "角色": 10, "经由": 16, "类别": 10}  # fmt: skip


def workbook_sheets(report: Report, rows: dict[int, list] | None = None) -> list[xlsx.Sheet]:
    """The workbook's sheets: the tasks, one row per unit and task (to filter by unit), the matrix.
    Their rows are made as the writer reads them."""
    rows = rows if rows is not None else task_rows(report)
    tables = [
        ("任务", task_header(report), (rows[t.number] for t in report.tasks), len(report.tasks)),
        ("按单位", *assignment_table(report, rows), sum(len(a) for a in report.assignments.values())),
        ("矩阵", *matrix_table(report), len(report.units)),
    ]
    return [
        xlsx.Sheet(title, header, [WIDTHS.get(h, 12 if title == "矩阵" else 30) for h in header], body, count)
        for title, header, body, count in tables
    ]


def wrapped(text: str) -> bool:
    """Text wider than the narrowest text column (章 and 节: 24, about twelve Chinese characters, each
    two units wide) or of several lines wraps in its cell, aligned to the top of the row; a cell that
    fits its column is the same either way. (By count of characters, over 30, the chapter titles of
    16 to 22 characters were cut off by the next cell.)"""
    n = len(text)
    if n > 22 or "\n" in text:  # wider than 22 units whatever its characters
        return True
    if n <= 11:  # at most 22 units, even all Chinese
        return False
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text) > 22


def workbook_bytes(report: Report, rows: dict[int, list] | None = None) -> bytes:
    """tasks.xlsx through reportsite.xlsx (the bytes XlsxWriter writes, shared strings and all, at a
    fraction of the time). Same bytes for the same input: the dates come from the report, never the
    clock, and the zip entries have a fixed timestamp."""
    day = report.extra.get("as_of") or _dt.date(report.year, 1, 1)
    return xlsx.workbook(
        workbook_sheets(report, rows),
        title=report.title,
        author=report.issuer,
        created=_dt.datetime(day.year, day.month, day.day),
        wrap=wrapped,
    )
