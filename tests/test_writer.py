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


@pytest.mark.parametrize("units, set_aside", [(1000, True), (999, False)])
def test_a_big_previous_site_is_set_aside_and_the_next_build_removes_it(tmp_path, units, set_aside):
    """From 1,000 unit pages the swap only renames the previous site, to .site.trash-…, and the next
    build's forked process removes it while that build goes on; below that, the swap removes it.
    Either way only the new site is left once the next build is done."""
    from reportsite import writer

    out = tmp_path / "site"
    _previous_site(out, units)
    new = writer.Site(tmp_path / ".site.tmp-new")
    (tmp_path / ".site.tmp-new").mkdir()
    new.add("index.html", "<p>new</p>")
    writer.commit(new, out)
    assert (out / "index.html").read_text(encoding="utf-8") == "<p>new</p>"
    trash = sorted(p.name for p in tmp_path.iterdir() if p.name != "site")
    if set_aside:
        assert len(trash) == 1 and trash[0].startswith(".site.trash-")
        assert len(list((tmp_path / trash[0] / "units").iterdir())) == units  # the previous site, whole
        assert (tmp_path / trash[0] / "index.html").read_bytes() == b"<p>home</p>"
    else:
        assert trash == []
    with writer.clearing_trash(out):
        (out / "index.html").write_text("<p>built meanwhile</p>", encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    assert sorted(p.name for p in out.iterdir()) == [".reportsite", "index.html"]


def test_without_an_atomic_exchange_a_big_previous_site_is_removed_at_once(tmp_path, monkeypatch):
    """Where the swap is two renames (no renameat2 exchange: not Linux, or FAT on a USB stick, where
    Windows shows dot folders), nothing is set aside: the previous site is gone when commit returns."""
    from reportsite import writer

    monkeypatch.setattr(writer, "_exchange", lambda a, b: False)
    out = tmp_path / "site"
    _previous_site(out, 1000)
    (tmp_path / ".site.tmp-new").mkdir()
    new = writer.Site(tmp_path / ".site.tmp-new")
    new.add("index.html", "<p>new</p>")
    writer.commit(new, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    assert (out / "index.html").read_text(encoding="utf-8") == "<p>new</p>"


def test_remove_site_removes_the_site_and_its_trash(tmp_path):
    """writer.remove_site (the benchmark, done with a size): the output folder and the previous
    site its last build set aside; another output's trash stays."""
    from reportsite import writer

    for name in ("site", ".site.trash-a1", ".other.trash-b2"):
        _previous_site(tmp_path / name, 2)
    writer.remove_site(tmp_path / "site")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.trash-b2"]


def test_the_trash_is_only_what_builds_into_that_folder_set_aside(tmp_path):
    """clearing_trash removes .<out>.trash-* beside the output folder, nothing else: not another
    output folder's trash, not a user's folder of a similar name, not the site itself."""
    from reportsite import writer

    for name in (".site.trash-a1", ".site.trash-b2", ".other.trash-c3", "site.trash-d4", ".site", "site"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "f.html").write_bytes(b"x")
    with writer.clearing_trash(tmp_path / "site"):
        pass
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.trash-c3", ".site", "site", "site.trash-d4"]


def test_a_build_removes_the_trash_and_waits_for_it(tmp_path):
    """python build.py: the trash beside --out is gone when the build ends (nothing of the build runs
    on after it), and the site is the one just built."""
    trash = tmp_path / ".site.trash-x"
    _previous_site(trash, 3)
    out = tmp_path / "site"
    code, _, err = run_cli("--content", str(SEED), "--out", str(out), "-q")
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    assert (out / "units").is_dir() and (out / "index.html").is_file()
