"""A fast path for the plain YAML that tasks.yaml is written in, giving the same Node tree as
yamlnodes' libyaml-driven composer, or None to leave the text to it.

Why: libyaml makes a Python event object per value and our composer a node from it: at 10k tasks
and 3,000 units 0.30 s of a 0.48 s load that runs before anything else can start (this: 0.17 s;
the load at 100k 4.1 -> 3.0 s). Content
files are block mappings and sequences, one `key: value` or `- key: value` per line and flow
lists of names (`lead: [发展改革局, 财政局]`): this reads those line by line.

Anything outside that subset gives None at once, and yamlnodes parses the whole text as before, so
every error message, and every value whose YAML meaning is less than obvious, stays libyaml's:
tabs, CR without LF, other line breaks (NEL, LS, PS), characters YAML does not allow, comments
after a value, quotes with escapes, block scalars (| >), values that go on over several lines,
anchors, aliases and tags, flow mappings, nested flow lists, `---` and directives, keys other than
plain ASCII words, empty values (null), a sequence at its key's indentation, duplicate keys.
tests/test_yamlfast.py checks that both give the same tree (values, types, lines, columns) on
the real content, a synthetic report, the fixtures, generated documents and mutations of the real
content, and that what this leaves to libyaml is declined.
"""

from __future__ import annotations

import re

from .yamlnodes import MAX_DEPTH, Map, Node, Scalar, Seq, _resolve

# Characters YAML 1.1 reads as printable text, minus the line breaks and BOM libyaml treats
# specially (NEL, LS, PS, U+FEFF); a text with any other (tab, CR, controls) is not ours.
_OUTSIDE = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
# one line: its indentation, a sequence entry's dash, a key, the rest (without trailing spaces)
# (a key of at most 64 characters: libyaml refuses one longer than 1,024)
# (the lines are read by one findall: groups, not match objects, for each line)
_LINES = re.compile(r"^( *)(- +)?(?:([A-Za-z_][A-Za-z0-9_]{0,63})(: +|:$))?(.*?) *$", re.MULTILINE)
# a plain scalar in block context: no indicator first, nothing that would end it or start a
# comment inside (': ', ' #'), no ':' at its end
_PLAIN_FIRST = frozenset("-?:,[]{}#&*!|>'\"%@` ")
# an item of a flow list: no flow indicators, quotes or comment
_FLOW_ITEM = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`](?:[^,\[\]{}#:'\"]*[^,\[\]{}#:'\" ])?")
_MAP, _SEQ = 0, 1


def compose(text: str) -> Node | None:
    """The Node tree of text (yamlnodes.parse's), or None when text is outside the subset."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")  # CRLF is one line break, as in libyaml
    if _OUTSIDE.search(text):
        return None
    keys: dict[str, object] = {}  # a key's text -> its value as YAML reads it
    items: dict[str, object] = {}  # a flow list item's text -> its value
    # open containers, innermost last: [node, column, kind, keys seen (maps), key awaiting its value (maps)]
    stack: list[list] = []
    root: Node | None = None
    number = 0
    for indent, dash, name, colon, rest in _LINES.findall(text):
        number += 1
        if not dash and not name and (not rest or rest[0] == "#"):
            continue  # blank, or a comment line
        if len(stack) >= MAX_DEPTH - 4:  # with room for what one line opens
            return None  # deep nesting: libyaml's composer refuses it with its message
        col = len(indent)  # 0-based column of the dash, key or value that starts the line
        at = col + len(dash)  # of the key or value after the dash
        # close what is deeper than this line; a key still awaiting its value there is null
        while stack and stack[-1][1] > col:
            if stack.pop()[4] is not None:
                return None
        top = stack[-1] if stack else None
        if dash:
            if top is not None and top[2] == _SEQ and top[1] == col:
                seq = top[0]
            elif top is not None and top[4] is not None and top[1] < col:  # the value of a `key:`
                seq = Seq(number, col + 1)
                top[0].pairs.append((top[4], seq))
                top[4] = None
                stack.append([seq, col, _SEQ, None, None])
            elif root is None:
                seq = root = Seq(number, col + 1)
                stack.append([seq, col, _SEQ, None, None])
            else:
                return None
            if name:
                top = [Map(number, at + 1), at, _MAP, set(), None]
                seq.items.append(top[0])
                stack.append(top)
            elif rest:
                value = _value(rest, number, at, items)
                if value is None:
                    return None
                seq.items.append(value)
                continue
            else:
                return None  # '-' alone: a null item, or a nested block
        elif not name:
            return None  # a bare value where a key or item belongs (e.g. a value going on over lines)
        elif top is not None and top[2] == _MAP and top[1] == col and top[4] is None:
            pass
        elif top is not None and top[4] is not None and top[1] < col:  # the value of a `key:`
            mapping = Map(number, col + 1)
            top[0].pairs.append((top[4], mapping))
            top[4] = None
            top = [mapping, col, _MAP, set(), None]
            stack.append(top)
        elif root is None:
            top = [Map(number, col + 1), col, _MAP, set(), None]
            root = top[0]
            stack.append(top)
        else:
            return None
        # `name: rest` into the mapping top
        if name in top[3]:
            return None  # a duplicate key: libyaml's composer reports it
        top[3].add(name)
        key_value = keys.get(name)
        if key_value is None:
            key_value = keys[name] = _resolve(name, True)
            if not isinstance(key_value, str):
                return None  # true:, null: … a key YAML reads as another type
        key = Scalar(number, at + 1, key_value, False)
        if not rest:
            top[4] = key  # its value is the block below
            continue
        value = _value(rest, number, at + len(name) + len(colon), items)
        if value is None:
            return None
        top[0].pairs.append((key, value))
    for entry in stack:
        if entry[4] is not None:
            return None  # a key without a value: null, libyaml's to place
    return root if isinstance(root, Map) else None


def _value(text: str, line: int, col: int, known: dict[str, object]) -> Node | None:
    """A value on its key's or dash's line, at 0-based column col: a plain or simply quoted scalar,
    or a flow list of plain scalars (known: see _flow); None for anything else."""
    first = text[0]
    if first >= "\x80":  # most values: Chinese text
        if ": " in text or " #" in text or text[-1] == ":":
            return None
        return Scalar(line, col + 1, text, False)
    if first == "[":
        return _flow(text, line, col, known)
    if first == "'" or first == '"':
        if len(text) < 2 or text[-1] != first or first in text[1:-1] or (first == '"' and "\\" in text):
            return None
        return Scalar(line, col + 1, text[1:-1], True)
    if first in _PLAIN_FIRST or ": " in text or " #" in text or text[-1] == ":":
        return None
    return Scalar(line, col + 1, _resolve(text, True), False)


def _flow(text: str, line: int, col: int, known: dict[str, object]) -> Seq | None:
    """`[a, b, c]` of plain scalars, alone on the rest of its line. known: item text -> its value,
    for the items already read (the same unit names come back on thousands of lines)."""
    if text[-1] != "]":
        return None
    seq = Seq(line, col + 1)
    inside = text[1:-1]
    if not inside.strip(" "):
        return seq if not inside else None
    items = seq.items
    at = col + 2  # the 1-based column after '[' (or after a comma)
    for raw in inside.split(","):
        item = raw.strip(" ")
        value = known.get(item)
        if value is None:
            if not item or _FLOW_ITEM.fullmatch(item) is None:
                return None
            value = known[item] = _resolve(item, True)
            if value is None:
                return None  # a null item (~, null): kept out of the cache
        items.append(Scalar(line, at + len(raw) - len(raw.lstrip(" ")), value, False))
        at += len(raw) + 1
    return seq
