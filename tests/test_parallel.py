"""A build on several processes writes exactly the bytes of a single-process build."""

from __future__ import annotations

from pathlib import Path

from util import MINIMAL, ROOT, SEED, folder_files, run_cli, write

from reportsite import parallel
from reportsite.synth import generate


def _compare(content: Path, tmp_path: Path) -> dict[str, bytes]:
    one, two = tmp_path / "one", tmp_path / "two"
    code, _, err = run_cli("--content", str(content), "--out", str(one), "-q", "--jobs", "1")
    assert code == 0, err
    code, _, err = run_cli("--content", str(content), "--out", str(two), "-q", "--jobs", "2")
    assert code == 0, err
    a, b = folder_files(one), folder_files(two)
    assert sorted(a) == sorted(b)
    different = [p for p in a if a[p] != b[p]]
    assert different == []
    return a


def test_seed_parallel_equals_single_process(tmp_path, monkeypatch):
    files = _compare(SEED, tmp_path)
    assert "chapters/2.html" in files and b'id="task-9"' in files["chapters/2.html"]
    assert "units/zhufanghechengxiangjiansheju.html" in files


def test_synthetic_report_parallel_equals_single_process(tmp_path, monkeypatch):
    content = tmp_path / "synth.yaml"
    content.write_text(generate(600, 80), encoding="utf-8")
    files = _compare(content, tmp_path)
    assert sum(1 for p in files if p.startswith("units/")) >= 80


def _slow_pid() -> int:
    import os
    import time

    time.sleep(0.3)  # long enough that the other process takes the next ticket
    return os.getpid()


def _broken_in_a_worker(parent: int, template_folder: str | None = None) -> None:
    """Fails only in a worker; in the parent it only takes time, so that the worker takes the other
    ticket (a job that fails the same way in the parent would say nothing about workers)."""
    import os
    import time

    if os.getpid() == parent:
        time.sleep(0.3)
        return
    if template_folder is None:
        raise ZeroDivisionError("a bug in a job")
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(template_folder), undefined=jinja2.StrictUndefined)
    env.get_template("bad.html").render()


def test_jobs_run_in_this_process_and_a_forked_worker(seed_report):
    import os

    from reportsite import pages

    env = pages.make_env(SEED.parent.parent / "templates")
    page_list = pages.all_pages(seed_report)
    work = [("pid", _slow_pid, ())] * 2 + [("pages", pages.render, (page_list[:3], env))]
    results = sorted(parallel.Jobs(work, processes=2), key=lambda r: r[0])
    assert [(position, name) for position, name, _, _ in results] == [(0, "pid"), (1, "pid"), (2, "pages")]
    pids = {results[0][3], results[1][3]}
    assert len(pids) == 2 and os.getpid() in pids  # this process took one ticket, the worker the other
    assert list(results[2][3]) == [p.path for p in page_list[:3]] == [
        "index.html", "chapters/1.html", "chapters/2.html"
    ]
    assert all(seconds >= 0.3 for _, _, seconds, _ in results[:2])
    in_process = list(parallel.Jobs(work[:2], processes=1))
    assert [pid for _, _, _, pid in in_process] == [os.getpid()] * 2


def test_a_bug_in_a_worker_comes_back_with_its_traceback():
    import os

    import pytest

    work = [("broken", _broken_in_a_worker, (os.getpid(),))] * 2
    with pytest.raises(RuntimeError, match=r"(?s)in a worker process: Traceback.*ZeroDivisionError: a bug in a job"):
        list(parallel.Jobs(work, processes=2))


def test_a_template_mistake_in_a_worker_comes_back_located(tmp_path):
    import os

    import pytest

    from reportsite.errors import TemplateFailure

    (tmp_path / "bad.html").write_text("<p>\n{{ report.mayor }}</p>\n", encoding="utf-8")
    work = [("broken", _broken_in_a_worker, (os.getpid(), str(tmp_path)))] * 2
    with pytest.raises(TemplateFailure) as caught:
        list(parallel.Jobs(work, processes=2))
    assert caught.value.located.endswith(f"{tmp_path / 'bad.html'}:2: template error: 'report' is undefined")


def test_page_groups_are_every_page_once(seed_report):
    """The build's page jobs (one per folder group) make exactly the pages of the whole site."""
    from reportsite import pages, paging, targets

    groups = {g: [p.path for p in pages.group_pages(seed_report, g)] for g in pages.GROUPS}
    assert len(groups["units"]) == 60 and groups["units"][-1] == "units/index.html"
    assert groups["chapters"] == [f"chapters/{k}.html" for k in range(1, 9)]
    assert groups["top"] == ["index.html", "matrix.html", "tasks.html", "targets.html"]
    everything = [p.path for p in pages.all_pages(seed_report)]
    everything += [p.path for p in paging.split_tasks_page(pages.tasks_page(seed_report))]
    everything += [p.path for p in targets.targets_pages(seed_report)]
    together = [path for g in pages.GROUPS for path in groups[g]]
    assert sorted(together) == sorted(everything) and len(set(together)) == len(together)


