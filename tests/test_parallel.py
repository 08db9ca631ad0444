"""A build on several processes writes exactly the bytes of a single-process build."""

from __future__ import annotations

from pathlib import Path

from util import SEED, run_cli

from reportsite import parallel
from reportsite.synth import generate


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _compare(content: Path, tmp_path: Path) -> dict[str, bytes]:
    one, two = tmp_path / "one", tmp_path / "two"
    code, _, err = run_cli("--content", str(content), "--out", str(one), "-q", "--jobs", "1")
    assert code == 0, err
    code, _, err = run_cli("--content", str(content), "--out", str(two), "-q", "--jobs", "2")
    assert code == 0, err
    a, b = _files(one), _files(two)
    assert sorted(a) == sorted(b)
    different = [p for p in a if a[p] != b[p]]
    assert different == []
    return a


def test_seed_parallel_equals_single_process(tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_PAGES", 0)  # the seed is below the threshold: force the pool
    files = _compare(SEED, tmp_path)
    assert "chapters/2.html" in files and b'id="task-9"' in files["chapters/2.html"]
    assert "units/zhufanghechengxiangjiansheju.html" in files


def test_synthetic_report_parallel_equals_single_process(tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_PAGES", 0)
    content = tmp_path / "synth.yaml"
    content.write_text(generate(600, 80), encoding="utf-8")
    files = _compare(content, tmp_path)
    assert sum(1 for p in files if p.startswith("units/")) >= 80


def test_jobs_really_run_in_children_and_say_which_they_are(seed_report):
    import os

    from reportsite import pages

    env = pages.make_env(SEED.parent.parent / "templates")
    page_list = pages.all_pages(seed_report)
    work = [("pid", os.getpid, ())] * 3 + [("pages", parallel.render_range, (page_list, env, 0, 3))]
    results = sorted(parallel.run_jobs(work, processes=2), key=lambda r: r[0])
    assert [(position, name) for position, name, _, _ in results] == [(0, "pid"), (1, "pid"), (2, "pid"), (3, "pages")]
    children = {pid for _, _, _, pid in results[:3]}
    assert children and os.getpid() not in children
    assert [path for path, _ in results[3][3]] == [p.path for p in page_list[:3]] == [
        "index.html", "chapters/1.html", "chapters/2.html"
    ]
    assert all(seconds >= 0 for _, _, seconds, _ in results)
    in_process = list(parallel.run_jobs(work[:2], processes=1))
    assert [pid for _, _, _, pid in in_process] == [os.getpid()] * 2


def test_page_chunks_keep_folders_together(seed_report):
    """One chunk per top-level folder, heaviest first; a folder is cut only when it alone is well
    over one process's share."""
    from reportsite import pages

    page_list = pages.all_pages(seed_report)
    weights = [pages.page_weight(p) for p in page_list]
    chunks = parallel.page_chunks(page_list, weights, 2)
    tops = [{p.path.split("/")[0] if "/" in p.path else "." for p in page_list[a:b]} for a, b in chunks]
    # the seed's unit pages are 63 % of all the rendering: over 5/4 of one process's half, so cut once
    assert tops == [{"units"}, {"chapters"}, {"units"}, {"."}, {"."}]
    assert [(a, b) for a, b in chunks] == [(9, 60), (1, 9), (60, 69), (69, 70), (0, 1)]
    assert sorted(i for a, b in chunks for i in range(a, b)) == list(range(len(page_list)))
    assert parallel.page_chunks(page_list[:10], [1000] + [1] * 9, 2) == [(0, 1), (1, 9), (9, 10)]
    ten_units = page_list[9:19]  # one folder of 1,000: cut once it reaches 5/4 of a half (625)
    assert parallel.page_chunks(ten_units, [100] * 10, 2) == [(0, 7), (7, 10)]
    assert parallel.page_chunks(ten_units, [100] * 10, 1) == [(0, 10)]


def test_user_cache_changes_nothing(tmp_path, monkeypatch):
    """The pinyin and template cache (reportsite/cache.py): cold, warm and off give the same bytes."""
    from reportsite import slugs

    builds = {}
    for name, setting in (("cold", str(tmp_path / "cache")), ("warm", str(tmp_path / "cache")), ("off", "off")):
        monkeypatch.setenv("REPORTSITE_CACHE", setting)
        monkeypatch.setattr(slugs, "_CACHE", None)
        out = tmp_path / name
        code, _, err = run_cli("--content", str(SEED), "--out", str(out), "-q", "-j", "1")
        assert code == 0, err
        slugs._cache().save()
        builds[name] = _files(out)
    assert builds["cold"] == builds["warm"] == builds["off"]
    saved = (tmp_path / "cache" / "pinyin.json").read_text(encoding="utf-8")
    assert '"0:住房和城乡建设局": ["zhu", "fang", "he", "cheng", "xiang", "jian", "she", "ju"]' in saved
    assert list((tmp_path / "cache" / "templates").iterdir())
