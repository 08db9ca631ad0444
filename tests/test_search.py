"""The search index: what the build writes for the browser (assets/search-index.js and task shards)."""

from __future__ import annotations

import json

from util import ROOT, soup, write

from reportsite import search
from reportsite.loader import load

ZHUJIAN = "住房和城乡建设局"
ZHUJIAN_LEADS = [11, 12, 13, 29, 52, 59]
ZHUJIAN_RESPONSIBLE = [48, 49, 50, 51, 53, 54, 55, 56, 57, 58, 60, 68, 70, 78, 85, 99, 104, 106, 107, 108, 124, 140]
WUSHUI = [53, 54, 69]  # grep 污水 content/tasks.yaml


def _payload(text: str, prefix: str) -> object:
    assert text.startswith(prefix) and text.endswith(";\n")
    return json.loads(text[len(prefix) : -2])


def _index(report):
    meta, shards = search.build_index(report)
    files = search.index_files(meta, shards)
    return meta, shards, files


def test_fold_is_width_and_case_folding_that_keeps_length():
    assert search.fold("５Ｇ") == "5g"
    assert search.fold("ＡＢＣ　ｘ（１）") == "abc x(1)"
    assert search.fold("污水处理厂") == "污水处理厂"
    sample = "İstanbul ＩＳＴ ﬀ ẞ 污水。，"
    assert len(search.fold(sample)) == len(sample)


def test_seed_index_has_every_task_chapter_and_unit(seed_report):
    meta, shards, files = _index(seed_report)
    assert meta["tasks"] == 143 and len(shards) == 1 and len(shards[0]) == 143
    assert [r["n"] for r in shards[0]] == [t.number for t in seed_report.tasks]
    assert len(meta["units"]) == 59 and len(meta["chapters"]) == 8
    assert sum(len(c["sections"]) for c in meta["chapters"]) == 31
    assert sorted(files) == ["assets/search-index.js", "assets/search-tasks-1.js"]
    assert meta["shards"] == [{"src": "assets/search-tasks-1.js", "count": 143}]
    assert meta["statuses"] == []  # the seed has no progress yet: no status filter
    t53 = shards[0][[r["n"] for r in shards[0]].index(53)]
    assert t53["c"] == 4 and meta["chapters"][3]["href"] == "chapters/4.html"
    assert (
        meta["chapters"][3]["sections"][t53["s"] - 1]["title"] == seed_report.chapters[3].sections[t53["s"] - 1].title
    )


def test_units_carry_names_aliases_links_and_their_tasks(seed_report):
    meta, shards, _ = _index(seed_report)
    names = [u["name"] for u in meta["units"]]
    i = names.index(ZHUJIAN)
    u = meta["units"][i]
    assert u["aliases"] == ["住建局", "住建委", "城建局"]
    assert u["href"] == "units/zhufanghechengxiangjiansheju.html" and u["slug"] == "zhufanghechengxiangjiansheju"
    assert [r["n"] for r in shards[0] if i in r["l"]] == ZHUJIAN_LEADS
    assert [r["n"] for r in shards[0] if i in r["r"]] == ZHUJIAN_RESPONSIBLE
    market = meta["units"][names.index("市场监督管理局")]
    assert "市场监管局" in market["aliases"]
    streets = meta["units"][names.index("各街道办事处")]
    assert sorted(names[m] for m in streets["members"]) == sorted(seed_report.unit_by_name["各街道办事处"].members)


def test_task_text_is_stored_verbatim_so_substrings_match(seed_report):
    _, shards, _ = _index(seed_report)
    expected = [t.number for t in seed_report.tasks if "污水" in t.text]
    assert expected == WUSHUI
    assert [r["n"] for r in shards[0] if "污水" in r["t"]] == WUSHUI
    assert [r["n"] for r in shards[0] if "污水" in r["t"] and "管网" in r["t"]] == [53, 69]
    assert [r["n"] for r in shards[0] if "5g" in search.fold(r["t"])] == [39]


def test_index_files_are_classic_scripts_that_parse_and_are_deterministic(seed_report):
    meta, shards, files = _index(seed_report)
    assert _payload(files["assets/search-index.js"], "window.REPORTSITE_SEARCH=") == meta
    prefix = "(window.REPORTSITE_SEARCH_TASKS=window.REPORTSITE_SEARCH_TASKS||{})[1]="
    assert _payload(files["assets/search-tasks-1.js"], prefix) == shards[0]
    again = search.index_files(*search.build_index(load(str(ROOT / "content" / "tasks.yaml"))[0]))
    assert again == files


