"""Search in a real browser (Debian chromium via Playwright): file://, a server under /reports/2021/, no JS."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect
from test_search import INJECTION, WUSHUI, ZHUJIAN, ZHUJIAN_LEADS, ZHUJIAN_RESPONSIBLE
from util import ROOT, write

from reportsite.loader import load
from reportsite.site import build_site
from reportsite.writer import commit


@pytest.fixture(params=["file", "http"])
def base(request, seed_site, serve_dir) -> str:
    """The seed site's base URL, opened from disk and from a server under a sub-path."""
    if request.param == "file":
        return seed_site.as_uri() + "/"
    return serve_dir(seed_site, "/reports/2021/")


def open_search(page, base: str, query: str = "") -> list[int]:
    page.goto(base + "search.html" + (f"?q={query}" if query else ""))
    return results(page)


def results(page) -> list[int]:
    page.wait_for_selector("#search-app[data-state=ready]", timeout=10_000)
    found = page.get_attribute("#search-app", "data-results") or ""
    return [int(n) for n in found.split()]


def query_of(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_short_name_finds_the_unit_and_its_28_tasks_leads_first(page, base, seed_report):
    found = open_search(page, base, "住建局")
    assert found[:6] == ZHUJIAN_LEADS
    assert sorted(found[6:]) == ZHUJIAN_RESPONSIBLE and len(found) == 28
    expected = sorted(a.task.number for a in seed_report.assignments[ZHUJIAN])
    assert sorted(found) == expected
    unit = page.locator("#search-units a")
    assert unit.all_text_contents() == [ZHUJIAN]
    assert unit.get_attribute("href") == "units/zhufanghechengxiangjiansheju.html"
    assert page.text_content("#search-status") == "“住建局”：找到 28 项任务，1 个单位（显示前 20 项）。"
    assert page.locator("#search-results > li").count() == 20
    page.click("#search-more")
    assert page.locator("#search-results > li").count() == 28
    assert page.locator("#search-more").is_hidden()
    assert page.evaluate("document.activeElement.closest('li').dataset.task") == str(found[20])
    link = page.locator("#search-results li[data-task='53'] a.result-link")
    assert link.get_attribute("href") == "chapters/4.html#task-53"


def test_word_finds_every_task_containing_it_highlighted(page, base, seed_report):
    expected = [t.number for t in seed_report.tasks if "污水" in t.text]
    assert expected == WUSHUI
    assert sorted(open_search(page, base, "污水")) == WUSHUI
    marks = page.locator("#search-results .result-text mark").all_text_contents()
    assert set(marks) == {"污水"} and len(marks) == sum(
        seed_report.task_by_number[n].text.count("污水") for n in WUSHUI
    )
    assert (
        page.locator("#search-results li[data-task='69'] .result-text").text_content()
        == seed_report.task_by_number[69].text
    )


def test_alias_of_market_regulation_and_several_terms(page, base, seed_report):
    found = open_search(page, base, "市场监管局")
    assert sorted(found) == sorted(a.task.number for a in seed_report.assignments["市场监督管理局"])
    assert 99 in found and len(found) == 6
    assert sorted(open_search(page, base, "污水 管网")) == [53, 69]
    assert open_search(page, base, "污水 管网")[0] == 69  # 污水管网 as one phrase ranks first
    assert open_search(page, base, "污水 停车") == []


def test_task_numbers_and_width_and_case_folding(page, base):
    assert open_search(page, base, "53")[0] == 53
    assert open_search(page, base, "第53项") == [53]
    assert open_search(page, base, "５G") == [39]
    assert open_search(page, base, "5g") == [39]
    assert open_search(page, base, "５ｇ") == [39]


def test_header_box_on_any_page_leads_to_results(page, base):
    page.goto(base + "chapters/4.html")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "site-search"
    page.keyboard.type("污水")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search.html?q=*")
    assert sorted(results(page)) == WUSHUI
    assert query_of(page.url) == {"q": "污水"}
    page.fill("#site-search", "住建局")  # live search while typing
    expect(page.locator("#search-status")).to_have_text("“住建局”：找到 28 项任务，1 个单位（显示前 20 项）。")
    assert query_of(page.url) == {"q": "住建局"}
    page.go_back()  # the typed query made its own history entry
    expect(page.locator("#site-search")).to_have_value("污水")
    assert sorted(results(page)) == WUSHUI


def test_filters_with_counts_live_in_the_url_and_back_works(page, base):
    open_search(page, base, "住建局")
    role = page.locator("#filter-role")
    assert role.is_visible()
    assert role.locator("option").all_text_contents() == ["全部职责（28）", "牵头单位（6）", "责任单位（22）"]
    role.select_option("lead")
    assert results(page) == ZHUJIAN_LEADS
    assert query_of(page.url) == {"q": "住建局", "role": "lead"}
    chapter_options = page.locator("#filter-chapter option").all_text_contents()
    assert chapter_options[0] == "全部章节（6）"
    page.locator("#filter-chapter").select_option("4")
    assert results(page) == [52, 59]
    assert query_of(page.url) == {"q": "住建局", "role": "lead", "chapter": "4"}
    page.go_back()
    expect(page.locator("#filter-chapter")).to_have_value("")
    assert results(page) == ZHUJIAN_LEADS and query_of(page.url) == {"q": "住建局", "role": "lead"}
    page.go_back()
    expect(page.locator("#filter-role")).to_have_value("")
    assert len(results(page)) == 28
    page.go_forward()
    expect(page.locator("#filter-role")).to_have_value("lead")
    assert results(page) == ZHUJIAN_LEADS
    # a bookmarked search with filters opens as it was left
    page.goto(base + "search.html?q=%E6%B1%A1%E6%B0%B4&chapter=5")
    assert results(page) == [69]
    assert page.locator("#filter-chapter").input_value() == "5"
    assert page.locator("#filter-role").is_hidden()  # 污水 names no unit: no role to filter by
    # task 69's units, equal counts in pinyin order
    assert page.locator("#filter-unit option").all_text_contents() == [
        "全部单位（1）",
        "农业农村局（1）",
        "生态环境局（1）",
    ]
    page.goto(base + "search.html?q=%E6%B1%A1%E6%B0%B4")
    page.locator("#filter-unit").select_option("zhufanghechengxiangjiansheju")
    assert results(page) == [53, 54]
    assert query_of(page.url) == {"q": "污水", "unit": "zhufanghechengxiangjiansheju"}
    assert page.locator("#filter-role option").all_text_contents() == [
        "全部职责（2）",
        "牵头单位（0）",
        "责任单位（2）",
    ]
    # a unit filter without any query: that unit's tasks, role by that unit
    page.goto(base + "search.html?unit=zhufanghechengxiangjiansheju&role=responsible")
    assert results(page) == ZHUJIAN_RESPONSIBLE


def test_keyboard_alone_reaches_and_opens_a_result(page, base):
    open_search(page, base, "污水")
    page.focus("#site-search")
    page.keyboard.press("ArrowDown")
    first = page.evaluate("document.activeElement.closest('li').dataset.task")
    page.keyboard.press("ArrowDown")
    second = page.evaluate("document.activeElement.closest('li').dataset.task")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.closest('li').dataset.task") == first
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.id") == "site-search"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert second != first
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/chapters/*.html#task-{second}")
    assert page.locator(f"#task-{second}").is_visible()


def test_without_javascript_the_box_leads_to_all_tasks(browser, base):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(base + "units/index.html")
        page.fill("#site-search", "污水")
        page.press("#site-search", "Enter")
        page.wait_for_url("**/tasks.html?q=*")
        assert page.locator("article.task").count() == 143
        assert page.locator("#task-53").is_visible()
        page.goto(base + "search.html?q=污水")
        note = page.locator(".search-noscript")
        assert note.is_visible() and "全部任务" in note.text_content()
        assert not page.locator("#search-app").is_visible()
        note.locator("a", has_text="全部任务").click()
        page.wait_for_url("**/tasks.html")
        assert page.locator("article.task").count() == 143
    finally:
        context.close()


def _build(report, out: Path) -> Path:
    commit(build_site(report, ROOT / "templates"), out)
    return out


def test_hostile_task_text_shows_literally_and_runs_nothing(page, tmp_path):
    report, _ = load(str(write(tmp_path, INJECTION)))
    out = _build(report, tmp_path / "site")
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto((out / "chapters" / "1.html").as_uri())
    assert page.locator("#task-1 .task-text").text_content() == "1甲<script>alert(1)</script>乙"
    assert page.locator("main img").count() == 0
    page.goto((out / "search.html").as_uri() + "?q=script")
    assert results(page) == [1]
    assert page.locator("#search-results .result-text").text_content() == "甲<script>alert(1)</script>乙"
    assert page.locator("#search-results .result-text mark").all_text_contents() == ["script", "script"]
    page.fill("#site-search", "onerror")
    expect(page.locator("#search-app")).to_have_attribute("data-results", "2")
    assert page.locator("#search-results .result-text").text_content() == "丙<img src=x onerror=alert(1)>丁\u2028戊"
    assert page.locator("#search-results img, #search-results script").count() == 0
    page.fill("#site-search", "")
    expect(page.locator("#search-app")).to_have_attribute("data-results", "1 2")
    page.wait_for_timeout(200)
    assert dialogs == []


def test_status_filter_appears_when_tasks_have_a_status(page, tmp_path):
    report, _ = load(str(ROOT / "content" / "tasks.yaml"))
    for n, s in [(53, "滞后"), (54, "已完成"), (69, "推进中"), (1, "已完成")]:
        report.task_by_number[n].extra["status"] = s
    out = _build(report, tmp_path / "site")
    page.goto((out / "search.html").as_uri() + "?q=污水")
    assert sorted(results(page)) == WUSHUI
    status = page.locator("#filter-status")
    assert status.locator("option").all_text_contents() == ["全部进度（3）", "推进中（1）", "已完成（1）", "滞后（1）"]
    status.select_option("滞后")
    assert results(page) == [53]
    assert query_of(page.url) == {"q": "污水", "status": "滞后"}
    assert page.locator("#search-results li[data-task='53'] .result-status").text_content() == "滞后"


def test_a_missing_index_says_where_else_to_look(page, seed_site, tmp_path):
    import shutil

    site = tmp_path / "site"
    shutil.copytree(seed_site, site)
    (site / "assets" / "search-tasks-1.js").unlink()
    page.goto((site / "search.html").as_uri() + "?q=污水")
    expect(page.locator("#search-app")).to_have_attribute("data-state", "error")
    assert (
        page.text_content("#search-status")
        == "无法载入搜索索引（assets/search-tasks-1.js）。请改用“全部任务”页和浏览器的查找功能（Ctrl+F）。"
    )
    (site / "assets" / "search-index.js").unlink()
    page.goto((site / "search.html").as_uri() + "?q=污水")
    expect(page.locator("#search-status")).to_have_text(
        "无法载入搜索索引（assets/search-index.js）。请改用“全部任务”页和浏览器的查找功能（Ctrl+F）。"
    )


def test_results_of_a_split_chapter_open_the_right_page(page, tmp_path, monkeypatch):
    from reportsite import model

    monkeypatch.setattr(model, "CHAPTER_PART_TASKS", 10)  # chapter 5 printed on two pages
    report, _ = load(str(ROOT / "content" / "tasks.yaml"))
    out = _build(report, tmp_path / "site")
    page.goto((out / "search.html").as_uri() + "?q=污水")
    assert sorted(results(page)) == WUSHUI
    page.click("#search-results li[data-task='69'] a.result-link")
    page.wait_for_url("**/chapters/5-2.html#task-69")
    assert page.locator("#task-69").is_visible()
