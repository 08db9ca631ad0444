"""`python build.py import NOTICE.txt`: the seed notice and one small notice per variant."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from util import ROOT, SEED, run_cli

from reportsite.cli import display_path
from reportsite.importer import (
    NoticeError,
    alias_reason,
    cn_number,
    guess_kind,
    parse,
    parse_assignment,
    scalar,
    split_units,
    to_yaml,
)

NOTICES = Path(__file__).resolve().parent / "fixtures" / "notices"
SEED_NOTICE = ROOT / "content" / "source" / "jiyuan-2021.txt"
# The documented '+' restorations of content/tasks.yaml (each with its YAML comment there).
RESTORED = {
    20: ("“1 N”", "“1+N”"),
    85: ("“1 16”", "“1+16”"),
    110: ("“互联网 ”", "“互联网+”"),
    115: ("“互联网 医疗健康”", "“互联网+医疗健康”"),
}


def flat_tasks(doc: dict) -> list[dict]:
    """Every task with its place: chapter number and title, section number and title."""
    out = []
    for k, ch in enumerate(doc["chapters"], 1):
        groups = [(j, s["title"], s["tasks"]) for j, s in enumerate(ch.get("sections") or [], 1)]
        groups += [(None, None, ch.get("tasks") or [])]
        for j, stitle, tasks in groups:
            for t in tasks:
                out.append(
                    {
                        "number": t["number"],
                        "chapter": (k, ch["title"]),
                        "section": (j, stitle),
                        "text": t["text"],
                        "lead": t.get("lead") or [],
                        "responsible": t.get("responsible") or [],
                        "and_others": t.get("and_others", False),
                    }
                )
    return out


def import_notice(name: str, *extra: str) -> tuple[int, str, str]:
    return run_cli("import", name, *extra)


@pytest.fixture
def in_notices(monkeypatch):
    """Run from the fixtures folder so that messages name the notice as `name.txt:LINE:`."""
    monkeypatch.chdir(NOTICES)


@pytest.fixture(scope="module")
def seed_import(tmp_path_factory):
    out = tmp_path_factory.mktemp("import") / "tasks.yaml"
    code, stdout, stderr = run_cli("import", str(SEED_NOTICE), "-o", str(out))
    assert code == 0, stderr
    assert stdout == ""
    return out, stderr


def test_seed_reimport_reproduces_the_tasks_of_content_tasks_yaml(seed_import):
    out, _ = seed_import
    imported = flat_tasks(yaml.safe_load(out.read_text(encoding="utf-8")))
    curated = flat_tasks(yaml.safe_load(SEED.read_text(encoding="utf-8")))
    assert len(imported) == len(curated) == 143
    assert [t["number"] for t in imported] == list(range(1, 144))
    differing = []
    for got, want in zip(imported, curated, strict=True):
        if got["number"] in RESTORED:
            lost, restored = RESTORED[got["number"]]
            assert lost in got["text"]
            got = dict(got, text=got["text"].replace(lost, restored))
        if got != want:
            differing.append((got, want))
    assert differing == []
    by_number = {t["number"]: t for t in imported}
    assert by_number[99]["responsible"] == ["市场监管局", "交通运输局", "住房和城乡建设局"]
    assert by_number[71]["responsible"] == ["各镇人民政府", "街道办事处"]
    assert [n for n, t in by_number.items() if t["and_others"]] == [61, 85, 142]
    assert by_number[34]["lead"] == ["发展改革和统计局"] and by_number[34]["responsible"] == []
    assert by_number[9]["section"] == (1, "强力推进十大工程")
    assert by_number[143]["chapter"] == (8, "切实加强民生保障,提升高质量发展实效")


def test_seed_import_registers_every_unit_and_passes_check_with_the_space_warnings(seed_import):
    out, _ = seed_import
    doc = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert doc["report"] == {
        "title": "政府工作报告提出的2021年重点工作责任单位",
        "issuer": "济源市人民政府",
        "year": 2021,
        "labels": {"lead": "牵头单位", "responsible": "责任单位"},
    }
    names = [u["name"] for u in doc["units"]]
    assert len(names) == len(set(names)) == 61
    assert names[:3] == ["发展改革和统计局", "工业和科技创新委员会", "财政金融局"]
    kinds = {u["name"]: u["kind"] for u in doc["units"]}
    assert kinds["各街道办事处"] == kinds["玉泉街道办事处"] == kinds["轵城镇人民政府"] == "town"
    assert kinds["城投建设发展有限公司"] == kinds["投资集团有限公司"] == "company"
    assert kinds["文明办"] == kinds["卫生健康委员会"] == "department"
    assert kinds["职业技术学院"] == kinds["工商业联合会"] == "other"
    code, _, stderr = run_cli("check", "--content", str(out))
    assert code == 0, stderr
    warnings = [line.split(": warning: ")[1] for line in stderr.splitlines()]
    assert [w.split(":")[0] for w in warnings] == ["task 20", "task 85", "task 110", "task 115"]
    assert "suspicious space inside a quoted term “互联网 医疗健康”" in warnings[3]


def test_seed_import_reports_leftovers_aliases_and_spaces_on_stderr(seed_import):
    out, stderr = seed_import
    name = display_path(str(SEED_NOTICE))
    lines = stderr.splitlines()
    assert lines[-1] == (
        f"{name}: imported into {display_path(str(out))} 143 tasks, 8 chapters, 31 sections, 61 units (UTF-8); "
        "7 warnings, 4 suggestions"
    )
    assert (
        f"{name}:185: warning: line not imported (not a heading, a task or its units): "
        "责编:陶纪燕 | 审核:李震 | 总监:万军伟" in lines
    )
    assert f"{name}:186: warning: line not imported (not a heading, a task or its units): ," in lines
    assert (
        f"{name}:131: suggestion: '市场监管局' may be the same unit as '市场监督管理局' (line 37): "
        "'市场监管局' looks like "
        "a short form of '市场监督管理局'; if so, keep one name and list the other under its aliases"
    ) in lines
    assert (
        f"{name}:94: suggestion: '街道办事处' may be the same unit as '各街道办事处' (line 68): '各街道办事处' is "
        "'街道办事处' with '各'; if so, keep one name and list the other under its aliases"
    ) in lines
    assert (
        f"{name}:94: suggestion: '各镇人民政府' is a collective: if it stands for 轵城镇人民政府, 坡头镇人民政府, "
        "思礼镇人民政府, 五龙口镇人民政府, 克井镇人民政府, 梨林镇人民政府, list them as its members"
    ) in lines
    assert (
        f"{name}:26: warning: task 20: suspicious space inside a quoted term “1 N” (a lost '+', as in “互联网+”?)"
        in lines
    )
    text = out.read_text(encoding="utf-8")
    assert (
        "  # ? 可能与“市场监督管理局”是同一单位：若是，保留一个名称，另一个写入其 aliases\n  - name: 市场监管局\n"
        in text
    )
    assert "          # ? 第185行未导入：责编:陶纪燕 | 审核:李震 | 总监:万军伟\n" in text
    assert text.splitlines()[1] == (
        "# 请核对以“# ?”开头的注释（共 11 处疑问），处理后删除；再运行 python build.py check。"
    )


def test_seed_import_is_byte_identical_on_stdout_and_deterministic(seed_import):
    out, _ = seed_import
    code1, first, _ = run_cli("import", str(SEED_NOTICE))
    code2, second, _ = run_cli("import", str(SEED_NOTICE))
    assert code1 == code2 == 0
    assert first == second == out.read_text(encoding="utf-8")
    assert "\\u" not in first and "住房和城乡建设局" in first
    top = [line for line in first.splitlines() if line and not line.startswith((" ", "#"))]
    assert top == ["report:", "units:", "chapters:"]
    assert (
        "            text: 开工建设人民医院东院区项目,拟设置2000余张床位,按照三级甲等综合医院规划建设。\n"
        "            lead: [卫生健康委员会]\n"
        "            responsible: [城投建设发展有限公司, 玉泉街道办事处]\n" in first
    )


def imported(name: str) -> tuple[dict, list[str]]:
    """Import tests/fixtures/notices/NAME (run from that folder); returns the YAML document and stderr lines."""
    code, stdout, stderr = import_notice(name)
    assert code == 0, stderr
    return yaml.safe_load(stdout), stderr.splitlines()


def task(number, text, lead, responsible, chapter, section=(None, None), and_others=False) -> dict:
    return {
        "number": number,
        "chapter": chapter,
        "section": section,
        "text": text,
        "lead": lead,
        "responsible": responsible,
        "and_others": and_others,
    }


def test_fullwidth_punctuation_and_utf8_bom(in_notices):
    doc, err = imported("fullwidth.txt")
    assert doc["report"] == {
        "title": "示例县2021年政府工作报告重点工作责任分工",
        "issuer": "示例县人民政府",
        "year": 2021,
        "labels": {"lead": "牵头单位", "responsible": "责任单位"},
    }
    c1, c2 = (1, "稳定经济增长"), (2, "保障改善民生")
    assert flat_tasks(doc) == [
        task(
            1,
            "全年实施重点项目120个，完成投资80亿元。",
            ["县发展改革委"],
            ["县财政局", "县自然资源局"],
            c1,
            (1, "扩大有效投资"),
        ),
        task(2, "推进老旧小区改造，惠及居民3000户。", [], ["县住建局", "县财政局"], c1, (1, "扩大有效投资")),
        task(3, "举办“购物节”活动。", ["县商务局"], ["各乡镇人民政府"], c1, (2, "促进消费"), and_others=True),
        task(4, "新建幼儿园3所。", ["县教育局"], ["县财政局", "县自然资源局"], c2, (1, "办好民生实事")),
    ]
    assert err == [
        "fullwidth.txt: imported 4 tasks, 2 chapters, 3 sections, 7 units (UTF-8 with BOM); 0 warnings, 0 suggestions"
    ]
    assert [(u["name"], u["kind"]) for u in doc["units"]] == [
        ("县发展改革委", "department"),
        ("县财政局", "department"),
        ("县自然资源局", "department"),
        ("县住建局", "department"),
        ("县商务局", "department"),
        ("各乡镇人民政府", "town"),
        ("县教育局", "department"),
    ]


def test_square_brackets_with_nested_round_ones(in_notices):
    doc, err = imported("square.txt")
    assert doc["report"]["title"] == "2022年政府工作报告重点工作任务分工"
    assert doc["report"]["issuer"] == "样例市人民政府"
    assert doc["report"]["source"] == "样例市人民政府关于印发2022年政府工作报告重点工作任务分工的通知"
    c1, s1 = (1, "推动城市更新"), (1, "改造老旧街区")
    assert flat_tasks(doc) == [
        task(1, "改造老旧街区12个。", ["市住建局"], ["各街办(新区)", "市国土房管局"], c1, s1),
        task(2, "完善社区服务设施。", ["国土房管局"], ["各街办（新区）", "市民政局"], c1, s1),
    ]
    assert err == [
        "square.txt:5: suggestion: '各街办（新区）' may be the same unit as '各街办(新区)' (line 4): "
        "the names differ only "
        "in full-width and ASCII punctuation; if so, keep one name and list the other under its aliases",
        "square.txt:5: suggestion: '国土房管局' may be the same unit as '市国土房管局' (line 4): '市国土房管局' is "
        "'国土房管局' with the prefix '市'; if so, keep one name and list the other under its aliases",
        "square.txt: imported 2 tasks, 1 chapter, 1 section, 6 units (UTF-8); 0 warnings, 2 suggestions",
    ]


def test_units_on_their_own_lines_with_comma_and_space_separators(in_notices):
    doc, err = imported("lines.txt")
    c1 = (1, "扩大对外开放")
    assert flat_tasks(doc) == [
        task(
            1,
            "办好进口博览会参展工作，组织企业200家以上参展。",
            ["市商务局"],
            ["市发改委", "市财政局", "市贸促会", "市外办"],
            c1,
        ),
        task(2, "推进综合保税区申建。", ["市发改委", "市商务局"], [], c1),
        task(3, "建设跨境电商产业园，引进企业30家。", ["市商务局"], ["市发改委"], c1),  # the brackets wrap too
        task(4, "培育外贸新业态。", [], ["市商务局"], c1),  # the bracketed units on a line of their own
        task(5, "扩大服务贸易。", ["市商务局"], ["市发改委", "市财政局", "市外办"], c1),  # the list wraps after 、
    ]
    assert (doc["report"]["issuer"], doc["report"]["year"]) == ("泉山市人民政府", 2021)
    assert err == ["lines.txt: imported 5 tasks, 1 chapter, 0 sections, 5 units (UTF-8); 0 warnings, 0 suggestions"]


def test_tasks_numbered_like_sections_are_told_apart_by_context(in_notices):
    doc, err = imported("numbered.txt")
    c1, c2 = (1, "主要预期目标"), (2, "重点工作")
    assert flat_tasks(doc) == [
        task(1, "地区生产总值增长7%左右。", [], ["区发改局"], c1),
        task(2, "一般公共预算收入增长5%。", [], ["区财政局"], c1),
        task(3, "城镇调查失业率控制在5.5%以内。", [], [], c1),
        task(4, "实施技改项目30个。", ["区工信局"], ["区财政局"], c2, (1, "推进产业升级")),
        task(5, "新增城镇就业5000人。", [], ["区人社局"], c2, (2, "做好民生工作")),
    ]
    assert err == [
        "numbered.txt:7: warning: task （三） has no unit assignment: kept with empty unit lists, fill them in",
        "numbered.txt: imported 5 tasks, 2 chapters, 2 sections, 4 units (UTF-8); 1 warning, 0 suggestions",
    ]


def test_peihe_wording_and_several_lead_units_reach_the_built_pages(in_notices, tmp_path):
    doc, err = imported("peihe.txt")
    assert doc["report"]["labels"] == {"lead": "牵头单位", "responsible": "配合单位"}
    c1 = (1, "数字政府")
    assert flat_tasks(doc) == [
        task(1, "建设城市大脑。", ["市大数据局", "市发改委"], ["市财政局", "市公安局"], c1),
        task(2, "深化“放管服”改革。", [], ["市司法局"], c1),
    ]
    assert err == ["peihe.txt: imported 2 tasks, 1 chapter, 0 sections, 5 units (UTF-8); 0 warnings, 0 suggestions"]
    assert import_notice("peihe.txt")[1].splitlines()[:2] == [
        "# 由 python build.py import 从 peihe.txt（UTF-8）导入。",
        "# 导入时没有疑问；请运行 python build.py check 核对。",
    ]
    out = tmp_path / "peihe.yaml"
    assert import_notice("peihe.txt", "-o", str(out))[0] == 0
    code, _, stderr = run_cli("--content", str(out), "--out", str(tmp_path / "site"), "-q")
    assert code == 0, stderr
    page = (tmp_path / "site" / "chapters" / "1.html").read_text(encoding="utf-8")
    assert "配合单位" in page and "市大数据局" in page


def test_missing_assignment_is_kept_empty_and_reported(in_notices, tmp_path):
    doc, err = imported("missing.txt")
    c1 = (1, "改善民生")
    assert flat_tasks(doc) == [
        task(1, "新建城市公园2个。", [], [], c1),
        task(2, "改造农村公路50公里。", [], ["县交通局"], c1),
        task(3, "建设养老服务中心。", [], [], c1),
    ]
    assert err == [
        "missing.txt:4: warning: task 1 has no unit assignment: kept with empty unit lists, fill them in",
        "missing.txt:6: warning: task 3 has no unit assignment: kept with empty unit lists, fill them in",
        "missing.txt:7: warning: line not imported (not a heading, a task or its units): 以上任务年底前完成。",
        "missing.txt: imported 3 tasks, 1 chapter, 0 sections, 1 unit (UTF-8); 3 warnings, 0 suggestions",
    ]
    _, stdout, _ = import_notice("missing.txt")
    assert "      # ? 第4行：未找到责任单位，请填写 lead / responsible\n      - number: 1\n" in stdout
    assert "        responsible: []\n      # ? 第7行未导入：以上任务年底前完成。\n" in stdout
    out = tmp_path / "missing.yaml"
    out.write_text(stdout, encoding="utf-8")
    code, _, stderr = run_cli("check", "--content", str(out))
    assert code == 1
    assert "task 1 names no unit: 'lead' and 'responsible' are both empty" in stderr


def test_page_numbers_are_dropped_even_inside_a_tasks_text(in_notices):
    """Text copied from a PDF or Word file keeps its page numbers: one between the two lines of task
    1's text used to be glued into it (200家— 2 —以上)."""
    doc, err = imported("pagenumbers.txt")
    assert [(t["number"], t["text"]) for t in flat_tasks(doc)] == [
        (1, "办好进口博览会参展工作，组织企业200家以上参展。"),
        (2, "推进综合保税区申建。"),
        (3, "建设跨境电商产业园，引进企业30家。"),
    ]
    assert err[:3] == [
        "pagenumbers.txt:5: note: page number dropped: — 2 —",
        "pagenumbers.txt:8: note: page number dropped: 第 3 页 共 10 页",
        "pagenumbers.txt:11: note: page number dropped: 3/10",
    ]
    assert err[3:] == ["pagenumbers.txt: imported 3 tasks, 1 chapter, 0 sections, 2 units (UTF-8); 0 warnings, 0 suggestions"]


