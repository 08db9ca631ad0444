"""The benchmark's equivalent Markdown (bench/run.py): what MkDocs and Hugo are given to build beside
us must be the pages the issue measured, and, for Hugo's second figure, every page we make with
the same content. Hugo itself is not needed here (the benchmark installs it)."""

from __future__ import annotations

import importlib.util
import re

import pytest
from util import ROOT, SEED, run_cli


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def seed_report():
    from reportsite.loader import load

    return load(str(SEED))[0]


def test_the_issues_pages_are_one_per_chapter_and_unit(bench, seed_report):
    md = bench.markdown_pages(seed_report)
    assert len(md) == 8 + 59 + 1  # chapters, units, the index
    assert "[第5项](../chapters/1.md#task-5) 一般公共预算收入增长6%以上。" in md["units/caizhengjinrongju.md"]


def test_every_page_markdown_is_every_html_page_we_make(bench, seed_report, tmp_path):
    md = bench.every_page_markdown(seed_report)
    out = tmp_path / "site"
    code, _, err = run_cli("--content", str(SEED), "--out", str(out), "-q")
    assert code == 0, err
    ours = {p.relative_to(out).as_posix() for p in out.rglob("*.html")}
    assert len(ours) == 73  # 8 chapters, 59 units, the units index, home, matrix, tasks, targets, search
    assert {path[: -len(".md")] + ".html" for path in md} == ours


def test_every_page_markdown_carries_what_our_pages_show(bench, seed_report):
    md = bench.every_page_markdown(seed_report)
    unit = md["units/caizhengjinrongju.md"]
    # 财政金融局: 2 tasks as lead, 5 as responsible, each with its units, linked from units/
    assert unit.startswith("# 财政金融局\n\n部门 · 又称：财政局、金融局、财金局\n\n2 项牵头 · 5 项责任 · 7 项合计\n")
    assert len(re.findall(r"^1\. \[第\d+项\]", unit, re.M)) == 7
    assert "1. [第5项](../chapters/1.html#task-5) 一般公共预算收入增长6%以上。（责任单位：[财政金融局](caizhengjinrongju.html)）" in unit
    assert "## 共同承担任务最多的单位" in unit
    chapter = md["chapters/1.md"]
    assert "**5.** 一般公共预算收入增长6%以上。\n\n- 责任单位：[财政金融局](../units/caizhengjinrongju.html)\n- 进展：未填报\n" in chapter
    assert md["tasks.md"].count("\n- 进展：") == 143
    matrix = md["matrix.md"].splitlines()
    assert len([line for line in matrix if line.startswith("| [")]) == 59  # one row per unit
    assert "| 6%以上 | 一般公共预算收入增长**6%以上** | [5](chapters/1.html#task-5) | [财政金融局](units/caizhengjinrongju.html) |" in md["targets.md"]
    assert md["units/index.md"].count("\n| [") == 59


def test_hugo_builds_every_page_with_our_header_and_footer(bench, tmp_path):
    project = bench.hugo_project(
        {"index.md": "# 首页\n\n正文\n", "units/index.md": "# 责任单位\n", "chapters/1.md": "# 一、目标\n"},
        tmp_path / "hugo",
        {"issuer": "济源市人民政府", "title": "责任分工", "chapters": [("chapters/1.html", "一")]},
    )
    assert "uglyURLs = true" in (project / "config.toml").read_text(encoding="utf-8")
    assert sorted(p.relative_to(project / "content").as_posix() for p in (project / "content").rglob("*.md")) == [
        "_index.md",
        "chapters/1.md",
        "units/_index.md",
    ]
    layout = (project / "layouts" / "_default" / "single.html").read_text(encoding="utf-8")
    assert '<nav aria-label="主导航">' in layout and '<a href="{{ "matrix.html" | relURL }}">责任矩阵</a>' in layout
    assert '<footer><p>济源市人民政府 · 责任分工</p><p>章节：<a href="{{ "chapters/1.html" | relURL }}">一</a></p></footer>' in layout


