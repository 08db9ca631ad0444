"""Command-line behaviour that is not about the content: template mistakes are located, not tracebacks."""

from __future__ import annotations

import shutil

from util import MINIMAL, ROOT, SEED, run_cli, write


def copy_templates(tmp_path):
    t = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", t)
    return t


def test_undefined_variable_in_an_edited_template_is_located(tmp_path):
    t = copy_templates(tmp_path)
    home = t / "home.html"
    lines = home.read_text(encoding="utf-8").splitlines()
    lines.insert(4, "<p>{{ report.mayor }}</p>")
    home.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = run_cli("--content", str(write(tmp_path, MINIMAL)), "--out", str(tmp_path / "site"), "--templates", str(t), "-j", "1")
    assert code == 1
    assert f"{home}:5: template error: 'dict object' has no attribute 'mayor'" in err
    assert "Traceback" not in err
    assert not (tmp_path / "site").exists()


def test_syntax_error_in_a_template_is_located(tmp_path):
    t = copy_templates(tmp_path)
    (t / "matrix.html").write_text('{% extends "base.html" %}\n{% block main %}\n{% for x in y %}\n{% endblock %}\n', encoding="utf-8")
    code, _, err = run_cli("--content", str(write(tmp_path, MINIMAL)), "--out", str(tmp_path / "site"), "--templates", str(t), "-j", "1")
    assert code == 1
    assert f"{t / 'matrix.html'}:4: template error: Encountered unknown tag 'endblock'." in err


def test_timings_lists_each_step_and_job_on_stderr(tmp_path):
    out = tmp_path / "site"
    code, stdout, err = run_cli("--content", str(SEED), "--out", str(out), "-q", "--timings", "-j", "1")
    assert code == 0 and stdout == ""
    names = [line.rsplit("  ", 1)[0].strip() for line in err.splitlines()]
    assert names == [
        "load and check the content",
        "templates",
        "pages, exports, search index (in this process)",
        "· pages: units",
        "· workbook",
        "· pages: top",
        "· pages: chapters",
        "· exports",
        "· search index",
        "swap the new site in",
        "other (start-up, imports)",
        "total",
    ]
    assert all(line.endswith(" ms") for line in err.splitlines())
    assert (out / "index.html").is_file()
    code, _, err = run_cli("--content", str(SEED), "--out", str(out), "-q", "-j", "1")  # the next build, same process
    assert code == 0 and err == ""