def test_web_page_noise_before_and_between_chapters(in_notices):
    doc, err = imported("webnoise.txt")
    assert doc["report"] == {
        "title": "丙市2023年政府工作报告重点工作责任分工",
        "issuer": "丙市人民政府",
        "year": 2023,
        "source": "丙市人民政府关于印发丙市2023年政府工作报告重点工作责任分工的通知",
        "labels": {"lead": "牵头单位", "responsible": "责任单位"},
    }
    assert flat_tasks(doc) == [
        task(
            1,
            "推动工业经济稳定增长。",
            ["市工信局"],
            ["各县（市、区）人民政府", "市发改委"],
            (1, "稳增长"),
            and_others=True,
        ),
        task(2, "提升基层医疗服务能力。", [], ["市卫健委"], (2, "惠民生"), and_others=True),
        task(3, "加快养老服务体系建设。", ["市民政局"], ["市卫健委"], (2, "惠民生")),
    ]
    assert err == [
        "webnoise.txt:11: warning: line not imported (not a heading, a task or its units): 分享到：微信 微博",
        "webnoise.txt:12: warning: line not imported (not a heading, a task or its units): 【打印本页】【关闭窗口】",
        "webnoise.txt:16: warning: line not imported (not a heading, a task or its units): 相关链接：丙市人民政府网",
        "webnoise.txt: imported 3 tasks, 2 chapters, 0 sections, 5 units (UTF-8); 3 warnings, 0 suggestions",
    ]
    assert doc["units"][1] == {"name": "各县（市、区）人民政府", "kind": "town"}


