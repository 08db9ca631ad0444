"""Loading and validation: the real content, and one bad-input file per kind of mistake."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from util import FIXTURES, MINIMAL, SEED, run_cli, write

INVALID = sorted((FIXTURES / "invalid").glob("*.yaml"))


def expected_messages(path: Path) -> list[str]:
    rel = path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path
    return [f"{rel}:{line[len('# expect: '):]}" for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("# expect: ")]


def test_seed_counts(seed_report):
    assert len(seed_report.tasks) == 143
    assert len(seed_report.chapters) == 8
    assert len(seed_report.sections) == 31
    assert [t.number for t in seed_report.tasks] == list(range(1, 144))
    assert [len(c.tasks) for c in seed_report.chapters] == [8, 27, 13, 14, 14, 12, 13, 42]
    assert seed_report.chapters[0].sections == [] and len(seed_report.chapters[0].direct_tasks) == 8
    assert seed_report.issuer == "济源市人民政府" and seed_report.year == 2021


def test_seed_tasks_as_in_the_notice(seed_report):
    t9 = seed_report.task_by_number[9]
    assert t9.text.startswith("开工建设人民医院东院区项目,拟设置2000余张床位")
    assert t9.lead == ("卫生健康委员会",)
    assert t9.responsible == ("城投建设发展有限公司", "玉泉街道办事处")
    assert seed_report.task_by_number[1].lead == () and seed_report.task_by_number[1].responsible == ("发展改革和统计局",)
    # 等有关单位 is a flag, never part of a unit name
    assert [t.number for t in seed_report.tasks if t.and_others] == [61, 85, 142]
    assert all("等有关单位" not in u.name for u in seed_report.units)


def test_aliases_resolve_to_canonical_units(seed_report):
    assert seed_report.task_by_number[99].responsible == ("市场监督管理局", "交通运输局", "住房和城乡建设局")
    # task 71: 各镇人民政府、街道办事处 means both collectives
    assert seed_report.task_by_number[71].responsible == ("各镇人民政府", "各街道办事处")
    assert "住建局" in seed_report.unit_by_name["住房和城乡建设局"].aliases


def test_collectives_and_members(seed_report):
    streets = seed_report.unit_by_name["各街道办事处"]
    assert set(streets.members) == {"济水街道办事处", "天坛街道办事处", "沁园街道办事处", "北海街道办事处", "玉泉街道办事处"}
    towns = seed_report.unit_by_name["各镇人民政府"]
    assert len(towns.members) == 6 and "轵城镇人民政府" in towns.members
    jishui = [(a.task.number, a.role, a.via) for a in seed_report.assignments["济水街道办事处"]]
    assert jishui == [(29, "responsible", None), (52, "responsible", "各街道办事处"), (71, "responsible", "各街道办事处")]


def test_unit_kinds_and_slugs(seed_report):
    kinds = {u.name: u.kind for u in seed_report.units}
    assert kinds["住房和城乡建设局"] == "department"
    assert kinds["轵城镇人民政府"] == "town"
    assert kinds["城投建设发展有限公司"] == "company"
    slugs = [u.slug for u in seed_report.units]
    assert len(set(slugs)) == len(slugs)
    assert all(re.fullmatch(r"[a-z0-9-]+", s) for s in slugs)
    assert seed_report.unit_by_name["住房和城乡建设局"].slug == "zhufanghechengxiangjiansheju"


def test_check_command_on_seed():
    code, out, err = run_cli("check", "--content", str(SEED))
    assert code == 0, err
    assert "143 tasks, 8 chapters, 31 sections, 59 units" in out


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_file_gives_exact_messages(path, monkeypatch):
    monkeypatch.chdir(path.parent.parent.parent.parent)  # the repository root: messages use relative paths
    expected = expected_messages(path)
    assert expected, f"{path} declares no '# expect:' line"
    code, out, err = run_cli("check", "--content", str(path.relative_to(Path.cwd())))
    assert code == 1
    got = [line for line in err.splitlines() if re.match(r"^\S+:\d+:\d+: ", line)]
    assert got == expected
    assert err.splitlines()[-1] == f"{len(expected)} error{'s' if len(expected) != 1 else ''}; nothing was written."
    assert "Traceback" not in err


def test_every_problem_in_one_run(tmp_path):
    p = write(
        tmp_path,
        MINIMAL.replace("kind: department\n    aliases: [住建局]", "kind: bureau\n    aliases: [住建局]").replace(
            "number: 1", "number: 1\n        colour: red"
        ).replace("[发展改革委员会]", "[发改委]"),
    )
    code, _, err = run_cli("check", "--content", str(p))
    assert code == 1
    lines = err.splitlines()
    assert any(":7:11: 'kind' of unit '住房和城乡建设局' must be one of department, town, company, other, not 'bureau'" in x for x in lines)
    assert any(":15:9: unknown key 'colour' in task 1; allowed: number, text, lead" in x for x in lines)
    assert any(":18:23: unknown unit '发改委' in task 1; did you mean '发展改革委员会'?" in x for x in lines)


def test_suspicious_space_is_a_warning_not_an_error(tmp_path):
    p = write(tmp_path, MINIMAL.replace("第一项任务。", "建立项目谋划储备“1 N”机制。"))
    code, out, err = run_cli("check", "--content", str(p))
    assert code == 0
    assert "tasks.yaml:15:15: warning: task 1: suspicious space inside a quoted term “1 N” (a lost '+', as in “互联网+”?)" in err


def test_yaml_bom_crlf_and_gbk(tmp_path):
    text = MINIMAL.lstrip("\n")
    p = tmp_path / "bom.yaml"
    p.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert run_cli("check", "--content", str(p))[0] == 0
    g = tmp_path / "gbk.yaml"
    g.write_bytes(text.encode("gb18030"))
    code, _, err = run_cli("check", "--content", str(g))
    assert code == 1
    assert "gbk.yaml:2:10: invalid UTF-8 (byte 0xb2); the file looks like GBK/GB18030: save it as UTF-8" in err


def test_empty_and_missing_files(tmp_path):
    e = tmp_path / "empty.yaml"
    e.write_text("", encoding="utf-8")
    code, _, err = run_cli("check", "--content", str(e))
    assert code == 1 and "empty.yaml:1:1: the file is empty" in err
    code, _, err = run_cli("check", "--content", str(tmp_path / "nope.yaml"))
    assert code == 2 and "nope.yaml: no such file" in err


def test_oversized_file(tmp_path, monkeypatch):
    from reportsite import yamlnodes

    monkeypatch.setattr(yamlnodes, "MAX_BYTES", 1000)
    p = write(tmp_path, MINIMAL + "#" + "x" * 2000 + "\n")
    code, _, err = run_cli("check", "--content", str(p))
    assert code == 1
    assert f"tasks.yaml:1:1: the file is {p.stat().st_size / 1024:.1f} KiB; the limit is 1000 bytes: split the report" in err


def test_deep_nesting(tmp_path):
    p = tmp_path / "deep.yaml"
    p.write_text("report: " + "[" * 200 + "]" * 200 + "\n", encoding="utf-8")
    code, _, err = run_cli("check", "--content", str(p))
    assert code == 1 and "deep.yaml:1:72: nesting deeper than 64 levels" in err


def test_bad_usage_exits_2():
    code, _, err = run_cli("--no-such-option")
    assert code == 2 and "error: unknown option '--no-such-option' (see python build.py --help)" in err
