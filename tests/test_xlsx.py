"""reportsite.xlsx against its oracle: every XML part of the workbook is the bytes XlsxWriter writes
(shared strings, its default; the options tasks.xlsx used with it) for the seed, the progress
fixture, a hostile report and hostile sheets; the zip is well formed and the same bytes on every run."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
import sys
import textwrap
import zipfile

import openpyxl
import pytest
from util import MINIMAL, ROOT, SEED

from reportsite import exports, xlsx
from reportsite.loader import load

CREATED = dt.datetime(2021, 6, 30)


def xlsxwriter_bytes(sheets: list[xlsx.Sheet], title: str, author: str, created: dt.datetime, wrap) -> bytes:
    """The oracle: the same sheets through XlsxWriter (its default: shared strings), as
    exports.workbook_bytes wrote them before reportsite.xlsx."""
    import xlsxwriter

    raw = io.BytesIO()
    options = {
        "constant_memory": False,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    wb = xlsxwriter.Workbook(raw, options)
    bold = wb.add_format({"bold": True})
    wrapped = wb.add_format({"text_wrap": True, "valign": "top"})
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    for s in sheets:
        ws = wb.add_worksheet(s.name)
        for j, w in enumerate(s.widths):
            ws.set_column(j, j, w)
        ws.freeze_panes(1, 1)
        ws.autofilter(0, 0, s.count, len(s.header) - 1)
        ws.write_row(0, 0, s.header, bold)
        for i, r in enumerate(s.rows, 1):
            for j, v in enumerate([*r.own, *r.shared] if isinstance(r, xlsx.Shared) else r):
                if isinstance(v, str):
                    if v:
                        ws.write_string(i, j, v, wrapped if wrap(v) else None)
                elif isinstance(v, dt.date):
                    ws.write_datetime(i, j, v, date)
                elif v is not None:
                    ws.write_number(i, j, v)
    wb.set_properties({"title": title, "author": author, "created": created})
    wb.close()
    return raw.getvalue()


def parts(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        return [(i.filename, z.read(i)) for i in z.infolist()]


def assert_same_parts(ours: bytes, theirs: bytes) -> None:
    a, b = parts(ours), parts(theirs)
    assert [n for n, _ in a] == [n for n, _ in b]  # same parts in the same order
    for (name, x), (_, y) in zip(a, b, strict=True):
        at = next((i for i in range(min(len(x), len(y))) if x[i] != y[i]), min(len(x), len(y)))
        assert x == y, f"{name} differs from byte {at}: {x[at - 40 : at + 40]!r} / {y[at - 40 : at + 40]!r}"


def report_oracle(report) -> bytes:
    day = report.extra.get("as_of") or dt.date(report.year, 1, 1)
    created = dt.datetime(day.year, day.month, day.day)
    return xlsxwriter_bytes(exports.workbook_sheets(report), report.title, report.issuer, created, exports.wrapped)


def hostile_report(tmp_path):
    base = textwrap.dedent(MINIMAL).lstrip("\n")
    long_note = "长" * 39_990 + "😀" * 10  # 40,000 characters, 40,010 UTF-16 units: cut at 32,767
    text = '"=第一\\x01项\\x1f任务_x0041_ \\uFFFE\\uFFFF <&>\\"\' 😀\\n第二行"'
    yaml = (
        base.replace("title: 测试报告", 'title: "测试<&>\\"\'报告\\x02"')
        .replace("issuer: 测试市人民政府", 'issuer: "测试&市\\x1b人民政府"')
        .replace(
            "text: 第一项任务。",
            f"text: {text}\n        status: 推进中\n"
            f'        updates: [{{date: 2021-05-01, note: "+1"}}, {{date: 2021-05-02, note: "{long_note}"}}]',
        )
        + "      - number: 2\n        text: '@二'\n        lead: [住建局]\n        responsible: []\n"
        "      - number: 3\n        text: '-3'\n        lead: [住建局]\n        responsible: []\n"
        '        status: 推进中\n        updates: [{date: 2021-05-01, note: "回\\r车\\x00"}]\n'
    )
    path = tmp_path / "tasks.yaml"
    path.write_text(yaml, encoding="utf-8")
    report, _ = load(str(path))
    assert report.tasks[0].text.startswith("=第一\x01项") and len(report.tasks[0].extra["updates"][1]["note"]) == 40_000
    return report


HOSTILE_VALUES = [
    "".join(chr(c) for c in range(32)),  # every C0 control character (tab and line feed are kept)
    "_x0041_ and _X0041_ and _x004g_",  # text that looks like Excel's escape
    "<&>\"'",
    "=1+1", "+1", "-1", "@SUM(A1)", "\t=tab", "\r=cr",
    "x" * 40_000,  # cut at 32,767
    "长" * 32_766 + "😀",  # 32,768 units: the emoji is not split, it goes
    "😀" * 20_000,
    "  leading", "trailing  ", " both ", "\u3000全角空格", "尾\u3000", "\nnewline first", "last\n", "a\nb",
    "😀 🇨🇳 𠀀 astral", "\ufffe\uffff", "\x85next line\xa0",
    "", None, 0, -7, 2**53 + 1, 10**17, -(10**20), True,
    "a" * 30, "a" * 31, "<r>no rich text here</r>x",
]  # fmt: skip


def hostile_sheets() -> list[xlsx.Sheet]:
    width = 6
    rows = [HOSTILE_VALUES[i : i + width] for i in range(0, len(HOSTILE_VALUES), width)]
    rows.insert(2, [None, "", None])  # a row with no value: no <row> element
    rows.append(["", None, "", "", "", "only the last"])
    task = ["=1", "", "长" * 31, None, 7]  # a shared run, at two columns, with empty values
    rows[-1:-1] = [xlsx.Shared(("甲",), task), xlsx.Shared(("乙",), task), xlsx.Shared(("", ""), [""])]
    rows.append(xlsx.Shared((), task))
    header = ["编号", "", "名 称", "<&>", "=公式", "x" * 40]
    return [
        xlsx.Sheet("任务&'名称", header, [6, 8.43, 0.5, 0, 255, 30], iter(rows), len(rows)),
        xlsx.Sheet("空", ["唯一"], [12], iter([]), 0),  # one column, no rows: A1 for the dimension
        xlsx.Sheet("数字", ["a", "b"], [12, 12], iter([[n, -n] for n in range(2500)]), 2500),  # several chunks
    ]


def test_seed_workbook_is_xlsxwriters(seed_report):
    assert_same_parts(exports.workbook_bytes(seed_report), report_oracle(seed_report))


def test_progress_workbook_is_xlsxwriters(progress_report):
    assert_same_parts(exports.workbook_bytes(progress_report), report_oracle(progress_report))


def test_hostile_report_workbook_is_xlsxwriters(tmp_path):
    report = hostile_report(tmp_path)
    ours = exports.workbook_bytes(report)
    assert_same_parts(ours, report_oracle(report))
    core = dict(parts(ours))["docProps/core.xml"].decode()
    assert "<dc:title>测试&lt;&amp;&gt;\"'报告_x0002_</dc:title>" in core
    sheet = dict(parts(ours))["xl/worksheets/sheet1.xml"].decode()
    strings = dict(parts(ours))["xl/sharedStrings.xml"].decode()
    escaped = "=第一_x0001_项_x001F_任务_x005F_x0041_ _xFFFE__xFFFF_ &lt;&amp;&gt;\"'"
    index = strings.split("<si>").index(next(si for si in strings.split("<si>") if si.startswith(f"<t>{escaped}"))) - 1
    assert f'<c r="D2" s="2" t="s"><v>{index}</v></c>' in sheet


@pytest.mark.parametrize("wrap", [exports.wrapped, lambda s: False])
def test_hostile_sheets_are_xlsxwriters(wrap):
    ours = xlsx.workbook(hostile_sheets(), title=" <t>\x07 ", author="a&b", created=CREATED, wrap=wrap)
    theirs = xlsxwriter_bytes(hostile_sheets(), " <t>\x07 ", "a&b", CREATED, wrap)
    assert_same_parts(ours, theirs)
    styles = dict(parts(ours))["xl/styles.xml"].decode()
    assert ('<cellXfs count="3">' in styles) == (wrap is exports.wrapped)  # the wrap format only when used


def test_rich_text_lookalike_is_escaped():
    """XlsxWriter writes a string that starts with <r> and ends with </r> unescaped, as rich text
    (a broken file for plain text); here it is text like any other: the one difference."""
    s = xlsx.Sheet("表", ["h"], [10], [["<r>x</r>"]], 1)
    data = dict(parts(xlsx.workbook([s], title="t", author="a", created=CREATED)))
    assert '<c r="A2" t="s"><v>1</v></c>' in data["xl/worksheets/sheet1.xml"].decode()
    assert "<si><t>h</t></si><si><t>&lt;r&gt;x&lt;/r&gt;</t></si></sst>" in data["xl/sharedStrings.xml"].decode()


def excel_texts(data: bytes) -> dict[str, str]:
    """openpyxl's value of each shared string -> the text Excel shows: its _xHHHH_ escapes decoded
    in one pass (openpyxl only drops "x005F_" from them)."""
    import xml.etree.ElementTree as ET

    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    root = ET.fromstring(dict(parts(data))["xl/sharedStrings.xml"])
    raw = ["".join(t.text or "" for t in si.iter(ns + "t")) for si in root.iter(ns + "si")]
    texts = {t.replace("x005F_", ""): re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m[1], 16)), t) for t in raw}
    assert len(texts) == len(raw)  # no two read the same in openpyxl
    return texts


def test_hostile_sheets_read_back():
    data = xlsx.workbook(hostile_sheets(), title="t", author="a", created=CREATED, wrap=exports.wrapped)
    excel = excel_texts(data)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["任务&'名称", "空", "数字"]
    ws = wb["任务&'名称"]
    assert ws.freeze_panes == "B2" and ws.auto_filter.ref == "A1:F13" and ws.max_row == 13
    assert [c.value for c in ws[1]] == ["编号", None, "名 称", "<&>", "=公式", "x" * 40] and ws["A1"].font.b
    got = [excel[v] if isinstance(v, str) else v for r in ws.iter_rows(min_row=2, values_only=True) for v in r]
    expected = [v if v != "" else None for v in HOSTILE_VALUES]
    expected = [v[:32_767] if isinstance(v, str) and v.isascii() else v for v in expected]
    expected = [float(f"{v:.16G}") if isinstance(v, int) else v for v in expected]  # 2**53 + 1 is a float there
    expected[expected.index("长" * 32_766 + "😀")] = "长" * 32_766
    expected[expected.index("😀" * 20_000)] = "😀" * 16_383
    shared = ["=1", "长" * 31, 7]
    tail = ["甲", *shared, "乙", *shared, "only the last", *shared]
    assert [v for v in got if v is not None] == [v for v in expected if v is not None] + tail
    assert ws["D2"].value == "=1+1" and ws["D2"].data_type == "s"  # text, not a formula
    assert ws["D3"].alignment.wrap_text and ws["D3"].alignment.vertical == "top"  # the 32,767 x
    assert wb["空"].max_row == 1 and wb["数字"]["B2501"].value == -2499
    assert wb.properties.created == CREATED


def test_zip_is_deterministic(seed_report, monkeypatch):
    import time

    first = exports.workbook_bytes(seed_report)
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 86400 * 400)
    assert exports.workbook_bytes(seed_report) == first
    code = "import sys; from reportsite import exports; from reportsite.loader import load; " \
           f"sys.stdout.buffer.write(exports.workbook_bytes(load({str(SEED)!r})[0]))"  # fmt: skip
    env = dict(os.environ, PYTHONHASHSEED="12345")
    other = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, check=True).stdout
    assert other == first  # another process, another hash seed: same bytes
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        infos = z.infolist()
        assert [i.filename for i in infos][:4] == ["[Content_Types].xml", "_rels/.rels", "xl/_rels/workbook.xml.rels",
                                                  "xl/worksheets/sheet1.xml"]  # fmt: skip
        assert {(i.date_time, i.compress_type, i.external_attr >> 16) for i in infos} == {
            ((1980, 1, 1, 0, 0, 0), zipfile.ZIP_DEFLATED, 0o100644)
        }


def test_preserve_test_is_the_regex_one():
    """xml:space="preserve" goes on text that XlsxWriter's ^\\s or \\s$ matches; str.isspace() is that test."""
    space = re.compile(r"\s")
    assert [c for c in map(chr, range(0x110000)) if bool(space.match(c)) != c.isspace()] == []


