"""Published notice text -> tasks.yaml: `python build.py import NOTICE.txt [-o FILE.yaml] [--force]`.

Notices are published as web pages or documents, never as data. The importer reads the pasted text,
finds chapters (一、), sections ((一)), tasks (1. 1、 1． (1) or (一) under a chapter without sections)
and each task's unit assignment, and writes a tasks.yaml for a person to review: every doubt is a
message on stderr (`NOTICE.txt:LINE: …`) and a `# ?` comment in the YAML. Nothing is merged or
dropped silently: probable aliases are suggestions, leftover lines are reported.

Exit status: 0 imported (possibly with warnings), 1 unusable input, 2 bad usage.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import UsageError

MAX_BYTES = 16 * 1024 * 1024

# -- what the lines of a notice look like -----------------------------------------------------------
CN_DIGITS = "一二三四五六七八九十"
CHAPTER_RE = re.compile(
    rf"^(?:第([{CN_DIGITS}]{{1,3}})(?:部分|章|篇)[、.．:：\s]*|([{CN_DIGITS}]{{1,3}})[、.．])\s*(\S.*)$"
)
PAREN_RE = re.compile(rf"^[(（]\s*([{CN_DIGITS}]{{1,3}})\s*[)）]\s*(\S.*)$")
TASK_RE = re.compile(r"^(?:([0-9０-９]{1,4})[.．、](?![0-9０-９])|[(（]\s*([0-9０-９]{1,4})\s*[)）])\s*(\S.*)$")
ROLE_WORDS = {
    "牵头": "lead",
    "责任": "responsible",
    "配合": "responsible",
    "协办": "responsible",
    "参与": "responsible",
}
ROLE_RE = re.compile(r"((牵头|责任|配合|协办|参与)(?:单位|部门))(?:\s*[:：]\s*|\s+)")
ROLE_LINE_RE = re.compile(r"^[(（\[【]?\s*(?:牵头|责任|配合|协办|参与)(?:单位|部门)(?:\s*[:：]|\s)")
OPENERS, CLOSERS = "(（[【", ")）]】"
TRAILING_CLOSE_RE = re.compile(r"[)）\]】][\s。．.；;，,]*$")
UNIT_SEPARATORS = "、,，;；/ \t\u3000"
OTHERS_WHOLE_RE = re.compile(r"^(?:及|和|等)?(?:各|其他|其它)?(?:有关|相关)(?:单位|部门)$|^等$")
OTHERS_SUFFIX_RE = re.compile(r"(?:及|等)(?:其他|其它)?(?:有关|相关)?(?:单位|部门)?$")
TITLE_NOTICE_RE = re.compile(r"^(?P<issuer>.*?)关于印发(?P<title>.+?)的通知$")
TITLE_WORDS_RE = re.compile(r"重点工作|重点任务|工作任务")
TITLE_KIND_RE = re.compile(r"分工|责任|分解")
PHRASE_RE = re.compile(r"[^,，。；;：:\s【】]*(?:重点工作|重点任务)[^,，。；;：:\s【】]*")
ISSUER_RE = re.compile(r"[\u4e00-\u9fff]{1,16}?(?:省|市|县|区|自治州|州|盟|旗)人民政府(?:办公室|办公厅)?")
ISSUER_LEAD_WORDS = re.compile(r"^(?:日前|近日|近期|今天|今日|昨天|昨日)")
YEAR_RE = re.compile(r"(20\d{2})\s*年")
TOWN_RE = re.compile(r"(?:镇|乡)(?:人民政府|政府)?$|街道(?:办事处)?$|街办$")
COMPANY_RE = re.compile(r"(?:公司|集团)$")
DEPARTMENT_RE = re.compile(r"(?:局|委|办|委员会|中心|办公室)$")
FULLWIDTH = str.maketrans("（）【】，：；", "()[],:;")
ADMIN_SUFFIXES = ("人民政府", "政府", "办事处", "街道办事处", "办公室")


@dataclass
class Note:
    """One message for the user: `NOTICE.txt:LINE: level: message` on stderr."""

    line: int
    level: str  # error | warning | suggestion
    message: str

    def render(self, name: str) -> str:
        where = f"{name}:{self.line}" if self.line else name
        return f"{where}: {self.level}: {self.message}"


class NoticeError(Exception):
    """The input cannot be imported at all (exit status 1)."""

    def __init__(self, message: str, line: int = 0):
        super().__init__(message)
        self.note = Note(line, "error", message)


@dataclass
class ImportedTask:
    number: int
    printed: str  # the number as printed: "12", "（1）" or "（三）"
    text: str
    line: int
    lead: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    and_others: bool = False
    comments: list[str] = field(default_factory=list)  # written above the task
    after: list[str] = field(default_factory=list)  # written below it: lines that followed it


@dataclass
class ImportedSection:
    title: str
    line: int
    tasks: list[ImportedTask] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)


@dataclass
class ImportedChapter:
    title: str
    line: int
    sections: list[ImportedSection] = field(default_factory=list)
    tasks: list[ImportedTask] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)


@dataclass
class ImportedUnit:
    name: str
    kind: str
    line: int
    comments: list[str] = field(default_factory=list)


@dataclass
class Notice:
    """Everything the importer found, in document order, with its doubts."""

    title: str = ""
    issuer: str = ""
    year: int | None = None
    source: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    report_comments: list[str] = field(default_factory=list)
    units: list[ImportedUnit] = field(default_factory=list)
    chapters: list[ImportedChapter] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    encoding: str = "UTF-8"

    @property
    def tasks(self) -> list[ImportedTask]:
        return [t for ch in self.chapters for t in ch.tasks + [t for s in ch.sections for t in s.tasks]]

    def note(self, line: int, level: str, message: str) -> None:
        self.notes.append(Note(line, level, message))


# -- bytes -> text ---------------------------------------------------------------------------------
BINARY_SIGNATURES = (
    (b"%PDF", "a PDF file: copy its text into a .txt file (e.g. pdftotext -layout FILE.pdf)"),
    (b"PK\x03\x04", "a ZIP archive or a .docx/.xlsx document: save the notice as plain text (.txt)"),
    (b"\xd0\xcf\x11\xe0", "a .doc/.xls (Office 97) document: save the notice as plain text (.txt)"),
    (b"\x89PNG", "a PNG image: the importer needs the notice's text"),
    (b"\xff\xd8\xff", "a JPEG image: the importer needs the notice's text"),
)


PLAIN_TEXT = " (the importer needs the notice as plain text: copy it from the web page or document into a .txt file)"


def decode(data: bytes) -> tuple[str, str]:
    """Bytes -> (text, encoding name): UTF-8 with or without BOM, UTF-16 with BOM, GBK/GB18030."""
    if not data.strip():
        raise NoticeError("the file is empty" if not data else "the file contains only blank space")
    for signature, what in BINARY_SIGNATURES:
        if data.startswith(signature):
            raise NoticeError(f"not a text file: this is {what}")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _plain_text(data.decode("utf-16")), "UTF-16"
        except UnicodeDecodeError as exc:
            raise NoticeError(f"the file starts with a UTF-16 mark but is not valid UTF-16 ({exc.reason})") from None
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise NoticeError(f"not a text file: NUL byte at line {line}{PLAIN_TEXT}")
    if data.startswith(b"\xef\xbb\xbf"):
        data, bom = data[3:], True
    else:
        bom = False
    try:
        return _plain_text(data.decode("utf-8")), "UTF-8 with BOM" if bom else "UTF-8"
    except UnicodeDecodeError as utf8_error:
        if bom:
            raise NoticeError(_bad_bytes("UTF-8 (it starts with a UTF-8 mark)", data, utf8_error.start)) from None
        lossy = data.decode("utf-8", errors="replace")
        if lossy.count("\ufffd") <= 3 and sum(ord(c) > 127 for c in lossy) >= 20:
            # mostly good UTF-8 with a few damaged bytes: GBK would decode it, as nonsense
            raise NoticeError(
                _bad_bytes("valid UTF-8", data, utf8_error.start) + ": the rest of the file is UTF-8; "
                "repair or retype that line"
            ) from None
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as gbk_error:
            raise NoticeError(
                _bad_bytes("UTF-8 nor GBK/GB18030", data, gbk_error.start, "neither ")
                + ": save the notice as UTF-8 text"
            ) from None
        return _plain_text(text), "GBK/GB18030"


def _bad_bytes(what: str, data: bytes, pos: int, prefix: str = "not ") -> str:
    line = data[:pos].count(b"\n") + 1
    return f"{prefix}{what}: byte 0x{data[pos : pos + 1].hex()} at line {line} cannot be decoded"


def _plain_text(text: str) -> str:
    controls = [c for c in text if (ord(c) < 32 and c not in "\t\n\r\f") or c == "\x7f"]
    if len(controls) > max(2, len(text) // 100):
        i = text.index(controls[0])
        raise NoticeError(
            f"not a text file: control character 0x{ord(controls[0]):02x} at line {text.count(chr(10), 0, i) + 1}"
            + PLAIN_TEXT
        )
    return text


# -- the unit assignment -----------------------------------------------------------------------------
@dataclass
class Assignment:
    lead: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    and_others: bool = False
    words: list[tuple[str, str]] = field(default_factory=list)  # (role, word as written)
    doubts: list[str] = field(default_factory=list)


def trailing_brackets(s: str) -> tuple[str, str] | None:
    """Split 'text(inner)' at the bracket group that ends the line; nested brackets are part of inner."""
    m = TRAILING_CLOSE_RE.search(s)
    if not m:
        return None
    close = m.start()
    depth = 0
    for i in range(close, -1, -1):
        if s[i] in CLOSERS:
            depth += 1
        elif s[i] in OPENERS:
            depth -= 1
            if depth == 0:
                return s[:i].rstrip(), s[i + 1 : close]
    return None


def split_units(segment: str) -> list[str]:
    """Units separated by 、 , ， ; ； / or spaces, never inside brackets (各街办(新区))."""
    out, cur, depth = [], [], 0
    for c in segment:
        if c in OPENERS:
            depth += 1
        elif c in CLOSERS:
            depth = max(0, depth - 1)
        if depth == 0 and c in UNIT_SEPARATORS:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(c)
    out.append("".join(cur))
    return [u.strip().strip("。．.") for u in out if u.strip().strip("。．.")]


def parse_assignment(inner: str) -> Assignment | None:
    """'牵头单位:A;责任单位:B、C等有关单位' -> Assignment, or None when inner names no role."""
    matches = list(ROLE_RE.finditer(inner))
    if not matches or inner[: matches[0].start()].strip(" (（[【"):
        return None
    a = Assignment()
    for k, m in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(inner)
        role = ROLE_WORDS[m.group(2)]
        a.words.append((role, m.group(1)))
        target = a.lead if role == "lead" else a.responsible
        for unit in split_units(inner[m.end() : end]):
            if OTHERS_WHOLE_RE.match(unit):
                a.and_others = True
                continue
            suffix = OTHERS_SUFFIX_RE.search(unit)
            if suffix and suffix.start() > 0:
                a.and_others = True
                unit = unit[: suffix.start()]
            if unit in target:
                a.doubts.append(f"'{unit}' is named twice as {m.group(1)}")
            else:
                target.append(unit)
        if not split_units(inner[m.end() : end]):
            a.doubts.append(f"{m.group(1)} names no unit")
    return a


def cn_number(s: str) -> int:
    """一 → 1, 十二 → 12, 二十一 → 21 (up to 99: enough for headings)."""
    digits = {c: i + 1 for i, c in enumerate(CN_DIGITS[:9])}
    if "十" not in s:
        return digits[s[0]] if len(s) == 1 else int("".join(str(digits[c]) for c in s))
    tens, _, ones = s.partition("十")
    return (digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0)


# -- lines -> structure ------------------------------------------------------------------------------
@dataclass
class _Block:
    kind: str  # chapter | paren | task
    line: int
    label: str  # as printed
    number: int
    text: str
    body: list[tuple[int, str]] = field(default_factory=list)
    # filled by _find_assignment for paren/task blocks
    assignment: Assignment | None = None
    assign_line: int = 0
    task_text: str = ""
    leftovers: list[tuple[int, str]] = field(default_factory=list)


def _lines(text: str) -> list[tuple[int, str]]:
    out = []
    for n, raw in enumerate(re.split(r"\r\n|\r|\n", text), 1):
        s = raw.strip().strip("\u200b\ufeff").strip()
        if s:
            out.append((n, s))
    return out


CELL_SPLIT_RE = re.compile(r"\t|\s*[|｜]\s*")
ROLE_HEADER_RE = re.compile(r"^(?:牵头|责任|配合|协办|参与)(?:单位|部门)$")
NUMBER_HEADER_RE = re.compile(r"^(?:序号|编号)$")


def _table_rows(notice: Notice, lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """A table copied from a web page or document (cells split by tabs or |) -> the same lines as prose.

    Under a header row such as 序号|重点工作|牵头单位|责任单位, the row 1|推进…|市发改委|市财政局 reads
    as '1.推进…（牵头单位：市发改委；责任单位：市财政局）'; the header rows themselves are dropped.
    """
    out: list[tuple[int, str]] = []
    columns: tuple[int, int, list[tuple[int, str]]] | None = None  # number, text, (column, role word)
    for n, s in lines:
        cells = [c.strip() for c in CELL_SPLIT_RE.split(s)]
        if cells and not cells[0]:
            cells = cells[1:]
        if cells and not cells[-1]:
            cells = cells[:-1]
        roles = [(i, c) for i, c in enumerate(cells) if ROLE_HEADER_RE.match(c)]
        if len(cells) >= 3 and roles:
            num = next((i for i, c in enumerate(cells) if NUMBER_HEADER_RE.match(c)), 0)
            rest = [i for i in range(len(cells)) if i != num and i not in dict(roles)]
            if not rest:
                out.append((n, s))
                continue
            columns = (num, rest[0], roles)
            for i in rest[1:]:
                notice.note(n, "warning", f"table column '{cells[i]}' is not imported")
            continue
        if columns is None or len(cells) < 2:
            out.append((n, s))
            continue
        num, text, roles = columns
        cells += [""] * (max(num, text, *(i for i, _ in roles)) + 1 - len(cells))
        if not re.fullmatch(r"[0-9０-９]{1,4}", cells[num]):
            out.append((n, s))
            continue
        groups = "；".join(f"{word}：{cells[i]}" for i, word in roles if cells[i])
        out.append((n, f"{int(cells[num])}.{cells[text]}" + (f"（{groups}）" if groups else "")))
    return out


def _structural(s: str) -> tuple[str, str, int, str] | None:
    m = CHAPTER_RE.match(s)
    if m:
        digits = m.group(1) or m.group(2)
        return "chapter", digits + "、", cn_number(digits), m.group(3)
    m = PAREN_RE.match(s)
    if m:
        return "paren", f"（{m.group(1)}）", cn_number(m.group(1)), m.group(2)
    m = TASK_RE.match(s)
    if m:
        digits = m.group(1) or m.group(2)
        label = str(int(digits)) if m.group(1) else f"（{int(digits)}）"
        return "task", label, int(digits), m.group(3)
    return None


def _find_assignment(b: _Block) -> None:
    """Where the task's units are: at the end of its paragraph, in brackets, or on the lines after it."""
    lines = [(b.line, b.text)] + b.body
    for k in range(len(lines)):
        joined = "".join(s for _, s in lines[: k + 1])  # a paragraph wrapped by the web page
        split = trailing_brackets(joined)
        got = parse_assignment(split[1]) if split else None
        if got is not None:
            b.assignment, b.assign_line, b.task_text, b.leftovers = got, lines[k][0], split[0], lines[k + 1 :]
            return
        if k + 1 < len(lines) and ROLE_LINE_RE.match(lines[k + 1][1]) and not _unclosed(joined):
            # 牵头单位：… and 责任单位：… on the lines after the text; a list may wrap after a separator
            role_text, last = _unbracket(lines[k + 1][1]), k + 1
            for j in range(k + 2, len(lines)):
                s = lines[j][1]
                if ROLE_LINE_RE.match(s):
                    role_text += "；" + _unbracket(s)
                elif role_text[-1:] in "、,，;；":
                    role_text += s
                else:
                    break
                last = j
            got = parse_assignment(role_text)
            if got is not None:
                b.assignment, b.assign_line, b.task_text = got, lines[k + 1][0], joined
                b.leftovers = lines[last + 1 :]
                return
    b.task_text, b.leftovers = b.text, b.body