def test_gbk_notice_is_detected_and_decoded(in_notices, tmp_path):
    assert (NOTICES / "gbk.txt").read_bytes().startswith("丁县".encode("gbk"))
    doc, err = imported("gbk.txt")
    assert (doc["report"]["title"], doc["report"]["issuer"]) == (
        "丁县2021年政府工作报告重点工作责任分工",
        "丁县人民政府",
    )
    assert flat_tasks(doc) == [
        task(1, "建设高标准农田1万亩。", ["县农业农村局"], ["县财政局"], (1, "农业农村")),
        task(2, "发展特色产业，打造“一村一品”。", [], ["县农业农村局"], (1, "农业农村")),
    ]
    assert err == ["gbk.txt: imported 2 tasks, 1 chapter, 0 sections, 2 units (GBK/GB18030); 0 warnings, 0 suggestions"]
    out = tmp_path / "gbk.yaml"
    assert import_notice("gbk.txt", "-o", str(out))[0] == 0
    assert out.read_bytes().decode("utf-8").startswith("# 由 python build.py import 从 gbk.txt（GBK/GB18030）导入。\n")
    assert run_cli("check", "--content", str(out))[0] == 0


@pytest.mark.parametrize(
    "name, message",
    [
        ("empty.txt", "empty.txt: error: the file is empty"),
        (
            "binary.bin",
            "binary.bin: error: not a text file: NUL byte at line 1 (the importer needs the notice as plain "
            "text: copy it from the web page or document into a .txt file)",
        ),
        (
            "nochapter.txt",
            "nochapter.txt: error: no chapter heading ('一、…') and no numbered task ('1. …'): "
            "is this a responsibility notice?",
        ),
    ],
)
def test_bad_input_is_one_clear_message_and_exit_1(in_notices, name, message):
    code, stdout, stderr = import_notice(name)
    assert (code, stdout) == (1, "")
    assert stderr.splitlines() == [message, "nothing was imported."]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"   \n\n", "the file contains only blank space"),
        (
            b"abc\n\x80\x80\n",
            "neither UTF-8 nor GBK/GB18030: byte 0x80 at line 2 cannot be decoded: save the notice as UTF-8 text",
        ),
        (
            ("中文内容" * 6 + "\n").encode() + "推".encode()[:2] + b"\n",
            "not valid UTF-8: byte 0xe6 at line 2 cannot be decoded: the rest of the file is UTF-8; "
            "repair or retype that line",
        ),
        (
            b"%PDF-1.4\n",
            "not a text file: this is a PDF file: copy its text into a .txt file (e.g. pdftotext -layout FILE.pdf)",
        ),
        (
            b"PK\x03\x04rest",
            "not a text file: this is a ZIP archive or a .docx/.xlsx document: save the notice as plain text (.txt)",
        ),
        ("一、章\n二、章\n".encode(), "chapter headings but no task ('1. …' or '（一）…' with its units) were found"),
        (
            "1.任务（责任单位：甲）\n".encode(),
            "1 numbered line but no chapter heading such as '一、…': add the chapter headings before the tasks",
        ),
    ],
)
def test_more_unusable_inputs(tmp_path, monkeypatch, data, message):
    (tmp_path / "n.txt").write_bytes(data)
    monkeypatch.chdir(tmp_path)
    code, _, stderr = import_notice("n.txt")
    assert code == 1
    assert stderr.splitlines()[0].split(": error: ")[1] == message