INJECTION = """
report:
  title: 注入测试
  issuer: 测试市人民政府
  year: 2021
units:
  - name: 住房和城乡建设局
    kind: department
    aliases: [住建局]
chapters:
  - title: 第一章
    tasks:
      - number: 1
        text: "甲<script>alert(1)</script>乙"
        lead: [住建局]
      - number: 2
        text: "丙<img src=x onerror=alert(1)>丁\u2028戊"
        lead: [住建局]
"""


def test_hostile_text_is_kept_as_data(tmp_path):
    report, _ = load(str(write(tmp_path, INJECTION)))
    meta, shards, files = _index(report)
    text = files["assets/search-tasks-1.js"]
    assert "\u2028" not in text and "\\u2028" in text
    prefix = "(window.REPORTSITE_SEARCH_TASKS=window.REPORTSITE_SEARCH_TASKS||{})[1]="
    assert [r["t"] for r in _payload(text, prefix)] == [
        "甲<script>alert(1)</script>乙",
        "丙<img src=x onerror=alert(1)>丁\u2028戊",
    ]


def test_large_reports_are_split_into_shards(tmp_path):
    tasks = "".join(f"      - {{number: {n}, text: 第{n}项任务的内容。, lead: [住建局]}}\n" for n in range(1, 4501))
    report, _ = load(
        str(write(tmp_path, INJECTION.split("chapters:")[0] + "chapters:\n  - title: 第一章\n    tasks:\n" + tasks))
    )
    meta, shards, files = _index(report)
    assert [s["count"] for s in meta["shards"]] == [2000, 2000, 500]
    assert [s["src"] for s in meta["shards"]] == [f"assets/search-tasks-{k}.js" for k in (1, 2, 3)]
    assert sorted(files) == ["assets/search-index.js"] + [f"assets/search-tasks-{k}.js" for k in (1, 2, 3)]
    assert [r["n"] for s in shards for r in s] == [t.number for t in report.tasks]
    assert max(len(f.encode()) for f in files.values()) < 1_000_000


def test_tasks_of_long_chapters_link_to_the_page_they_are_on(monkeypatch):
    from reportsite import model
    from reportsite.pages import task_path

    monkeypatch.setattr(model, "CHAPTER_PART_TASKS", 10)
    report, _ = load(str(ROOT / "content" / "tasks.yaml"))
    meta, shards, _ = _index(report)
    assert meta["chapters"][3]["hrefs"] == ["chapters/4.html", "chapters/4-2.html"]
    hrefs = {}
    for r in shards[0]:
        chapter = meta["chapters"][r["c"] - 1]
        hrefs[r["n"]] = chapter["hrefs"][r.get("p", 1) - 1] + f"#task-{r['n']}"  # as search.js makes them
    assert hrefs == {t.number: task_path(t) for t in report.tasks}
    assert [hrefs[n] for n in WUSHUI] == [
        "chapters/4.html#task-53",
        "chapters/4.html#task-54",
        "chapters/5-2.html#task-69",
    ]


def test_status_is_indexed_when_tasks_have_one(tmp_path):
    report, _ = load(str(ROOT / "content" / "tasks.yaml"))
    for n, s in [(53, "滞后"), (54, "已完成"), (69, "推进中"), (1, "已完成")]:
        report.task_by_number[n].extra["status"] = s
    meta, shards, _ = _index(report)
    assert meta["statuses"] == ["推进中", "已完成", "滞后"]
    assert {r["n"]: r["st"] for r in shards[0] if "st" in r} == {1: "已完成", 53: "滞后", 54: "已完成", 69: "推进中"}


def test_built_site_has_the_search_page_and_a_header_form_that_works_without_javascript(seed_site):
    page = soup(seed_site / "search.html")
    scripts = [s["src"] for s in page.find_all("script")]
    assert scripts == ["assets/site.js", "assets/search-index.js", "assets/search.js"]
    assert page.find("noscript").find("a")["href"] == "tasks.html"
    assert page.find(id="search-app").has_attr("hidden")
    status = page.find(id="search-status")
    assert status["role"] == "status" and status["aria-live"] == "polite"
    for path, action, target in [
        ("index.html", "tasks.html", "search.html"),
        ("chapters/4.html", "../tasks.html", "../search.html"),
    ]:
        form = soup(seed_site / path).find("form", class_="search-form")
        assert form["action"] == action and form["data-search"] == target and form["method"] == "get"
        assert form.find("input")["name"] == "q"
        assert form.find("label")["for"] == form.find("input")["id"] == "site-search"
    assert (seed_site / "assets" / "search-index.js").stat().st_size < 20_000
