"""The fast path for plain YAML (reportsite/yamlfast.py) gives libyaml's tree or nothing.

Each test compares yamlfast.compose() with the libyaml-driven composer (yamlnodes._compose): same
values, types, quoting, lines and columns wherever the fast path answers, and every text outside
its subset left to libyaml (None)."""

from __future__ import annotations

import random

import pytest
from util import FIXTURES, SEED

from reportsite import loader, synth, yamlfast, yamlnodes
from reportsite.yamlnodes import Map, Scalar, Seq


def tree(node):
    """A node tree as plain tuples: what a comparison needs to see."""
    if isinstance(node, Scalar):
        return ("scalar", node.line, node.col, type(node.value).__name__, node.value, node.quoted)
    if isinstance(node, Seq):
        return ("seq", node.line, node.col, [tree(x) for x in node.items])
    assert isinstance(node, Map)
    return ("map", node.line, node.col, [(tree(k), tree(v)) for k, v in node.pairs])


def libyaml_tree(text: str):
    """libyaml's tree, or None when it finds a problem (a syntax error, a duplicate key …)."""
    try:
        root, problems = yamlnodes._compose(text, "t.yaml")
    except Exception:  # a syntax error: yamlnodes.parse() turns it into a located problem
        return None
    return None if problems or root is None else tree(root)


def same_or_declined(text: str) -> bool:
    """True when the fast path answers (and gives libyaml's tree); False when it declines.
    Fails when it answers differently from libyaml, or where libyaml finds a problem."""
    fast = yamlfast.compose(text)
    if fast is None:
        return False
    assert tree(fast) == libyaml_tree(text), text
    return True


@pytest.mark.parametrize(
    "path",
    [SEED, FIXTURES / "full-features.yaml", FIXTURES / "progress" / "tasks.yaml"],
    ids=["seed", "full-features", "progress"],
)
def test_the_real_content_and_the_fixtures_take_the_fast_path_with_libyamls_tree(path):
    text = path.read_text(encoding="utf-8")
    assert same_or_declined(text)


def test_synthetic_reports_take_the_fast_path_with_libyamls_tree():
    text = synth.generate(3000, 400, seed=7)
    fast = yamlfast.compose(text)
    assert fast is not None
    assert tree(fast) == libyaml_tree(text)
    units = fast.get("units")
    assert isinstance(units, Seq) and len(units.items) == text.count("\n  - name: ") == 423  # with collectives
    # a flow list's items keep their own columns, after CJK names
    chapters = fast.get("chapters")
    task = chapters.items[0].get("sections").items[0].get("tasks").items[0]
    lead = task.get("lead") or task.get("responsible")
    line = text.splitlines()[lead.line - 1]
    for item in lead.items:
        assert line[item.col - 1 :].startswith(item.value)


def test_the_seed_is_read_without_libyaml(monkeypatch):
    """The real content is all plain YAML: loading it never starts libyaml's parser."""

    def refuse(text):
        raise AssertionError("libyaml's parser was started")

    monkeypatch.setattr(yamlnodes, "_Parser", refuse)
    report, warnings = loader.load(str(SEED))
    assert len(report.tasks) == 143 and len(report.units) == 59


@pytest.mark.parametrize(
    "text",
    [
        "a: 😀任务\nb: [😀甲, 乙 丙,丁]\n",  # characters beyond the BMP count as one column, as in libyaml
        "a:   b  \nc:\n  - d\n  -   e: [f]\n      g: 'h # i'\n",  # extra spaces, quotes
        "a:\n   b: 1\n   c: 2\n# a comment\n  # another\nd: ~\n",
    ],
)
def test_texts_the_fast_path_reads_as_libyaml_does(text):
    assert same_or_declined(text)


def test_crlf_lines_give_the_same_tree_as_libyaml():
    text = SEED.read_text(encoding="utf-8").replace("\n", "\r\n")
    assert same_or_declined(text)
    assert tree(yamlfast.compose(text)) == tree(yamlfast.compose(text.replace("\r\n", "\n")))


@pytest.mark.parametrize(
    "text",
    [
        "a:\tb\n",  # a tab
        "a: b\rc: d\n",  # CR without LF
        "a: b\x85c\n",  # NEL, a YAML line break
        "a: b\u2028c\n",  # LS
        "a: &x b\nc: *x\n",  # anchor and alias
        "a: !!str 1\n",  # a tag
        "a: |\n  b\n",  # a block scalar
        "a: b # c\n",  # a comment after a value
        "a: [b] # c\n",
        "a: b\na: c\n",  # a duplicate key
        "a:\nb: c\n",  # an empty value (null)
        "a:\n- b\n",  # a sequence at its key's indentation
        "a: b\n  c\n",  # a value going on over two lines
        "a: 'it''s'\n",  # a quote inside quotes
        'a: "b\\n"\n',  # an escape
        "a: {b: c}\n",  # a flow mapping
        "a: [b, [c]]\n",  # a nested flow list
        "a: [b, ]\n",  # an empty flow item
        "---\na: b\n",  # a document marker
        "%YAML 1.1\n---\na: b\n",  # a directive
        "true: b\n",  # a key YAML reads as a boolean
        "名称: b\n",  # a key that is not an ASCII word
        "k" * 65 + ": b\n",  # a key longer than the fast path takes
        "a: b: c\n",  # a mapping value where a scalar is
        "a: -\n",  # a lone dash as a value
        "- a\n- b\n",  # a document that is not a mapping
        "",  # nothing
    ],
)
def test_what_the_fast_path_leaves_to_libyaml(text):
    assert yamlfast.compose(text) is None