def test_usage_errors_exit_2_and_never_overwrite(in_notices, tmp_path):
    assert import_notice("nosuch.txt") == (2, "", "error: nosuch.txt: no such file\n")
    target = tmp_path / "tasks.yaml"
    target.write_text("keep me", encoding="utf-8")
    code, _, stderr = import_notice("gbk.txt", "-o", str(target))
    assert code == 2 and "already exists; use --force to overwrite it" in stderr
    assert target.read_text(encoding="utf-8") == "keep me"
    assert import_notice("gbk.txt", "-o", str(target), "--force")[0] == 0
    assert target.read_text(encoding="utf-8").startswith("# 由 python build.py import")
    assert import_notice("gbk.txt", "--bogus")[0] == 2
    assert import_notice("gbk.txt", "-o", "gbk.txt", "--force")[0] == 2
    assert run_cli("import")[0] == 2


def test_units_and_others_and_nested_brackets():
    a = parse_assignment("牵头单位:市住建局、市发改委;责任单位:各街办(新区)、市财政局等有关单位")
    assert (a.lead, a.responsible, a.and_others) == (["市住建局", "市发改委"], ["各街办(新区)", "市财政局"], True)
    assert parse_assignment("责任单位：市卫健委、各有关单位").and_others is True
    assert parse_assignment("责任单位：市卫健委").and_others is False
    assert parse_assignment("配合部门：市公安局 市司法局").responsible == ["市公安局", "市司法局"]
    assert parse_assignment("新区") is None
    assert split_units("各县（市、区）人民政府、市发改委") == ["各县（市、区）人民政府", "市发改委"]
    assert [cn_number(s) for s in ("一", "十", "十二", "二十", "二十一")] == [1, 10, 12, 20, 21]


