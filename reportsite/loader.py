"""tasks.yaml -> Report: one declarative schema, every problem located and collected."""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
import re
from dataclasses import dataclass

from . import yamlnodes
from .errors import ContentError, Problem, did_you_mean
from .model import DEFAULT_LABELS, KINDS, Chapter, Report, Section, Task, Unit
from .progress import STATUSES
from .yamlnodes import Map, Node, Scalar, Seq


@dataclass(frozen=True)
class Field:
    """One key of a mapping: its type, whether it is required, and what it means (documented once)."""

    key: str
    type: str  # str, int, bool, date, enum, str_list, map, map_list
    required: bool = False
    doc: str = ""
    choices: tuple[str, ...] = ()
    fields: tuple["Field", ...] = ()


LABEL_FIELDS = (
    Field("lead", "str", doc="how the document names lead units, e.g. 牵头单位"),
    Field("responsible", "str", doc="how it names the others, e.g. 责任单位 or 配合单位"),
)
REPORT_FIELDS = (
    Field("title", "str", True, "the list's title as published"),
    Field("issuer", "str", True, "the government that published it, e.g. 济源市人民政府"),
    Field("year", "int", True, "the year of the government work report"),
    Field("source", "str", doc="where the text comes from"),
    Field("as_of", "date", doc="the date the site reports on (YYYY-MM-DD); shown, and used for 'overdue'"),
    Field("labels", "map", doc="the document's words for the two roles", fields=LABEL_FIELDS),
)
UNIT_FIELDS = (
    Field("name", "str", True, "the full canonical name"),
    Field("kind", "enum", True, "department, town (乡镇/街道), company or other", choices=tuple(KINDS)),
    Field("aliases", "str_list", doc="other names a task or a reader may use: short names, old names"),
    Field("members", "str_list", doc="for a collective unit (各街道办事处): the units it stands for"),
    Field("slug", "str", doc="the unit page's file name (ASCII); pinyin of the name when absent"),
)
TASK_FIELDS = [
    Field("number", "int", True, "the task's number as printed"),
    Field("text", "str", True, "the task's text, verbatim"),
    Field("lead", "str_list", doc="lead units (牵头单位), by name or alias"),
    Field("responsible", "str_list", doc="responsible or supporting units (责任单位/配合单位)"),
    Field("and_others", "bool", doc="true when the document adds 等有关单位"),
]
UPDATE_FIELDS = (
    Field("date", "date", True, "the day of the progress note (YYYY-MM-DD)"),
    Field("note", "str", True, "what was done, in Markdown (no raw HTML; links http, https, mailto or relative)"),
)
PROGRESS_FIELDS = (  # optional per task, in tasks.yaml or in content/progress/YYYY-MM.yaml (see progress.py)
    Field("status", "enum", doc="未启动, 推进中, 已完成 or 滞后; absent: shown as 未填报", choices=STATUSES),
    Field("deadline", "date", doc="when the task is due (YYYY-MM-DD); overdue after report.as_of"),
    Field("updates", "map_list", doc="dated progress notes", fields=UPDATE_FIELDS),
)
TASK_FIELDS += PROGRESS_FIELDS  # they land in Task.extra
SECTION_FIELDS = (
    Field("title", "str", True, "the section heading without its number"),
    Field("tasks", "map_list", True, "the section's tasks", fields=tuple(TASK_FIELDS)),
)
CHAPTER_FIELDS = (
    Field("title", "str", True, "the chapter heading without its number"),
    Field("sections", "map_list", doc="the chapter's sections", fields=SECTION_FIELDS),
    Field("tasks", "map_list", doc="tasks directly under the chapter (when it has no sections)", fields=tuple(TASK_FIELDS)),
)
TOP_FIELDS = (
    Field("report", "map", True, "report metadata", fields=REPORT_FIELDS),
    Field("units", "map_list", True, "the units registry", fields=UNIT_FIELDS),
    Field("chapters", "map_list", True, "the chapters in document order", fields=CHAPTER_FIELDS),
)
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
TYPE_WORDS = {
    "str": "text",
    "int": "a whole number",
    "bool": "true or false",
    "date": "a date YYYY-MM-DD",
    "enum": "one of",
    "str_list": "a list of names, e.g. [A, B]",
    "map": "a mapping of keys",
    "map_list": "a list of mappings (items starting with '- ')",
}


