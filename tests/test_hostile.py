"""Hostile input: each case gives either a correct site that shows the text literally, or a located
error with exit status 1. Never a traceback, never a file outside the output folder, never a changed
site/ after an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from util import MINIMAL, ROOT, run_cli, soup

BASE = textwrap.dedent(MINIMAL).lstrip("\n")


def tree(folder: Path) -> dict[str, str]:
    """Every file under folder -> sha256 of its bytes (folders as 'dir')."""
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        out[rel] = "dir" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def assert_same_site(a: Path, b: Path) -> None:
    """Two builds from files that differ only in bytes YAML ignores: every file is the same but the
    record (.reportsite), whose fingerprints of the exports hash the input bytes (reuse.making_reusing):
    there every page's entry is the same and every export's hash and size."""
    assert {k: v for k, v in tree(a).items() if k != ".reportsite"} == {k: v for k, v in tree(b).items() if k != ".reportsite"}
    ra, rb = (json.loads((f / ".reportsite").read_text(encoding="utf-8"))["pages"] for f in (a, b))
    assert {k: v for k, v in ra.items() if k.endswith(".html")} == {k: v for k, v in rb.items() if k.endswith(".html")}
    assert {k: v[1:] for k, v in ra.items()} == {k: v[1:] for k, v in rb.items()}


def build(tmp_path: Path, content: str | bytes, out_name: str = "site") -> tuple[int, str, Path]:
    """Build `content` in tmp_path/work; assert that nothing appeared outside the output folder."""
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    src = work / "tasks.yaml"
    if isinstance(content, str):
        content = content.encode("utf-8")
    src.write_bytes(content)
    out = work / out_name
    before = {k: v for k, v in tree(tmp_path).items() if not k.startswith(f"work/{out_name}")}
    cwd = os.getcwd()
    os.chdir(work)  # messages name the file as the user typed it: tasks.yaml
    try:
        code, _, err = run_cli("--content", "tasks.yaml", "--out", out_name, "-q")
    finally:
        os.chdir(cwd)
    after = {k: v for k, v in tree(tmp_path).items() if not k.startswith(f"work/{out_name}")}
    assert after == before, "a build wrote outside its output folder"
    assert code in (0, 1), err
    assert "Traceback" not in err
    return code, err, out


def assert_error(tmp_path: Path, content: str | bytes, located: str | re.Pattern) -> str:
    """A previous good site survives the failed build untouched; the first error is `located`."""
    code, err, out = build(tmp_path, BASE)
    assert code == 0, err
    good = tree(out)
    code, err, out = build(tmp_path, content)
    assert code == 1
    first = err.splitlines()[0]
    assert located.fullmatch(first) if isinstance(located, re.Pattern) else first == located, err
    assert err.rstrip().endswith("nothing was written.")
    assert tree(out) == good
    assert not [p.name for p in out.parent.iterdir() if p.name.startswith(".site.")]
    return err


def assert_no_active_content(site: Path) -> None:
    for path in site.rglob("*.html"):
        doc = soup(path)
        assert all(s.get("src") for s in doc.find_all("script")), path
        for tag in doc.find_all(True):
            assert not [a for a in tag.attrs if a.lower().startswith("on")], (path, tag.name)
            for attr in ("href", "src", "action"):
                assert not re.match(r"(?i)\s*javascript:", tag.get(attr, "")), (path, tag)


# -- text that looks like markup or code: shown literally ---------------------------------------

HOSTILE_TEXTS = [
    '<script>alert("x")</script>',
    "<img src=x onerror=alert(1)>",
    "javascript:alert(document.cookie)",
    '"><svg onload=alert(1)>',
    "{{ 7*7 }} {% raw %}",
    "&amp; &lt;b&gt; </title></textarea>",
    "行分隔\u2028符与\u2029段落",
]


@pytest.mark.parametrize("text", HOSTILE_TEXTS)
def test_hostile_task_text_is_shown_literally(tmp_path, page, text):
    yaml_text = BASE.replace("text: 第一项任务。", f"text: {yaml_quote(text)}")
    code, err, out = build(tmp_path, yaml_text)
    assert code == 0, err
    task = soup(out / "chapters" / "1.html").find(id="task-1")
    assert text in task.get_text()
    assert text in soup(out / "tasks.html").find(id="task-1").get_text()
    unit_page = soup(out / "units" / "zhufanghechengxiangjiansheju.html")
    assert text in unit_page.main.get_text()
    assert_no_active_content(out)
    # the search index (script files) carries it as data: search shows it as text, nothing runs
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("dialog", lambda d: (problems.append(d.message), d.dismiss()))
    page.goto((out / "search.html").as_uri() + "?q=住建局")
    page.wait_for_function("document.querySelectorAll('#search-results li').length > 0", timeout=15_000)
    assert text.replace("\u2028", "").replace("\u2029", "") in page.locator("#search-results").inner_text().replace(
        "\u2028", ""
    ).replace("\u2029", "")
    assert page.locator("main img, main svg, main iframe, [onerror], [onload]").count() == 0
    assert problems == []


def test_hostile_unit_names_report_fields_and_aliases_are_shown_literally(tmp_path, page):
    evil_unit = '<b onmouseover="alert(1)">恶意局</b>'
    evil_alias = "javascript:alert(2)"
    yaml_text = (
        BASE.replace("测试报告", yaml_quote("<script>alert(3)</script>报告")[1:-1])
        .replace("测试市人民政府", yaml_quote("&lt;i&gt;市</title>"))
        .replace("第一章", "<iframe src=javascript:alert(4)>")
        .replace("发展改革委员会", evil_unit.replace('"', "'"))
        .replace("aliases: [住建局]", f"aliases: [住建局, {yaml_quote(evil_alias)}]")
    )
    evil_unit = evil_unit.replace('"', "'")
    code, err, out = build(tmp_path, yaml_text)
    assert code == 0, err
    assert_no_active_content(out)
    index = soup(out / "index.html")
    assert index.title.get_text() == "<script>alert(3)</script>报告 · &lt;i&gt;市</title>"
    assert "<iframe src=javascript:alert(4)>" in soup(out / "chapters" / "1.html").h1.get_text()
    unit_files = sorted(p.name for p in (out / "units").iterdir())
    assert unit_files == ["b-onmouseover-alert-1-eyiju-b.html", "index.html", "zhufanghechengxiangjiansheju.html"]
    unit = soup(out / "units" / "b-onmouseover-alert-1-eyiju-b.html")
    assert unit.h1.get_text(strip=True) == evil_unit
    assert evil_alias in soup(out / "units" / "zhufanghechengxiangjiansheju.html").main.get_text()
    # and in a real browser: nothing runs, the text is there as text
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for rel in ("index.html", "chapters/1.html", "units/b-onmouseover-alert-1-eyiju-b.html", "matrix.html"):
        page.goto((out / rel).as_uri())
        page.mouse.move(200, 200)
        assert page.locator("[onmouseover], iframe, script:not([src])").count() == 0
    assert evil_unit in page.locator("main").inner_text()
    assert dialogs == []


# -- values that could reach a path -------------------------------------------------------------


@pytest.mark.parametrize("slug", ["../../x", "/etc/passwd", "a/b", "..", "Index", "index", "a b", "x" * 81])
def test_a_slug_that_is_not_a_plain_file_name_is_a_located_error(tmp_path, slug):
    yaml_text = BASE.replace("    aliases: [住建局]\n", f"    aliases: [住建局]\n    slug: {yaml_quote(slug)}\n")
    assert_error(
        tmp_path,
        yaml_text,
        f"tasks.yaml:9:11: slug '{slug}' must be lower-case ASCII letters, digits and '-' (and not 'index')",
    )


@pytest.mark.parametrize(
    "name, file",
    [
        ("../../../etc/passwd", "etc-passwd.html"),
        ("..", "unit.html"),
        ("/", "unit.html"),
        ("index", "index-2.html"),
        ("INDEX", "index-2.html"),
        ("C:\\Windows\\system32", "c-windows-system32.html"),
        ("~root/.ssh", "root-ssh.html"),
    ],
)
def test_unit_names_that_look_like_paths_get_safe_file_names(tmp_path, name, file):
    yaml_text = BASE.replace("发展改革委员会", yaml_quote(name))
    code, err, out = build(tmp_path, yaml_text)
    assert code == 0, err
    assert sorted(p.name for p in (out / "units").iterdir()) == sorted(
        ["index.html", "zhufanghechengxiangjiansheju.html", file]
    )
    assert soup(out / "units" / file).h1.get_text(strip=True) == name
    # the units index is the index, not the unit called 'index'
    assert soup(out / "units" / "index.html").h1.get_text(strip=True) == "责任单位一览"


def test_names_that_pinyin_to_the_same_file_name_get_distinct_pages(tmp_path):
    yaml_text = BASE + (
        "  - title: 第二章\n"
        "    tasks:\n"
        "      - number: 2\n"
        "        text: 第二项任务。\n"
        "        lead: [A局]\n"
        "        responsible: [a局, A-局]\n"
    )
    yaml_text = yaml_text.replace(
        "chapters:",
        "  - name: A局\n    kind: other\n  - name: a局\n    kind: other\n  - name: A-局\n    kind: other\nchapters:",
    )
    code, err, out = build(tmp_path, yaml_text)
    assert code == 0, err
    names = {soup(p).h1.get_text(strip=True): p.name for p in (out / "units").glob("a*.html")}
    assert names == {"A局": "aju.html", "a局": "aju-2.html", "A-局": "a-ju.html"}


def test_text_cut_by_a_yaml_comment_is_a_warning(tmp_path):
    """text: 第一项任务 #2号地块。 — YAML keeps '第一项任务' and drops the rest as a comment: said."""
    code, err, out = build(tmp_path, BASE.replace("text: 第一项任务。", "text: 第一项任务 #2号地块。"))
    assert code == 0, err
    assert err.splitlines()[0] == (
        "tasks.yaml:15:21: warning: ' #' starts a YAML comment, so '#2号地块。' is left out of 'text': "
        'put the whole text in quotes (text: "…") to keep it'
    )
    code, err, out = build(tmp_path, BASE.replace("text: 第一项任务。", 'text: "第一项任务 #2号地块。"'))
    assert code == 0 and "warning" not in err  # quoted: kept, nothing to say
    assert "第一项任务 #2号地块。" in soup(out / "chapters" / "1.html").get_text()


