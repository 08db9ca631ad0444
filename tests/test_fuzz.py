"""Fuzzing the loader: whatever it is fed, out comes a valid Report or ContentError whose problems
are all located (`file:LINE:COL: `) and point inside the file. Never another exception.

Bounded so that it stays a test, not a campaign: about 200 examples per property, no deadline.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from util import SEED

from reportsite.errors import ContentError
from reportsite.loader import TASK_FIELDS, load
from reportsite.model import Report

SEED_TEXT = SEED.read_text(encoding="utf-8")
SEED_LINES = SEED_TEXT.splitlines(keepends=True)
LOCATED = re.compile(r"^fuzz\.yaml:(\d+):(\d+): ")
FUZZ = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI failures reproduce
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)


def check(tmp_path: Path, data: bytes) -> Report | None:
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(data)
    lines = data.count(b"\n") + 1
    try:
        report, warnings = load(str(path), "fuzz.yaml")
    except ContentError as exc:
        assert exc.problems, "a ContentError without problems"
        assert any(not p.warning for p in exc.problems)
        for p in exc.problems:
            m = LOCATED.match(str(p))
            assert m, str(p)
            assert 1 <= int(m.group(1)) <= lines, str(p)
            assert int(m.group(2)) >= 1, str(p)
        return None
    assert isinstance(report, Report)
    assert report.tasks and report.chapters
    for w in warnings:
        assert w.warning and LOCATED.match(str(w)), str(w)
    return report


KEYS = sorted(
    {
        "report",
        "units",
        "chapters",
        "title",
        "issuer",
        "year",
        "source",
        "as_of",
        "labels",
        "lead",
        "responsible",
        "name",
        "kind",
        "aliases",
        "members",
        "slug",
        "sections",
        "tasks",
        *(f.key for f in TASK_FIELDS),
    }
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.text(max_size=20),
    st.sampled_from(["住建局", "department", "town", "2021-06-30", "2021-13-45", "", " ", "<script>", "../x"]),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), children, max_size=6),
    ),
    max_leaves=40,
)


@FUZZ
@given(doc=documents)
def test_random_yaml_documents(tmp_path, doc):
    check(tmp_path, yaml.safe_dump(doc, allow_unicode=True).encode("utf-8"))


YAML_BITS = list(":-[]{}&*!|>'\"#%@`,?\t\n ") + [
    "---",
    "...",
    "&a",
    "*a",
    "<<: *a",
    "\r\n",
    "\ufeff",
    "\x00",
    "\u2028",
    "\x85",
    "！",
    "：",
    "\\",
    "0x1F",
    "1e3",
    "~",
]


@st.composite
def mutations(draw) -> bytes:
    lines = list(SEED_LINES)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        i = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "replace", "indent", "dedent", "truncate"]))
        line = lines[i]
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, line)
        elif op == "swap":
            j = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[i], lines[j] = lines[j], line
        elif op in ("insert", "replace"):
            at = draw(st.integers(min_value=0, max_value=len(line)))
            bit = draw(
                st.one_of(st.sampled_from(YAML_BITS), st.text(alphabet=string.printable + "中文、，", max_size=4))
            )
            lines[i] = line[:at] + bit + line[at + (1 if op == "replace" else 0) :]
        elif op == "indent":
            lines[i] = "  " + line
        elif op == "dedent":
            lines[i] = line[2:] if line.startswith("  ") else line
        else:
            lines = lines[: i + 1]
        if not lines:
            lines = [""]
    data = "".join(lines).encode("utf-8")
    if draw(st.integers(min_value=0, max_value=9)) == 0:  # now and then, broken bytes
        at = draw(st.integers(min_value=0, max_value=len(data)))
        data = data[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xe4\xb8", b"\xed\xa0\x80"])) + data[at:]
    return data


@FUZZ
@given(data=mutations())
def test_random_mutations_of_the_real_content(tmp_path, data):
    check(tmp_path, data)


@FUZZ
@given(bits=st.lists(st.sampled_from(YAML_BITS + list("ab1中")), max_size=40))
def test_random_yaml_punctuation(tmp_path, bits):
    check(tmp_path, "".join(bits).encode("utf-8"))


def test_the_real_content_itself_loads(tmp_path):
    report = check(tmp_path, SEED_TEXT.encode("utf-8"))
    assert report is not None and len(report.tasks) == 143