class _Checker:
    def __init__(self, filename: str):
        self.filename = filename
        self.problems: list[Problem] = []

    def error(self, node: Node, message: str) -> None:
        self.problems.append(Problem(self.filename, node.line, node.col, message))

    def warn(self, node: Node, message: str) -> None:
        self.problems.append(Problem(self.filename, node.line, node.col, message, warning=True))

    def mapping(self, node: Node, fields: tuple[Field, ...] | list[Field], what: str) -> dict | None:
        """Check a mapping against its fields; returns {key: value, '@key': node, '@': node}."""
        if not isinstance(node, Map):
            self.error(node, f"{what} must be {TYPE_WORDS['map']}, not {_describe(node)}")
            return None
        known = _BY_KEY.get(id(fields))
        if known is None or known[0] is not fields:  # made once per tuple of fields (module constants)
            known = _BY_KEY[id(fields)] = (fields, {f.key: f for f in fields})
        by_key = known[1]
        out: dict = {"@": node}
        for key, value in node.pairs:
            name = str(key.value)
            field = by_key.get(name)
            if field is None:
                self.error(key, f"unknown key '{name}' in {what}{did_you_mean(name, by_key) or '; allowed: ' + ', '.join(by_key)}")
                continue
            out["@" + name] = value
            converted = self.value(value, field, f"'{name}' of {what}" if what != "the file" else f"'{name}'")
            if converted is not _BAD:
                out[name] = converted
        for f in fields:
            if f.required and "@" + f.key not in out:
                self.error(node, f"{what} is missing '{f.key}' ({f.doc})")
        return out

    def value(self, node: Node, f: Field, what: str):
        t = f.type
        if t in ("str", "int", "bool", "date", "enum"):
            if not isinstance(node, Scalar):
                self.error(node, f"{what} must be {TYPE_WORDS[t]}, not {_describe(node)}")
                return _BAD
            v = node.value
            if t == "str" or t == "enum":
                if isinstance(v, bool) or v is None:
                    self.error(node, f"{what} must be {TYPE_WORDS['str']}, not {_describe(node)}")
                    return _BAD
                s = str(v).strip()
                if not s:
                    self.error(node, f"{what} is empty")
                    return _BAD
                if t == "enum" and s not in f.choices:
                    self.error(node, f"{what} must be one of {', '.join(f.choices)}, not '{s}'{did_you_mean(s, f.choices)}")
                    return _BAD
                return s
            if t == "int":
                if isinstance(v, bool) or not isinstance(v, int):
                    if isinstance(v, str) and re.fullmatch(r"\s*\d+\s*", v):  # number: "12"
                        self.error(node, f"{what} is a number: write it without quotes ({v.strip()})")
                    else:
                        self.error(node, f"{what} must be {TYPE_WORDS['int']}, not {_describe(node)}")
                    return _BAD
                return v
            if t == "bool":
                if not isinstance(v, bool):
                    self.error(node, f"{what} must be {TYPE_WORDS['bool']}, not {_describe(node)}")
                    return _BAD
                return v
            if t == "date":
                return self.date(node, what)
        if t == "str_list":
            if isinstance(node, Scalar) and node.value is None:
                return []
            if not isinstance(node, Seq):
                self.error(node, f"{what} must be {TYPE_WORDS['str_list']}, not {_describe(node)}")
                return _BAD
            out = []
            for item in node.items:
                v = self.value(item, _NAME, f"a name in {what}")
                if v is not _BAD:
                    out.append((v, item))
            return out
        if t == "map":
            return self.mapping(node, f.fields, what) or _BAD
        if t == "map_list":
            if not isinstance(node, Seq):
                self.error(node, f"{what} must be {TYPE_WORDS['map_list']}, not {_describe(node)}")
                return _BAD
            out = []
            for i, item in enumerate(node.items, 1):
                m = self.mapping(item, f.fields, _item_label(f.key, i, item, what))
                if m is not None:
                    out.append(m)
            return out
        raise AssertionError(t)

    def date(self, node: Scalar, what: str):
        s = str(node.value) if node.value is not None else ""
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
                raise ValueError
            return _dt.date.fromisoformat(s)
        except ValueError:
            self.error(node, f"{what} must be {TYPE_WORDS['date']}, not '{s}'")
            return _BAD


_BAD = object()
_NAME = Field("", "str")  # an item of a str_list
_BY_KEY: dict[int, tuple] = {}  # id(fields) -> (fields, {key: field}): mapping()'s lookup