def test_a_given_slug_that_is_another_units_own_address_is_a_warning(tmp_path):
    """发展改革委员会 given slug 'zhufanghechengxiangjiansheju' (住建局's pinyin): both pages build, and the
    warning says where 住建局's page went and what its old address now opens."""
    yaml_text = BASE.replace(
        "  - name: 发展改革委员会\n", "  - name: 发展改革委员会\n    slug: zhufanghechengxiangjiansheju\n"
    )
    code, err, out = build(tmp_path, yaml_text)
    assert code == 0, err
    assert err.splitlines()[0] == (
        "tasks.yaml:10:11: warning: slug 'zhufanghechengxiangjiansheju' is the page address "
        "'住房和城乡建设局' gets from its name: '住房和城乡建设局' moves to units/zhufanghechengxiangjiansheju-2.html, "
        "and links to units/zhufanghechengxiangjiansheju.html now open '发展改革委员会'"
    )
    assert soup(out / "units" / "zhufanghechengxiangjiansheju-2.html").h1.get_text(strip=True) == "住房和城乡建设局"


# -- size, nesting, aliases, duplicates ---------------------------------------------------------


def _padding(n_bytes: int) -> str:
    line = "# " + "填充注释" * 10 + "\n"
    return line * (n_bytes // len(line.encode()))


def test_a_50_mb_file_is_read_and_its_error_located(tmp_path):
    pad = _padding(50_000_000)
    text = BASE + pad + "report: again\n"
    assert len(text.encode()) > 50_000_000
    line = text.count("\n")
    assert_error(
        tmp_path,
        text,
        f"tasks.yaml:{line}:1: duplicate key 'report' (first at line 1); YAML would silently keep only the last one",
    )


def test_a_50_mb_file_that_is_valid_builds_the_same_site(tmp_path):
    code, err, small = build(tmp_path, BASE, "small")
    assert code == 0, err
    code, err, big = build(tmp_path, BASE + _padding(50_000_000), "big")
    assert code == 0, err
    assert_same_site(big, small)


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path):
    src = tmp_path / "huge.yaml"
    with open(src, "wb") as fh:  # sparse: 70 MB of nothing, instantly
        fh.truncate(70_000_000)
    code, _, err = run_cli("check", "--content", str(src))
    assert code == 1
    assert err.startswith(f"{src}:1:1: the file is ")
    assert "the limit is 64" in err


