"""tasks.xlsx without a spreadsheet library: a small streaming writer for the one kind of workbook
the exports need.

Each sheet has a bold header row, frozen; an autofilter over the table; column widths; then rows
of strings and numbers. Strings are shared (each distinct text once in xl/sharedStrings.xml, a cell
holds its index), as XlsxWriter writes them by default and Excel itself does, and the XML of every
part is the bytes XlsxWriter writes for the same calls (tests/test_xlsx.py holds it to that,
XlsxWriter being a test dependency only): the same escapes of & < > and of control characters
(_xHHHH_), xml:space="preserve" on text with a space at either end, text cut at Excel's 32,767
UTF-16 units, text that starts with = + - @ kept as text, rows' spans by blocks of 16 rows. A task's
text comes back on the 按单位 sheet once per unit of the task: shared, the 10k-task workbook's XML is
15 MB instead of 31 MB with inline strings (<is><t>…</t></is>, as before), its zlib time half and
the file 1.9 MB instead of 3.3 MB.

Why not XlsxWriter itself: it pays about 6 µs a cell (a cell object, a format lookup, one write a
tag) and keeps every cell until the end; here a row is one join of prebuilt pieces, each distinct
value's cell is made once and the rows go to zlib in chunks of CHUNK rows, so no sheet's XML is
ever held whole. What is kept is each distinct value's cell, the shared strings and the zip itself.

Where it parts from XlsxWriter, on purpose: text that starts with <r> and ends with </r> is text
here (XlsxWriter writes it unescaped, as rich text: a broken file); a sheet name that is not all
non-ASCII letters is always quoted in references (XlsxWriter leaves some bare; both are valid); a
sheet's last row must hold a value (the dimension, written before the rows, counts it); a workbook
with text in its rows has text in a header (the part list, written first, names the shared
strings).

The zip is deterministic: fixed entry order (XlsxWriter's), fixed timestamp, fixed attributes.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
import struct
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

# zlib level of the zip entries. On the 10k-task workbook (30 MiB of XML): level 6 (zlib's default,
# XlsxWriter's) 0.31 s for 3.10 MiB, 5 0.22 s for 3.18 MiB, 1 0.10 s for 4.25 MiB. 5 keeps nearly
# all the compression at two thirds of the time; 1 would make the download a third bigger.
LEVEL = 5
MAX_TEXT = 32_767  # UTF-16 units in a cell, Excel's limit: longer text is cut there, as XlsxWriter does
MAX_ROWS = 1_048_576
CHUNK = 1_024  # rows a piece of sheet XML handed to zlib (a multiple of the 16 rows of a span block)
SPAN = "\x00"  # stands for a row's spans attribute until its block of 16 rows is complete (never in
# the XML otherwise: control characters are escaped)

_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_NS_MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_WORKSHEET = f"<worksheet {_NS_MAIN} {_NS_R}>"
# the header row and the first column (编号, 单位) frozen: both stay in view while the sheet scrolls
_PANE = (
    '<pane xSplit="1" ySplit="1" topLeftCell="B2" activePane="bottomRight" state="frozen"/>'
    '<selection pane="topRight" activeCell="B1" sqref="B1"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
    '<selection pane="bottomRight"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
)
_MARGINS = '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'


class Shared(NamedTuple):
    """A row given as its own values, then a run of values it shares with other rows (the same list
    object, e.g. a task's cells after each unit's name on the 按单位 sheet): that run's XML is made
    once for each column it starts at, and reused."""

    own: Sequence
    shared: list


@dataclass
class Sheet:
    """One worksheet. `rows` hold str and int values (None and "" leave the cell empty), none
    longer than the header, the last with a value; a row may be a Shared. `count` says how many rows
    there are, because the dimension and the autofilter range come before the rows in the XML."""

    name: str
    header: Sequence[str]
    widths: Sequence[float]  # Excel character widths, one a column
    rows: Iterable[Sequence]
    count: int


def workbook(
    sheets: Sequence[Sheet],
    *,
    title: str,
    author: str,
    created: _dt.datetime,
    wrap: Callable[[str], bool] = lambda s: False,
    level: int = LEVEL,
) -> bytes:
    """The .xlsx file: strings for which wrap(s) is true get the wrapped, top-aligned format; a
    datetime.date is a date cell shown as yyyy-mm-dd (Excel's date filters and sorting work on it)."""
    _check_names([s.name for s in sheets])
    cells = _Cells(wrap)
    shared = any(isinstance(h, str) and h for s in sheets for h in s.header)  # see the module's docstring
    z = _Zip(level)
    z.add("[Content_Types].xml", [_content_types(len(sheets), shared)])
    z.add("_rels/.rels", [_ROOT_RELS])
    z.add("xl/_rels/workbook.xml.rels", [_workbook_rels(len(sheets), shared)])
    for i, sheet in enumerate(sheets):
        z.add(f"xl/worksheets/sheet{i + 1}.xml", _sheet_xml(sheet, i == 0, cells))
    if cells.strings and not shared:
        raise ValueError("text in the rows but not in any header: a workbook with text needs a header with text")
    used = list(cells.formats)
    cells.clear()  # before the zip's end: the memory of the values' XML goes back first
    z.add("xl/workbook.xml", [_workbook_xml(sheets)])
    if shared:
        head = f'{_DECL}<sst {_NS_MAIN} count="{cells.count}" uniqueCount="{len(cells.strings)}">'
        z.add("xl/sharedStrings.xml", _chunks([head, *cells.strings, "</sst>"]))
    cells.strings.clear()
    z.add("xl/styles.xml", [_styles(used)])
    z.add("xl/theme/theme1.xml", [_DECL + _THEME])
    z.add("docProps/core.xml", [_core(title, author, created)])
    z.add("docProps/app.xml", [_app([s.name for s in sheets])])
    return z.close()


# -- text -------------------------------------------------------------------------------------------

_SPECIAL = re.compile("[\x00-\x08\x0b-\x1f&<>_\ufffe\uffff]")  # any of these: the slow path
_ESCAPE_LIKE = re.compile("_x[0-9a-fA-F]{4}_")  # literal text Excel would read as an escape
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f]")  # not allowed in XML 1.0 (tab and line feed are)


