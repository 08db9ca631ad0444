"""Quantified targets: the quantities of the real task texts, the targets page, highlighting on chapter pages."""

from __future__ import annotations

from util import MINIMAL, run_cli, soup, write

from reportsite import targets

# Every (task, quantity) of the 2021 Jiyuan report, in document order, checked by reading the notice.
EXPECTED = [
    (1, "8%"), (2, "8.5%"), (3, "7%"), (4, "10%"), (5, "6%以上"), (7, "1.3个百分点左右"), (8, "5.5%以内"),
    (9, "2000余张"), (10, "2万名"), (14, "4条"), (16, "78万立方米"),
    (19, "500个"), (19, "160个"), (19, "300亿元"), (29, "5个"),
    (49, "16条"), (53, "37公里"), (58, "3万户以上"),
    (65, "2.9万亩"), (65, "2.3亿公斤以上"), (72, "65公里"),
    (90, "50公顷"), (90, "2.28万亩"),
    (93, "2个"), (93, "1个"), (93, "15个"), (93, "2.6万亩"), (93, "6.45万亩"), (93, "2.8万亩"),
    (104, "285万平方米"), (104, "215万平方米"), (105, "500余套"), (106, "47个"), (106, "5000户2万余人"),
    (107, "30公里"), (109, "4个"),
    (113, "2.5万人次"), (113, "1600人"), (113, "1.5万人以上"), (113, "2500人"), (113, "4500人"), (113, "2300人"),
    (124, "6栋638套"), (132, "15座"), (134, "5万人次以上"), (134, "2000场(次)"),
]  # fmt: skip


def test_seed_quantities_match_the_table(seed_report):
    found = [(t.number, q.text) for t in seed_report.tasks for q in targets.find(t.text)]
    assert found == EXPECTED


def test_measures_are_the_clause_of_the_quantity(seed_report):
    measures = {(t.number, q.text): q.measure for t in seed_report.tasks for q in targets.find(t.text)}
    assert measures[(9, "2000余张")] == "拟设置2000余张床位"
    assert measures[(16, "78万立方米")] == "蓄水量78万立方米"
    assert measures[(19, "300亿元")] == "完成投资300亿元"
    assert measures[(65, "2.9万亩")] == "建设高标准农田2.9万亩"
    assert measures[(93, "1个")] == "森林特色小镇1个"  # 、 ends a clause too
    assert measures[(124, "6栋638套")] == "建设富士花园二期公租房6栋638套"


def test_dates_names_and_chinese_numerals_are_not_targets(seed_report):
    texts = {t.number: t.text for t in seed_report.tasks}
    assert "2021年" in texts[42] and targets.find(texts[42]) == ()
    assert "“5163”工程" in texts[19] and all("5163" not in q.text for q in targets.find(texts[19]))
    assert "5G" in texts[39] and targets.find(texts[39]) == ()
    assert "三纵三横一环" in texts[14] and [q.text for q in targets.find(texts[14])] == ["4条"]
    assert "“1+N”" in texts[20] and targets.find(texts[20]) == ()
    assert "“1+16”" in texts[85] and targets.find(texts[85]) == ()
    assert "“企业服务110”" in texts[35] and targets.find(texts[35]) == ()
    assert "60岁" in texts[110] and targets.find(texts[110]) == ()
    assert "延长30年" in texts[75] and targets.find(texts[75]) == ()
    for text, expected in [
        ("第3次会议", []),
        ("建设5G基站100个", ["100个"]),
        ("投资１２亿元", ["１２亿元"]),
        ("新建“3个100”工程", []),
        ("造林6.45万亩，抚育2.8万亩", ["6.45万亩", "2.8万亩"]),
    ]:
        assert [q.text for q in targets.find(text)] == expected, text


def test_segments_cover_the_text(seed_report):
    for t in seed_report.tasks:
        segs = targets.segments(t.text)
        assert "".join(s for s, _ in segs) == t.text
        assert [s for s, q in segs if q] == [q.text for q in targets.find(t.text)]


def test_targets_page(seed_site, seed_report):
    doc = soup(seed_site / "targets.html")
    rows = doc.select("table.targets-table tbody tr")
    assert [(int(r["data-task"]), r.select_one(".quantity-cell").get_text()) for r in rows] == EXPECTED
    headings = [h.get_text(strip=True) for h in doc.select("section.targets-block h2")]
    assert [h.split("、")[0] for h in headings] == ["一", "二", "四", "五", "七", "八"]  # chapters 3 and 6 have none
    row = doc.select_one('tr[data-task="124"]')
    cells = row.find_all("td")
    assert cells[1].get_text() == "建设富士花园二期公租房6栋638套" and cells[1].mark.get_text() == "6栋638套"
    assert cells[2].a["href"] == "chapters/8.html#task-124" and cells[2].get_text() == "第124项"
    assert [a.get_text() for a in cells[3].find_all("a")] == list(seed_report.task_by_number[124].lead)
    assert [a.get_text() for a in cells[4].find_all("a")] == list(seed_report.task_by_number[124].responsible)
    assert "46 个量化指标（涉及 29 项任务）" in doc.select_one("p.note").get_text()
    assert soup(seed_site / "index.html").find("a", href="targets.html")


def test_quantities_highlighted_on_chapter_pages(seed_site):
    doc = soup(seed_site / "chapters" / "1.html")
    assert [m.get_text() for m in doc.select("mark.quantity")] == ["8%", "8.5%", "7%", "10%", "6%以上", "1.3个百分点左右", "5.5%以内"]
    p = soup(seed_site / "chapters" / "8.html").select_one("#task-113 .task-text")
    assert p.get_text().startswith("113继续做好援企稳岗工作")
    assert len(p.select("mark.quantity")) == 6


def test_task_text_stays_escaped_around_quantities(tmp_path):
    content = write(tmp_path, MINIMAL.replace("text: 第一项任务。", "text: 建设<b>学校</b>5所,<script>x</script>。"))
    out = tmp_path / "site"
    code, _, err = run_cli("--content", str(content), "--out", str(out), "-q")
    assert code == 0, err
    p = soup(out / "chapters" / "1.html").select_one("#task-1 .task-text")
    assert p.find("b") is None and p.find("script") is None
    assert p.mark.get_text() == "5所" and "<b>学校</b>" in p.get_text()


def test_targets_on_a_phone_are_cards_with_the_task_and_units_on_screen(seed_site, page):
    """At 390 px the five-column table would hide the task and its units off to the right: each row
    is a card instead, every cell under its column's name, and no empty 牵头单位 line."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto((seed_site / "targets.html").as_uri())
    row = page.locator('.targets-table tr[data-task="9"]').first
    assert row.evaluate("r => getComputedStyle(r).display") == "block"
    link = row.locator("a", has_text="第9项")
    box = link.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
    labels = row.locator("td").evaluate_all("tds => tds.map(td => getComputedStyle(td, '::before').content)")
    assert labels == ["none", '"原文："', '"任务："', '"牵头单位："', '"责任单位："']
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    first = page.locator('.targets-table tr[data-task="1"]').first  # task 1 has no lead unit
    assert first.locator("td").nth(3).evaluate("td => getComputedStyle(td).display") == "none"
    page.set_viewport_size({"width": 1280, "height": 900})  # a desktop keeps the table
    assert row.evaluate("r => getComputedStyle(r).display") == "table-row"