@pytest.mark.parametrize(
    "text, located",
    [
        ("report: " + "[" * 10_000 + "]" * 10_000 + "\n", "tasks.yaml:1:72: nesting deeper than 64 levels"),
        (
            "".join("  " * i + f"k{i}:\n" for i in range(200)) + "  " * 200 + "v\n",
            "tasks.yaml:65:129: nesting deeper than 64 levels",
        ),
    ],
    ids=["flow", "block"],
)
def test_deep_nesting_is_a_located_error(tmp_path, text, located):
    assert_error(tmp_path, text, located)


def test_an_alias_bomb_is_refused(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    text = "\n".join(lines) + "\n"
    err = assert_error(
        tmp_path,
        text,
        "tasks.yaml:4:45: YAML alias *a2 multiplies the document (over 10108 values): "
        "aliases that expand the file this much are refused (billion laughs)",
    )
    assert err.count("\n") == 2


def test_a_self_referencing_alias_is_a_located_error(tmp_path):
    text = BASE.replace("aliases: [住建局]", "aliases: &loop [住建局, *loop]")
    assert_error(tmp_path, text, "tasks.yaml:8:26: YAML alias *loop refers to a value that contains it")


def test_duplicate_keys_are_located_errors(tmp_path):
    text = BASE.replace("    kind: department\n    aliases", "    kind: department\n    kind: town\n    aliases", 1)
    assert_error(
        tmp_path,
        text,
        "tasks.yaml:8:5: duplicate key 'kind' (first at line 7); YAML would silently keep only the last one",
    )


def test_yaml_tags_never_construct_objects(tmp_path):
    canary = tmp_path / "pwned"
    text = BASE.replace("year: 2021", f"year: !!python/object/apply:os.system ['touch {canary}']")
    assert_error(
        tmp_path, text, "tasks.yaml:4:9: YAML tag tag:yaml.org,2002:python/object/apply:os.system is not allowed"
    )
    assert not canary.exists()


def test_more_than_one_document_is_a_located_error(tmp_path):
    assert_error(tmp_path, BASE + "---\n" + BASE, "tasks.yaml:18:1: more than one YAML document ('---'): use one")


# -- encodings, line ends, whitespace -----------------------------------------------------------


def test_invalid_utf8_is_located(tmp_path):
    data = BASE.encode().replace("第一项任务".encode(), b"\xff\xfe bad")
    assert_error(tmp_path, data, "tasks.yaml:15:15: invalid UTF-8 (byte 0xff)")


def test_a_gbk_file_is_located_with_a_hint(tmp_path):
    err = assert_error(
        tmp_path,
        BASE.encode("gb18030"),
        "tasks.yaml:2:10: invalid UTF-8 (byte 0xb2); the file looks "
        "like GBK/GB18030: save it as UTF-8 (e.g. iconv -f GB18030 -t UTF-8)",
    )
    assert "iconv" in err


def test_a_nul_character_is_located(tmp_path):
    assert_error(
        tmp_path, BASE.replace("第一项任务", "第一\x00项"), "tasks.yaml:15:17: NUL character: this is not a text file"
    )


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda s: "\ufeff" + s, id="bom"),
        pytest.param(lambda s: s.replace("\n", "\r\n"), id="crlf"),
        pytest.param(lambda s: "\ufeff" + s.replace("\n", "\r\n"), id="bom+crlf"),
        pytest.param(lambda s: s.replace("\n", " \t\n"), id="trailing-tabs"),
    ],
)
def test_bom_crlf_and_trailing_tabs_give_the_same_site(tmp_path, variant):
    code, err, plain = build(tmp_path, BASE, "plain")
    assert code == 0, err
    code, err, other = build(tmp_path, variant(BASE), "other")
    assert code == 0, err
    assert_same_site(other, plain)