def test_kind_guess_and_alias_rules():
    assert [
        guess_kind(n)
        for n in (
            "轵城镇人民政府",
            "济水街道办事处",
            "各街办(新区)",
            "城投建设发展有限公司",
            "投资集团",
            "文明办",
            "卫生健康委员会",
            "行政服务中心",
            "工商业联合会",
        )
    ] == ["town", "town", "town", "company", "company", "department", "department", "department", "other"]
    assert alias_reason("市场监管局", "市场监督管理局") == "'市场监管局' looks like a short form of '市场监督管理局'"
    assert alias_reason("国土房管局", "市国土房管局") == "'市国土房管局' is '国土房管局' with the prefix '市'"
    assert alias_reason("轵城镇", "轵城镇人民政府") == "'轵城镇' looks like a short form of '轵城镇人民政府'"
    assert alias_reason("市住建局", "住房和城乡建设局") == "'市住建局' looks like a short form of '住房和城乡建设局'"
    assert alias_reason("水利局", "水利建设投资有限责任公司") is None
    assert alias_reason("民政局", "民族宗教局") is None


def test_yaml_scalars_are_quoted_only_when_needed():
    assert scalar("住房和城乡建设局") == "住房和城乡建设局"
    assert scalar("2021") == '"2021"'
    assert scalar("yes") == '"yes"'
    assert scalar("a: b") == '"a: b"'
    assert scalar("# 注") == '"# 注"'
    assert scalar("甲,乙", flow=True) == '"甲,乙"'
    assert scalar("甲,乙") == "甲,乙"
    assert scalar('引号"内') == '引号"内'


