"""Progress: statuses, deadlines and dated updates; the progress-file merge and its located errors; pages."""

from __future__ import annotations

import datetime as dt
import posixpath

from conftest import PROGRESS_FIXTURE
from util import run_cli, soup, write

from reportsite import progress

D = dt.date


# -- the model -------------------------------------------------------------------------------------


def test_fixture_statuses_deadlines_and_merged_updates(progress_report):
    r = progress_report
    assert r.extra["as_of"] == D(2021, 6, 30)
    assert [progress.status_of(t) for t in r.tasks] == ["推进中", "滞后", "已完成", "未启动", "未填报"]
    assert r.task_by_number[1].extra["deadline"] == D(2021, 12, 31)
    assert "deadline" not in r.task_by_number[5].extra
    # task 2: one update in tasks.yaml, one in progress/2021-06.yaml, merged in date order
    assert [(u["date"], u["note"]) for u in r.task_by_number[2].extra["updates"]] == [
        (D(2021, 4, 15), "完成可研批复。"),
        (D(2021, 6, 20), "土地手续仍在办理。"),
    ]
    # task 1: its only update comes from the progress file
    assert [u["date"] for u in r.task_by_number[1].extra["updates"]] == [D(2021, 6, 28)]
    assert progress.latest_update(r.task_by_number[2])["note"] == "土地手续仍在办理。"
    assert progress.latest_update(r.task_by_number[5]) is None


def test_overdue_is_relative_to_as_of_and_never_for_done(progress_report):
    r = progress_report
    as_of = r.extra["as_of"]
    assert [t.number for t in r.tasks if progress.is_overdue(t, as_of)] == [2]  # 滞后, due 2021-05-31
    assert not progress.is_overdue(r.task_by_number[3], as_of)  # 已完成, due 2021-03-31
    assert not progress.is_overdue(r.task_by_number[2], None)  # no as_of: never the build machine's clock
    assert not progress.is_overdue(r.task_by_number[2], D(2021, 5, 31))  # due that very day: not yet late
    assert progress.is_overdue(r.task_by_number[1], D(2022, 1, 1))


def test_status_counts(progress_report):
    r = progress_report
    c = progress.status_counts(r.tasks, r.extra["as_of"])
    assert [(i["status"], i["count"]) for i in c["items"]] == [
        ("未启动", 1), ("推进中", 1), ("已完成", 1), ("滞后", 1), ("未填报", 1),
    ]  # fmt: skip
    assert (c["overdue"], c["reported"], c["total"]) == (1, 4, 5)


def test_seed_has_no_progress(seed_report):
    assert all(progress.status_of(t) == "未填报" for t in seed_report.tasks)
    assert not any(t.extra for t in seed_report.tasks)
    c = progress.status_counts(seed_report.tasks, seed_report.extra.get("as_of"))
    assert (c["reported"], c["overdue"], c["total"]) == (0, 0, 143)


# -- the progress folder: merge order and located errors ------------------------------------------------

BASE = PROGRESS_FIXTURE.read_text(encoding="utf-8")


def _content(tmp_path, files: dict[str, str]):
    content = write(tmp_path, BASE)
    (tmp_path / "progress").mkdir()
    for name, text in files.items():
        write(tmp_path / "progress", text, name)
    return content


def test_later_periods_replace_status_and_deadline(tmp_path):
    from reportsite.loader import load

    content = _content(
        tmp_path,
        {
            "2021-06.yaml": "4:\n  status: 推进中\n  deadline: 2021-09-30\n",
            "2021-09.yaml": "4:\n  status: 已完成\n  updates:\n    - date: 2021-09-15\n      note: 已投用。\n",
            "README.yaml": "this: is not a period file and is ignored\n",
        },
    )
    report, warnings = load(str(content))
    t = report.task_by_number[4]
    assert (t.extra["status"], t.extra["deadline"]) == ("已完成", D(2021, 9, 30))
    assert [u["note"] for u in t.extra["updates"]] == ["已投用。"]
    assert warnings == []