def _controls(s: str) -> str:
    """Control characters as Excel's _xHHHH_ escapes, a literal _xHHHH_ kept by escaping its "_"."""
    s = _ESCAPE_LIKE.sub(r"_x005F\g<0>", s)
    s = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", s)
    return s.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")


def _text(s: str) -> str:
    """Element text: control characters escaped, then & < > (quotes stay, as Excel writes them)."""
    if not _SPECIAL.search(s):
        return s
    return _controls(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(s: str) -> str:
    return (
        s.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "&#xA;")
    )


def _cut(s: str) -> str:
    """At most MAX_TEXT UTF-16 units (a character above U+FFFF counts 2 and is never split)."""
    if len(s) <= MAX_TEXT // 2:
        return s
    units = 0
    for i, ch in enumerate(s):
        units += 2 if ch > "\uffff" else 1
        if units > MAX_TEXT:
            return s[:i]
    return s


def _si(s: str) -> str:
    """<si><t>…</t></si> of a string; xml:space="preserve" when it starts or ends with a space."""
    t = _text(_cut(s))
    space = ' xml:space="preserve"' if t[:1].isspace() or t[-1:].isspace() else ""
    return f"<si><t{space}>{t}</t></si>"


class _Cells(dict):
    """value -> the rest of its <c> element after the cell reference, made once per distinct value;
    "" for a value that leaves the cell empty. Also the shared strings: `strings` (their <si>
    elements, in the order first used), `index` (string -> its place there) and `count` (the string
    cells written, which _sheet_xml counts)."""

    def __init__(self, wrap: Callable[[str], bool]):
        super().__init__({None: "", "": ""})
        self.wrap = wrap
        # the formats beyond the header's bold, in the order first used: XlsxWriter numbers a
        # format (its cells' s="…") when a cell first uses it, and lists only those used
        self.formats: list[str] = []
        self.strings: list[str] = []
        self.index: dict[str, int] = {}
        self.count = 0

    def shared(self, s: str) -> int:
        s = _cut(s)  # as XlsxWriter keys its table: by the text it writes
        i = self.index.get(s)
        if i is None:
            i = self.index[s] = len(self.strings)
            self.strings.append(_si(s))
        return i

    def clear(self) -> None:
        super().clear()
        self.index.clear()  # the strings stay until they are written

    def _style(self, name: str) -> str:
        if name not in self.formats:
            self.formats.append(name)
        return f' s="{2 + self.formats.index(name)}"'

    def __missing__(self, v) -> str:
        if isinstance(v, str):
            style = self._style("wrap") if self.wrap(v) else ""
            out = f'"{style} t="s"><v>{self.shared(v)}</v></c>'
        elif isinstance(v, int):
            out = f'"><v>{v:.16G}</v></c>'  # as XlsxWriter writes a number: 10**17 is 1E+17
        elif isinstance(v, _dt.date) and not isinstance(v, _dt.datetime):
            out = f'"{self._style("date")}><v>{(v - _EPOCH).days}</v></c>'  # Excel's day number
        else:
            raise TypeError(f"a cell holds str, int or date, not {type(v).__name__}")
        self[v] = out
        return out


