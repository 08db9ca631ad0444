"""A full build of the real content, asserting facts from the document on the parsed pages."""

from __future__ import annotations

import posixpath
import re

from util import SEED, soup

HOUSING = "住房和城乡建设局"


def unit_page(site, report, name):
    return site / "units" / f"{report.unit_by_name[name].slug}.html"


def test_every_page_is_chinese_with_one_h1(seed_site):
    pages = sorted(seed_site.rglob("*.html"))
    assert len(pages) >= 1 + 8 + 59 + 2
    for p in pages:
        doc = soup(p)
        assert doc.html["lang"] == "zh-CN", p
        assert len(doc.find_all("h1")) == 1, p
        assert all(ord(c) < 128 for c in str(p.relative_to(seed_site))), p


def test_home_page(seed_site, seed_report):
    doc = soup(seed_site / "index.html")
    stats = doc.select_one("ul.stats").get_text(" ", strip=True)
    assert "143 项任务" in stats and "8 个章节" in stats and "31 个小节" in stats and "59 个责任单位" in stats
    chapters = [a.get_text(strip=True) for a in doc.select("ol.chapter-list a")]
    assert chapters[0] == "一、今年经济社会发展主要预期目标"
    assert chapters[7] == "八、切实加强民生保障,提升高质量发展实效"
    assert len(chapters) == 8
    # unit directory grouped by kind, in pinyin order
    kinds = [h.get_text(strip=True) for h in doc.select("section[aria-labelledby=units-h] h3")]
    assert kinds == ["部门（34）", "乡镇、街道（13）", "企业（5）", "其他单位（7）"]
    towns = [a.get_text() for a in doc.select("#kind-town + ul a")]
    assert towns[:3] == ["北海街道办事处", "各街道办事处", "各镇人民政府"]
    assert doc.find("a", href="matrix.html") and doc.find("a", href="units/index.html")


def test_chapter_pages(seed_site, seed_report):
    ch1 = soup(seed_site / "chapters" / "1.html")
    assert ch1.h1.get_text(strip=True) == "一、今年经济社会发展主要预期目标"
    assert [a["id"] for a in ch1.select("article.task")] == [f"task-{n}" for n in range(1, 9)]
    ch2 = soup(seed_site / "chapters" / "2.html")
    assert [h.get_text(strip=True) for h in ch2.select("section.section h2")][:2] == ["（一）强力推进十大工程", "（二）扎实开展项目攻坚"]
    t9 = ch2.find(id="task-9")
    lead = [a.get_text() for a in t9.select(".role-lead a")]
    resp = [a.get_text() for a in t9.select(".role-responsible a")]
    assert lead == ["卫生健康委员会"] and resp == ["城投建设发展有限公司", "玉泉街道办事处"]
    assert t9.select_one(".role-lead a")["href"] == "../units/weishengjiankangweiyuanhui.html"
    assert ch2.find("a", rel="prev")["href"] == "1.html" and ch2.find("a", rel="next")["href"] == "3.html"
    total = sum(len(soup(p).select("article.task")) for p in (seed_site / "chapters").glob("*.html"))
    assert total == 143
    sections = sum(len(soup(p).select("section.section")) for p in (seed_site / "chapters").glob("*.html"))
    assert sections == 31
    t61 = soup(seed_site / "chapters" / "4.html").find(id="task-61")
    assert "等有关单位" in t61.select_one(".role-responsible").get_text()


def role_items(doc, role):
    return [int(li["data-task"]) for li in doc.select(f'ol[data-role="{role}"] > li')]


def test_unit_page_lists_exactly_its_tasks(seed_site, seed_report):
    doc = soup(unit_page(seed_site, seed_report, HOUSING))
    assert doc.h1.get_text() == HOUSING
    assert "住建局" in doc.select_one(".lede").get_text()
    lead = [t.number for t in seed_report.tasks if HOUSING in t.lead]
    resp = [t.number for t in seed_report.tasks if HOUSING in t.responsible]
    assert lead == [11, 12, 13, 29, 52, 59]
    assert len(resp) == 22 and resp[:3] == [48, 49, 50]
    assert role_items(doc, "lead") == lead
    assert role_items(doc, "responsible") == resp
    first = doc.select_one('li[data-task="11"] a.task-number')
    assert first["href"] == "../chapters/2.html#task-11"