def test_crlf_inside_a_block_text_leaves_no_carriage_return(tmp_path):
    text = BASE.replace("text: 第一项任务。", "text: >-\n          第一项\n          任务。").replace("\n", "\r\n")
    code, err, out = build(tmp_path, text)
    assert code == 0, err
    html = (out / "chapters" / "1.html").read_bytes()
    assert b"\r" not in html
    assert "第一项 任务。" in soup(out / "chapters" / "1.html").find(id="task-1").get_text()


def test_a_tab_inside_a_value_is_kept(tmp_path):
    code, err, out = build(tmp_path, BASE.replace("text: 第一项任务。", 'text: "第一项\\t任务\t。"'))
    assert code == 0, err
    assert "第一项\t任务\t。" in soup(out / "chapters" / "1.html").find(id="task-1").get_text()


def test_tab_indentation_is_a_located_error(tmp_path):
    err = assert_error(
        tmp_path,
        BASE.replace("  title: 测试报告", "\ttitle: 测试报告"),
        "tasks.yaml:2:1: YAML syntax error: while scanning for the next token found character that cannot "
        "start any token: a tab; YAML indents with spaces only",
    )
    assert err.count("\n") == 2


@pytest.mark.parametrize(
    "old, new, located",
    [
        # libyaml notices a full-width colon or a missing space one line late, in its own words
        ("lead: [住建局]", "lead：[住建局]", "tasks.yaml:16:13: YAML syntax error: full-width colon '：' after 'lead': type ':' and a space (lead: …)"),
        ("lead: [住建局]", "lead:[住建局]", "tasks.yaml:16:13: YAML syntax error: no space after 'lead:': type a space after the colon (lead: …)"),
        ("  - name: 发展改革委员会", "  - name：发展改革委员会", "tasks.yaml:9:9: YAML syntax error: full-width colon '：' after 'name': type ':' and a space (name: …)"),
        (
            "text: 第一项任务。",
            "text: 项目: 第一项任务。",
            "tasks.yaml:15:15: YAML syntax error: the value of 'text' holds ': ', which YAML reads as another key: "
            "put the whole value in quotes (text: \"…\") or write '：'",
        ),
        ("text: 第一项任务。", 'text: "第一项任务。', "tasks.yaml:15:15: YAML syntax error: a quote opened here is never closed: close it on the same line"),
        ("number: 1", 'number: "1"', "tasks.yaml:14:17: 'number' of task #1 of 'tasks' of chapter 1 is a number: write it without quotes (1)"),
        (
            "        lead: [住建局]",
            "         lead: [住建局]",
            "tasks.yaml:16:14: YAML syntax error: mapping values are not allowed in this context; check this line's "
            "indentation against the lines above it (spaces only)",
        ),
    ],
)
def test_common_typing_mistakes_are_located_where_they_are_with_what_to_type(tmp_path, old, new, located):
    assert old in BASE
    assert_error(tmp_path, BASE.replace(old, new), located)