_EPOCH = _dt.date(1899, 12, 30)  # day 0 of Excel's 1900 date system, as XlsxWriter counts (1900-03-01 on)


# -- worksheets -------------------------------------------------------------------------------------


def _col(j: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    name = ""
    j += 1
    while j:
        j, rem = divmod(j - 1, 26)
        name = chr(65 + rem) + name
    return name


def _last_cell(sheet: Sheet) -> tuple[str, int]:
    if not sheet.header:
        raise ValueError(f"sheet {sheet.name}: no columns")
    if len(sheet.widths) != len(sheet.header):
        raise ValueError(f"sheet {sheet.name}: {len(sheet.widths)} widths for {len(sheet.header)} columns")
    if sheet.count + 1 > MAX_ROWS:
        raise ValueError(f"sheet {sheet.name}: {sheet.count + 1:,} rows, more than Excel's {MAX_ROWS:,}")
    return _col(len(sheet.header) - 1), sheet.count + 1


def _range(sheet: Sheet, dollar: str = "") -> str:
    col, row = _last_cell(sheet)
    first, last = f"{dollar}A{dollar}1", f"{dollar}{col}{dollar}{row}"
    return first if first == last else f"{first}:{last}"


def _pixels(width: float) -> int:
    if width == 0:
        return 0
    if width < 1:
        return int(width * 12 + 0.5)
    return int(width * 7 + 0.5) + 5


def _cols(widths: Sequence[float]) -> str:
    """<cols>, neighbouring columns of the same width in one <col>."""
    px = [_pixels(w) for w in widths]
    out, j = ["<cols>"], 0
    while j < len(px):
        k = j
        while k + 1 < len(px) and px[k + 1] == px[j]:
            k += 1
        custom = "" if px[j] == 64 else ' customWidth="1"'  # 64 pixels: Excel's default width
        out.append(f'<col min="{j + 1}" max="{k + 1}" width="{px[j] * 256 // 7 / 256:.16g}"{custom}/>')
        j = k + 1
    return "".join(out) + "</cols>"


def _sheet_xml(sheet: Sheet, selected: bool, cells: _Cells) -> Iterator[str]:
    """The worksheet XML in pieces of CHUNK rows. A row is str(r).join(pieces): the row number
    goes between the pieces (in <row r=…> and in every cell reference). Its spans attribute (the
    first and last column with a cell in its block of 16 rows, as XlsxWriter writes it) is put in
    when the block is complete."""
    ref = _range(sheet)
    n = len(sheet.header)
    tab = ' tabSelected="1"' if selected else ""
    head = [
        _DECL,
        _WORKSHEET,
        f'<dimension ref="{ref}"/><sheetViews><sheetView{tab} workbookViewId="0">',
        _PANE,
        _cols(sheet.widths),
        "<sheetData>",
    ]
    row = ['<row r="1"' + SPAN + ">"]
    for j, v in enumerate(sheet.header):
        if not isinstance(v, str):
            raise TypeError(f"sheet {sheet.name}: a header holds text, not {type(v).__name__}")
        if v:
            row.append(f'<c r="{_col(j)}1" s="1" t="s"><v>{cells.shared(v)}</v></c>')
            cells.count += 1
        else:
            row.append(f'<c r="{_col(j)}1" s="1"/>')  # a blank cell with the bold format
    row.append("</row>")
    buf: list[str] = ["".join(row)]  # the rows of the current block of 16, or of a chunk before it
    span = (0, n - 1)  # every header column has a cell (_last_cell refused a sheet without columns)
    yield "".join(head)
    starts = ['<c r="' + _col(j) for j in range(n)]
    runs: dict[tuple[int, int], tuple[list, list[str], int, int, int]] = {}  # see _run
    block = 0  # where the current block's rows start in buf
    row_tail = '"' + SPAN + ">"
    texts = 0  # string cells
    r = last_row = 1
    for values in sheet.rows:
        r += 1
        own, shared = values if type(values) is Shared else (values, ())
        if len(own) + len(shared) > n:
            raise ValueError(f"sheet {sheet.name}: row {r} has {len(own) + len(shared)} values for {n} columns")
        out = ['<row r="']
        tail = row_tail
        first = last = -1
        j = 0
        for start, v in zip(starts, own, strict=False):  # a row may stop short
            end = cells[v]
            if end:
                out.append(tail + start)
                tail = end
                if first < 0:
                    first = j
                last = j
                if type(v) is str:
                    texts += 1
            j += 1
        if shared:
            key = (id(shared), j)
            known = runs.get(key) or _run(key, shared, starts[j:], cells, runs)
            pieces = known[1]
            if pieces:
                out.append(tail + pieces[0])
                out += pieces[1:-1]
                tail = pieces[-1]
                if first < 0:
                    first = j + known[2]
                last = j + known[3]
                texts += known[4]
        if first >= 0:  # a row without a value is left out
            out.append(tail + "</row>")
            buf.append(str(r).join(out))
            last_row = r
            span = (first, last) if span is None else (min(span[0], first), max(span[1], last))
        if r % 16 == 0:  # the end of a block: its rows get their spans
            _spans(buf, block, span)
            span, block = None, len(buf)
            if r % CHUNK == 0:
                yield "".join(buf)
                buf.clear()
                block = 0
    cells.count += texts
    if r - 1 != sheet.count:
        raise ValueError(f"sheet {sheet.name}: {r - 1} rows, {sheet.count} announced")
    if last_row != r:  # the dimension, written first, counted it
        raise ValueError(f"sheet {sheet.name}: the last row has no value")
    _spans(buf, block, span)
    buf.append(f'</sheetData><autoFilter ref="{ref}"/>{_MARGINS}</worksheet>')
    yield "".join(buf)


def _spans(buf: list[str], block: int, span: tuple[int, int] | None) -> None:
    """The rows of buf from block on (one block of 16 rows) get its spans attribute."""
    attr = f' spans="{span[0] + 1}:{span[1] + 1}"' if span is not None else ""
    for i in range(block, len(buf)):
        buf[i] = buf[i].replace(SPAN, attr, 1)


def _run(key, values: list, starts: list[str], cells: _Cells, runs: dict) -> tuple:
    """A shared run: (the run, its pieces, the first and last of its columns with a cell, how many
    of its cells hold text). The row number goes between the pieces. The run is kept with them, so
    that its id stays its own while the sheet is written."""
    pieces: list[str] = []
    tail = ""
    first = last = -1
    texts = 0
    for j, (start, v) in enumerate(zip(starts, values, strict=False)):
        end = cells[v]
        if end:
            pieces.append(tail + start)
            tail = end
            if first < 0:
                first = j
            last = j
            texts += type(v) is str
    if pieces:
        pieces.append(tail)
    known = runs[key] = (values, pieces, first, last, texts)
    return known


# -- the other parts --------------------------------------------------------------------------------

_BAD_NAME = re.compile(r"[\[\]:*?/\\]")
_BARE_NAME = re.compile(r"[^\W\d\x00-\x7f][^\W\x00-\x7f]*")  # e.g. 按单位: no quotes in a reference


def _check_names(names: list[str]) -> None:
    seen = set()
    for name in names:
        if not name or len(name) > 31 or _BAD_NAME.search(name) or name[0] == "'" or name[-1] == "'":
            raise ValueError(f"not a sheet name for Excel: {name!r}")
        if name.lower() in seen:
            raise ValueError(f"two sheets named {name!r}")
        seen.add(name.lower())


def _quote(name: str) -> str:
    """The sheet name in a reference. Names of non-ASCII letters go bare, as XlsxWriter writes them;
    anything else is quoted, which Excel always accepts (XlsxWriter leaves some of those bare)."""
    return name if _BARE_NAME.fullmatch(name) else "'" + name.replace("'", "''") + "'"


def _workbook_xml(sheets: Sequence[Sheet]) -> str:
    sheet_tags = "".join(
        f'<sheet name="{_attr(s.name)}" sheetId="{i}" r:id="rId{i}"/>' for i, s in enumerate(sheets, 1)
    )
    names = [(f"{_quote(s.name)}!{_range(s, '$')}", i) for i, s in enumerate(sheets)]
    names.sort(key=lambda x: x[0].lstrip("'").lower())  # Excel's order
    defined = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">{_text(ref)}</definedName>'
        for ref, i in names
    )
    return (
        f"{_DECL}<workbook {_NS_MAIN} {_NS_R}>"
        '<fileVersion appName="xl" lastEdited="4" lowestEdited="4" rupBuild="4505"/>'
        '<workbookPr defaultThemeVersion="124226"/>'
        '<bookViews><workbookView xWindow="240" yWindow="15" windowWidth="16095" windowHeight="9660"/></bookViews>'
        f"<sheets>{sheet_tags}</sheets><definedNames>{defined}</definedNames>"
        '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    )


def _content_types(n: int, shared: bool) -> str:
    ct = "application/vnd.openxmlformats-"
    parts = [
        ("/docProps/app.xml", "officedocument.extended-properties+xml"),
        ("/docProps/core.xml", "package.core-properties+xml"),
        ("/xl/styles.xml", "officedocument.spreadsheetml.styles+xml"),
        ("/xl/theme/theme1.xml", "officedocument.theme+xml"),
        ("/xl/workbook.xml", "officedocument.spreadsheetml.sheet.main+xml"),
    ] + [(f"/xl/worksheets/sheet{i}.xml", "officedocument.spreadsheetml.worksheet+xml") for i in range(1, n + 1)]
    if shared:
        parts.append(("/xl/sharedStrings.xml", "officedocument.spreadsheetml.sharedStrings+xml"))
    return (
        f'{_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Default Extension="rels" ContentType="{ct}package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(f'<Override PartName="{p}" ContentType="{ct}{t}"/>' for p, t in parts)
        + "</Types>"
    )


def _relationships(rels: list[tuple[str, str]]) -> str:
    return (
        f'{_DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(f'<Relationship Id="rId{i}" Type="{t}" Target="{x}"/>' for i, (t, x) in enumerate(rels, 1))
        + "</Relationships>"
    )


_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_ROOT_RELS = _relationships(
    [
        (_OFFICE + "officeDocument", "xl/workbook.xml"),
        ("http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties", "docProps/core.xml"),
        (_OFFICE + "extended-properties", "docProps/app.xml"),
    ]
)


def _workbook_rels(n: int, shared: bool) -> str:
    sheets = [(_OFFICE + "worksheet", f"worksheets/sheet{i}.xml") for i in range(1, n + 1)]
    strings = [(_OFFICE + "sharedStrings", "sharedStrings.xml")] if shared else []
    return _relationships(sheets + [(_OFFICE + "theme", "theme/theme1.xml"), (_OFFICE + "styles", "styles.xml")] + strings)


def _styles(used: list[str]) -> str:
    """Format 1 (bold: the header), then those of `used` in that order: "wrap" (wrapped,
    top-aligned: long text), "date" (yyyy-mm-dd)."""
    xf = '<xf numFmtId="0" fontId="{}" fillId="0" borderId="0" xfId="0"'
    font = '<sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font>'
    xfs = [xf.format(0) + "/>", xf.format(1) + ' applyFont="1"/>']
    made = {
        "wrap": xf.format(0) + ' applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>',
        "date": '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>',
    }
    xfs += [made[name] for name in used]
    formats = '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>' if "date" in used else ""
    return (
        f'{_DECL}<styleSheet {_NS_MAIN}>{formats}<fonts count="2"><font>{font}<font><b/>{font}</fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles><dxfs count="0"/>'
        '<tableStyles count="0" defaultTableStyle="TableStyleMedium9" defaultPivotStyle="PivotStyleLight16"/>'
        "</styleSheet>"
    )


def _core(title: str, author: str, created: _dt.datetime) -> str:
    when = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f"{_DECL}<cp:coreProperties"
        ' xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
        ' xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{_text(title)}</dc:title><dc:creator>{_text(author)}</dc:creator>"
        f"<cp:lastModifiedBy>{_text(author)}</cp:lastModifiedBy>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified></cp:coreProperties>'
    )


