"""The synthetic report generator: valid, deterministic, shaped like the real notice."""

from __future__ import annotations

import statistics

from util import run_cli

from reportsite.loader import load
from reportsite.synth import generate


def test_same_arguments_give_same_bytes_and_another_seed_another_report():
    a = generate(300, 50)
    assert a == generate(300, 50)
    assert a != generate(300, 50, seed=7)
    assert a != generate(301, 50)


def test_output_passes_check_with_the_requested_size(tmp_path):
    path = tmp_path / "big.yaml"
    code, out, err = run_cli("synth", "--tasks", "2000", "--units", "120", "-o", str(path))
    assert code == 0, err
    code, out, err = run_cli("check", "--content", str(path))
    assert code == 0, err
    assert "ok: 2000 tasks" in out
    report, warnings = load(str(path))
    assert warnings == []
    assert [t.number for t in report.tasks] == list(range(1, 2001))
    assert 100 <= len(report.units) <= 140
    assert len(report.chapters) >= 8 and len(report.sections) > 50


def test_shape_is_realistic(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(generate(3000, 200), encoding="utf-8")
    report, _ = load(str(path))
    lengths = [len(t.text) for t in report.tasks]
    assert 35 <= statistics.median(lengths) <= 65  # the real notice: median 51 characters
    assert max(lengths) <= 200 and min(lengths) >= 9
    assert all(t.lead or t.responsible for t in report.tasks)
    collectives = [u for u in report.units if u.members]
    assert collectives and all(not report.unit_by_name[m].members for c in collectives for m in c.members)
    assert any(a.via for u in report.units for a in report.assignments[u.name])  # tasks reach members
    assert sum(1 for u in report.units if u.aliases) > 50
    assert any(t.and_others for t in report.tasks)
    loads = sorted((len(v) for v in report.assignments.values()), reverse=True)
    assert loads[0] > 10 * statistics.median(loads)  # a few units carry much of the load
    kinds = {u.kind for u in report.units}
    assert kinds == {"department", "town", "company", "other"}


def test_python_m_entry_point_writes_stdout(capsys):
    from reportsite.synth import main

    assert main(["--tasks", "5", "--units", "40"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("# synthetic report made by reportsite.synth (tasks=5, units=40")
    assert "number: 5\n" in text and "number: 6\n" not in text
