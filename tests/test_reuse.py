"""Incremental builds (reportsite/reuse.py): a page whose context, templates and code are unchanged
is taken from the previous site; the output is always byte for byte what a fresh build gives."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from util import ROOT, SEED, folder_files, run_cli

# pages a build of the seed makes from the page groups: 8 chapters, 59 units and the units index,
# the home page, the matrix, tasks.html and targets.html
SEED_PAGES = 8 + 59 + 1 + 4
# and the files of data/: tasks.csv, tasks.json, matrix.csv, tasks.xlsx and one CSV per unit
SEED_EXPORTS = 4 + 59
ALL_REUSED = f"({SEED_PAGES} unchanged pages and {SEED_EXPORTS} unchanged export files reused)"


def build(content: Path, out: Path, *options: str) -> str:
    code, stdout, stderr = run_cli("--content", str(content), "--out", str(out), *options)
    assert code == 0, stderr
    return stdout


def record(out: Path) -> dict[str, list[str]]:
    return json.loads((out / ".reportsite").read_text(encoding="utf-8"))["pages"]


@pytest.fixture
def seed_copy(tmp_path) -> Path:
    content = tmp_path / "content" / "tasks.yaml"
    content.parent.mkdir()
    shutil.copy(SEED, content)
    return content


def test_an_unchanged_report_reuses_every_page_and_gives_the_same_bytes(seed_copy, tmp_path):
    out, fresh = tmp_path / "site", tmp_path / "fresh"
    first = build(seed_copy, out)
    assert "reused" not in first  # nothing to reuse in a new folder
    assert len(record(out)) == SEED_PAGES + SEED_EXPORTS
    again = build(seed_copy, out)
    assert f"143 files {ALL_REUSED}" in again
    build(seed_copy, fresh, "--fresh", "-j", "1")
    assert folder_files(out) == folder_files(fresh)  # the record (.reportsite) included


def test_a_one_task_edit_renders_only_the_pages_that_show_it(seed_copy, tmp_path):
    out, fresh = tmp_path / "site", tmp_path / "fresh"
    build(seed_copy, out)
    before = record(out)
    text = seed_copy.read_text(encoding="utf-8")
    assert text.count("一般公共预算收入增长6%以上。") == 1  # task 5, 财政金融局 responsible
    seed_copy.write_text(text.replace("一般公共预算收入增长6%以上。", "一般公共预算收入增长7%以上。"), encoding="utf-8")
    said = build(seed_copy, out, "-j", "2")
    after = record(out)
    changed = sorted(path for path in after if after[path] != before[path] and path.endswith(".html"))
    assert changed == ["chapters/1.html", "targets.html", "tasks.html", "units/caizhengjinrongju.html"]
    assert f"({SEED_PAGES - 4} unchanged pages reused)" in said  # the exports are made again: the model changed
    assert "增长7%以上" in (out / "units" / "caizhengjinrongju.html").read_text(encoding="utf-8")
    build(seed_copy, fresh, "--fresh")
    assert folder_files(out) == folder_files(fresh)


def test_a_page_edited_by_hand_in_the_site_is_rendered_again(seed_copy, tmp_path):
    out = tmp_path / "site"
    build(seed_copy, out)
    page = out / "chapters" / "2.html"
    good = page.read_bytes()
    page.write_bytes(good.replace("实施放心消费街区示范工程".encode(), "实施放心消费街区示范工作".encode()))  # same size
    assert page.stat().st_size == len(good)
    said = build(seed_copy, out)
    assert f"({SEED_PAGES - 1} unchanged pages and {SEED_EXPORTS} unchanged export files reused)" in said
    assert (out / "chapters" / "2.html").read_bytes() == good


def test_a_template_edit_renders_every_page_and_keeps_the_exports(seed_copy, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    out, fresh = tmp_path / "site", tmp_path / "fresh"
    build(seed_copy, out, "--templates", str(templates))
    unit = templates / "unit.html"
    unit.write_text(unit.read_text(encoding="utf-8").replace("包含的单位", "所含单位"), encoding="utf-8")
    said = build(seed_copy, out, "--templates", str(templates))
    assert f"({SEED_EXPORTS} unchanged export files reused)" in said  # no page: the exports do not use templates
    assert "所含单位" in (out / "units" / "gejiedaobanshichu.html").read_text(encoding="utf-8")
    build(seed_copy, fresh, "--templates", str(templates), "--fresh")
    assert folder_files(out) == folder_files(fresh)


def test_fresh_reuses_nothing_and_a_damaged_record_is_ignored(seed_copy, tmp_path):
    out = tmp_path / "site"
    build(seed_copy, out)
    assert "reused" not in build(seed_copy, out, "--fresh")
    assert len(record(out)) == SEED_PAGES + SEED_EXPORTS  # still recorded, for the next build
    (out / ".reportsite").write_text("built by reportsite; this folder is replaced by the next build\n", encoding="utf-8")
    said = build(seed_copy, out)  # the record of an older reportsite: a plain note
    assert "reused" not in said and said.startswith("built ")
    assert ALL_REUSED in build(seed_copy, out)


def test_serve_reuses_the_pages_of_the_site_it_serves(seed_copy, tmp_path):
    from reportsite.serve import Preview

    out = tmp_path / "site"
    logged: list[str] = []
    preview = Preview(seed_copy, ROOT / "templates", out, jobs=2, log=lambda *a, **k: logged.append(" ".join(map(str, a))))
    assert preview.rebuild() and "reused" not in logged[-1]
    text = seed_copy.read_text(encoding="utf-8")
    seed_copy.write_text(text.replace("一般公共预算收入增长6%以上。", "一般公共预算收入增长7%以上。"), encoding="utf-8")
    assert preview.rebuild()
    # 4 pages, and the exports and search data that hold the task: tasks.csv, tasks.json, tasks.xlsx,
    # the unit's CSV, the search index
    assert logged[-1].endswith(f": 9 files rewritten, 0 removed ({SEED_PAGES - 4} unchanged pages reused)"), logged[-1]
    fresh = tmp_path / "fresh"
    build(seed_copy, fresh, "--fresh")
    assert folder_files(out) == folder_files(fresh)


def test_an_unchanged_page_is_linked_from_the_previous_site_not_written_again(seed_copy, tmp_path):
    out = tmp_path / "site"
    build(seed_copy, out)
    inode = {name: (out / "chapters" / name).stat().st_ino for name in ("1.html", "2.html")}
    text = seed_copy.read_text(encoding="utf-8")
    seed_copy.write_text(text.replace("一般公共预算收入增长6%以上。", "一般公共预算收入增长7%以上。"), encoding="utf-8")
    build(seed_copy, out, "-j", "2")
    assert (out / "chapters" / "2.html").stat().st_ino == inode["2.html"]  # task 5 is not on it: the same file
    assert (out / "chapters" / "1.html").stat().st_ino != inode["1.html"]  # rendered again
    assert (out / "chapters" / "2.html").stat().st_nlink == 1  # the previous site is gone


def test_without_hard_links_unchanged_pages_are_copied(seed_copy, tmp_path, monkeypatch):
    import errno
    import os

    out, fresh = tmp_path / "site", tmp_path / "fresh"
    build(seed_copy, out)
    inode = (out / "chapters" / "2.html").stat().st_ino

    def no_links(src, dst, *args, **kwargs):  # as on FAT or exFAT (a USB stick)
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    assert ALL_REUSED in build(seed_copy, out, "-j", "1")
    assert (out / "chapters" / "2.html").stat().st_ino != inode
    build(seed_copy, fresh, "--fresh")
    assert folder_files(out) == folder_files(fresh)


def test_a_record_without_sizes_still_serves(seed_copy, tmp_path):
    out, fresh = tmp_path / "site", tmp_path / "fresh"
    build(seed_copy, out)
    marker = out / ".reportsite"
    data = json.loads(marker.read_text(encoding="utf-8"))
    assert all(len(known) == 3 for known in data["pages"].values())  # fingerprint, hash, size
    assert data["pages"]["chapters/2.html"][2] == (out / "chapters" / "2.html").stat().st_size
    data["pages"] = {path: known[:2] for path, known in data["pages"].items()}  # as reportsite wrote it before
    marker.write_text(json.dumps(data), encoding="utf-8")
    assert ALL_REUSED in build(seed_copy, out)
    build(seed_copy, fresh, "--fresh")
    assert folder_files(out) == folder_files(fresh)  # the record has its sizes again


# ---- the exports: made from the model alone, reused while what it was made of is the same ------------


def test_the_exports_are_made_again_when_a_progress_report_changes(tmp_path):
    content = tmp_path / "content" / "tasks.yaml"
    shutil.copytree(ROOT / "tests" / "fixtures" / "progress", content.parent)
    out, fresh = tmp_path / "site", tmp_path / "fresh"
    build(content, out)
    assert "unchanged export files reused" in build(content, out)
    period = content.parent / "progress" / "2021-06.yaml"
    period.write_text(period.read_text(encoding="utf-8").replace("土地手续仍在办理。", "土地手续已经办结。"), encoding="utf-8")
    said = build(content, out)
    assert "export files" not in said  # task 2's progress is in every export
    assert "土地手续已经办结。" in (out / "data" / "tasks.csv").read_text(encoding="utf-8-sig")
    build(content, fresh, "--fresh")
    assert folder_files(out) == folder_files(fresh)


def test_an_export_edited_by_hand_or_new_code_makes_the_exports_again(seed_copy, tmp_path, monkeypatch):
    from reportsite import reuse

    out, fresh = tmp_path / "site", tmp_path / "fresh"
    build(seed_copy, out)
    unit_csv = out / "data" / "units" / "caizhengjinrongju.csv"
    good = unit_csv.read_bytes()
    unit_csv.write_bytes(good.replace("财政金融局".encode(), "财政金融所".encode()))  # same size
    said = build(seed_copy, out)
    assert f"({SEED_PAGES} unchanged pages and 1 unchanged export file reused)" in said  # tasks.xlsx: its own job
    assert unit_csv.read_bytes() == good
    stamp = reuse.stamp
    monkeypatch.setattr(reuse, "stamp", lambda templates: stamp(templates) + (b"" if templates else b"new code"))
    said = build(seed_copy, out)  # another reportsite makes other exports: none is reused, every page is
    assert f"({SEED_PAGES} unchanged pages reused)" in said
    build(seed_copy, fresh, "--fresh")
    assert folder_files(out) == folder_files(fresh)


def test_serve_keeps_the_exports_in_place_after_a_template_edit(seed_copy, tmp_path):
    from reportsite.serve import Preview

    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    out = tmp_path / "site"
    logged: list[str] = []
    preview = Preview(seed_copy, templates, out, jobs=2, log=lambda *a, **k: logged.append(" ".join(map(str, a))))
    assert preview.rebuild()
    xlsx = (out / "data" / "tasks.xlsx").stat().st_ino
    chapter = templates / "chapter.html"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("本章小节", "本章各节"), encoding="utf-8")
    assert preview.rebuild()
    # every page is rendered again (a template changed); the bytes of the 7 chapters with sections changed
    assert logged[-1].endswith(f": 7 files rewritten, 0 removed ({SEED_EXPORTS} unchanged export files reused)"), logged[-1]
    assert (out / "data" / "tasks.xlsx").stat().st_ino == xlsx
    fresh = tmp_path / "fresh"
    build(seed_copy, fresh, "--fresh", "--templates", str(templates))
    assert folder_files(out) == folder_files(fresh)


def test_a_unit_pages_fingerprint_takes_its_task_views_by_their_content(seed_report):
    """A unit page's task views (and every page's navigation) are pickled in its fingerprint as the
    digest of their content, worked out once per view: the same content in new objects gives the
    same fingerprint, whatever was digested first, and any change in a view changes it."""
    from reportsite import pages, reuse

    path = "units/caizhengjinrongju.html"  # 财政金融局: task 5 among others
    first = next(p for p in pages.group_pages(seed_report, "units") if p.path == path)
    twin = next(p for p in pages.group_pages(seed_report, "units") if p.path == path)  # new views
    items = [item for r in twin.context["roles"] for c in r["chapters"] for item in c["tasks"]]
    views = [item["task"] for item in items]
    assert 5 in [v["number"] for v in views]
    assert all(type(v) is pages.SharedDict for v in views)
    assert type(twin.context["nav_chapters"]) is pages.SharedList
    for v in reversed(views):  # digested before, in another order
        v.digest()
    assert reuse.fingerprint(b"code", first) == reuse.fingerprint(b"code", twin)
    assert reuse.fingerprint(b"code", first) != reuse.fingerprint(b"other code", first)
    task5 = next(item for item in items if item["task"]["number"] == 5)
    task5["task"] = pages.SharedDict(task5["task"], text="一般公共预算收入增长7%以上。")
    assert reuse.fingerprint(b"code", first) != reuse.fingerprint(b"code", twin)
    # the chapters' views are on one page each: plain dicts, pickled in place
    chapter = pages.group_pages(seed_report, "chapters")[0]
    assert chapter.path == "chapters/1.html" and type(chapter.context["direct_tasks"][0]) is dict
