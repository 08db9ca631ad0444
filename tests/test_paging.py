"""Big pages are split (reportsite/paging.py); the real report keeps one page each, same addresses."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_links import check_links
from util import SEED, run_cli, soup

from reportsite import model, paging


def test_seed_pages_are_not_split(seed_site, seed_report):
    assert {c.parts for c in seed_report.chapters} == {1}
    assert {t.part for t in seed_report.tasks} == {1}
    assert sorted(p.name for p in (seed_site / "chapters").iterdir()) == [f"{k}.html" for k in range(1, 9)]
    assert not list(seed_site.glob("matrix-*.html"))
    assert not list(seed_site.glob("targets-*.html"))
    assert soup(seed_site / "targets.html").find("nav", class_="parts") is None
    assert [p for p in (seed_site / "units").iterdir() if p.is_dir()] == []
    assert soup(seed_site / "chapters/4.html").find(id="task-53")
    assert soup(seed_site / "chapters/4.html").find("nav", class_="parts") is None
    assert len(soup(seed_site / "matrix.html").select("tbody tr")) == 59


@pytest.fixture(scope="module")
def split_site(tmp_path_factory):
    """The seed built with tiny limits, so that every kind of split happens."""
    out = tmp_path_factory.mktemp("split") / "site"
    mp = pytest.MonkeyPatch()
    mp.setattr(model, "CHAPTER_PART_TASKS", 30)
    mp.setattr(paging, "UNIT_PART_ITEMS", 20)
    mp.setattr(paging, "MATRIX_ROWS", 25)
    mp.setattr(paging, "TASKS_PAGE_TASKS", 50)
    mp.setattr(paging, "TARGETS_PAGE_ROWS", 10)
    try:
        code, _, err = run_cli("--content", str(SEED), "--out", str(out), "-q", "-j", "1")
        assert code == 0, err
        from reportsite.loader import load

        report, _ = load(str(SEED))
    finally:
        mp.undo()
    return out, report


def test_long_chapter_is_cut_between_sections(split_site):
    site, report = split_site
    ch8 = report.chapters[7]
    assert len(ch8.tasks) == 42 and ch8.parts == 2
    first, second = soup(site / "chapters/8.html"), soup(site / "chapters/8-2.html")
    ids1 = [a["id"] for a in first.select("article.task")]
    ids2 = [a["id"] for a in second.select("article.task")]
    assert ids1 == [f"task-{n}" for n in range(102, 129)]  # sections 1-6: 27 tasks
    assert ids2 == [f"task-{n}" for n in range(129, 144)]  # sections 7-8 would overflow 30
    assert [h.get_text() for h in second.select("section.section h2")][0].startswith("（七）")
    nav = first.find("nav", class_="parts")
    assert [a["href"] for a in nav.find_all("a")] == ["8-2.html"]
    assert nav.find("a")["data-tasks"] == "129-143"
    assert nav.find(attrs={"aria-current": "page"}).get_text() == "第1页"


def test_every_task_is_printed_once_where_its_address_says(split_site):
    site, report = split_site
    seen: dict[str, str] = {}
    for page in sorted((site / "chapters").glob("*.html")):
        for art in soup(page).select("article.task"):
            assert art["id"] not in seen
            seen[art["id"]] = page.relative_to(site).as_posix()
    from reportsite.pages import task_path

    assert seen == {f"task-{t.number}": task_path(t).split("#")[0] for t in report.tasks}
    assert task_path(report.task_by_number[130]) == "chapters/8-2.html#task-130"


def test_big_unit_and_matrix_are_split_and_links_resolve(split_site):
    site, report = split_site
    unit = report.unit_by_name["发展改革和统计局"]
    assert len(report.assignments[unit.name]) == 42
    pages = [site / "units/fazhangaigehetongjiju.html", *sorted((site / "units").glob("fazhangaigehetongjiju_*.html"))]
    assert [p.name for p in pages] == ["fazhangaigehetongjiju.html", "fazhangaigehetongjiju_2.html", "fazhangaigehetongjiju_3.html"]
    assert not (site / "units/fazhangaigehetongjiju").exists()  # no folder of its own
    items = [li["data-task"] for p in pages for li in soup(p).select("li[data-task]")]
    assert sorted(items, key=int) == sorted((str(a.task.number) for a in report.assignments[unit.name]), key=int)
    assert all(len(soup(p).select("li[data-task]")) <= 20 for p in pages)
    matrix = [site / "matrix.html", site / "matrix-2.html", site / "matrix-3.html"]
    rows = [tr["data-unit"] for p in matrix for tr in soup(p).select("tbody tr")]
    assert rows == [u.name for u in report.sorted_units()] and not (site / "matrix-4.html").exists()
    assert check_links(site) == []


def test_all_tasks_page_is_split_between_sections(split_site):
    site, report = split_site
    pages = [site / "tasks.html", site / "tasks-2.html", site / "tasks-3.html"]
    assert not (site / "tasks-4.html").exists()
    ids = [[a["id"] for a in soup(p).select("article.task")] for p in pages]
    assert [len(x) for x in ids] == [48, 50, 45]  # chapter 4 (task 49 on) would not fit on page 1
    assert sum(ids, []) == [f"task-{t.number}" for t in report.tasks]
    nav = soup(site / "tasks-2.html").find("nav", class_="parts")
    assert [a.get_text() for a in nav.find_all("a")] == ["第1页（一至三章）", "第3页（七至八章）"]
    assert nav.find(attrs={"aria-current": "page"}).get_text() == "第2页（四至七章）"


def test_targets_page_is_split_between_chapters(split_site, seed_site):
    site, _ = split_site
    pages = [site / "targets.html", *(site / f"targets-{k}.html" for k in range(2, 7))]
    assert not (site / "targets-7.html").exists()
    heads = [[h.get_text() for h in soup(p).select("section.targets-block h2")] for p in pages]
    assert [[h[:2] for h in hs] for hs in heads] == [["一、"], ["二、"], ["四、", "五、"], ["七、"], ["八、"], ["八、"]]
    assert heads[5][0].endswith("（续）") and not heads[4][0].endswith("（续）")  # chapter 8: 17 rows, 10 + 7
    rows = [tr["data-task"] for p in pages for tr in soup(p).select("table.targets-table tbody tr")]
    assert [len(soup(p).select("tbody tr")) for p in pages] == [7, 8, 6, 8, 10, 7]
    assert rows == [tr["data-task"] for tr in soup(seed_site / "targets.html").select("table.targets-table tbody tr")]
    nav = soup(site / "targets-3.html").find("nav", class_="parts")
    assert nav.find(attrs={"aria-current": "page"}).get_text() == "第3页（四至五章）"
    assert [a["href"] for a in nav.find_all("a")] == ["targets.html"] + [f"targets-{k}.html" for k in (2, 4, 5, 6)]
    assert soup(site / "targets-3.html").title.get_text().startswith("量化目标（第3页）")


def test_split_build_is_the_same_on_two_processes(split_site, tmp_path, monkeypatch):
    monkeypatch.setattr(model, "CHAPTER_PART_TASKS", 30)
    monkeypatch.setattr(paging, "UNIT_PART_ITEMS", 20)
    monkeypatch.setattr(paging, "MATRIX_ROWS", 25)
    monkeypatch.setattr(paging, "TASKS_PAGE_TASKS", 50)
    monkeypatch.setattr(paging, "TARGETS_PAGE_ROWS", 10)
    code, _, err = run_cli("--content", str(SEED), "--out", str(tmp_path / "two"), "-q", "-j", "2")
    assert code == 0, err
    site = split_site[0]
    files = sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "two") for p in (tmp_path / "two").rglob("*") if p.is_file())
    assert all((site / f).read_bytes() == (tmp_path / "two" / f).read_bytes() for f in files)


def test_old_task_link_is_forwarded_to_its_part(split_site, page):
    site, _ = split_site
    page.goto((site / "chapters/8.html").as_uri() + "#task-135")  # file://, as from a USB stick
    page.wait_for_url("**/chapters/8-2.html#task-135")
    assert page.locator("#task-135").is_visible()
    page.goto((site / "chapters/8.html").as_uri() + "#task-105")  # on this page: stays
    assert Path(page.url.split("#")[0]).name == "8.html"


def test_a_split_units_pages_say_what_each_holds_and_where_each_roles_tasks_are(split_site):
    """发展改革和统计局 (12 tasks led, 30 responsible) on 3 pages of 20: each page's link names the roles
    and chapters on it; a role block says on which other pages its tasks are (before: page 1 could
    say 无 under a count of 30); the navigation is at the end too; the search page filters the unit."""
    site, _ = split_site
    labels = ["第1页（牵头二至七章、责任一章）", "第2页（责任二至四章）", "第3页（责任六至八章）"]
    first = soup(site / "units/fazhangaigehetongjiju.html")
    navs = first.find_all("nav", class_="parts")
    assert [n["aria-label"] for n in navs] == ["分页", "分页（页尾）"]
    assert [[li.find(["a", "span"]).get_text() for li in n.find_all("li")] for n in navs] == [labels, labels]
    blocks = {b.h2.get_text(): b for b in first.select(".role-block")}
    assert blocks["作为牵头单位（12 项）"].select_one(".role-elsewhere") is None
    elsewhere = blocks["作为责任单位（30 项）"].select_one(".role-elsewhere")
    assert elsewhere.get_text() == "其余任务在第2页（二至四章）、第3页（六至八章）。"
    assert [a["href"] for a in elsewhere.find_all("a")] == ["fazhangaigehetongjiju_2.html", "fazhangaigehetongjiju_3.html"]
    assert first.select_one('main a[href="../search.html?unit=fazhangaigehetongjiju"]') is not None
    third = soup(site / "units/fazhangaigehetongjiju_3.html")
    assert third.select_one(".role-elsewhere").get_text() == "其余任务在第1页（一章）、第2页（二至四章）。"
    assert "无。" not in first.get_text()


def test_a_split_chapters_pager_and_summary_read_through_its_pages(split_site):
    site, _ = split_site
    pager = lambda f: [(a["rel"][0], a["href"]) for a in soup(site / f).select("nav.pager a")]  # noqa: E731
    assert pager("chapters/7.html") == [("prev", "6.html"), ("next", "8.html")]
    assert pager("chapters/8.html") == [("prev", "7.html"), ("next", "8-2.html")]  # not past its own page 2
    assert pager("chapters/8-2.html") == [("prev", "8.html")]
    assert soup(site / "chapters/8-2.html").select_one(".lede").get_text() == (
        "本章 42 项任务，8 个小节；分 2 页，本页 2 个小节，第 129–143 项。"  # 8: the chapter's, not this page's
    )
    assert [n["aria-label"] for n in soup(site / "chapters/8.html").find_all("nav", class_="parts")] == ["分页", "分页（页尾）"]


def test_split_task_lists_say_which_tasks_they_hold_and_forward_old_links(split_site, page):
    site, _ = split_site
    third = soup(site / "tasks-3.html")
    assert third.select_one("main p.note").get_text().startswith(
        "全部 143 项任务按原文顺序分 3 页排列，本页为第3页（七至八章），第 99–143 项。"
    )
    assert [a["data-tasks"] for a in third.find("nav", class_="parts").find_all("a")] == ["1-48", "49-98"]
    assert "（共 143 项，按原文顺序排列，分 3 页）" in soup(site / "search.html").find("noscript").get_text()
    matrix = soup(site / "matrix-2.html").select_one("main p.note.screen-only").get_text()
    assert matrix.startswith("点击列标题排序时，只在本页的单位中排序")
    page.goto((site / "tasks.html").as_uri() + "#task-120")  # an old link into the one-page list
    page.wait_for_url("**/tasks-3.html#task-120")
    assert page.locator("#task-120").is_visible()
