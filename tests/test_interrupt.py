"""A build killed mid-way (SIGKILL: no clean-up code runs) leaves the previous site/ complete, and
nothing beside it that trips the next build."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from test_hostile import BASE, tree
from util import FIXTURES, ROOT, run_cli

from reportsite.writer import TEST_PAUSE

FULL = FIXTURES / "full-features.yaml"


def start_build(content: Path, out: Path, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "--content", str(content), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def previous_site(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    src = tmp_path / "old.yaml"
    src.write_text(BASE, encoding="utf-8")
    out = tmp_path / "site"
    code, _, err = run_cli("--content", str(src), "--out", str(out), "-q")
    assert code == 0, err
    return out, tree(out)


def reference(tmp_path: Path, content: Path) -> dict[str, str]:
    ref = tmp_path / "reference"
    code, _, err = run_cli("--content", str(content), "--out", str(ref), "-q")
    assert code == 0, err
    return tree(ref)


def test_sigkill_half_way_through_writing_leaves_the_previous_site(tmp_path):
    out, old = previous_site(tmp_path)
    proc = start_build(FULL, out, **{TEST_PAUSE: "60"})
    line = proc.stderr.readline()
    assert line.startswith("paused in commit: "), line
    tmp = Path(line.split(": ", 1)[1].strip())
    assert tmp.parent == out.parent and tmp.name.startswith(".site.tmp-")
    written = [p for p in tmp.rglob("*") if p.is_file()]
    assert 0 < len(written) < len(reference(tmp_path, FULL))  # really half-way
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL
    assert tree(out) == old
    assert leftovers(out) == [tmp.name]  # nothing cleaned up after SIGKILL …
    # … and the next build neither trips on it nor keeps it
    code, _, err = run_cli("--content", str(FULL), "--out", str(out), "-q")
    assert code == 0, err
    assert leftovers(out) == []
    assert tree(out) == reference(tmp_path, FULL)


def test_ctrl_c_half_way_cleans_up_and_says_so(tmp_path):
    out, old = previous_site(tmp_path)
    proc = start_build(FULL, out, **{TEST_PAUSE: "60"})
    assert proc.stderr.readline().startswith("paused in commit: ")
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert err.strip() == "interrupted; the previous site is unchanged."
    assert tree(out) == old
    assert leftovers(out) == []


def big_report(tasks: int, units: int) -> str:
    lines = ["report:", "  title: 压力测试报告", "  issuer: 测试市人民政府", "  year: 2022", "units:"]
    lines += [f"  - name: 第{u}测试局\n    kind: department" for u in range(units)]
    lines.append("chapters:")
    half = units // 2
    for c in range(10):
        lines += [f"  - title: 第{c + 1}章", "    tasks:"]
        for n in range(c * tasks // 10, (c + 1) * tasks // 10):
            lines += [
                f"      - number: {n + 1}",
                f"        text: 第{n + 1}项任务，推进重点项目建设，完成投资{n}亿元。",
                f"        lead: [第{n % half}测试局]",
                f"        responsible: [第{half + n % half}测试局, 第{half + (n + 1) % half}测试局]",
            ]
    return "\n".join(lines) + "\n"


def test_sigkill_at_any_moment_leaves_one_whole_site(tmp_path):
    """Killed at several moments of a real build (no test hook): site/ is always either the whole
    previous site or the whole new one, never a mix, and the next build succeeds."""
    out, old = previous_site(tmp_path)
    big = tmp_path / "big.yaml"
    big.write_text(big_report(300, 40), encoding="utf-8")
    started = time.perf_counter()
    proc = start_build(big, tmp_path / "reference")
    assert proc.wait(timeout=300) == 0, proc.stderr.read()
    duration = time.perf_counter() - started  # start-up included, as in the rounds below
    new = tree(tmp_path / "reference")
    for fraction in (0.2, 0.5, 0.8, 0.95, 1.1, 1.5, 3.0):
        proc = start_build(big, out)
        time.sleep(duration * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        now = tree(out)
        assert now in (old, new), f"killed after {fraction:.0%} of a build: a mixed site"
        if now == new:  # start the next round from the previous site again
            code, _, err = run_cli("--content", str(tmp_path / "old.yaml"), "--out", str(out), "-q")
            assert code == 0, err
    code, _, err = run_cli("--content", str(big), "--out", str(out), "-q")
    assert code == 0, err
    assert tree(out) == new
    assert leftovers(out) == []
