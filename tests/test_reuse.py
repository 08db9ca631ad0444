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
    assert len(record(out)) == SEED_PAGES
    again = build(seed_copy, out)
    assert f"143 files ({SEED_PAGES} unchanged pages reused)" in again
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
    changed = sorted(path for path in after if after[path] != before[path])
    assert changed == ["chapters/1.html", "targets.html", "tasks.html", "units/caizhengjinrongju.html"]
    assert f"({SEED_PAGES - 4} unchanged pages reused)" in said
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
    assert f"({SEED_PAGES - 1} unchanged pages reused)" in said
    assert (out / "chapters" / "2.html").read_bytes() == good


def test_a_template_edit_renders_every_page(seed_copy, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    out, fresh = tmp_path / "site", tmp_path / "fresh"
    build(seed_copy, out, "--templates", str(templates))
    unit = templates / "unit.html"
    unit.write_text(unit.read_text(encoding="utf-8").replace("包含的单位", "所含单位"), encoding="utf-8")
    said = build(seed_copy, out, "--templates", str(templates))
    assert "reused" not in said
    assert "所含单位" in (out / "units" / "gejiedaobanshichu.html").read_text(encoding="utf-8")
    build(seed_copy, fresh, "--templates", str(templates), "--fresh")
    assert folder_files(out) == folder_files(fresh)


def test_fresh_reuses_nothing_and_a_damaged_record_is_ignored(seed_copy, tmp_path):
    out = tmp_path / "site"
    build(seed_copy, out)
    assert "reused" not in build(seed_copy, out, "--fresh")
    assert len(record(out)) == SEED_PAGES  # still recorded, for the next build
    (out / ".reportsite").write_text("built by reportsite; this folder is replaced by the next build\n", encoding="utf-8")
    said = build(seed_copy, out)  # the record of an older reportsite: a plain note
    assert "reused" not in said and said.startswith("built ")
    assert f"({SEED_PAGES} unchanged pages reused)" in build(seed_copy, out)


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
    assert f"({SEED_PAGES} unchanged pages reused)" in build(seed_copy, out, "-j", "1")
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
    assert f"({SEED_PAGES} unchanged pages reused)" in build(seed_copy, out)
    build(seed_copy, fresh, "--fresh")
    assert folder_files(out) == folder_files(fresh)  # the record has its sizes again