def test_alias_in_task_lands_on_canonical_page(seed_site, seed_report):
    doc = soup(unit_page(seed_site, seed_report, "市场监督管理局"))
    assert 99 in role_items(doc, "responsible")
    assert not (seed_site / "units" / "shichangjianguanju.html").exists()


def test_collective_reaches_members(seed_site, seed_report):
    doc = soup(unit_page(seed_site, seed_report, "济水街道办事处"))
    li = doc.select_one('li[data-task="52"]')
    assert li.parent["data-role"] == "responsible" and li["data-via"] == "各街道办事处"
    assert doc.select_one('li[data-task="29"]').get("data-via") is None
    coll = soup(unit_page(seed_site, seed_report, "各街道办事处"))
    members = [a.get_text() for a in coll.select("section[aria-labelledby=members-h] a")]
    assert sorted(members) == sorted(["济水街道办事处", "沁园街道办事处", "天坛街道办事处", "北海街道办事处", "玉泉街道办事处"])
    towns = soup(unit_page(seed_site, seed_report, "轵城镇人民政府"))
    assert towns.select_one('li[data-task="71"]')["data-via"] == "各镇人民政府"


def test_partners(seed_site, seed_report):
    doc = soup(unit_page(seed_site, seed_report, HOUSING))
    partners = [(a.get_text(), li.select_one(".count").get_text()) for li in doc.select(".partners li") for a in li.select("a")]
    assert partners[0] == ("城投建设发展有限公司", "3 项")


def test_units_index(seed_site, seed_report):
    doc = soup(seed_site / "units" / "index.html")
    rows = doc.select("tbody tr")
    assert len(rows) == 59
    first = [c.get_text(strip=True) for c in rows[0].find_all(["th", "td"])]
    assert first == ["发展改革和统计局", "部门", "12", "30", "42"]
    second = [c.get_text(strip=True) for c in rows[1].find_all(["th", "td"])]
    assert second == [HOUSING, "部门", "6", "22", "28"]


def test_matrix_cells_equal_model_counts(seed_site, seed_report):
    doc = soup(seed_site / "matrix.html")
    rows = doc.select("tbody tr[data-unit]")
    assert len(rows) == 59
    checked = 0
    for tr in rows:
        name = tr["data-unit"]
        for td in tr.select("td[data-chapter]"):
            k = int(td["data-chapter"])
            assert int(td["data-lead"]) == seed_report.count(name, "lead", k)
            assert int(td["data-responsible"]) == seed_report.count(name, "responsible", k)
            checked += 1
    assert checked == 59 * 8
    housing = doc.select_one(f'tr[data-unit="{HOUSING}"]')
    assert housing.select_one('td[data-chapter="4"]')["data-responsible"] == "10"
    assert housing.select_one('td[data-chapter="2"]').a["href"].endswith("#lead-ch2")
    assert [td.get_text() for td in doc.select("tfoot td[data-chapter]")] == ["8", "27", "13", "14", "14", "12", "13", "42"]
    # lead counts over all rows equal the number of lead assignments (members via collectives included)
    assert sum(int(td["data-lead"]) for td in doc.select("tbody td[data-chapter]")) == sum(
        seed_report.count(u.name, "lead") for u in seed_report.units
    )


def test_relative_links_only(seed_site):
    for p in seed_site.rglob("*.html"):
        for tag in soup(p).find_all(href=True):
            assert not re.match(r"^(/|[a-z]+:)", tag["href"]), (p, tag["href"])
        for tag in soup(p).find_all(src=True):
            assert not re.match(r"^(/|[a-z]+:)", tag["src"]), (p, tag["src"])