def _unclosed(s: str) -> bool:
    return sum(c in OPENERS for c in s) > sum(c in CLOSERS for c in s)


def _unbracket(s: str) -> str:
    """'（责任单位：A）' -> '责任单位：A'."""
    if s[:1] in OPENERS:
        split = trailing_brackets(s)
        return split[1] if split and not split[0] else s[1:]
    return s


# A page's number printed in the text copied from a PDF or Word file: — 2 —, - 2 -, 第2页, 第2页 共10页, 2/10
PAGE_NUMBER_RE = re.compile(
    r"^(?:[—\-－–~～]+\s*[0-9０-９]{1,4}\s*[—\-－–~～]+"
    r"|第\s*[0-9０-９]{1,4}\s*页(?:\s*[/，,]?\s*共\s*[0-9０-９]{1,4}\s*页)?"
    r"|[0-9０-９]{1,4}\s*/\s*[0-9０-９]{1,4})$"
)


def _without_page_numbers(notice: Notice, lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Page numbers are dropped wherever they are, noted: between two lines of one task's text they
    would otherwise be glued into it (满— 2 —足)."""
    out = []
    for n, s in lines:
        if PAGE_NUMBER_RE.match(s):
            notice.note(n, "note", f"page number dropped: {s}")
        else:
            out.append((n, s))
    return out


def parse(text: str) -> Notice:
    """Notice text -> Notice (raises NoticeError when it holds no chapter or no task)."""
    notice = Notice()
    lines = _table_rows(notice, _without_page_numbers(notice, _lines(text)))
    start = _list_start(lines)
    preamble = lines[:start]
    blocks: list[_Block] = []
    for n, s in lines[start:]:
        st = _structural(s)
        if st:
            kind, label, number, rest = st
            blocks.append(_Block(kind, n, label, number, rest.strip()))
        else:
            blocks[-1].body.append((n, s))
    if not blocks:
        tasks = [n for n, s in lines if TASK_RE.match(s)]
        if tasks:
            raise NoticeError(
                f"{_plural(len(tasks), 'numbered line')} but no chapter heading such as '一、…': "
                "add the chapter headings before the tasks",
                tasks[0],
            )
        raise NoticeError(
            "no chapter heading ('一、…') and no numbered task ('1. …'): is this a responsibility notice?"
        )
    for b in blocks:
        if b.kind != "chapter":
            _find_assignment(b)
    if not any(b.kind != "chapter" for b in blocks):
        raise NoticeError(
            "chapter headings but no task ('1. …' or '（一）…' with its units) were found", blocks[0].line
        )
    _read_preamble(notice, preamble)
    _assemble(notice, blocks)
    _check_numbers(notice)
    _collect_units(notice)
    _suggest_aliases(notice)
    _check_spaces(notice)
    notice.notes.sort(key=lambda x: x.line)
    return notice


def _list_start(lines: list[tuple[int, str]]) -> int:
    """Index of the first chapter: the first '一、' whose part of the text assigns units.

    A notice's own preamble often makes numbered points too (一、高度重视…二、夯实责任…) before the list.
    """
    heads = [i for i, (_, s) in enumerate(lines) if CHAPTER_RE.match(s)]
    if not heads:
        return len(lines)
    firsts = [i for i in heads if _structural(lines[i][1])[2] == 1] or heads[:1]
    for k, i in enumerate(firsts):
        end = firsts[k + 1] if k + 1 < len(firsts) else len(lines)
        if any(ROLE_RE.search(s) for _, s in lines[i:end]):
            return i
    return firsts[0]


def _unquote(s: str) -> str:
    """'《…》' -> '…' when the brackets hold the whole title."""
    return s[1:-1] if s.startswith("《") and s.endswith("》") and s.count("《") == 1 else s


def _paren_is_task(blocks: list[_Block], i: int) -> bool:
    """(一)… is a task when it carries units, a section when numbered tasks follow it; else as its siblings."""
    b = blocks[i]
    if b.assignment is not None:
        return True
    nxt = blocks[i + 1] if i + 1 < len(blocks) else None
    if nxt is not None and nxt.kind == "task":
        return False
    j = i
    while j > 0 and blocks[j - 1].kind != "chapter":
        j -= 1
    siblings = []
    for x in blocks[j:]:
        if x.kind == "chapter":
            break
        if x.kind == "paren" and x is not b:
            siblings.append(x)
    return any(x.assignment is not None for x in siblings)


def _assemble(notice: Notice, blocks: list[_Block]) -> None:
    chapter: ImportedChapter | None = None
    section: ImportedSection | None = None
    for i, b in enumerate(blocks):
        if b.kind == "chapter":
            chapter, section = ImportedChapter(b.text, b.line), None
            notice.chapters.append(chapter)
            _leftovers(notice, b.body, chapter.after)
            continue
        assert chapter is not None
        if b.kind == "paren" and not _paren_is_task(blocks, i):
            section = ImportedSection(b.text, b.line)
            if chapter.tasks:
                notice.note(
                    b.line,
                    "warning",
                    f"section '{b.text}' follows tasks of chapter '{chapter.title}' "
                    "that belong to no section: they were put in a section of their own",
                )
                chapter.sections.append(
                    ImportedSection(
                        "（无小标题）", chapter.tasks[0].line, chapter.tasks, ["? 原文这些任务不属于任何小标题，请核对"]
                    )
                )
                chapter.tasks = []
            chapter.sections.append(section)
            _leftovers(notice, b.body, section.after)
            continue
        task = ImportedTask(b.number, b.label, b.task_text, b.line)
        if not task.text:
            notice.note(b.line, "warning", f"task {b.label} has no text besides its units")
            task.comments.append(f"? 第{b.line}行：这项任务只有责任单位，没有内容")
        if b.assignment is None:
            task.comments.append(f"? 第{b.line}行：未找到责任单位，请填写 lead / responsible")
            notice.note(
                b.line, "warning", f"task {b.label} has no unit assignment: kept with empty unit lists, fill them in"
            )
        else:
            a = b.assignment
            task.lead, task.responsible, task.and_others = a.lead, a.responsible, a.and_others
            for d in a.doubts:
                task.comments.append(f"? 第{b.assign_line}行：{d}")
                notice.note(b.assign_line, "warning", f"task {b.label}: {d}")
            both = [u for u in a.lead if u in a.responsible]
            for u in both:
                notice.note(
                    b.assign_line, "warning", f"task {b.label} names '{u}' both as lead and as responsible unit"
                )
                task.comments.append(f"? “{u}”既是牵头单位又是责任单位")
        _leftovers(notice, b.leftovers, task.after)
        if section is not None:
            section.tasks.append(task)
        else:
            chapter.tasks.append(task)
    for ch in notice.chapters:
        if not ch.tasks and not ch.sections:
            notice.note(ch.line, "warning", f"chapter '{ch.title}' has no task")
            ch.comments.append("? 这一章没有任务")
        for s in ch.sections:
            if not s.tasks:
                notice.note(s.line, "warning", f"section '{s.title}' has no task")
                s.comments.append("? 这一节没有任务")
    _labels(notice, blocks)


def _leftovers(notice: Notice, lines: list[tuple[int, str]], comments: list[str]) -> None:
    """Lines after the first chapter that are no heading, task or assignment: reported, never dropped."""
    for n, s in lines:
        notice.note(n, "warning", f"line not imported (not a heading, a task or its units): {s}")
        comments.append(f"? 第{n}行未导入：{s}")


def _labels(notice: Notice, blocks: list[_Block]) -> None:
    """The document's own words for the two roles, most frequent first (配合单位 stays 配合单位)."""
    counts: dict[str, Counter] = {"lead": Counter(), "responsible": Counter()}
    first: dict[str, int] = {}
    for b in blocks:
        if b.assignment is not None:
            for role, word in b.assignment.words:
                counts[role][word] += 1
                first.setdefault(word, b.assign_line)
    notice.labels = {}
    for role, default in (("lead", "牵头单位"), ("responsible", "责任单位")):
        ranked = sorted(counts[role].items(), key=lambda kv: (-kv[1], first[kv[0]]))
        notice.labels[role] = ranked[0][0] if ranked else default
        if len(ranked) > 1:
            used = "、".join(f"{w}（{c}次）" for w, c in ranked)
            notice.report_comments.append(f"? 原文对 labels.{role} 一类的单位用了不同的说法：{used}；这里取最常用的")
            notice.note(
                first[ranked[1][0]],
                "warning",
                f"the notice names the {role} role in several ways ({', '.join(w for w, _ in ranked)}): "
                f"labels.{role} is '{ranked[0][0]}'",
            )


def _read_preamble(notice: Notice, preamble: list[tuple[int, str]]) -> None:
    """Metadata from the noise before the first chapter: the list's title, the issuer, the year."""
    title_line = 0
    for k, (n, s) in enumerate(preamble):  # the notice's own title: …关于印发…的通知
        m = TITLE_NOTICE_RE.match(s)
        if m:
            notice.title, notice.source, title_line = _unquote(m.group("title")), s, n
            issuer = m.group("issuer")
            if not issuer and k > 0 and ISSUER_RE.fullmatch(preamble[k - 1][1]):  # the title broken over two lines
                issuer = preamble[k - 1][1]
                notice.source = issuer + s
            if issuer.endswith(("政府", "办公室", "办公厅")):
                notice.issuer = issuer
            break
    for n, s in reversed(preamble):  # better: the list's own title line, the closest one above the list
        if (
            TITLE_WORDS_RE.search(s)
            and TITLE_KIND_RE.search(s)
            and len(s) <= 60
            and "通知" not in s
            and not re.search("[。，,；;：:]", s)
        ):
            notice.title, title_line = _unquote(s), n
            break
    if not notice.title:
        for n, s in preamble:
            m = PHRASE_RE.search(s)
            if m:
                notice.title = _unquote(re.sub(r"^(?:明确|印发|关于|公布|下达)", "", m.group(0)))
                title_line = n
                notice.report_comments.append(f"? title 取自第{n}行正文中的说法，请改为名单的正式标题")
                notice.note(n, "warning", f"no title line: report.title taken from the sentence '{s}'")
                break
    if not notice.title:
        notice.report_comments.append("? 未找到名单标题，请填写 title")
        notice.note(0, "warning", "no title found before the first chapter: fill in report.title")
    if not notice.issuer:
        for _, s in preamble:
            if ISSUER_RE.fullmatch(s):
                notice.issuer = s
                break
    if not notice.issuer:
        for _, s in preamble:
            m = ISSUER_RE.search(s)
            if m:
                notice.issuer = ISSUER_LEAD_WORDS.sub("", m.group(0))
                break
    if not notice.issuer:
        notice.report_comments.append("? 未找到发文机关，请填写 issuer")
        notice.note(0, "warning", "no issuer (…人民政府) found before the first chapter: fill in report.issuer")
    for _, s in sorted(preamble, key=lambda x: x[0] != title_line):
        m = YEAR_RE.search(s)
        if m:
            notice.year = int(m.group(1))
            break
    if notice.year is None:
        notice.report_comments.append("? 未找到年份，请填写 year")
        notice.note(0, "warning", "no year found before the first chapter: fill in report.year")


def _check_numbers(notice: Notice) -> None:
    """Numbers are kept as printed; when they restart (per chapter), the tasks are numbered through."""
    tasks = notice.tasks
    seen: dict[int, ImportedTask] = {}
    restart = None
    for t in tasks:
        if t.number in seen and restart is None:
            restart = t
        seen.setdefault(t.number, t)
    if restart is not None:
        notice.note(
            restart.line,
            "warning",
            f"task number {restart.printed} is used again (first at line {seen[restart.number].line}): "
            f"the tasks are numbered 1 to {len(tasks)} through the document, the printed numbers kept in comments",
        )
        for k, t in enumerate(tasks, 1):
            if t.number != k:
                t.comments.insert(0, f"原文编号 {t.printed}")
            t.number = k
        return
    for prev, t in zip(tasks, tasks[1:], strict=False):
        if t.number != prev.number + 1:
            notice.note(
                t.line, "warning", f"task {t.printed} follows task {prev.printed}: a task may be missing or misnumbered"
            )
            t.comments.insert(0, f"? 编号不连续：前一项是 {prev.printed}")


def guess_kind(name: str) -> str:
    """department | town | company | other, from the name alone (the user corrects it)."""
    base = re.sub(r"[(（][^()（）]*[)）]$", "", name)
    if name.startswith("各") or TOWN_RE.search(base):
        return "town"
    if COMPANY_RE.search(base):
        return "company"
    if DEPARTMENT_RE.search(base):
        return "department"
    return "other"


def _collect_units(notice: Notice) -> None:
    first: dict[str, int] = {}
    for t in notice.tasks:
        for u in t.lead + t.responsible:
            first.setdefault(u, t.line)
    notice.units = [ImportedUnit(name, guess_kind(name), line) for name, line in first.items()]


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(c in it for c in short)


def alias_reason(a: str, b: str) -> str | None:
    """Why a and b probably name one unit (a the shorter), or None."""
    if len(a) > len(b) or a == b:
        return None
    if a.translate(FULLWIDTH) == b.translate(FULLWIDTH):
        return "the names differ only in full-width and ASCII punctuation"
    if b == "各" + a:
        return f"'{b}' is '{a}' with '各'"
    if b in ("市" + a, "区" + a, "县" + a):
        return f"'{b}' is '{a}' with the prefix '{b[0]}'"
    if b.startswith(a) and len(a) >= 2 and b[len(a) :] in ADMIN_SUFFIXES:
        return f"'{a}' looks like a short form of '{b}'"
    short = a[1:] if a[:1] in "市区县" and b[:1] != a[:1] else a  # 市住建局 ~ 住房和城乡建设局
    if len(short) >= 3 and short[0] == b[0] and short[-1] == b[-1] and _subsequence(short, b):
        return f"'{a}' looks like a short form of '{b}'"
    return None


def _suggest_aliases(notice: Notice) -> None:
    units = notice.units
    for x in units:
        for y in units:
            if x is y or len(x.name) > len(y.name) or (len(x.name) == len(y.name) and x.line >= y.line):
                continue
            reason = alias_reason(x.name, y.name)
            if reason is None:
                continue
            later, other = (x, y) if x.line >= y.line else (y, x)
            notice.note(
                later.line,
                "suggestion",
                f"'{later.name}' may be the same unit as '{other.name}' (line {other.line}): {reason}; "
                "if so, keep one name and list the other under its aliases",
            )
            later.comments.append(f"? 可能与“{other.name}”是同一单位：若是，保留一个名称，另一个写入其 aliases")
        if x.name.startswith("各") and len(x.name) > 2:
            rest = x.name[1:]
            members = [u.name for u in units if u.name.endswith(rest) and u.name not in (rest, x.name)]
            if members:
                notice.note(
                    x.line,
                    "suggestion",
                    f"'{x.name}' is a collective: if it stands for {', '.join(members)}, list them as its members",
                )
                x.comments.append(f"? 集体单位：若它代表以下单位，请加上 members: [{', '.join(members)}]")


def _check_spaces(notice: Notice) -> None:
    from .loader import SUSPICIOUS_SPACE

    for t in notice.tasks:
        for m in SUSPICIOUS_SPACE.finditer(t.text):
            notice.note(
                t.line,
                "warning",
                f"task {t.printed}: suspicious space inside a quoted term {m.group(0)} (a lost '+', as in “互联网+”?)",
            )
            t.comments.append(f"? {m.group(0)}：引号内有可疑的空格，原文可能是“+”（转载时常丢失）")


# -- Notice -> YAML for people -----------------------------------------------------------------------
try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


def scalar(s: str, flow: bool = False) -> str:
    """s as a YAML scalar: plain when it reads back as the same string, else double-quoted."""
    if s and s == s.strip() and "\n" not in s:
        probe = f"[{s}]" if flow else f"k: {s}"
        try:
            back = yaml.load(probe, Loader=_Loader)
        except yaml.YAMLError:
            back = None
        if back == ([s] if flow else {"k": s}):
            return s
    return json.dumps(s, ensure_ascii=False)


def flow_list(items: list[str]) -> str:
    return "[" + ", ".join(scalar(u, flow=True) for u in items) + "]"


def to_yaml(notice: Notice, source_name: str) -> str:
    out: list[str] = []

    def comments(indent: int, cs: list[str]) -> None:
        out.extend(" " * indent + "# " + c for c in cs)

    out.append(f"# 由 python build.py import 从 {source_name}（{notice.encoding}）导入。")
    out.append("# 请核对以“# ?”开头的注释（共 {doubts} 处疑问），处理后删除；再运行 python build.py check。")
    out.append("report:")
    comments(2, notice.report_comments)
    out.append(f"  title: {scalar(notice.title)}")
    out.append(f"  issuer: {scalar(notice.issuer)}")
    out.append(f"  year: {notice.year if notice.year is not None else ''}".rstrip())
    if notice.source:
        out.append(f"  source: {scalar(notice.source)}")
    out.append("  labels:")
    out.append(f"    lead: {scalar(notice.labels['lead'])}")
    out.append(f"    responsible: {scalar(notice.labels['responsible'])}")
    out.append("")
    out.append("units:")
    for u in notice.units:
        comments(2, u.comments)
        out.append(f"  - name: {scalar(u.name)}")
        out.append(f"    kind: {u.kind}")
    out.append("")
    out.append("chapters:")

    def tasks(indent: int, ts: list[ImportedTask]) -> None:
        pad = " " * indent
        out.append(f"{pad}tasks:" if ts else f"{pad}tasks: []")
        for t in ts:
            comments(indent + 2, t.comments)
            out.append(f"{pad}  - number: {t.number}")
            out.append(f"{pad}    text: {scalar(t.text)}")
            out.append(f"{pad}    lead: {flow_list(t.lead)}")
            out.append(f"{pad}    responsible: {flow_list(t.responsible)}")
            if t.and_others:
                out.append(f"{pad}    and_others: true")
            comments(indent + 2, t.after)

    for ch in notice.chapters:
        comments(2, ch.comments)
        out.append(f"  - title: {scalar(ch.title)}")
        comments(4, ch.after)
        if ch.sections:
            out.append("    sections:")
            for s in ch.sections:
                comments(6, s.comments)
                out.append(f"      - title: {scalar(s.title)}")
                comments(8, s.after)
                tasks(8, s.tasks)
        else:
            tasks(4, ch.tasks)
    doubts = sum(1 for line in out if line.lstrip().startswith("# ? "))
    out[1] = out[1].format(doubts=doubts) if doubts else "# 导入时没有疑问；请运行 python build.py check 核对。"
    return "\n".join(out) + "\n"


# -- command line ------------------------------------------------------------------------------------
def import_file(path: str) -> Notice:
    """Read, decode and parse one notice file (NoticeError when it cannot be imported)."""
    size = os.path.getsize(path)
    if size > MAX_BYTES:
        raise NoticeError(f"the file is {size / 1e6:.1f} MB; a notice is far smaller (limit {MAX_BYTES // 2**20} MiB)")
    with open(path, "rb") as fh:
        data = fh.read()
    text, encoding = decode(data)
    notice = parse(text)
    notice.encoding = encoding
    return notice


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def run_import(argv: list[str]) -> int:
    """`python build.py import NOTICE.txt [-o FILE.yaml] [--force]`; UsageError propagates (exit 2)."""
    from .cli import _Parser, display_path

    p = _Parser(
        prog="python build.py import",
        description="Import a published responsibility notice (plain text) into a tasks.yaml to review.",
    )
    p.add_argument("notice", help="the notice as a text file (UTF-8 or GBK)")
    p.add_argument("-o", "--output", help="write the YAML to this file (default: standard output)")
    p.add_argument("--force", action="store_true", help="overwrite the output file if it exists")
    args = p.parse_args(argv)
    notice_path = Path(args.notice)
    name = display_path(args.notice)
    if not notice_path.exists():
        raise UsageError(f"{args.notice}: no such file")
    if notice_path.is_dir():
        raise UsageError(f"{args.notice}: is a folder, not a notice text file")
    out = Path(args.output) if args.output else None
    if out is not None:
        if out.exists() and out.resolve() == notice_path.resolve():
            raise UsageError(f"{args.output}: is the notice itself; choose another output file")
        if out.is_dir():
            raise UsageError(
                f"{args.output}: is a folder; give a file name such as {args.output.rstrip('/')}/tasks.yaml"
            )
        if out.exists() and not args.force:
            raise UsageError(f"{args.output}: already exists; use --force to overwrite it")
        if not out.parent.is_dir():
            raise UsageError(f"{args.output}: the folder {out.parent} does not exist")
    try:
        notice = import_file(str(notice_path))
    except NoticeError as exc:
        print(exc.note.render(name), file=sys.stderr)
        print("nothing was imported.", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"{name}: error: cannot read the file: {exc.strerror}", file=sys.stderr)
        return 1
    for note in notice.notes:
        print(note.render(name), file=sys.stderr)
    text = to_yaml(notice, notice_path.name)
    if out is None:
        sys.stdout.write(text)
    else:
        tmp = out.with_name(f".{out.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, out)
    sections = sum(len(ch.sections) for ch in notice.chapters)
    warnings = sum(1 for n in notice.notes if n.level == "warning")
    suggestions = sum(1 for n in notice.notes if n.level == "suggestion")
    where = f" into {display_path(str(out))}" if out is not None else ""
    counts = ", ".join(
        _plural(n, word)
        for n, word in (
            (len(notice.tasks), "task"),
            (len(notice.chapters), "chapter"),
            (sections, "section"),
            (len(notice.units), "unit"),
        )
    )
    print(
        f"{name}: imported{where} {counts} ({notice.encoding}); "
        f"{_plural(warnings, 'warning')}, {_plural(suggestions, 'suggestion')}",
        file=sys.stderr,
    )
    return 0