def test_restarting_numbers_are_numbered_through_and_gaps_reported(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "n.txt").write_text(
        "某县人民政府\n2021年重点工作责任分工\n一、甲\n1.任务一。（责任单位：县财政局）\n2.任务二。（责任单位：县财政局）\n"
        "二、乙\n1.任务三。（牵头单位：县财政局；配合单位：县住建局）\n三、丙\n5.任务四。（配合单位：县住建局）\n",
        encoding="utf-8",
    )
    code, stdout, stderr = import_notice("n.txt")
    assert code == 0
    assert [t["number"] for t in flat_tasks(yaml.safe_load(stdout))] == [1, 2, 3, 4]
    assert "      # 原文编号 1\n      - number: 3\n" in stdout and "      # 原文编号 5\n      - number: 4\n" in stdout
    assert stderr.splitlines()[:2] == [  # a tie between the two words: the first one used wins
        "n.txt:7: warning: the notice names the responsible role in several ways (责任单位, 配合单位): "
        "labels.responsible is '责任单位'",
        "n.txt:7: warning: task number 1 is used again (first at line 4): the tasks are numbered 1 to 4 through "
        "the document, the printed numbers kept in comments",
    ]
    assert (
        "  # ? 原文对 labels.responsible 一类的单位用了不同的说法：责任单位（2次）、配合单位（2次）；这里取最常用的\n"
        in stdout
    )
    (tmp_path / "g.txt").write_text(
        "一、甲\n1.任务一。（责任单位：县财政局）\n3.任务三。（责任单位：县财政局）\n", encoding="utf-8"
    )
    code, stdout, stderr = import_notice("g.txt")
    assert code == 0
    assert "g.txt:3: warning: task 3 follows task 1: a task may be missing or misnumbered" in stderr.splitlines()
    assert "      # ? 编号不连续：前一项是 1\n      - number: 3\n" in stdout


