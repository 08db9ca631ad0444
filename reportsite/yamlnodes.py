"""A small, safe YAML front end that keeps every value's position.

PyYAML's event parser (libyaml when available) is driven by our own iterative composer, so that
we can report `file:LINE:COL` for every value, reject duplicate mapping keys (PyYAML silently
keeps the last), bound nesting depth and alias expansion (billion laughs), and never construct
arbitrary Python objects. Plain scalars are resolved like YAML 1.1's core types we accept:
int, bool, null; everything else is a string.

Plain block YAML (what a content file usually is) is read by yamlfast.py instead, which gives the
same nodes or declines, and then this reads the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from .errors import Problem

try:  # libyaml's parser is about ten times faster than the pure-Python one
    from yaml._yaml import CParser as _Parser  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml.parser import Parser as _PyParser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, _PyParser):  # type: ignore[no-redef]
        def __init__(self, stream):
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            _PyParser.__init__(self)

MAX_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 64

_INT = re.compile(r"^[-+]?(0|[1-9][0-9_]*)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NULL = {"", "~", "null", "Null", "NULL"}


@dataclass(eq=False, slots=True)
class Node:
    line: int
    col: int


@dataclass(eq=False, slots=True)
class Scalar(Node):
    value: object  # str | int | bool | None
    quoted: bool = False


@dataclass(eq=False, slots=True)
class Seq(Node):
    items: list[Node] = field(default_factory=list)


@dataclass(eq=False, slots=True)
class Map(Node):
    pairs: list[tuple[Scalar, Node]] = field(default_factory=list)

    def get(self, key: str) -> Node | None:
        for k, v in self.pairs:
            if k.value == key:
                return v
        return None


def _resolve(value: str, plain: bool) -> object:
    if not plain:
        return value
    if value in _NULL:
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT.match(value):
        return int(value.replace("_", ""))
    return value


def decode(data: bytes, filename: str) -> tuple[str | None, list[Problem]]:
    """Bytes to text: UTF-8 with or without BOM; a located message for anything else."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        hint = ""
        try:
            data.decode("gb18030")
            hint = "; the file looks like GBK/GB18030: save it as UTF-8 (e.g. iconv -f GB18030 -t UTF-8)"
        except UnicodeDecodeError:
            pass
        bad = data[exc.start : exc.start + 1].hex()
        return None, [Problem(filename, line, col, f"invalid UTF-8 (byte 0x{bad}){hint}")]
    if "\x00" in text:
        i = text.index("\x00")
        line = text.count("\n", 0, i) + 1
        col = i - (text.rfind("\n", 0, i) + 1) + 1
        return None, [Problem(filename, line, col, "NUL character: this is not a text file")]
    return text, []


def parse(text: str, filename: str) -> tuple[Node | None, list[Problem]]:
    """YAML text to a Node tree, or the problems that prevent it."""
    from .yamlfast import compose  # plain block YAML, line by line; None: anything else

    root = compose(text)
    if root is not None:
        return root, []
    at = _line_mapper(text) if _OTHER_BREAKS.search(text) else _mark_position
    return _parse(text, filename, at)


# libyaml ends a line at each of these too (YAML 1.1); the file's lines, as an editor and every other
# message count them, do not. ('\r\n' is one line break to libyaml and to the '\n' count alike.)
_OTHER_BREAKS = re.compile("[\u2028\u2029\x85]")


def _mark_position(mark) -> tuple[int, int]:
    """A libyaml mark's (line, column), both from 1."""
    return mark.line + 1, mark.column + 1


def _line_mapper(text: str):
    """A libyaml mark -> (line, column) in the file's own lines, when the text has _OTHER_BREAKS."""
    import bisect

    ours = [m.start() for m in re.finditer("\n", text)]

    def at(mark) -> tuple[int, int]:
        k = bisect.bisect_left(ours, mark.index)  # newlines before the mark
        start = ours[k - 1] + 1 if k else 0
        return k + 1, mark.index - start + 1

    return at


