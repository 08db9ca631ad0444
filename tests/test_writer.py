"""Reproducible output and the atomic swap: a failed build never touches the previous site."""

from __future__ import annotations

import hashlib

import pytest

from util import MINIMAL, SEED, run_cli, write


def digest(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_second_build_is_byte_identical(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert run_cli("--content", str(SEED), "--out", str(a), "-q")[0] == 0
    assert run_cli("--content", str(SEED), "--out", str(b), "-q")[0] == 0
    assert digest(a) == digest(b)
    first = digest(a)
    assert run_cli("--content", str(SEED), "--out", str(a), "-q")[0] == 0  # rebuilt in place
    assert digest(a) == first


def test_failing_build_leaves_previous_site_whole(tmp_path):
    out = tmp_path / "site"
    good = write(tmp_path, MINIMAL)
    assert run_cli("--content", str(good), "--out", str(out), "-q")[0] == 0
    before = digest(out)
    bad = write(tmp_path, MINIMAL.replace("lead: [住建局]", "lead: [住健局]"), "bad.yaml")
    code, _, err = run_cli("--content", str(bad), "--out", str(out))
    assert code == 1
    assert "bad.yaml:16:16: unknown unit '住健局' in task 1; did you mean '住建局'?" in err
    assert digest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml", "site", "tasks.yaml"]  # no temporary folder left


def test_stale_files_do_not_survive(tmp_path):
    out = tmp_path / "site"
    two_units = write(tmp_path, MINIMAL)
    assert run_cli("--content", str(two_units), "--out", str(out), "-q")[0] == 0
    assert (out / "units" / "fazhangaigeweiyuanhui.html").exists()
    renamed = write(tmp_path, MINIMAL.replace("发展改革委员会", "发展和改革委员会"))
    assert run_cli("--content", str(renamed), "--out", str(out), "-q")[0] == 0
    assert not (out / "units" / "fazhangaigeweiyuanhui.html").exists()
    assert (out / "units" / "fazhanhegaigeweiyuanhui.html").exists()


def test_leftover_temporary_folders_are_cleaned(tmp_path):
    out = tmp_path / "site"
    (tmp_path / ".site.tmp-killed").mkdir()
    (tmp_path / ".site.tmp-killed" / "index.html").write_text("half", encoding="utf-8")
    assert run_cli("--content", str(write(tmp_path, MINIMAL)), "--out", str(out), "-q")[0] == 0
    assert not (tmp_path / ".site.tmp-killed").exists()


def test_refuses_folder_holding_content_or_templates(tmp_path, project_root):
    content = write(tmp_path, MINIMAL)
    code, _, err = run_cli("--content", str(content), "--out", str(tmp_path))
    assert code == 2 and f"refusing to build into {tmp_path}: it contains {content}" in err
    code, _, err = run_cli("--content", str(content), "--out", str(project_root))
    assert code == 2 and f"refusing to build into {project_root}: it contains" in err


def test_refuses_foreign_non_empty_folder(tmp_path):
    other = tmp_path / "documents"
    other.mkdir()
    (other / "thesis.docx").write_bytes(b"precious")
    code, _, err = run_cli("--content", str(write(tmp_path, MINIMAL)), "--out", str(other))
    assert code == 2
    assert "refusing to replace" in err and "was not made by reportsite" in err
    assert (other / "thesis.docx").read_bytes() == b"precious"


@pytest.mark.parametrize("path", ["../x.html", "/etc/passwd", "units/../../x", "单位.html", "a//b", ""])
def test_site_refuses_unsafe_paths(path):
    from reportsite.writer import Site

    with pytest.raises(ValueError, match="refusing to write"):
        Site().add(path, b"x")


def test_site_refuses_double_write():
    from reportsite.writer import Site

    s = Site()
    s.add("index.html", "a")
    with pytest.raises(ValueError, match="two outputs write the same file: index.html"):
        s.add("index.html", "b")


def test_staged_site_writes_as_files_come_and_removes_its_folder_on_failure(tmp_path):
    from reportsite.writer import MARKER, commit, staged

    out = tmp_path / "site"
    with staged(out) as site:
        site.add("index.html", "<p>一</p>")
        site.add("units/a.html", b"a")
        tmp = site.folder
        assert tmp.parent == tmp_path and tmp.name.startswith(".site.tmp-")
        assert (tmp / "index.html").read_text(encoding="utf-8") == "<p>一</p>"  # on disk already …
        assert site.files == {"index.html": None, "units/a.html": None}  # … and not kept in memory
        commit(site, out)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [MARKER, "index.html", "units", "units/a.html"]
    assert not tmp.exists()
    with pytest.raises(RuntimeError, match="template broke"):
        with staged(out) as site:
            site.add("index.html", "new")
            raise RuntimeError("template broke")
    assert (out / "index.html").read_text(encoding="utf-8") == "<p>一</p>"
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no temporary folder left


def test_an_output_that_cannot_be_written_is_a_plain_error(tmp_path):
    import errno

    from reportsite.errors import UsageError
    from reportsite.writer import staged

    (tmp_path / "notes.txt").write_text("a file, not a folder", encoding="utf-8")
    bad = tmp_path / "notes.txt" / "site"
    code, _, err = run_cli("--content", str(SEED), "--out", str(bad))
    assert code == 2
    assert err.strip() == f"error: cannot write the site beside {bad}: a file is in the way (choose another --out folder)"
    (tmp_path / "notes.txt").unlink()
    out = tmp_path / "site"
    with pytest.raises(UsageError) as caught:
        with staged(out) as site:
            site.add("index.html", "x")
            raise OSError(errno.ENOSPC, "No space left on device", str(site.folder / "units" / "a.html"))
    assert str(caught.value).endswith("units/a.html: No space left on device; nothing was written, the previous site is unchanged")
    assert list(tmp_path.iterdir()) == []


def test_files_written_by_a_worker_are_counted_and_still_made_once(tmp_path):
    from reportsite.writer import Site, staged

    with staged(tmp_path / "site") as site:
        worker = Site(site.folder)  # what a worker process does with the staged folder
        worker.add("units/a.html", "<p>a</p>")
        site.written("units/a.html")
        assert site.files == {"units/a.html": None}
        assert (site.folder / "units" / "a.html").read_text(encoding="utf-8") == "<p>a</p>"
        with pytest.raises(ValueError, match="two outputs write the same file: units/a.html"):
            site.written("units/a.html")
        with pytest.raises(ValueError, match="two outputs write the same file: units/a.html"):
            site.add("units/a.html", "again")


def _previous_site(root, units: int):
    """A site's shape: units/ and data/units/ with `units` files each, chapters/, files at the top."""
    for folder in ("units", "data/units", "chapters"):
        (root / folder).mkdir(parents=True)
    for i in range(units):
        (root / "units" / f"u{i}.html").write_bytes(b"<p>unit</p>")
        (root / "data" / "units" / f"u{i}.csv").write_bytes(b"a,b\n")
    (root / "chapters" / "1.html").write_bytes(b"<p>chapter</p>")
    (root / "index.html").write_bytes(b"<p>home</p>")
    (root / ".reportsite").write_bytes(b"{}")


@pytest.mark.parametrize("units, forks", [(1000, 1), (999, 0)])
def test_a_big_previous_site_is_removed_by_two_processes(tmp_path, monkeypatch, units, forks):
    """From 1,000 unit pages a forked process removes units/ while the build removes the rest;
    below that, one process removes it all. Either way nothing is left."""
    import os

    from reportsite import writer

    forked = []
    real_fork = os.fork

    def fork():
        forked.append(1)
        return real_fork()

    monkeypatch.setattr(os, "fork", fork)
    old = tmp_path / ".site.old-x"
    _previous_site(old, units)
    writer._remove(old)
    assert not old.exists()
    assert len(forked) == forks
    assert list(tmp_path.iterdir()) == []