def test_numbered_points_of_the_preamble_are_not_chapters(in_notices):
    doc, err = imported("preamble.txt")
    assert doc["report"] == {
        "title": "2021年政府工作报告重点工作责任分工",
        "issuer": "历山区人民政府办公室",
        "year": 2021,
        "source": "历山区人民政府办公室关于印发《政府工作报告》重点工作任务分工的通知",
        "labels": {"lead": "牵头单位", "responsible": "责任单位"},
    }
    assert flat_tasks(doc) == [
        task(1, "全年实施重点项目100个。", ["区发改局"], ["各街道办事处", "镇人民政府"], (1, "坚持项目为王")),
        task(2, "新建学校2所。", [], ["区教体局"], (2, "持续改善民生")),
    ]
    assert err == ["preamble.txt: imported 2 tasks, 2 chapters, 0 sections, 4 units (UTF-8); 0 warnings, 0 suggestions"]


ALPHABET = list("一二三、.．(（)）[【]】1２3：:；;，,、 牵头责任配合单位部门等有关各市局镇街道办“”+#\"'-") + [
    "\n",
    "牵头单位：",
    "责任单位:",
    "一、",
    "（一）",
    "1.",
]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(ALPHABET), max_size=80).map("".join))
def test_any_text_imports_or_fails_cleanly(text):
    try:
        notice = parse(text)
    except NoticeError as exc:
        assert exc.note.level == "error" and exc.note.message
        return
    doc = yaml.safe_load(to_yaml(notice, "n.txt"))
    names = {u["name"] for u in doc["units"]}
    tasks = flat_tasks(doc)
    assert len(tasks) == len(notice.tasks) > 0
    for t in tasks:
        assert set(t["lead"]) | set(t["responsible"]) <= names
        assert isinstance(t["number"], int) and isinstance(t["text"], str)