def test_links_shared_by_a_folder_stay_right_for_each_page():
    """url() remembers a site path's link per folder; a bare #fragment (or nothing) is the page itself."""
    from reportsite import pages

    env = pages.make_env(SEED.parent.parent / "templates")
    cache: dict = {}
    a = pages._page_helpers(env, {"_fragments": cache, "labels": {}}, "units/a.html")["url"]
    b = pages._page_helpers(env, {"_fragments": cache, "labels": {}}, "units/b.html")["url"]
    assert [a("index.html"), b("index.html"), a("units/c.html#lead-ch1")] == ["../index.html", "../index.html", "c.html#lead-ch1"]
    assert [a(""), b(""), a("#task-5"), b("#task-5")] == ["a.html", "b.html", "a.html#task-5", "b.html#task-5"]
    top = pages._page_helpers(env, {"_fragments": cache, "labels": {}}, "index.html")["url"]
    assert top("units/c.html") == "units/c.html"


def test_unit_page_items_are_rendered_once_per_task_way_and_folder(seed_report):
    """fragments(): a unit page's <li> for task 29 is made once for units/ and reused on every unit
    page that lists it, whatever the unit's role (the role is on the list); through a collective it
    is a separate item."""
    from reportsite import pages

    env = pages.make_env(SEED.parent.parent / "templates")
    sc = pages.SiteContext(seed_report)
    view = sc.task_view(seed_report.tasks[28])
    assert view["number"] == 29
    common = sc.common()
    one = pages._page_helpers(env, common, "units/a.html")["fragments"]
    two = pages._page_helpers(env, common, "units/b.html")["fragments"]
    first = one("unit_task", [{"task": view, "via": None}])
    assert two("unit_task", [{"task": view, "via": None}]) is not first  # a new join …
    assert str(two("unit_task", [{"task": view, "via": None}])) == str(first)  # … of the same item
    assert first.startswith('  <li data-task="29">\n') and "data-via" not in first
    via = one("unit_task", [{"task": view, "via": "各街道办事处"}])
    assert via.startswith('  <li data-task="29" data-via="各街道办事处">\n')
    items = [k for k in common["_fragments"] if isinstance(k, tuple) and k[1] == 29]
    assert set(items) == {("unit_task", 29, "units", None), ("unit_task", 29, "units", "各街道办事处")}


def test_unit_page_roles_are_on_their_lists(seed_site, seed_report):
    """Task 29 is led by 住房和城乡建设局 and carried by 发展改革和统计局 among others: the same item
    in both unit pages, in a list marked lead on one and responsible on the other."""
    t29 = seed_report.task_by_number[29]
    assert HOUSING in t29.lead
    other = t29.responsible[0]
    lead = soup(unit_page(seed_site, seed_report, HOUSING)).select_one('li[data-task="29"]')
    resp = soup(unit_page(seed_site, seed_report, other)).select_one('li[data-task="29"]')
    assert lead.parent.name == "ol" and lead.parent["data-role"] == "lead"
    assert resp.parent["data-role"] == "responsible"
    assert str(lead) == str(resp)


def test_site_header_marks_the_section_and_links_from_each_folder(seed_site, seed_report):
    """The header and footer are rendered once per folder and section (once()): every page still
    marks its own entry of the main navigation, and links from its own folder."""
    housing = unit_page(seed_site, seed_report, HOUSING).relative_to(seed_site).as_posix()
    expected = {
        "index.html": "首页",
        "units/index.html": "责任单位",
        housing: "责任单位",
        "matrix.html": "责任矩阵",
        "targets.html": "量化目标",
        "tasks.html": "全部任务",
        "chapters/3.html": None,
        "search.html": None,
    }
    for path, current in expected.items():
        doc = soup(seed_site / path)
        nav = doc.select_one("nav.site-nav")
        marked = [a.get_text() for a in nav.select("a[aria-current=page]")]
        assert marked == ([current] if current else []), path
        folder = posixpath.dirname(path) or "."
        targets = ["index.html", "units/index.html", "matrix.html", "targets.html", "tasks.html"]
        assert [a["href"] for a in nav.select("a")] == [posixpath.relpath(t, folder) for t in targets], path
        footer = doc.select_one("footer.site-footer")
        assert footer.select("a")[2]["href"] == posixpath.relpath("chapters/3.html", folder), path
        assert "济源市人民政府" in footer.get_text(), path


