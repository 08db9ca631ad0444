"""Exports for the supervision office's own tools: CSV (Excel-ready), JSON, XLSX, one CSV per unit.

Everything lands in site/data/ and is byte-identical for the same input: rows in document order,
units in pinyin order, the workbook's dates taken from the report (never the clock), zip entries
with a fixed timestamp.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import zipfile

from . import progress, targets
from .model import KINDS, ROLES, Report, Task
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


def all_exports(report: Report) -> dict[str, bytes]:
    out = {
        TASKS_CSV: _csv(task_header(report), [task_row(report, t) for t in report.tasks]),
        TASKS_JSON: (json.dumps(model_json(report), ensure_ascii=False, indent=1) + "\n").encode("utf-8"),
        MATRIX_CSV: _csv(*matrix_table(report)),
        TASKS_XLSX: workbook_bytes(report),
    }
    for u in report.units:
        out[unit_csv_path(u)] = _csv(*unit_table(report, u.name))
    return out


# -- rows -------------------------------------------------------------------------------------------


def task_header(report: Report) -> list[str]:
    return [
        "编号", "章", "节", "任务", report.labels["lead"], report.labels["responsible"],
        "状态", "截止日期", "逾期", "最新进展日期", "最新进展",
    ]  # fmt: skip


def task_row(report: Report, t: Task) -> list:
    ch = report.chapters[t.chapter - 1]
    sec = ch.sections[t.section - 1] if t.section else None
    latest = progress.latest_update(t)
    deadline = t.extra.get("deadline")
    return [
        t.number,
        f"{ch.numeral}、{ch.title}",
        f"（{_numeral(sec.number)}）{sec.title}" if sec else "",
        t.text,
        "、".join(t.lead),
        "、".join(t.responsible) + ("等有关单位" if t.and_others else ""),
        progress.status_of(t),
        deadline.isoformat() if deadline else "",
        "是" if progress.is_overdue(t, report.extra.get("as_of")) else "",
        latest["date"].isoformat() if latest else "",
        latest["note"] if latest else "",
    ]


def _numeral(n: int) -> str:
    from .model import cn_numeral

    return cn_numeral(n)


def assignment_table(report: Report) -> tuple[list[str], list[list]]:
    """One row per (unit, task): the sheet to filter by unit."""
    header = ["单位", "角色", "经由"] + task_header(report)
    rows = []
    for u in report.sorted_units():
        for a in report.assignments[u.name]:
            rows.append([u.name, report.labels[a.role], a.via or ""] + task_row(report, a.task))
    return header, rows


def unit_table(report: Report, name: str) -> tuple[list[str], list[list]]:
    header = ["角色", "经由"] + task_header(report)
    rows = [[report.labels[a.role], a.via or ""] + task_row(report, a.task) for a in report.assignments[name]]
    return header, rows


def matrix_table(report: Report) -> tuple[list[str], list[list]]:
    header = ["单位", "类别"]
    for c in report.chapters:
        header += [f"{c.numeral}、{report.labels[role]}" for role in ROLES]
    header += [f"合计{report.labels['lead']}", f"合计{report.labels['responsible']}", "合计"]
    rows = []
    for u in report.sorted_units():
        row = [u.name, KINDS[u.kind]]
        for c in report.chapters:
            row += [report.count(u.name, role, c.number) for role in ROLES]
        lead, resp = report.count(u.name, "lead"), report.count(u.name, "responsible")
        rows.append(row + [lead, resp, lead + resp])
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


def _cell(v):
    """Text that Excel would run as a formula (=, +, -, @ first) gets a leading apostrophe."""
    if isinstance(v, str) and v.startswith(_FORMULA_START):
        return "'" + v
    return v


def _csv(header: list[str], rows: list[list]) -> bytes:
    """UTF-8 with BOM and CRLF: what Excel needs to open Chinese text correctly by double-click."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    for r in rows:
        w.writerow([_cell(v) for v in r])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


WIDTHS = {"编号": 6, "章": 24, "节": 24, "任务": 70, "状态": 8, "截止日期": 12, "逾期": 6, "最新进展日期": 13,
          "最新进展": 40, "单位": 26, "角色": 10, "经由": 16, "类别": 10}  # fmt: skip


def workbook_bytes(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook()
    wrap = Alignment(wrap_text=True, vertical="top")
    sheets = [
        ("任务", task_header(report), [task_row(report, t) for t in report.tasks]),
        ("按单位", *assignment_table(report)),
        ("矩阵", *matrix_table(report)),
    ]
    for i, (title, header, rows) in enumerate(sheets):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = title
        ws.append(header)
        for i, r in enumerate(rows, 2):
            for j, v in enumerate(r, 1):
                cell = ws.cell(row=i, column=j, value=v)  # cell by cell: ws[ws.max_row] rescans the sheet
                if isinstance(v, str):
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                    if "\n" in v or len(v) > 30:
                        cell.alignment = wrap
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
        for j, name in enumerate(header, 1):
            ws.column_dimensions[get_column_letter(j)].width = WIDTHS.get(name, 12 if title == "矩阵" else 30)
    day = report.extra.get("as_of") or _dt.date(report.year, 1, 1)
    fixed = _dt.datetime(day.year, day.month, day.day)
    wb.properties.created = wb.properties.modified = fixed
    wb.properties.creator = report.issuer
    wb.properties.title = report.title
    raw = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)).save()  # not save_workbook: it stamps now()
    return _fixed_zip(raw.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """The same archive with every entry dated 1980-01-01: zipfile stamps the current time otherwise."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