def _parse(text: str, filename: str, at) -> tuple[Node | None, list[Problem]]:
    try:
        return _compose(text, filename, at)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = at(mark) if mark else (1, 1)
        what = " ".join(x for x in (exc.context, exc.problem) if x)
        cm = exc.context_mark
        if cm is not None and mark is not None and (cm.line, cm.column) != (mark.line, mark.column):
            what += " (it started at line {}, column {})".format(*at(cm))
        index = getattr(mark, "index", None)
        if isinstance(index, int) and 0 <= index < len(text) and text[index] == "\t":
            what += ": a tab; YAML indents with spaces only"
        found = _clerk_mistake(text, line, exc, at)
        if found is not None:  # the typing mistake behind it, where it is, in the clerk's words
            line, col, said = found
            return None, [Problem(filename, line, col, f"YAML syntax error: {said}")]
        if exc.problem and any(p in exc.problem for p in _INDENT_PROBLEMS):
            what += "; check this line's indentation against the lines above it (spaces only)"
        return None, [Problem(filename, *_within(text, line, col), f"YAML syntax error: {what}")]
    except yaml.YAMLError as exc:  # e.g. reader errors for control characters
        mark = getattr(exc, "problem_mark", None)
        line, col = at(mark) if mark else (1, 1)
        return None, [Problem(filename, *_within(text, line, col), f"YAML error: {exc}")]