def test_progress_file_errors_are_located_with_suggestions(tmp_path):
    content = _content(
        tmp_path,
        {
            "2021-07.yaml": (
                "150:\n  status: 推进中\n"
                "2:\n  status: 进行中\n  deadline: 2021-13-01\n"
                "  updates:\n    - date: 7月5日\n      note: 已开工。\n"
                "3:\n  stauts: 已完成\n"
                "abc:\n  status: 滞后\n"
            ),
            "2021-7.yaml": "1: {status: 推进中}\n",
        },
    )
    code, out, err = run_cli("check", "--content", str(content))
    assert code == 1 and out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    f = str(tmp_path / "progress" / "2021-07.yaml")
    assert f"{f}:1:1: unknown task 150 (the report has tasks 1–5); did you mean 5, 4, 3?" in lines
    assert (
        f"{f}:4:11: 'status' of task 2 must be one of 未启动, 推进中, 已完成, 滞后, not '进行中'; did you mean '推进中'?"
        in lines
    )
    assert f"{f}:5:13: 'deadline' of task 2 must be a date YYYY-MM-DD, not '2021-13-01'" in lines
    assert any(x.startswith(f"{f}:7:13: 'date' of ") and x.endswith("must be a date YYYY-MM-DD, not '7月5日'") for x in lines)
    assert f"{f}:10:3: unknown key 'stauts' in task 3; did you mean 'status'?" in lines
    assert f"{f}:11:1: 'abc' is not a task number: each key is the number of a task, e.g. '12:'" in lines
    g = str(tmp_path / "progress" / "2021-7.yaml")
    assert f"{g}:1:1: a progress file is named after its reporting period: YYYY-MM.yaml, e.g. 2021-06.yaml" in lines
    assert lines[-1] == "7 errors; nothing was written."


def test_errors_in_tasks_yaml_and_progress_files_come_in_one_run(tmp_path):
    content = _content(tmp_path, {"2021-06.yaml": "2:\n  status: 完成\n"})
    content.write_text(BASE.replace("status: 未启动", "status: 启动"), encoding="utf-8")
    code, _, err = run_cli("check", "--content", str(content))
    assert code == 1
    assert "must be one of 未启动, 推进中, 已完成, 滞后, not '启动'; did you mean '未启动'?" in err
    assert "'status' of task 2 must be one of 未启动, 推进中, 已完成, 滞后, not '完成'; did you mean '已完成'?" in err
    assert err.splitlines()[-1] == "2 errors; nothing was written."


def test_duplicate_task_in_a_progress_file_and_yaml_syntax(tmp_path):
    content = _content(tmp_path, {"2021-06.yaml": "2:\n  status: 滞后\n2:\n  status: 推进中\n", "2021-08.yaml": "3: [\n"})
    code, _, err = run_cli("check", "--content", str(content))
    assert code == 1
    assert f"{tmp_path / 'progress' / '2021-06.yaml'}:3:1: " in err
    assert f"{tmp_path / 'progress' / '2021-08.yaml'}:" in err and "YAML syntax error" in err


def test_deadline_without_as_of_warns(tmp_path):
    content = _content(tmp_path, {"2021-06.yaml": "5:\n  deadline: 2021-10-31\n"})
    content.write_text(BASE.replace("  as_of: 2021-06-30\n", ""), encoding="utf-8")
    code, out, err = run_cli("check", "--content", str(content))
    assert code == 0, err
    assert (
        f"{tmp_path / 'progress' / '2021-06.yaml'}:2:13: warning: deadlines are given but report.as_of is not set: "
        "no task can be marked overdue"
    ) in err


def test_a_quoted_task_number_is_said_as_such(tmp_path):
    content = _content(tmp_path, {"2021-06.yaml": '"4": {status: 推进中}\n'})
    code, _, err = run_cli("check", "--content", str(content))
    assert code == 1 and "2021-06.yaml:1:1: a task number is written without quotes: 4:" in err


def test_bad_progress_never_touches_the_previous_site(tmp_path):
    content = _content(tmp_path, {"2021-06.yaml": "4: {status: 推进中}\n"})
    out = tmp_path / "site"
    assert run_cli("--content", str(content), "--out", str(out), "-q")[0] == 0
    before = (out / "chapters" / "2.html").read_bytes()
    write(tmp_path / "progress", "99: {status: 滞后}\n", "2021-07.yaml")
    code, _, err = run_cli("--content", str(content), "--out", str(out), "-q")
    assert code == 1 and "2021-07.yaml:1:1: unknown task 99" in err
    assert (out / "chapters" / "2.html").read_bytes() == before