def test_mistakes_are_reported():
    def sheet(**kw):
        args = {"name": "表", "header": ["a", "b"], "widths": [1, 1], "rows": [[1, 2]], "count": 1} | kw
        return xlsx.Sheet(**args)

    def make(*sheets):
        return xlsx.workbook(list(sheets), title="t", author="a", created=CREATED)

    with pytest.raises(ValueError, match="sheet 表: 1 rows, 2 announced"):
        make(sheet(count=2))
    with pytest.raises(ValueError, match="sheet 表: row 2 has 3 values for 2 columns"):
        make(sheet(rows=[[1, 2, 3]]))
    with pytest.raises(ValueError, match="sheet 表: the last row has no value"):
        make(sheet(rows=[[1, 2], ["", None]], count=2))
    with pytest.raises(ValueError, match="text in the rows but not in any header"):
        make(sheet(header=["", ""], rows=[[1, "x"]]))
    with pytest.raises(ValueError, match="sheet 表: 1 widths for 2 columns"):
        make(sheet(widths=[1]))
    with pytest.raises(ValueError, match="not a sheet name for Excel: 'a/b'"):
        make(sheet(name="a/b"))
    with pytest.raises(ValueError, match="two sheets named 'Ab'"):
        make(sheet(name="ab"), sheet(name="Ab"))
    with pytest.raises(ValueError, match="1,048,577 rows, more than Excel's 1,048,576"):
        make(sheet(count=1_048_576))
    with pytest.raises(TypeError, match="a cell holds str, int or date, not datetime"):
        make(sheet(rows=[[dt.datetime(2021, 1, 1), 2]]))  # a date cell is a day, never a time
    with pytest.raises(TypeError, match="a cell holds str, int or date, not float"):
        make(sheet(rows=[[1.5, 2]]))
