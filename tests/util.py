"""Helpers shared by the tests (plain functions; fixtures live in conftest.py)."""

from __future__ import annotations

import contextlib
import io
import textwrap
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "content" / "tasks.yaml"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def run_cli(*args: str) -> tuple[int, str, str]:
    """Run `python build.py ARGS` in-process; returns (exit status, stdout, stderr)."""
    from reportsite.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def folder_files(root: Path) -> dict[str, bytes]:
    """Every file under root: its path (relative, with /) -> its bytes; to compare whole builds."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def write(tmp_path: Path, text: str, name: str = "tasks.yaml") -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return p


MINIMAL = """
report:
  title: 测试报告
  issuer: 测试市人民政府
  year: 2021
units:
  - name: 住房和城乡建设局
    kind: department
    aliases: [住建局]
  - name: 发展改革委员会
    kind: department
chapters:
  - title: 第一章
    tasks:
      - number: 1
        text: 第一项任务。
        lead: [住建局]
        responsible: [发展改革委员会]
"""