def test_once_renders_a_macro_once_per_folder_and_arguments(seed_report):
    from reportsite import pages

    env = pages.make_env(SEED.parent.parent / "templates")
    common = pages.SiteContext(seed_report).common()
    a = pages._page_helpers(env, common, "units/a.html")
    b = pages._page_helpers(env, common, "units/b.html")
    top = pages._page_helpers(env, common, "matrix.html")
    assert (a["nav"], b["nav"], top["nav"]) == ("units", "units", "matrix")
    header = a["once"]("site_header", "units")
    assert b["once"]("site_header", "units") is header  # the same folder and section: the same Markup
    assert '<a href="../index.html">首页</a>' in header
    assert '<a href="index.html" aria-current="page">责任单位</a>' in header
    assert top["once"]("site_header", "matrix") is not header
    assert '<a href="matrix.html" aria-current="page">责任矩阵</a>' in top["once"]("site_header", "matrix")
    keys = {k for k in common["_fragments"] if isinstance(k, tuple) and k[0] == "site_header"}
    assert keys == {("site_header", "units", "units"), ("site_header", ".", "matrix")}


def test_templates_escape_every_kind_of_value_as_markupsafe_does():
    """{{ … }} in our templates escapes with a faster function than MarkupSafe's escape() (pages.
    _fast_escape_template); the text must be the same for every kind of value."""
    import jinja2
    import markupsafe

    from reportsite import pages

    class Html:
        def __html__(self):
            return "<b>safe</b>"

    class Text(str):
        pass

    values = [
        '<script>alert("x") & \'y\'</script>', "", "住房和城乡建设局", 0, -12, 3.5, True, None,
        markupsafe.Markup("<i>kept</i>"), Html(), Text("<sub>"), ["<a>", 1], {"k": "<v>"},
    ]  # fmt: skip
    ours = pages.make_env(SEED.parent.parent / "templates").from_string("{% for v in values %}[{{ v }}]{% endfor %}")
    plain = jinja2.Environment(autoescape=True).from_string("{% for v in values %}[{{ v }}]{% endfor %}")
    assert ours.root_render_func.__globals__["escape"] is not markupsafe.escape  # the fast one is in use
    assert ours.render(values=values) == plain.render(values=values)
    assert ours.render(values=values[:1]) == "[&lt;script&gt;alert(&#34;x&#34;) &amp; &#39;y&#39;&lt;/script&gt;]"


def test_template_calls_of_plain_helpers_skip_jinjas_checks_and_others_keep_them():
    """Helpers marked pages.plain() are called straight away by the template context
    (pages._fast_call_context), without the loop variables Jinja hands to call(); any other callable
    still goes through Jinja's call(), so one that asks for the context gets it."""
    import jinja2

    from reportsite import pages

    seen = []

    @pages.plain
    def helper(*args, **kwargs):
        seen.append((args, kwargs))
        return f"<{args[0]}>"

    @jinja2.pass_context
    def page_of(context):
        return context["page_path"]

    env = pages.make_env(SEED.parent.parent / "templates")
    source = "{% for i in [1, 2] %}{% set j = i * 10 %}{{ helper(j) }}{% endfor %} {{ page_of() }}"
    out = env.from_string(source).render(helper=helper, page_of=page_of, page_path="units/a.html")
    assert out == "&lt;10&gt;&lt;20&gt; units/a.html"
    assert seen == [((10,), {}), ((20,), {})]
    assert issubclass(env.context_class, jinja2.runtime.Context) and env.context_class is not jinja2.runtime.Context