def test_a_line_separator_inside_a_value_does_not_shift_the_lines_of_later_errors(tmp_path):
    """libyaml ends a line at U+2028 too; the file's lines (an editor's, and every other message's)
    end at '\\n' only: the unknown unit is on line 16, as without the U+2028."""
    content = BASE.replace("text: 第一项任务。", 'text: "第一项\u2028任务。"').replace("lead: [住建局]", "lead: [住建厅]")
    err = assert_error(tmp_path, content, "tasks.yaml:16:16: unknown unit '住建厅' in task 1; did you mean '住建局'?")
    assert "住建厅" in err


@pytest.mark.parametrize("separator", ["，", "、"])
def test_units_separated_by_a_chinese_comma_are_one_name_with_the_fix(tmp_path, separator):
    assert_error(
        tmp_path,
        BASE.replace("responsible: [发展改革委员会]", f"responsible: [发展改革委员会{separator}住建局]"),
        f"tasks.yaml:17:23: '发展改革委员会{separator}住建局' is read as one unit: separate units with a half-width "
        "comma and a space: [发展改革委员会, 住建局]",
    )


@pytest.mark.parametrize(
    "old, new, located",
    [
        ("text: 第一项任务。", 'text: ""', "tasks.yaml:15:15: 'text' of task 1 is empty"),
        ("text: 第一项任务。", "text: '   '", "tasks.yaml:15:15: 'text' of task 1 is empty"),
        ("title: 测试报告", 'title: ""', "tasks.yaml:2:10: 'title' of 'report' is empty"),
        ("  - name: 发展改革委员会", '  - name: ""', re.compile(r"tasks.yaml:9:11: 'name' of unit .* is empty")),
        (
            "aliases: [住建局]",
            'aliases: [住建局, ""]',
            "tasks.yaml:8:20: a name in 'aliases' of unit '住房和城乡建设局' is empty",
        ),
        ("lead: [住建局]", 'lead: [""]', "tasks.yaml:16:16: a name in 'lead' of task 1 is empty"),
    ],
)
def test_empty_strings_are_located_errors(tmp_path, old, new, located):
    assert old in BASE
    assert_error(tmp_path, BASE.replace(old, new), located)


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "~\n", "\ufeff"])
def test_an_empty_file_is_a_located_error(tmp_path, text):
    assert_error(tmp_path, text, "tasks.yaml:1:1: the file is empty")