def _app(names: list[str]) -> str:
    vt = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
    titles = "".join(f"<vt:lpstr>{_text(n)}</vt:lpstr>" for n in names)
    return (
        f'{_DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"'
        f' xmlns:vt="{vt}"><Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity>'
        '<ScaleCrop>false</ScaleCrop><HeadingPairs><vt:vector size="2" baseType="variant">'
        f"<vt:variant><vt:lpstr>Worksheets</vt:lpstr></vt:variant><vt:variant><vt:i4>{len(names)}</vt:i4></vt:variant>"
        f'</vt:vector></HeadingPairs><TitlesOfParts><vt:vector size="{len(names)}" baseType="lpstr">{titles}'
        "</vt:vector></TitlesOfParts><Company></Company><LinksUpToDate>false</LinksUpToDate>"
        "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged><AppVersion>12.0000</AppVersion>"
        "</Properties>"
    )


def _chunks(pieces: list[str], size: int = 4096) -> Iterator[str]:
    """Many small pieces (the shared strings) handed to zlib a few thousand at a time."""
    for i in range(0, len(pieces), size):
        yield "".join(pieces[i : i + size])


# -- zip --------------------------------------------------------------------------------------------

_DOS_DATE, _DOS_TIME = (0 << 9) | (1 << 5) | 1, 0  # 1980-01-01 00:00, the timestamp Excel writes
_FILE_MODE = 0o100644 << 16  # a regular file, rw-r--r--


