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


def test_pool_really_renders_in_children(seed_report, tmp_path, monkeypatch):
    import os

    from reportsite import pages

    monkeypatch.setattr(parallel, "MIN_PAGES", 0)
    pids = set()
    real = parallel._render_chunk

    def spy(bounds):
        pids.add(os.getpid())
        return [(p, h) for p, h in real(bounds)] + [(f"__pid__{os.getpid()}", b"")]

    monkeypatch.setattr(parallel, "_render_chunk", spy)
    env = pages.make_env(SEED.parent.parent / "templates")
    page_list = pages.all_pages(seed_report)[:3]
    out = parallel.render_pages(page_list, env, jobs=2)
    children = {p for p in out if p.startswith("__pid__")}
    assert children and f"__pid__{os.getpid()}" not in children
    assert [p for p in out if not p.startswith("__pid__")] == [p.path for p in page_list]


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