def test_very_long_unit_names_build_with_bounded_file_names(tmp_path):
    long1 = "超长名称单位" * 1000 + "甲"
    long2 = "超长名称单位" * 1000 + "乙"
    text = (
        BASE.replace("responsible: [发展改革委员会]", f"responsible: [{long1}, {long2}]")
        .replace("发展改革委员会", long1)
        .replace("chapters:", f"  - name: {long2}\n    kind: other\nchapters:")
    )
    code, err, out = build(tmp_path, text)
    assert code == 0, err
    files = sorted(p.name for p in (out / "units").iterdir())
    assert files == [
        "chaochangmingchengdanweichaochangmingchengdanweichaochangmingchengdanweichaochan-2.html",
        "chaochangmingchengdanweichaochangmingchengdanweichaochangmingchengdanweichaochan.html",
        "index.html",
        "zhufanghechengxiangjiansheju.html",
    ]
    assert soup(out / "units" / files[1]).h1.get_text(strip=True) == long1
    assert soup(out / "units" / files[0]).h1.get_text(strip=True) == long2
    task = soup(out / "chapters" / "1.html").find(id="task-1").get_text()
    assert long1 in task and long2 in task


def test_the_command_line_never_shows_a_traceback(tmp_path):
    """The real entry point, in its own process, on a few of the inputs above."""
    cases = {
        "deep.yaml": b"report: " + b"{a: " * 5000 + b"}" * 5000,
        "binary.yaml": bytes(range(256)) * 64,
        "bomb.yaml": (
            "a: &a ["
            + "x," * 10
            + "x]\n"
            + "".join(f"b{i}: &b{i} [" + ",".join(["*a" if i == 0 else f"*b{i - 1}"] * 10) + "]\n" for i in range(8))
        ).encode(),
        "folder.yaml": None,
    }
    for name, data in cases.items():
        path = tmp_path / name
        if data is None:
            path.mkdir()
        else:
            path.write_bytes(data)
        proc = subprocess.run(
            [sys.executable, str(ROOT / "build.py"), "--content", str(path), "--out", str(tmp_path / "out")],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert "Traceback" not in proc.stderr
        assert not (tmp_path / "out").exists()
        if data is None:  # a folder is not a content file at all: bad usage, as a missing file is
            assert proc.returncode == 2, (name, proc.stderr)
            assert proc.stderr == f"error: {path}: a folder, not a file (choose the report's YAML file with --content FILE)\n"
            continue
        assert proc.returncode == 1, (name, proc.stderr)
        assert re.match(rf"^{re.escape(str(path))}:\d+:\d+: ", proc.stderr), (name, proc.stderr)


def yaml_quote(text: str) -> str:
    """A double-quoted YAML scalar holding `text` exactly."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\u2028", "\\L").replace("\u2029", "\\P") + '"'


HOSTILE_NOTES = [  # note, the text shown, the links it may give (a user's own http link stays a link)
    ("<script>alert(1)</script>", "<script>alert(1)</script>", []),
    ('<img src=x onerror="alert(1)">', '<img src=x onerror="alert(1)">', []),
    ("[点我](javascript:alert(1))", "[点我](javascript:alert(1))", []),
    ("[点我](JaVaScRiPt:alert(1))", "[点我](JaVaScRiPt:alert(1))", []),
    # a tab inside the scheme (markdown-it hands it over percent-encoded): no link at all, not even a dead one
    ("[点我](java&#x09;script:alert(1))", "[点我](java\tscript:alert(1))", []),
    ("[点我](data:text/html;base64,PHNjcmlwdD4=)", "[点我](data:text/html;base64,PHNjcmlwdD4=)", []),
    ("<javascript:alert(1)>", "<javascript:alert(1)>", []),
    ("[点我](//evil.example/x)", "[点我](//evil.example/x)", []),
    ("![图](http://evil.example/track.png)", "!图", ["http://evil.example/track.png"]),  # a link, never an image
]


@pytest.mark.parametrize("note, shown, links", HOSTILE_NOTES, ids=[f"note{i}" for i in range(len(HOSTILE_NOTES))])
def test_hostile_markdown_notes_are_shown_as_text_and_never_run_or_load(tmp_path, note, shown, links):
    from urllib.parse import urlsplit

    yaml_text = BASE.replace(
        "        responsible: [发展改革委员会]\n",
        "        responsible: [发展改革委员会]\n        status: 推进中\n        updates:\n"
        f"          - date: 2021-05-01\n            note: {yaml_quote(note)}\n",
    )
    code, err, out = build(tmp_path, yaml_text)
    assert code == 0, err
    assert_no_active_content(out)
    task = soup(out / "chapters" / "1.html").find(id="task-1")
    assert shown in task.select_one(".note").get_text()
    assert not task.find_all(["img", "script", "iframe", "object", "embed"])
    hrefs = [a["href"] for a in task.select(".note a")]
    assert hrefs == links
    # the scheme as a browser parses it (WHATWG: letters, digits, + - . before ':')
    assert all(urlsplit(h).scheme in ("", "http", "https", "mailto") for h in hrefs)


def test_a_symlink_planted_in_the_previous_site_is_never_written_through(tmp_path):
    code, err, out = build(tmp_path, BASE)
    assert code == 0, err
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("mine", encoding="utf-8")
    shutil.rmtree(out / "chapters")
    (out / "chapters").symlink_to(outside, target_is_directory=True)
    (out / "units" / "zhufanghechengxiangjiansheju.html").unlink()
    (out / "units" / "zhufanghechengxiangjiansheju.html").symlink_to(outside / "keep.txt")
    code, err, out = build(tmp_path, BASE.replace("第一项任务。", "第一项任务（修订）。"))
    assert code == 0, err
    assert sorted(p.name for p in outside.iterdir()) == ["keep.txt"]
    assert (outside / "keep.txt").read_text(encoding="utf-8") == "mine"
    assert not (out / "chapters").is_symlink() and (out / "chapters" / "1.html").is_file()
    assert "第一项任务（修订）。" in soup(out / "chapters" / "1.html").find(id="task-1").get_text()