class _Zip:
    """A zip written entry by entry into one buffer: each entry's text comes in pieces and is encoded,
    checksummed and deflated as it comes; its local header, written first, is filled in after."""

    def __init__(self, level: int):
        self.level = level
        self.out = io.BytesIO()
        self.central: list[bytes] = []

    def add(self, name: str, pieces: Iterable[str]) -> None:
        out, fname = self.out, name.encode("ascii")
        offset = out.tell()
        out.write(bytes(30 + len(fname)))  # the local header, once the sizes are known
        deflate = zlib.compressobj(self.level, zlib.DEFLATED, -15)
        crc = size = 0
        for piece in pieces:
            raw = piece.encode("utf-8")
            crc = zlib.crc32(raw, crc)
            size += len(raw)
            out.write(deflate.compress(raw))
        out.write(deflate.flush())
        packed = out.tell() - offset - 30 - len(fname)
        if max(size, out.tell()) >= 0xFFFFFFFF:
            raise ValueError(f"{name}: over 4 GiB, more than a zip without ZIP64 holds")
        common = (20, 0, 8, _DOS_TIME, _DOS_DATE, crc, packed, size, len(fname), 0)  # version 2.0, deflate
        out.seek(offset)
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *common) + fname)
        out.seek(0, io.SEEK_END)
        self.central.append(
            struct.pack("<IH", 0x02014B50, 0x0314) + struct.pack("<HHHHHIIIHH", *common)
            + struct.pack("<HHHII", 0, 0, 0, _FILE_MODE, offset) + fname
        )  # fmt: skip

    def close(self) -> bytes:
        directory = b"".join(self.central)
        n = len(self.central)
        start = self.out.tell()
        self.out.write(directory + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, len(directory), start, 0))
        return self.out.getvalue()  # the buffer itself, not a copy