def _item_label(key: str, i: int, item: Node, parent: str) -> str:
    """How messages name the i-th item of a list: 'task 53', "unit '住建局'", 'section 2 of chapter 3'."""
    inner = item.get("number" if key == "tasks" else "name") if isinstance(item, Map) else None
    value = inner.value if isinstance(inner, Scalar) else None
    if key == "tasks":
        if isinstance(value, int) and not isinstance(value, bool):
            return f"task {value}"
        return f"task #{i} of {parent}"
    if key == "units":
        return f"unit '{value}'" if isinstance(value, str) else f"unit #{i}"
    if key == "chapters":
        return f"chapter {i}"
    if key == "sections":
        return f"section {i} of {parent}"
    return f"item {i} of {parent}"


def _plain(value):
    """A checked value without its position keys ('@…'), e.g. a task's updates for Task.extra."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if not k.startswith("@")}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _describe(node: Node) -> str:
    if isinstance(node, Map):
        return "a mapping"
    if isinstance(node, Seq):
        return "a list"
    v = node.value  # type: ignore[attr-defined]
    if v is None:
        return "nothing (empty)"
    if isinstance(v, bool):
        return f"'{str(v).lower()}'"
    return f"'{v}'"


def read(path: str, display: str | None = None, sources: list[bytes] | None = None) -> tuple[Node | None, list[Problem]]:
    """Read and parse a YAML file with the size, encoding and syntax checks. `sources` gets the
    file's name and a hash of the bytes read (Report.inputs)."""
    name = display or path
    try:
        size = os.path.getsize(path)
        if size > yamlnodes.MAX_BYTES:
            return None, [
                Problem(name, 1, 1, f"the file is {_size(size)}; the limit is {_size(yamlnodes.MAX_BYTES)}: split the report")
            ]
        with open(path, "rb") as fh:
            data = fh.read()
    except IsADirectoryError:
        return None, [Problem(name, 1, 1, "is a folder, not a YAML file")]
    except OSError as exc:
        return None, [Problem(name, 1, 1, f"cannot read the file: {exc.strerror}")]
    if sources is not None:
        sources.append(os.path.basename(path).encode() + b"\0" + hashlib.blake2b(data, digest_size=16).digest())
    text, problems = yamlnodes.decode(data, name)
    if text is None:
        return None, problems
    root, problems = yamlnodes.parse(text, name)
    if root is not None and " #" in text:
        problems = problems + _cut_by_comments(text, name)
    return root, problems


# A clerk's text with ' #' in it (项目 #2号地块): YAML ends the value there and drops the rest as a comment
_CUT_TEXT = re.compile(r"^(\s*(?:-\s+)?(text|title|note):[ \t]+[^'\"\s|>&*!\[{#][^\n]*?[ \t])#([^\n]*)$", re.M)


def _cut_by_comments(text: str, name: str) -> list[Problem]:
    out = []
    for m in _CUT_TEXT.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        rest = m.group(3).strip()
        shown = rest if len(rest) <= 20 else rest[:20] + "…"
        out.append(
            Problem(
                name,
                line,
                len(m.group(1)) + 1,
                f"' #' starts a YAML comment, so '#{shown}' is left out of '{m.group(2)}': "
                f"put the whole {m.group(2)} in quotes ({m.group(2)}: \"…\") to keep it",
                warning=True,
            )
        )
    return out


def _size(n: int) -> str:
    for unit, factor in (("MiB", 2**20), ("KiB", 2**10)):
        if n >= factor:
            return f"{n / factor:.1f} {unit}"
    return f"{n} bytes"


SUSPICIOUS_SPACE = re.compile(r"“[^”\s]*\s[^”]*”|“\s|\s”")


def load(path: str, display: str | None = None) -> tuple[Report, list[Problem]]:
    """Load and validate; returns the report and its warnings, or raises ContentError with all errors."""
    name = display or path
    from .slugs import use_cache_of

    use_cache_of(path)  # the pinyin of this report's unit names, cached apart from other reports'
    sources: list[bytes] = []
    root, problems = read(path, name, sources)
    if root is None:
        raise ContentError(problems)
    report, built = build(root, name)
    problems = problems + built  # the reader's warnings first
    from .progress import merge_folder  # content/progress/YYYY-MM.yaml beside the content file

    progress_dir = (os.path.join(os.path.dirname(path), "progress"), os.path.join(os.path.dirname(name), "progress"))
    problems = problems + merge_folder(report, *progress_dir, sources=sources)
    errors = [p for p in problems if not p.warning]
    if errors or report is None:
        raise ContentError(problems)
    # What the model was made of: the bytes of every file read, and the units' slugs and pinyin
    # order (from the pinyin cache or pypinyin); the exports are reused while it stays the same.
    units = "\0".join(f"{u.name}\0{u.slug}" for u in report.sorted_units()).encode()
    report.inputs = hashlib.blake2b(b"\0".join(sources) + b"\0\0" + units, digest_size=16).hexdigest()
    return report, problems