def test_build_py_as_a_program_exits_with_its_status_its_output_and_the_saved_cache(tmp_path):
    """build.py leaves with os._exit (no heap teardown): the status, the printed lines and the user
    cache, saved by the exit handlers, must all still be there."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "REPORTSITE_CACHE": str(tmp_path / "cache")}
    run = [sys.executable, str(ROOT / "build.py"), "--content"]
    done = subprocess.run([*run, str(SEED), "--out", str(tmp_path / "site")], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"built {tmp_path / 'site'}/: 143 files, 143 tasks, 59 units in ")
    (saved,) = (tmp_path / "cache").glob("pinyin-*.json")  # the seed's own pinyin file
    assert '"住房和城乡建设局"' in saved.read_text(encoding="utf-8").replace("0:", "")
    bad = write(tmp_path, MINIMAL.replace("lead: [住建局]", "lead: [住键局]"))
    failed = subprocess.run([*run, str(bad), "--out", str(tmp_path / "other")], capture_output=True, text=True, env=env)
    assert failed.returncode == 1
    assert failed.stderr.strip().endswith("1 error; nothing was written.")


def test_each_report_keeps_its_own_pinyin_cache_and_old_ones_are_pruned(tmp_path):
    """The pinyin of unit names is cached per content file, so a big report built once does not
    slow down every later build of the real one (a shared file grew to 26,000 names, 40 ms to
    read); the 16 most recently used files are kept, and the old shared pinyin.json goes."""
    import json
    import os
    import subprocess
    import sys

    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "pinyin.json").write_text('{"stamp": "x", "data": {}}', encoding="utf-8")  # the old layout
    for n in range(20):  # other reports' files, used long ago (n = 19 the most recently)
        old = cache / f"pinyin-old{n:02d}.json"
        old.write_text('{"stamp": "x", "data": {}}', encoding="utf-8")
        os.utime(old, (1_000_000 + n, 1_000_000 + n))
    env = {**os.environ, "REPORTSITE_CACHE": str(cache)}
    other = write(tmp_path, MINIMAL)
    for content in (SEED, other):
        done = subprocess.run([sys.executable, str(ROOT / "build.py"), "check", "--content", str(content)], capture_output=True, text=True, env=env)
        assert done.returncode == 0, done.stderr
    mine = sorted(p for p in cache.glob("pinyin-*.json") if not p.name.startswith("pinyin-old"))
    assert len(mine) == 2
    names = [set(json.loads(p.read_text(encoding="utf-8"))["data"]) for p in mine]
    seed_file, other_file = sorted(zip(names, mine), key=lambda x: -len(x[0]))
    assert {"0:财政金融局", "3:财政金融局", "0:住房和城乡建设局"} <= seed_file[0]  # slugs and pinyin order
    assert other_file[0] == {f"{t}:{n}" for t in "03" for n in ("住房和城乡建设局", "发展改革委员会")}
    assert not (cache / "pinyin.json").exists()
    kept = sorted(p.name for p in cache.glob("pinyin-old*.json"))
    assert kept == [f"pinyin-old{n:02d}.json" for n in range(6, 20)]  # 14 + the 2 just written = 16


def test_a_report_copied_to_another_file_finds_its_pinyin_in_the_old_files_cache(tmp_path):
    """A new file's pinyin cache starts from the other reports' files: a copy of the seed is checked
    without importing pypinyin (its import alone costs longer than a cached build), and its own
    cache file then holds the seed's names."""
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "REPORTSITE_CACHE": str(tmp_path / "cache")}
    build = str(ROOT / "build.py")
    done = subprocess.run([sys.executable, build, "check", "--content", str(SEED)], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    (first,) = (tmp_path / "cache").glob("pinyin-*.json")
    copy = tmp_path / "copy" / "tasks.yaml"
    copy.parent.mkdir()
    shutil.copy(SEED, copy)
    no_pypinyin = (  # exit status 3 as soon as pypinyin is imported (finding it, for the cache's stamp, is fine)
        "import os, runpy, sys; sys.addaudithook(lambda event, args: event == 'import' and args[0] == 'pypinyin' and os._exit(3)); "
        f"sys.argv = [{build!r}, 'check', '--content', {str(copy)!r}]; runpy.run_path({build!r}, run_name='__main__')"
    )
    done = subprocess.run([sys.executable, "-c", no_pypinyin], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    (second,) = set((tmp_path / "cache").glob("pinyin-*.json")) - {first}
    data = json.loads(second.read_text(encoding="utf-8"))["data"]
    assert data["0:住房和城乡建设局"] == ["zhu", "fang", "he", "cheng", "xiang", "jian", "she", "ju"]
    assert set(data) == set(json.loads(first.read_text(encoding="utf-8"))["data"])


def test_usage_mistakes_are_said_in_one_line_with_exit_2(tmp_path):
    """The traps a clerk falls into at the command line: each is one line naming the fix, exit 2,
    and nothing is built (--port without serve used to build into site/ and serve nothing)."""
    out = tmp_path / "site"
    cases = [
        (("--port", "8080", "--out", str(out)), "error: --port is for serve: python build.py serve --port 8080"),
        (("serve", "--port", "99999"), "error: argument --port: 99999 is not a port number (0 to 65535; 0: a free one)"),
        (("-j", "0", "--out", str(out)), "error: argument -j/--jobs: 0: at least 1 process"),
        (("--contnet", "x.yaml"), "error: unknown option '--contnet'; did you mean '--content'? (see python build.py --help)"),
        (("chek",), "error: unknown command 'chek'; did you mean 'check'? (commands: build, check, serve, import, synth)"),
        (("--content", str(ROOT / "content")), "a folder, not a file (choose the report's YAML file with --content FILE)"),
        (
            ("--content", str(ROOT / "content/source/jiyuan-2021.txt"), "--out", str(out)),
            "not a tasks.yaml; to turn a published notice into one, run: python build.py import",
        ),
    ]
    for args, said in cases:
        code, _, err = run_cli(*args)
        assert code == 2 and said in err, (args, err)
        assert "Traceback" not in err
    assert not out.exists()
    code, stdout, _ = run_cli("--cont", str(SEED), "check")  # an abbreviation argparse accepts stays accepted
    assert code == 0 and "143 tasks" in stdout


def test_serve_on_a_port_in_use_says_so_before_building(tmp_path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        out = tmp_path / "site"
        code, _, err = run_cli("serve", "--content", str(SEED), "--out", str(out), "--port", str(port))
    assert code == 2 and "Traceback" not in err
    assert f"error: port {port} on 127.0.0.1 is in use (another server?): choose another with --port N, or --port 0 for a free one" in err
    assert not out.exists()  # said before any build