# -- constant parts ---------------------------------------------------------------------------------

# Excel 2007's Office theme, as XlsxWriter writes it (one line: the line breaks here are not part of it)
_THEME = "".join(
    """
<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="Office Theme"><a:themeElements>
<a:clrScheme name="Office"><a:dk1><a:sysClr val="windowText" lastClr="000000"/></a:dk1><a:lt1>
<a:sysClr val="window" lastClr="FFFFFF"/></a:lt1><a:dk2><a:srgbClr val="1F497D"/></a:dk2><a:lt2>
<a:srgbClr val="EEECE1"/></a:lt2><a:accent1><a:srgbClr val="4F81BD"/></a:accent1><a:accent2>
<a:srgbClr val="C0504D"/></a:accent2><a:accent3><a:srgbClr val="9BBB59"/></a:accent3><a:accent4>
<a:srgbClr val="8064A2"/></a:accent4><a:accent5><a:srgbClr val="4BACC6"/></a:accent5><a:accent6>
<a:srgbClr val="F79646"/></a:accent6><a:hlink><a:srgbClr val="0000FF"/></a:hlink><a:folHlink>
<a:srgbClr val="800080"/></a:folHlink></a:clrScheme><a:fontScheme name="Office"><a:majorFont>
<a:latin typeface="Cambria"/><a:ea typeface=""/><a:cs typeface=""/><a:font script="Jpan" typeface="ＭＳ Ｐゴシック"/>
<a:font script="Hang" typeface="맑은 고딕"/><a:font script="Hans" typeface="宋体"/>
<a:font script="Hant" typeface="新細明體"/><a:font script="Arab" typeface="Times New Roman"/>
<a:font script="Hebr" typeface="Times New Roman"/><a:font script="Thai" typeface="Tahoma"/>
<a:font script="Ethi" typeface="Nyala"/><a:font script="Beng" typeface="Vrinda"/>
<a:font script="Gujr" typeface="Shruti"/><a:font script="Khmr" typeface="MoolBoran"/>
<a:font script="Knda" typeface="Tunga"/><a:font script="Guru" typeface="Raavi"/>
<a:font script="Cans" typeface="Euphemia"/><a:font script="Cher" typeface="Plantagenet Cherokee"/>
<a:font script="Yiii" typeface="Microsoft Yi Baiti"/><a:font script="Tibt" typeface="Microsoft Himalaya"/>
<a:font script="Thaa" typeface="MV Boli"/><a:font script="Deva" typeface="Mangal"/>
<a:font script="Telu" typeface="Gautami"/><a:font script="Taml" typeface="Latha"/>
<a:font script="Syrc" typeface="Estrangelo Edessa"/><a:font script="Orya" typeface="Kalinga"/>
<a:font script="Mlym" typeface="Kartika"/><a:font script="Laoo" typeface="DokChampa"/>
<a:font script="Sinh" typeface="Iskoola Pota"/><a:font script="Mong" typeface="Mongolian Baiti"/>
<a:font script="Viet" typeface="Times New Roman"/><a:font script="Uigh" typeface="Microsoft Uighur"/>
</a:majorFont><a:minorFont><a:latin typeface="Calibri"/><a:ea typeface=""/><a:cs typeface=""/>
<a:font script="Jpan" typeface="ＭＳ Ｐゴシック"/><a:font script="Hang" typeface="맑은 고딕"/>
<a:font script="Hans" typeface="宋体"/><a:font script="Hant" typeface="新細明體"/>
<a:font script="Arab" typeface="Arial"/><a:font script="Hebr" typeface="Arial"/>
<a:font script="Thai" typeface="Tahoma"/><a:font script="Ethi" typeface="Nyala"/>
<a:font script="Beng" typeface="Vrinda"/><a:font script="Gujr" typeface="Shruti"/>
<a:font script="Khmr" typeface="DaunPenh"/><a:font script="Knda" typeface="Tunga"/>
<a:font script="Guru" typeface="Raavi"/><a:font script="Cans" typeface="Euphemia"/>
<a:font script="Cher" typeface="Plantagenet Cherokee"/><a:font script="Yiii" typeface="Microsoft Yi Baiti"/>
<a:font script="Tibt" typeface="Microsoft Himalaya"/><a:font script="Thaa" typeface="MV Boli"/>
<a:font script="Deva" typeface="Mangal"/><a:font script="Telu" typeface="Gautami"/>
<a:font script="Taml" typeface="Latha"/><a:font script="Syrc" typeface="Estrangelo Edessa"/>
<a:font script="Orya" typeface="Kalinga"/><a:font script="Mlym" typeface="Kartika"/>
<a:font script="Laoo" typeface="DokChampa"/><a:font script="Sinh" typeface="Iskoola Pota"/>
<a:font script="Mong" typeface="Mongolian Baiti"/><a:font script="Viet" typeface="Arial"/>
<a:font script="Uigh" typeface="Microsoft Uighur"/></a:minorFont></a:fontScheme><a:fmtScheme name="Office">
<a:fillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill><a:gradFill rotWithShape="1"><a:gsLst>
<a:gs pos="0"><a:schemeClr val="phClr"><a:tint val="50000"/><a:satMod val="300000"/></a:schemeClr></a:gs>
<a:gs pos="35000"><a:schemeClr val="phClr"><a:tint val="37000"/><a:satMod val="300000"/></a:schemeClr></a:gs>
<a:gs pos="100000"><a:schemeClr val="phClr"><a:tint val="15000"/><a:satMod val="350000"/></a:schemeClr></a:gs>
</a:gsLst><a:lin ang="16200000" scaled="1"/></a:gradFill><a:gradFill rotWithShape="1"><a:gsLst><a:gs pos="0">
<a:schemeClr val="phClr"><a:shade val="51000"/><a:satMod val="130000"/></a:schemeClr></a:gs><a:gs pos="80000">
<a:schemeClr val="phClr"><a:shade val="93000"/><a:satMod val="130000"/></a:schemeClr></a:gs><a:gs pos="100000">
<a:schemeClr val="phClr"><a:shade val="94000"/><a:satMod val="135000"/></a:schemeClr></a:gs></a:gsLst>
<a:lin ang="16200000" scaled="0"/></a:gradFill></a:fillStyleLst><a:lnStyleLst>
<a:ln w="9525" cap="flat" cmpd="sng" algn="ctr"><a:solidFill><a:schemeClr val="phClr"><a:shade val="95000"/>
<a:satMod val="105000"/></a:schemeClr></a:solidFill><a:prstDash val="solid"/></a:ln>
<a:ln w="25400" cap="flat" cmpd="sng" algn="ctr"><a:solidFill><a:schemeClr val="phClr"/></a:solidFill>
<a:prstDash val="solid"/></a:ln><a:ln w="38100" cap="flat" cmpd="sng" algn="ctr"><a:solidFill>
<a:schemeClr val="phClr"/></a:solidFill><a:prstDash val="solid"/></a:ln></a:lnStyleLst><a:effectStyleLst>
<a:effectStyle><a:effectLst><a:outerShdw blurRad="40000" dist="20000" dir="5400000" rotWithShape="0">
<a:srgbClr val="000000"><a:alpha val="38000"/></a:srgbClr></a:outerShdw></a:effectLst></a:effectStyle>
<a:effectStyle><a:effectLst><a:outerShdw blurRad="40000" dist="23000" dir="5400000" rotWithShape="0">
<a:srgbClr val="000000"><a:alpha val="35000"/></a:srgbClr></a:outerShdw></a:effectLst></a:effectStyle>
<a:effectStyle><a:effectLst><a:outerShdw blurRad="40000" dist="23000" dir="5400000" rotWithShape="0">
<a:srgbClr val="000000"><a:alpha val="35000"/></a:srgbClr></a:outerShdw></a:effectLst><a:scene3d>
<a:camera prst="orthographicFront"><a:rot lat="0" lon="0" rev="0"/></a:camera><a:lightRig rig="threePt" dir="t">
<a:rot lat="0" lon="0" rev="1200000"/></a:lightRig></a:scene3d><a:sp3d><a:bevelT w="63500" h="25400"/></a:sp3d>
</a:effectStyle></a:effectStyleLst><a:bgFillStyleLst><a:solidFill><a:schemeClr val="phClr"/></a:solidFill>
<a:gradFill rotWithShape="1"><a:gsLst><a:gs pos="0"><a:schemeClr val="phClr"><a:tint val="40000"/>
<a:satMod val="350000"/></a:schemeClr></a:gs><a:gs pos="40000"><a:schemeClr val="phClr"><a:tint val="45000"/>
<a:shade val="99000"/><a:satMod val="350000"/></a:schemeClr></a:gs><a:gs pos="100000"><a:schemeClr val="phClr">
<a:shade val="20000"/><a:satMod val="255000"/></a:schemeClr></a:gs></a:gsLst><a:path path="circle">
<a:fillToRect l="50000" t="-80000" r="50000" b="180000"/></a:path></a:gradFill><a:gradFill rotWithShape="1">
<a:gsLst><a:gs pos="0"><a:schemeClr val="phClr"><a:tint val="80000"/><a:satMod val="300000"/></a:schemeClr>
</a:gs><a:gs pos="100000"><a:schemeClr val="phClr"><a:shade val="30000"/><a:satMod val="200000"/></a:schemeClr>
</a:gs></a:gsLst><a:path path="circle"><a:fillToRect l="50000" t="50000" r="50000" b="50000"/></a:path>
</a:gradFill></a:bgFillStyleLst></a:fmtScheme></a:themeElements><a:objectDefaults/><a:extraClrSchemeLst/>
</a:theme>
""".split("\n")
)