def test_a_templates_mistake_on_shared_values_reads_as_on_any_dict_or_list():
    """Task views and the navigation are SharedDict and SharedList (pages.py): a template's mistake
    on them says what it says on a plain dict or list, not the class's name."""
    import jinja2
    import pytest

    from reportsite import pages

    env = pages.make_env(SEED.parent.parent / "templates")
    view, nav = pages.SharedDict(number=29), pages.SharedList([{"number": 1}])
    assert env.from_string("{{ t.number }} {{ t['number'] }} {{ nav[0].number }}").render(t=view, nav=nav) == "29 29 1"
    for source, message in (
        ("{{ t.mayor }}", "'dict object' has no attribute 'mayor'"),
        ("{{ t['mayor'] }}", "'dict object' has no attribute 'mayor'"),
        ("{{ nav[3] }}", "list object has no element 3"),
    ):
        with pytest.raises(jinja2.UndefinedError) as raised:
            env.from_string(source).render(t=view, nav=nav)
        assert str(raised.value) == message


def test_relative_links_are_what_posixpath_relpath_gives_without_the_working_folder(monkeypatch):
    """pages._relpath works from the two site paths alone (relpath asks the OS for the working
    folder twice a call): the same answer for every kind of page folder and target."""
    import os
    import posixpath

    from reportsite import pages

    targets = [
        *("index.html", "units/index.html", "units/a.html", "units/a_2.html", "chapters/3.html"),
        *("chapters/3-2.html", "assets/style.css", "data/units/a.csv", "matrix-2.html", "units"),
    ]
    folders = [".", "units", "chapters", "data/units", "assets", "a/b"]
    expected = {(t, f): posixpath.relpath(t, f) for t in targets for f in folders}
    pages._relpath.cache_clear()
    monkeypatch.setattr(os, "getcwd", lambda: (_ for _ in ()).throw(AssertionError("getcwd asked")))
    assert {(t, f): pages._relpath(t, f) for t in targets for f in folders} == expected
    assert pages.relative("units/a.html#lead-ch2", "chapters/1.html") == "../units/a.html#lead-ch2"
    assert pages.relative("#task-5", "chapters/1.html") == "1.html#task-5"
    pages._relpath.cache_clear()


def test_notes_and_hints_use_this_reports_words(seed_site, full_site, tmp_path):
    """The home page's count legend follows report.labels; the search page's examples and the
    collective-unit notes come from the report itself, not from the Jiyuan seed."""
    assert "括号内为牵头 / 责任任务数" in soup(seed_site / "index.html").select_one("#units-h ~ .note").get_text()
    assert "括号内为牵头 / 配合任务数" in soup(full_site / "index.html").select_one("#units-h ~ .note").get_text()
    # the busiest unit with an alias (发展改革委员会: 发改委) and the middle task's number
    hint = soup(seed_site / "search.html").select_one("#search-app .note").get_text()
    assert "（如 发改委）" in hint and "（如 72、第72项）" in hint
    hint = soup(full_site / "search.html").select_one("#search-app .note").get_text()
    assert "（如 县发改委）" in hint and "住建局" not in hint
    assert "经集体单位（如“各街道办事处”）分配的任务计入成员单位" in soup(seed_site / "units/index.html").get_text()
    assert "经集体单位（如“各乡镇人民政府”）分配的任务计入成员单位" in soup(full_site / "units/index.html").get_text()
    # a report without collective units says nothing of them
    from util import run_cli, write

    content = write(
        tmp_path,
        "report: {title: 2021年政府工作报告重点工作责任分工, issuer: 某县人民政府, year: 2021}\n"
        "units:\n  - {name: 县财政局, kind: department}\n"
        "chapters:\n  - title: 主要目标\n    tasks:\n      - {number: 1, text: 一般公共预算收入增长6%。, lead: [县财政局]}\n",
    )
    code, _, err = run_cli("--content", str(content), "--out", str(tmp_path / "site"), "-q")
    assert code == 0, err
    assert "集体单位" not in soup(tmp_path / "site" / "units/index.html").get_text()
    assert "（如 县财政局），或任务编号（如 1、第1项）" in soup(tmp_path / "site" / "search.html").get_text()