# -- Markdown notes ------------------------------------------------------------------------------------


def test_markdown_notes_show_raw_html_as_text_and_only_safe_links():
    html = progress.render_note('<script>alert("x")</script> <b>b</b> [ok](https://a.example/x) [bad](javascript:alert(1))')
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;" in html
    assert '<a href="https://a.example/x">ok</a>' in html
    assert "javascript" in html and 'href="javascript' not in html
    assert "<img" not in progress.render_note("![x](https://a.example/p.png)")
    for url in ("https://x.cn/a", "http://x.cn", "mailto:a@b.cn", "../units/a.html", "a.html#t", "#task-3"):
        assert progress.safe_link(url), url
    for url in ("javascript:alert(1)", "JavaScript:x", "java\tscript:x", " javascript:x", "data:text/html,x", "vbscript:x",
                "file:///etc/passwd", "//evil.example/x"):  # fmt: skip
        assert not progress.safe_link(url), url


# -- pages ---------------------------------------------------------------------------------------------


def test_chapter_page_shows_badges_deadlines_overdue_and_history(progress_site):
    doc = soup(progress_site / "chapters" / "2.html")
    badge = {a["id"]: a.select_one(".progress-line .status").get_text() for a in doc.select("article.task")}
    assert badge == {"task-2": "滞后", "task-3": "已完成", "task-4": "未启动", "task-5": "未填报"}
    t2 = doc.select_one("#task-2")
    assert "is-overdue" in t2["class"] and t2.select_one(".overdue").get_text() == "已逾期"
    assert t2.select_one(".deadline time")["datetime"] == "2021-05-31"
    history = [(li.time.get_text(), li.select_one(".note").get_text(strip=True)) for li in t2.select("ol.updates li")]
    assert history == [("2021-06-20", "土地手续仍在办理。"), ("2021-04-15", "完成可研批复。")]  # newest first
    t3 = doc.select_one("#task-3")
    assert "is-overdue" not in t3["class"] and t3.select_one(".overdue") is None
    assert t3.select_one(".note a")["href"] == "https://example.gov.cn/notice/1"
    t5 = doc.select_one("#task-5")
    assert t5.select_one(".status")["class"] == ["status", "status-none"] and t5.select_one(".deadline") is None


def test_a_notes_relative_link_is_read_from_the_site_top_folder_on_every_page(progress_site):
    """Task 1's note links units/fazhangaigehetongjiju.html: each page that shows it links the same file."""
    for page, href in [
        ("chapters/1.html", "../units/fazhangaigehetongjiju.html"),
        ("tasks.html", "units/fazhangaigehetongjiju.html"),
        ("units/fazhangaigehetongjiju.html", "../units/fazhangaigehetongjiju.html"),
    ]:
        links = soup(progress_site / page).select('#task-1 .note a, li[data-task="1"] .note a')
        assert [a["href"] for a in links if a.get_text() == "本市说明"] == [href], page
        assert (progress_site / posixpath.normpath(posixpath.join(posixpath.dirname(page), href))).is_file(), page
        assert "\x00" not in (progress_site / page).read_text(encoding="utf-8"), page


def test_unit_page_shows_each_tasks_status_and_latest_update(progress_site):
    doc = soup(progress_site / "units" / "zhufanghechengxiangjiansheju.html")
    item = doc.select_one('li[data-task="3"]')
    assert item.select_one(".status").get_text() == "已完成"
    assert item.select_one(".latest time")["datetime"] == "2021-03-20"
    assert item.select_one(".latest .note a")["href"] == "https://example.gov.cn/notice/1"
    # a task without a status says 未填报 here too, as on its chapter page, once the report tracks progress
    task5 = soup(progress_site / "units" / "jishuijiedaobanshichu.html").select_one('li[data-task="5"]')
    assert task5.select_one(".status").get_text() == "未填报"