def test_template_mistake_met_in_a_worker_is_still_located(tmp_path, monkeypatch):
    """A worker's traceback does not come back to the parent: the worker locates the mistake."""
    import shutil

    from util import ROOT, write
    from util import MINIMAL

    t = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", t)
    unit = t / "unit.html"
    lines = unit.read_text(encoding="utf-8").splitlines()
    lines.insert(5, "<p>{{ unit.mayor }}</p>")
    unit.write_text("\n".join(lines) + "\n", encoding="utf-8")
    content = write(tmp_path, MINIMAL)
    code, _, err = run_cli("--content", str(content), "--out", str(tmp_path / "site"), "--templates", str(t), "-j", "2")
    assert code == 1
    assert f"{unit}:6: template error: 'dict object' has no attribute 'mayor'" in err
    assert "Traceback" not in err
    assert not (tmp_path / "site").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []


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
        builds[name] = folder_files(out)
    assert builds["cold"] == builds["warm"] == builds["off"]
    (pinyin,) = (tmp_path / "cache").glob("pinyin-*.json")  # the seed's own file (slugs.use_cache_of)
    saved = pinyin.read_text(encoding="utf-8")
    assert '"0:住房和城乡建设局": ["zhu", "fang", "he", "cheng", "xiang", "jian", "she", "ju"]' in saved
    assert list((tmp_path / "cache" / "templates").iterdir())


def test_gc_pause_and_freeze_nest_and_leave_everything_collectable():
    import gc

    from reportsite.parallel import gc_frozen, gc_paused

    assert gc.get_freeze_count() == 0 and gc.isenabled()
    with gc_frozen():
        made = [[i] for i in range(1000)]  # tracked objects made inside the freeze
        assert gc.get_freeze_count() > 0
        with gc_frozen():  # nested: the outer one's freeze holds
            pass
        frozen = gc.get_freeze_count()
        assert frozen > 0
        with gc_paused():
            assert not gc.isenabled()
            more = [[i] for i in range(1000)]
        assert gc.isenabled()
        assert gc.get_freeze_count() >= frozen + 1000  # joined the frozen objects, not scanned again
    assert gc.get_freeze_count() == 0  # collectable again after the outermost freeze (serve builds many times)
    with gc_paused():
        last = [[i] for i in range(1000)]
    assert gc.get_freeze_count() == 0 and gc.isenabled()  # outside a freeze: moved to the oldest generation
    assert gc.is_tracked(last[0]) and len(made) == len(more) == 1000


def test_the_exports_and_the_search_index_are_made_without_the_cyclic_collector(tmp_path, monkeypatch):
    """Their rows, records, JSON model and index entries are a million objects at 100k tasks and no
    garbage cycles: the collector's passes over them cost the exports 5.2 s instead of 3.8 s there.
    The pages' rendering keeps it (Jinja leaves cycles: 230 MB more at 100k without it)."""
    import gc

    from reportsite import exports, search

    seen = {}
    for module, name in ((exports, "all_exports"), (exports, "workbook_bytes"), (search, "build_index")):
        real = getattr(module, name)

        def spy(*args, _real=real, _name=name, **kwargs):
            seen[_name] = gc.isenabled()
            return _real(*args, **kwargs)

        monkeypatch.setattr(module, name, spy)
    code, _, err = run_cli("--content", str(write(tmp_path, MINIMAL)), "--out", str(tmp_path / "site"), "-q", "-j", "1")
    assert code == 0, err
    assert seen == {"all_exports": False, "workbook_bytes": False, "build_index": False}
    assert gc.isenabled()


def test_jobs_are_handed_out_the_longest_first_for_the_reports_shape(tmp_path, monkeypatch):
    """The processes take the jobs in list order: by the estimate of each job's cost from the
    numbers of tasks and units (site._COST), so that they end about together. Few units per task:
    the exports, whose cost barely depends on the units, come before the top pages; many: after."""
    from reportsite import loader, site

    handed = []

    class Seen(Exception):
        pass

    def jobs(work, processes):
        handed.append([name for name, _, _ in work])
        raise Seen

    def order(content: Path) -> list[str]:
        report, problems = loader.load(str(content))
        assert not problems
        with monkeypatch.context() as m:
            m.setattr(parallel, "Jobs", jobs)
            try:
                site.build_site(report, ROOT / "templates", jobs=2)
            except Seen:
                pass
        return handed.pop()

    few = tmp_path / "few.yaml"  # 2,000 tasks, 20 units
    few.write_text(generate(2000, 20), encoding="utf-8")
    many = write(tmp_path, generate(500, 400))  # 500 tasks, 400 units
    assert order(few) == ["pages: units", "workbook", "exports", "pages: top", "pages: chapters", "search index"]
    assert order(many) == ["pages: units", "pages: top", "workbook", "exports", "pages: chapters", "search index"]