# libyaml's words for a line indented too much or too little
_INDENT_PROBLEMS = ("expected '-' indicator", "did not find expected key", "mapping values are not allowed")
_KEY_FULL_WIDTH = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z_]+)\s*：")  # lead：[…]
_KEY_NO_SPACE = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z_]+):(?=[^\s/])")  # lead:[…] (not a URL's ://)
_VALUE_WITH_COLON = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z_]+): +([^'\"\[{|>].*?): ")  # text: 项目: 建设…


def _clerk_mistake(text: str, line: int, exc, at=_mark_position) -> tuple[int, int, str] | None:
    """The usual typing mistake behind a YAML syntax error at `line` (1-based), found on that line or
    the lines before it (libyaml often notices one line late): a full-width colon or no space after
    a key, a ': ' inside a value, a quote never closed. (line, column, what to do), or None."""
    if exc.context and "quoted scalar" in exc.context and exc.context_mark is not None:
        return (*at(exc.context_mark), "a quote opened here is never closed: close it on the same line")  # where it opens
    lines = text.split("\n")
    for i in range(min(line, len(lines)) - 1, max(line - 3, 0) - 1, -1):  # the error line and two before
        s = lines[i]
        m = _KEY_FULL_WIDTH.match(s)
        if m:
            col = len(m.group(1)) + len(m.group(2)) + 1
            return i + 1, col, f"full-width colon '：' after '{m.group(2)}': type ':' and a space ({m.group(2)}: …)"
        m = _KEY_NO_SPACE.match(s)
        if m:
            col = len(m.group(1)) + len(m.group(2)) + 1
            return i + 1, col, f"no space after '{m.group(2)}:': type a space after the colon ({m.group(2)}: …)"
    if exc.problem and "mapping values are not allowed" in exc.problem and 0 < line <= len(lines):
        m = _VALUE_WITH_COLON.match(lines[line - 1])
        if m:
            col = len(m.group(1)) + len(m.group(2)) + 3
            return line, col, (
                f"the value of '{m.group(2)}' holds ': ', which YAML reads as another key: "
                f"put the whole value in quotes ({m.group(2)}: \"…\") or write '：'"
            )
    return None


def _within(text: str, line: int, col: int) -> tuple[int, int]:
    """libyaml places 'unexpected end of file' on a line after the last one: point at the file's end instead."""
    last = text.count("\n") + 1
    if line > last:
        return last, len(text) - (text.rfind("\n") + 1) + 1
    return line, col


_EVENT_KINDS = {
    yaml.ScalarEvent: 1,
    yaml.SequenceStartEvent: 2,
    yaml.MappingStartEvent: 3,
    yaml.SequenceEndEvent: 4,
    yaml.MappingEndEvent: 4,
    yaml.AliasEvent: 5,
    yaml.DocumentStartEvent: 6,
}


def _size(node: Node, sizes: dict[int, int]) -> int:
    """How many values a node stands for once its aliases are expanded (memoized by id: an anchored
    node is complete when an alias refers to it, and lives as long as the parse)."""
    known = sizes.get(id(node))
    if known is not None:
        return known
    if isinstance(node, Seq):
        n = 1 + sum(_size(x, sizes) for x in node.items)
    elif isinstance(node, Map):
        n = 1 + sum(_size(k, sizes) + _size(v, sizes) for k, v in node.pairs)
    else:
        n = 1
    sizes[id(node)] = n
    return n


class _Stop(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem


def _compose(text: str, filename: str, at=_mark_position) -> tuple[Node | None, list[Problem]]:
    parser = _Parser(text)
    anchors: dict[str, Node] = {}
    sizes: dict[int, int] = {}  # id(anchored node) -> expanded node count, worked out when an alias asks
    stack: list[tuple[Node, list]] = []  # (container, pending key holder)
    root: Node | None = None
    documents = 0
    events = 0
    expanded = 0
    problems: list[Problem] = []
    kinds = _EVENT_KINDS

    def attach(node: Node) -> None:
        nonlocal root
        if not stack:
            root = node
            return
        parent, pending = stack[-1]
        if pending is None:  # a sequence
            parent.items.append(node)
        elif pending:
            parent.pairs.append((pending.pop(), node))
        else:
            if not isinstance(node, Scalar) or isinstance(node.value, (list, dict)):
                raise _Stop(Problem(filename, node.line, node.col, "a mapping key must be a plain value"))
            for k, _ in parent.pairs:
                if k.value == node.value:
                    raise_dup(node, k)
            pending.append(node)

    def raise_dup(node: Scalar, first: Scalar) -> None:
        problems.append(
            Problem(
                filename,
                node.line,
                node.col,
                f"duplicate key '{node.value}' (first at line {first.line}); YAML would silently keep only the last one",
            )
        )

    try:
        while True:
            event = parser.get_event()
            if event is None:
                break
            events += 1
            kind = kinds.get(type(event), 0)
            if kind == 1:  # scalar
                line, col = at(event.start_mark)
                plain = bool(event.implicit[0]) and not event.style
                if event.tag is not None and event.tag != "!":
                    raise _Stop(Problem(filename, line, col, f"YAML tag {event.tag} is not allowed"))
                node = Scalar(line, col, _resolve(event.value, plain), not plain)
                if event.anchor:
                    anchors[event.anchor] = node
                attach(node)
            elif kind == 2 or kind == 3:  # sequence or mapping start
                line, col = at(event.start_mark)
                if event.tag is not None and event.tag != "!":
                    raise _Stop(Problem(filename, line, col, f"YAML tag {event.tag} is not allowed"))
                if len(stack) >= MAX_DEPTH:
                    raise _Stop(Problem(filename, line, col, f"nesting deeper than {MAX_DEPTH} levels"))
                if kind == 2:
                    node = Seq(line, col)
                    stack.append((node, None))
                else:
                    node = Map(line, col)
                    stack.append((node, []))
                if event.anchor:
                    anchors[event.anchor] = node
            elif kind == 4:  # sequence or mapping end
                attach(stack.pop()[0])
            elif kind == 5:  # alias
                line, col = at(event.start_mark)
                target = anchors.get(event.anchor)
                if target is None:
                    raise _Stop(Problem(filename, line, col, f"unknown YAML alias *{event.anchor}"))
                if stack and any(target is held for held, _ in stack):
                    raise _Stop(Problem(filename, line, col, f"YAML alias *{event.anchor} refers to a value that contains it"))
                expanded += _size(target, sizes)
                if expanded > 2 * events + 10_000:
                    raise _Stop(
                        Problem(
                            filename,
                            line,
                            col,
                            f"YAML alias *{event.anchor} multiplies the document (over {expanded} values): "
                            "aliases that expand the file this much are refused (billion laughs)",
                        )
                    )
                attach(target)
            elif kind == 6:  # document start
                documents += 1
                if documents > 1:
                    raise _Stop(Problem(filename, *at(event.start_mark), "more than one YAML document ('---'): use one"))
    except _Stop as stop:
        return None, problems + [stop.problem]
    if problems:
        return None, problems
    if root is None or (isinstance(root, Scalar) and root.value is None):
        return None, [Problem(filename, 1, 1, "the file is empty")]
    return root, []