def test_note_with_raw_html_and_javascript_link_on_the_page(progress_site):
    doc = soup(progress_site / "chapters" / "1.html")
    note = doc.select_one("#task-1 ol.updates .note")
    assert note.find("script") is None and note.find("b") is None
    text = note.get_text()
    assert '<script>alert("x")</script>' in text and "<b>加粗</b>" in text
    assert "[危险链接](javascript:alert(1))" in text
    assert [a["href"] for a in note.find_all("a")] == ["https://example.gov.cn/stats", "../units/fazhangaigehetongjiju.html"]
    assert not doc.find_all("script", src=False)


def test_tasks_page_shows_the_latest_update_only(progress_site):
    t2 = soup(progress_site / "tasks.html").select_one("#task-2")
    assert t2.select_one("ol.updates") is None
    assert t2.select_one(".latest time").get_text() == "2021-06-20"
    assert t2.select_one(".latest .note").get_text(strip=True) == "土地手续仍在办理。"


def test_home_unit_and_matrix_count_by_status(progress_site, progress_report):
    home = soup(progress_site / "index.html")
    summary = home.select_one(".progress-summary").get_text(" ", strip=True)
    assert "截至 2021-06-30" in summary and "已填报 4 / 5 项" in summary

    def counts(el):
        return [c.get_text(" ", strip=True) for c in el.select(".status-count")]

    chapters = home.select("ol.chapter-list li")
    assert counts(chapters[0]) == ["推进中 1"]
    assert counts(chapters[1]) == ["未启动 1", "已完成 1", "滞后 1", "未填报 1", "已逾期 1"]

    housing = progress_report.unit_by_name["住房和城乡建设局"]
    unit = soup(progress_site / "units" / f"{housing.slug}.html")
    assert counts(unit.select_one(".unit-progress")) == ["已完成 1", "滞后 1", "已逾期 1"]
    assert unit.select_one("a.csv-link")["href"] == f"../data/units/{housing.slug}.csv"
    statuses = {li["data-task"]: li.select_one(".status").get_text() for li in unit.select("li[data-task]")}
    assert statuses == {"3": "已完成", "2": "滞后"}

    matrix = soup(progress_site / "matrix.html")
    row = matrix.select_one('.status-table tr[data-unit="济水街道办事处"]')
    cells = {td["data-status"]: td.get_text() for td in row.select("td[data-status]")}
    assert cells == {"未启动": "0", "推进中": "0", "已完成": "1", "滞后": "0", "未填报": "1", "overdue": "0"}


def test_seed_pages_invent_no_progress(seed_site):
    for page in ["index.html", "matrix.html", "tasks.html", *(f"chapters/{k}.html" for k in range(1, 9))]:
        doc = soup(seed_site / page)
        assert doc.select(".overdue, .updates, .latest, .deadline, .status-count") == [], page
        # a report that tracks no progress gets no badge at all, not 未填报 on every task
        assert doc.select(".status, .task-progress, article[data-status]") == [], page
    assert len(soup(seed_site / "tasks.html").select("article.task")) == 143
    assert soup(seed_site / "index.html").select_one(".progress-summary .note").get_text() == "各单位尚未填报进展。"


def test_search_filters_by_status(progress_site, page):
    """The search page (search.py, search.js) offers the statuses of the fixture and filters by them, from file://."""
    page.goto((progress_site / "search.html").as_uri() + "?status=滞后")
    page.wait_for_selector(".search-result")
    options = page.locator("#filter-status option").all_inner_texts()
    assert options == ["全部进度（5）", "未启动（1）", "推进中（1）", "已完成（1）", "滞后（1）"]
    # the badge in the page's colours (status-behind), and task 2's overdue mark, as on the chapter page
    assert page.locator(".search-result .result-status").all_inner_texts() == ["滞后", "已逾期"]
    assert page.locator(".search-result .status").get_attribute("class") == "result-status status status-behind"
    assert page.locator(".search-result .overdue").inner_text() == "已逾期"
    page.select_option("#filter-status", "已完成")
    page.wait_for_function("document.querySelector('.search-result .result-status').textContent === '已完成'")
    assert page.locator(".search-result").count() == 1
