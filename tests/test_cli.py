"""Command-line behaviour that is not about the content: template mistakes are located, not tracebacks."""

from __future__ import annotations

import shutil

from util import MINIMAL, ROOT, run_cli, write


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
