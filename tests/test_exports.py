"""Exports read back (csv with BOM, json, the workbook with openpyxl) and compared with the model."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile

import openpyxl
import pytest
from util import FIXTURES, MINIMAL, run_cli, soup, write

from reportsite import exports, progress


def read_csv(path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens the Chinese text correctly
    assert b"\r\n" in data
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def expected_row(report, t) -> list[str]:
    latest = progress.latest_update(t)
    tracked = any(x.extra.get("status") or x.extra.get("deadline") or x.extra.get("updates") for x in report.tasks)
    return [
        str(t.number),
        "、".join(t.lead),
        "、".join(t.responsible) + ("等有关单位" if t.and_others else ""),
        progress.status_of(t) if tracked else "",
        t.extra["deadline"].isoformat() if t.extra.get("deadline") else "",
        "是" if progress.is_overdue(t, report.extra.get("as_of")) else "",
        latest["date"].isoformat() if latest else "",
        progress.note_text(latest["note"]) if latest else "",
    ]


def pick(row: list) -> list[str]:
    """number, lead, responsible, status, deadline, overdue, latest date, latest note (a workbook's
    date cell, read back as a datetime, as its day)."""
    return ["" if v is None else v.date().isoformat() if isinstance(v, dt.datetime) else str(v) for v in (row[0], *row[4:])]


def test_tasks_csv_matches_the_model(progress_site, progress_report):
    rows = read_csv(progress_site / "data" / "tasks.csv")
    assert rows[0] == ["编号", "章", "节", "任务", "牵头单位", "责任单位", "状态", "截止日期", "逾期", "最新进展日期", "最新进展"]
    assert [pick(r) for r in rows[1:]] == [expected_row(progress_report, t) for t in progress_report.tasks]
    by_number = {r[0]: r for r in rows[1:]}
    assert by_number["2"][1:4] == ["二、保持经济平稳运行", "（一）强力推进十大工程", "开工建设人民医院东院区项目,拟设置2000余张床位。"]
    assert by_number["2"][6:10] == ["滞后", "2021-05-31", "是", "2021-06-20"]
    assert by_number["3"][5] == "各街道办事处等有关单位" and by_number["3"][8] == ""
    assert by_number["5"][2] == "（二）加快新型基础设施建设" and by_number["5"][6] == "未填报"
    # the note as plain text: a link's text, with its address when it leads to another site
    assert by_number["1"][10] == (
        "上半年增长7.9%，详见统计公报（https://example.gov.cn/stats）和本市说明。\n"
        '<script>alert("x")</script> <b>加粗</b>\n[危险链接](javascript:alert(1))'
    )


def test_seed_tasks_csv(seed_site, seed_report):
    rows = read_csv(seed_site / "data" / "tasks.csv")
    assert len(rows) == 1 + 143
    assert [pick(r) for r in rows[1:]] == [expected_row(seed_report, t) for t in seed_report.tasks]
    # the real report tracks no progress: no 未填报 on every row (the pages show none either)
    assert {r[6] for r in rows[1:]} == {""} and {r[7] for r in rows[1:]} == {""}
    assert [r[3] for r in rows[1:]] == [t.text for t in seed_report.tasks]


def test_tasks_json_is_the_whole_model(progress_site, progress_report):
    data = json.loads((progress_site / "data" / "tasks.json").read_text(encoding="utf-8"))
    r = progress_report
    assert data["report"]["as_of"] == "2021-06-30" and data["report"]["issuer"] == "测试市人民政府"
    assert data["report"]["statuses"] == ["未启动", "推进中", "已完成", "滞后"]
    assert [u["name"] for u in data["units"]] == [u.name for u in r.units]
    assert data["units"][3]["members"] == ["济水街道办事处", "沁园街道办事处"]
    tasks = [t for c in data["chapters"] for t in c["tasks"] + [x for s in c["sections"] for x in s["tasks"]]]
    assert [t["number"] for t in tasks] == [t.number for t in r.tasks]
    for got, t in zip(tasks, r.tasks):
        assert (got["text"], got["lead"], got["responsible"]) == (t.text, list(t.lead), list(t.responsible))
        assert got["status"] == t.extra.get("status")
        assert got["updates"] == [{"date": u["date"].isoformat(), "note": u["note"]} for u in t.extra.get("updates", [])]
    assert tasks[1]["overdue"] is True and tasks[1]["deadline"] == "2021-05-31"
    assert tasks[2]["quantities"] == [{"quantity": "6栋638套", "measure": "建设富士花园二期公租房6栋638套"}]
    assert tasks[4]["status"] is None and tasks[4]["deadline"] is None
    lines = (progress_site / "data" / "tasks.json").read_text(encoding="utf-8").splitlines()
    task_lines = [json.loads(x.strip().rstrip(",")) for x in lines if x.lstrip().startswith('{"number": ')]
    assert [t["number"] for t in task_lines] == [1, 2, 3, 4, 5]  # one line a task, the outline indented
    assert lines[:3] == ["{", ' "report": {', '  "title": "2021年政府工作报告重点工作责任单位",']


def test_matrix_csv_matches_the_counts(seed_site, seed_report):
    rows = read_csv(seed_site / "data" / "matrix.csv")
    assert rows[0][:4] == ["单位", "类别", "一、牵头单位", "一、责任单位"] and rows[0][-1] == "合计"
    assert [r[0] for r in rows[1:]] == [u.name for u in seed_report.sorted_units()]
    for r in rows[1:]:
        counts = [int(x) for x in r[2:]]
        per_chapter = [seed_report.count(r[0], role, c.number) for c in seed_report.chapters for role in ("lead", "responsible")]
        lead, resp = seed_report.count(r[0], "lead"), seed_report.count(r[0], "responsible")
        assert counts == per_chapter + [lead, resp, lead + resp], r[0]


def test_unit_csvs(progress_site, progress_report, seed_site, seed_report):
    rows = read_csv(progress_site / "data" / "units" / f"{progress_report.unit_by_name['济水街道办事处'].slug}.csv")
    assert rows[0][:3] == ["角色", "经由", "编号"]
    assert [(r[0], r[1], r[2], r[8]) for r in rows[1:]] == [
        ("责任单位", "各街道办事处", "3", "已完成"),
        ("责任单位", "", "5", "未填报"),
    ]
    for u in seed_report.units:
        unit_rows = read_csv(seed_site / "data" / "units" / f"{u.slug}.csv")[1:]
        assert [int(r[2]) for r in unit_rows] == [a.task.number for a in seed_report.assignments[u.name]], u.name
        link = soup(seed_site / "units" / f"{u.slug}.html").select_one("a.csv-link")["href"]
        assert (seed_site / "units" / link).resolve() == (seed_site / "data" / "units" / f"{u.slug}.csv").resolve()


def test_workbook(progress_site, progress_report):
    wb = openpyxl.load_workbook(progress_site / "data" / "tasks.xlsx")
    assert wb.sheetnames == ["任务", "按单位", "矩阵"]
    ws = wb["任务"]
    assert ws.freeze_panes == "B2" and ws.auto_filter.ref == "A1:K6"
    assert int(ws.column_dimensions["D"].width) == 70 and ws["A1"].font.b  # 70.71: Excel's 70 plus cell padding
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert [pick(r) for r in rows[1:]] == [expected_row(progress_report, t) for t in progress_report.tasks]
    by_unit = wb["按单位"]
    assert by_unit.freeze_panes == "B2" and by_unit.auto_filter.ref.startswith("A1:")
    pairs = [(r[0], r[3]) for r in by_unit.iter_rows(min_row=2, values_only=True)]
    for u in progress_report.units:  # filtering the unit column gives the unit's tasks
        assert [n for name, n in pairs if name == u.name] == [a.task.number for a in progress_report.assignments[u.name]]
    m = wb["矩阵"]
    assert m["A1"].value == "单位" and m.max_row == 1 + len(progress_report.units)
    assert m.freeze_panes == "B2"  # the unit names stay in view across the chapters' columns
    # dates are date cells (Excel's date filters work), shown as the CSV writes them
    deadline, updated = ws["H3"], ws["J3"]  # task 2: 截止日期, 最新进展日期
    assert (deadline.value, updated.value) == (dt.datetime(2021, 5, 31), dt.datetime(2021, 6, 20))
    assert deadline.is_date and deadline.number_format == "yyyy-mm-dd" and updated.number_format == "yyyy-mm-dd"
    props = wb.properties
    assert props.created.date().isoformat() == props.modified.date().isoformat() == "2021-06-30"


def test_workbook_dates_come_from_the_report(seed_report):
    """(Same bytes on every run: tests/test_xlsx.py.)"""
    with zipfile.ZipFile(io.BytesIO(exports.workbook_bytes(seed_report))) as z:
        core = z.read("docProps/core.xml").decode()
    created = '<dcterms:created xsi:type="dcterms:W3CDTF">2021-01-01T00:00:00Z</dcterms:created>'
    assert created in core  # no as_of in the seed: 1 January of the report's year


def test_seed_workbook_rows(seed_site, seed_report):
    wb = openpyxl.load_workbook(seed_site / "data" / "tasks.xlsx")
    assert wb["任务"].max_row == 144 and wb["任务"].auto_filter.ref == "A1:K144"
    assert [r[3] for r in wb["任务"].iter_rows(min_row=2, values_only=True)] == [t.text for t in seed_report.tasks]
    assert wb["按单位"].max_row == 1 + sum(len(a) for a in seed_report.assignments.values())


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    yaml = MINIMAL.replace("text: 第一项任务。", "text: 第一项任务。\n        status: 推进中\n        updates: [{date: 2021-05-01, note: '=1+1'}]")
    content = write(tmp_path, yaml)
    out = tmp_path / "site"
    assert run_cli("--content", str(content), "--out", str(out), "-q")[0] == 0
    assert read_csv(out / "data" / "tasks.csv")[1][10] == "'=1+1"
    cell = openpyxl.load_workbook(out / "data" / "tasks.xlsx")["任务"]["K2"]
    assert cell.value == "=1+1" and cell.data_type == "s"


@pytest.mark.parametrize("page", ["index.html", "matrix.html"])
def test_exports_are_linked(seed_site, page):
    doc = soup(seed_site / page)
    hrefs = {a["href"] for a in doc.find_all("a", href=True) if a["href"].startswith("data/")}
    assert {"data/tasks.xlsx", "data/matrix.csv"} <= hrefs
    if page == "index.html":
        assert {"data/tasks.csv", "data/tasks.json"} <= hrefs
    for h in hrefs:
        assert (seed_site / h).is_file(), h


def test_csv_files_are_csv_writer_rows(tmp_path):
    """tasks.csv and the unit CSVs join records made once per task; they are the bytes csv.writer
    gives row by row (header as is, text that starts like a formula with an apostrophe), here with
    labels that start like formulas and hold a comma and quotes."""
    import shutil

    from reportsite.loader import load

    shutil.copytree(FIXTURES / "progress", tmp_path / "progress")
    path = tmp_path / "progress" / "tasks.yaml"
    text = path.read_text(encoding="utf-8").replace("lead: 牵头单位", "lead: '=牵头'")
    path.write_text(text.replace("responsible: 责任单位", "responsible: '-责任, \"单位\"'"), encoding="utf-8")
    report, _ = load(str(path))
    out = exports.all_exports(report, workbook=False)

    def rows_csv(header, rows) -> bytes:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(header)
        w.writerows([["'" + v if isinstance(v, str) and v[:1] in "=+-@\t\r" and v else v for v in r] for r in rows])
        return ("\ufeff" + buf.getvalue()).encode("utf-8")

    header = exports.task_header(report)
    assert header[4:6] == ["=牵头", '-责任, "单位"']
    rows = exports.task_rows(report)
    assert out["data/tasks.csv"] == rows_csv(header, [rows[t.number] for t in report.tasks])
    first = out["data/tasks.csv"].split(b"\r\n")[0].decode()
    assert first.endswith('=牵头,"-责任, ""单位""",状态,截止日期,逾期,最新进展日期,最新进展')  # a header as is
    for u in report.units:
        body = [[report.labels[a.role], a.via or ""] + rows[a.task.number] for a in report.assignments[u.name]]
        assert out[exports.unit_csv_path(u)] == rows_csv(["角色", "经由", *header], body), u.name
    line = '\r\n"\'-责任, ""单位""",各街道办事处,3,'.encode()
    assert line in out[exports.unit_csv_path(report.unit_by_name["济水街道办事处"])]


def test_workbook_wraps_text_wider_than_its_narrowest_column(seed_report):
    """By display width (a Chinese character is two units), not by count: the seed's chapter titles
    (16 to 22 characters, 32 to 44 units) were cut off in the 24-unit 章 column."""
    from reportsite.exports import task_places, wrapped

    titles = {chapter for chapter, _ in task_places(seed_report).values()}
    assert len(titles) == 8 and all(wrapped(t) for t in titles)
    assert wrapped("城投建设发展有限公司、玉泉街道办事处") and wrapped("第一行\n第二行")
    assert not wrapped("牵头单位") and not wrapped("各街道办事处") and not wrapped("2021-06-30")
    assert not wrapped("a" * 22) and wrapped("a" * 23) and wrapped("住房和城乡建设局a") is False
    assert wrapped("住房和城乡建设局局长办公") is True  # 12 characters, 24 units