def build(root: Node, filename: str) -> tuple[Report | None, list[Problem]]:
    c = _Checker(filename)
    doc = c.mapping(root, TOP_FIELDS, "the file")  # items are named 'report', 'chapter 2', 'task 53' …
    if doc is None:
        return None, c.problems
    meta = doc.get("report") or {}
    units_raw = doc.get("units") or []
    chapters_raw = doc.get("chapters") or []
    if "@chapters" in doc and not chapters_raw and isinstance(doc["@chapters"], Seq):
        c.error(doc["@chapters"], "'chapters' is empty: a report needs at least one chapter")

    # -- units registry ---------------------------------------------------------------------
    names: dict[str, Node] = {}
    aliases: dict[str, tuple[str, Node]] = {}
    for u in units_raw:
        if "name" not in u:
            continue
        if u["name"] in names:
            c.error(u["@name"], f"unit '{u['name']}' is registered twice (first at line {names[u['name']].line})")
        else:
            names[u["name"]] = u["@name"]
    for u in units_raw:
        if "name" not in u:
            continue
        for alias, node in u.get("aliases", []):
            if alias in names:
                c.error(node, f"alias '{alias}' of '{u['name']}' is the name of another registered unit")
            elif alias in aliases and aliases[alias][0] != u["name"]:
                c.error(node, f"alias '{alias}' of '{u['name']}' is already an alias of '{aliases[alias][0]}' (line {aliases[alias][1].line})")
            elif alias in aliases:
                c.error(node, f"alias '{alias}' is listed twice for '{u['name']}'")
            else:
                aliases[alias] = (u["name"], node)

    def resolve(name: str, node: Node, context: str) -> str | None:
        if name in names:
            return name
        if name in aliases:
            return aliases[name][0]
        parts = [x.strip() for x in re.split(r"[，、；;]", name) if x.strip()]
        if len(parts) > 1:  # [A，B] or [A、B]: one name to YAML, two units to the clerk
            listed = ", ".join(parts)
            c.error(node, f"'{name}' is read as one unit: separate units with a half-width comma and a space: [{listed}]")
            return None
        hint = did_you_mean(name, list(names) + list(aliases), cutoff=0.4)
        if not hint:
            hint = "; register it under 'units:'"
        c.error(node, f"unknown unit '{name}' in {context}{hint}")
        return None

    fixed_slugs: dict[str, str] = {}
    seen_slugs: dict[str, str] = {}
    for u in units_raw:
        if "name" not in u or "slug" not in u:
            continue
        slug = u["slug"]
        if not SLUG_RE.match(slug) or slug == "index":
            c.error(u["@slug"], f"slug '{slug}' must be lower-case ASCII letters, digits and '-' (and not 'index')")
        elif slug in seen_slugs:
            c.error(u["@slug"], f"slug '{slug}' is already used by '{seen_slugs[slug]}'")
        else:
            seen_slugs[slug] = u["name"]
            fixed_slugs[u["name"]] = slug

    members_of: dict[str, tuple[str, ...]] = {}
    for u in units_raw:
        if "name" not in u:
            continue
        ms = []
        for m, node in u.get("members", []):
            r = resolve(m, node, f"the members of '{u['name']}'")
            if r == u["name"]:
                c.error(node, f"unit '{u['name']}' cannot be its own member")
            elif r is not None and r not in ms:
                ms.append(r)
        members_of[u["name"]] = tuple(ms)
    for name, ms in members_of.items():
        for m in ms:
            if members_of.get(m):
                c.error(names[name], f"collective '{name}' lists '{m}', which is itself a collective: list its members instead")

    # -- chapters, sections, tasks -----------------------------------------------------------
    numbers: dict[int, Node] = {}
    chapters: list[Chapter] = []

    core = {f.key for f in TASK_FIELDS[:5]}  # number, text, lead, responsible, and_others: the Task's own fields

    def make_task(t: dict, ch: int, sec: int | None) -> Task | None:
        if "number" not in t or "text" not in t:
            return None
        n = t["number"]
        if n <= 0:
            c.error(t["@number"], f"task number must be positive, not {n}")
        if n in numbers:
            c.error(t["@number"], f"task number {n} is used twice (first at line {numbers[n].line})")
        else:
            numbers[n] = t["@number"]
        roles = {}
        for role in ("lead", "responsible"):
            got: list[str] = []
            for written, node in t.get(role, []):
                r = resolve(written, node, f"task {n}")
                if r is not None:
                    if r in got:
                        c.error(node, f"task {n} names '{written}' twice as {role}")
                    else:
                        got.append(r)
            roles[role] = tuple(got)
        both = set(roles["lead"]) & set(roles["responsible"])
        for name in sorted(both):
            c.error(t["@"], f"task {n} names '{name}' both as lead and as responsible unit")
        if not t.get("lead") and not t.get("responsible") and "@lead" not in t and "@responsible" not in t:
            c.error(t["@"], f"task {n} names no unit: add 'lead' or 'responsible'")
        elif not t.get("lead") and not t.get("responsible"):
            c.error(t["@"], f"task {n} names no unit: 'lead' and 'responsible' are both empty")
        m = SUSPICIOUS_SPACE.search(t["text"])
        if m:
            c.warn(t["@text"], f"task {n}: suspicious space inside a quoted term {m.group(0)} (a lost '+', as in “互联网+”?)")
        extra = {k: _plain(v) for k, v in t.items() if k not in core and not k.startswith("@")}
        return Task(n, t["text"], roles["lead"], roles["responsible"], t.get("and_others", False), ch, sec, extra)

    for k, ch_raw in enumerate(chapters_raw, 1):
        has_sections = "@sections" in ch_raw
        has_tasks = "@tasks" in ch_raw
        if has_sections and has_tasks:
            c.error(ch_raw["@tasks"], "a chapter has either 'sections' or 'tasks', not both")
        elif not has_sections and not has_tasks:
            c.error(ch_raw["@"], "a chapter needs 'sections' (each with 'title' and 'tasks') or 'tasks'")
        sections = []
        for j, s_raw in enumerate(ch_raw.get("sections", []), 1):
            tasks = [x for x in (make_task(t, k, j) for t in s_raw.get("tasks", [])) if x]
            if "@tasks" in s_raw and not s_raw.get("tasks") and isinstance(s_raw["@tasks"], Seq):
                c.error(s_raw["@tasks"], f"section '{s_raw.get('title', j)}' has no tasks")
            sections.append(Section(j, s_raw.get("title", ""), tasks))
        direct = [x for x in (make_task(t, k, None) for t in ch_raw.get("tasks", [])) if x]
        chapters.append(Chapter(k, ch_raw.get("title", ""), sections, direct))

    if any(not p.warning for p in c.problems):
        return None, c.problems

    from .slugs import sort_key, unique_slugs

    order = [u["name"] for u in units_raw]
    slugs = unique_slugs(order, fixed_slugs)
    if fixed_slugs:  # a given slug that is another unit's own pinyin moves that unit's page: say so
        from .slugs import slugify

        given = {slug: name for name, slug in fixed_slugs.items()}
        for u in units_raw:
            own = slugify(u["name"]) if u["name"] not in fixed_slugs else None
            if own in given:
                holder = next(x for x in units_raw if x["name"] == given[own])
                c.warn(
                    holder["@slug"],
                    f"slug '{own}' is the page address '{u['name']}' gets from its name: '{u['name']}' moves to "
                    f"units/{slugs[u['name']]}.html, and links to units/{own}.html now open '{given[own]}'",
                )
    units = [
        Unit(
            name=u["name"],
            kind=u["kind"],
            aliases=tuple(a for a, _ in u.get("aliases", [])),
            members=members_of[u["name"]],
            slug=slugs[u["name"]],
            sort_key=sort_key(u["name"]),
        )
        for u in units_raw
    ]
    labels = dict(DEFAULT_LABELS)
    for role in labels:
        if role in meta.get("labels", {}):
            labels[role] = meta["labels"][role]
    report = Report(
        title=meta["title"],
        issuer=meta["issuer"],
        year=meta["year"],
        source=meta.get("source", ""),
        labels=labels,
        units=units,
        chapters=chapters,
        extra={"as_of": meta.get("as_of")},
    )
    return report, c.problems