def test_the_table_shows_the_largest_file_and_the_largest_page(bench, tmp_path):
    """The issue asks for the largest file: with --pdf it is the handout, not an HTML page."""
    out = tmp_path / "site"
    (out / "data").mkdir(parents=True)
    (out / "index.html").write_bytes(b"x" * 3000)
    (out / "tasks.html").write_bytes(b"x" * 5000)
    (out / "data" / "tasks.json").write_bytes(b"x" * (11 * 1024 * 1024))
    row = {"size": "seed", "tasks": 143, "units": 59, "median_s": 0.15, "per_task_ms": 1.0, "peak_rss_mb": 26.0}
    row |= bench.folder_stats(out)
    assert (row["files"], row["largest"], row["largest_html"]) == (3, "data/tasks.json", "tasks.html")
    header, rule, line = bench.table([row]).split("\n")
    cells = dict(zip(header.strip("| ").split(" | "), line.strip("| ").split(" | ")))
    assert cells["largest file"] == "data/tasks.json (11.0 MB)"
    assert cells["largest HTML page"] == "tasks.html (5 kB)"
    assert cells["MkDocs s"] == "–" and cells["files"] == "3"


def test_no_mkdocs_keeps_hugo_and_sets_up_no_mkdocs(bench, tmp_path, monkeypatch):
    """--no-mkdocs: Hugo's ratios without MkDocs' minutes; bench/.venv is not even made."""
    monkeypatch.setattr(bench, "VENV", tmp_path / "venv")
    monkeypatch.setattr(bench.shutil, "which", lambda name: f"/usr/bin/{name}")
    ran = []
    monkeypatch.setattr(bench.subprocess, "run", lambda *a, **k: ran.append(a))
    assert bench.setup_others(True, want_mkdocs=False) == (None, "/usr/bin/hugo")
    assert bench.setup_others(False) == (None, None)
    assert ran == [] and not (tmp_path / "venv").exists()
    args = []  # and main() passes the option on
    monkeypatch.setattr(bench, "setup_others", lambda *a: args.append(a) or (None, None))
    monkeypatch.setattr(bench, "bench_size", lambda *a: (_ for _ in ()).throw(SystemExit(0)))
    with pytest.raises(SystemExit):
        bench.main(["--sizes", "seed", "--no-mkdocs"])
    assert args == [(True, False)]


def test_hugo_runs_alternate_with_ours_and_each_pair_gives_a_ratio(bench, tmp_path, monkeypatch):
    """Each of our timed builds is followed by one run of each of Hugo's projects (the issue's pages,
    then all pages), so that a ratio compares runs seconds apart; the row keeps each pair's ratio.
    The timings are stand-ins (1.0, 2.0, 3.0 … s in order); Hugo's projects are the seed's, made in a
    forked process."""
    order, clock = [], iter(range(1, 100))

    def timed(cmd, cwd=None):
        kind = "ours" if cmd[1].endswith("build.py") else ("hugo_all" if "hugo_all-" in str(cwd) else "hugo")
        order.append(kind)
        return float(next(clock)), 1024, 0.5

    monkeypatch.setattr(bench, "timed", timed)
    monkeypatch.setattr(bench, "step_times", lambda cmd: {})
    monkeypatch.setattr(bench, "folder_stats", lambda folder: {"files": 0})
    row = bench.bench_size("seed", 2, tmp_path, None, "/usr/bin/hugo", None)
    # untimed first runs (Hugo's two, ours), then ours and Hugo's in turn, then our edits (untimed
    # first build of the edited copy, two timed rebuilds)
    assert order == ["hugo", "hugo_all", "ours"] + ["ours", "hugo", "hugo_all"] * 2 + ["ours"] * 3
    assert row["times"] == [4.0, 7.0] and row["hugo_times"] == [5.0, 8.0] and row["hugo_all_times"] == [6.0, 9.0]
    assert row["hugo_paired_ratios"] == [0.8, 0.88] and row["hugo_all_paired_ratios"] == [0.67, 0.78]
    assert row["hugo_ratio"] == round(5.5 / 6.5, 2)  # the medians' ratio, as before
    assert row["hugo_all_pages"] == 73  # home, 8 chapters, 59 units, units index, matrix, tasks, targets, search
    assert (tmp_path / "hugo-seed").exists() is False  # the projects are removed once measured