def test_every_error_message_stays_libyamls(tmp_path):
    """A duplicate key, declined by the fast path, is reported by the composer as before."""
    path = tmp_path / "t.yaml"
    path.write_text("report:\n  title: 甲\n  title: 乙\n", encoding="utf-8")
    root, problems = loader.read(str(path), "t.yaml")
    assert root is None
    assert [str(p) for p in problems] == [
        "t.yaml:3:3: duplicate key 'title' (first at line 2); YAML would silently keep only the last one"
    ]


KEYS = ["title", "name", "lead", "text", "number", "a", "b_c", "x1", "true", "null", "1", "a-b", "Yes", "_k"]
PLAIN = ["发展改革局", "财政局", "abc", "a b", "12", "0", "~", "null", "true", "2021-03-01", "a:b", "a#b"]
PLAIN += ["，、", "（一）", "x]", "-3", "0x10", "1_000", "1.5", "a'b", 'a"b', "http://x.y/z", "\xa0x", "x\xa0", "全角\u3000"]
ODD = ["a: b", "a #b", "#x", "'q'", '"q"', "'it''s'", '"a\\"b"', "[x]", "{x}", "x,y", "-", "- x", "?x", "? x", ":x"]
ODD += ["x:", "&a", "*a", "!t", "|", ">", "%", "@", "`", "a  b"]


def _document(r: random.Random) -> str:
    """A random document of block mappings and sequences, mostly in the fast path's subset."""
    out: list[str] = []

    def scalar() -> str:
        word = r.choice(ODD) if r.random() < 0.1 else r.choice(PLAIN)
        quote = r.random()
        return f"'{word}'" if quote < 0.08 else f'"{word}"' if quote < 0.16 else word

    def flow() -> str:
        items = [r.choice(PLAIN[:12]) for _ in range(r.randint(0, 4))]
        sep = r.choice([", ", ",", " , ", ",  "])
        return r.choice(["[", "[ "]) + sep.join(items) + r.choice(["]", " ]"])

    def pair(prefix: str, col: int, depth: int) -> None:
        key = r.choice(KEYS) if r.random() < 0.1 else r.choice(KEYS[:6])
        at = len(out)
        out.append(f"{prefix}{key}:")
        pick = r.random()
        if depth > 3 or pick < 0.45:
            out[at] += " " * r.choice([1, 1, 2]) + scalar()
        elif pick < 0.6:
            out[at] += " " + flow()
        elif pick > 0.62:
            block(col + r.choice([2, 2, 3, 4, 0, 1]), depth + 1, r.random() < 0.5)
        if r.random() < 0.05:
            out[at] += " " * r.randint(1, 2)  # trailing spaces
        if r.random() < 0.03:
            out[at] += " # c"

    def block(col: int, depth: int, seq: bool) -> None:
        for _ in range(r.randint(1, 4)):
            if r.random() < 0.08:
                out.append(" " * r.randint(0, 6) + "# a comment")
            if r.random() < 0.08:
                out.append(" " * r.randint(0, 3))
            if not seq:
                pair(" " * col, col, depth)
            elif r.random() < 0.4:
                out.append(" " * col + "-" + " " * r.choice([1, 1, 2]) + scalar())
            else:
                space = r.choice([1, 1, 2])
                inner = col + 1 + space
                for k in range(r.randint(1, 3)):
                    pair(" " * col + "-" + " " * space if k == 0 else " " * inner, inner, depth + 1)

    block(r.choice([0, 0, 0, 1, 2]), 0, r.random() < 0.1)
    return ("\r\n" if r.random() < 0.1 else "\n").join(out) + r.choice(["", "\n", "\n\n"])


def test_generated_documents_give_libyamls_tree_or_are_declined():
    r = random.Random(2021)
    answered = sum(same_or_declined(_document(r)) for _ in range(3000))
    assert 500 < answered < 2900  # both ways are exercised


def test_mutations_of_the_real_content_give_libyamls_tree_or_are_declined():
    r = random.Random(6)
    lines = SEED.read_text(encoding="utf-8").splitlines(keepends=True)[:150]
    pieces = [" ", "  ", "- ", "-", ":", ": ", "#", " #", "'", '"', "[", "]", ",", "~", "1", "x", "发展", "a: b", "\t"]
    answered = 0
    for _ in range(1500):
        mutated = list(lines)
        for _ in range(r.randint(1, 3)):
            j = r.randrange(len(mutated))
            line = mutated[j]
            k = r.randrange(len(line) + 1)
            if r.random() < 0.5:
                mutated[j] = line[:k] + r.choice(pieces) + line[k:]
            else:
                mutated[j] = line[:k] + line[r.randrange(k, len(line) + 1) :]
        answered += same_or_declined("".join(mutated))
    assert 100 < answered < 1400