def test_chapter_words_and_role_words_without_colon():
    notice = parse(
        "第一部分 目标\n1.甲。（牵头单位 市发改委 责任单位 市财政局、市住建局）\n"
        "第二部分：任务\n2.乙。（责任单位：市财政局）\n"
    )
    assert [(c.title, [(t.number, t.text, t.lead, t.responsible) for t in c.tasks]) for c in notice.chapters] == [
        ("目标", [(1, "甲。", ["市发改委"], ["市财政局", "市住建局"])]),
        ("任务", [(2, "乙。", [], ["市财政局"])]),
    ]


def test_table_rows_copied_with_tabs_or_bars(in_notices):
    doc, err = imported("table.txt")
    c1, c2 = (1, "稳定经济增长"), (2, "改善民生")
    assert flat_tasks(doc) == [
        task(1, "实施重点项目200个。", ["市发改委"], ["市财政局", "市自然资源局"], c1),
        task(2, "推进企业上市。", [], ["市金融局"], c1),  # an empty 牵头单位 cell
        task(3, "新建学校5所。", ["市教育局"], ["市财政局"], c2),  # | bars, 配合单位
        task(4, "新增就业1万人。", [], [], c2),
    ]
    assert err == [
        "table.txt:3: warning: table column '完成时限' is not imported",
        "table.txt:9: warning: the notice names the responsible role in several ways (责任单位, 配合单位): "
        "labels.responsible is '责任单位'",
        "table.txt:10: warning: task 4 has no unit assignment: kept with empty unit lists, fill them in",
        "table.txt: imported 4 tasks, 2 chapters, 0 sections, 5 units (UTF-8); 3 warnings, 0 suggestions",
    ]


def _restyle(line: str, style: str) -> str:
    """One task line of the seed notice with its assignment written in another of the accepted styles."""
    from reportsite.importer import TASK_RE, trailing_brackets

    split = trailing_brackets(line) if TASK_RE.match(line) else None
    if split is None:
        return line
    text, inner = split
    if style == "lines":  # 牵头单位：… / 责任单位：… on lines of their own, full-width colons, ， between units
        groups = inner.replace(":", "：").replace("、", "，").split(";")
        return "\n".join([text, *groups])
    if style == "square":
        return f"{text}【{inner.replace(':', '：').replace(';', '；')}】"
    raise AssertionError(style)


@pytest.mark.parametrize("style", ["lines", "square", "gbk"])
def test_the_seed_in_another_style_gives_the_same_tasks(tmp_path, style, seed_import):
    original = SEED_NOTICE.read_text(encoding="utf-8")
    if style == "gbk":
        data = original.encode("gb18030")
    else:
        lines = original.split("\n")
        assert sum(_restyle(line, style) != line for line in lines) == 143
        data = "\n".join(_restyle(line, style) for line in lines).encode("utf-8")
    notice = tmp_path / f"{style}.txt"
    notice.write_bytes(data)
    code, stdout, stderr = run_cli("import", str(notice))
    assert code == 0, stderr
    expected = flat_tasks(yaml.safe_load(seed_import[0].read_text(encoding="utf-8")))
    assert flat_tasks(yaml.safe_load(stdout)) == expected
    assert "、" not in "".join(u["name"] for u in yaml.safe_load(stdout)["units"])


def test_build_py_import_as_a_command(tmp_path):
    import subprocess
    import sys

    def run(*args):
        return subprocess.run(
            [sys.executable, str(ROOT / "build.py"), "import", *args], capture_output=True, cwd=NOTICES
        )

    ok = run("gbk.txt")
    assert ok.returncode == 0
    assert yaml.safe_load(ok.stdout.decode("utf-8"))["report"]["issuer"] == "丁县人民政府"
    assert ok.stderr.decode("utf-8").startswith("gbk.txt: imported 2 tasks")
    bad = run("empty.txt")
    assert (bad.returncode, bad.stdout) == (1, b"")
    assert bad.stderr.decode("utf-8") == "empty.txt: error: the file is empty\nnothing was imported.\n"
    assert run().returncode == 2
