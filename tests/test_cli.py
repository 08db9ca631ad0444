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
    assert '"住房和城乡建设局"' in (tmp_path / "cache" / "pinyin.json").read_text(encoding="utf-8").replace("0:", "")
    bad = write(tmp_path, MINIMAL.replace("lead: [住建局]", "lead: [住键局]"))
    failed = subprocess.run([*run, str(bad), "--out", str(tmp_path / "other")], capture_output=True, text=True, env=env)
    assert failed.returncode == 1
    assert failed.stderr.strip().endswith("1 error; nothing was written.")
