"""Accessibility: axe-core on every kind of page, keyboard-only use, landmarks, headings, contrast.

Page kinds are discovered from the built sites (the body's `page-…` class), so pages other features
add (search, targets, …) are checked as soon as they exist. Three builds: the real content, the
fixture with every optional feature, and the progress fixture (statuses, deadlines, notes).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from util import ROOT, soup

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SITES = ["seed_site", "full_site", "progress_site"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# every page kind the site had when this test was written: a kind that disappears is a failure too
KNOWN_KINDS = {
    "page-home",
    "page-chapter",
    "page-unit",
    "page-units",
    "page-matrix",
    "page-tasks",
    "page-search",
    "page-targets",
}
FOCUSABLE = (
    "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), "
    "textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])"
)


def page_kinds(site: Path) -> dict[str, Path]:
    """kind -> the largest page of that kind (most content, most to check)."""
    kinds: dict[str, Path] = {}
    for path in sorted(site.rglob("*.html")):
        classes = soup(path).body.get("class") or []
        kind = next((c for c in classes if c.startswith("page-")), "dir-" + path.parent.name)
        if kind not in kinds or path.stat().st_size > kinds[kind].stat().st_size:
            kinds[kind] = path
    return kinds


def cases() -> list:
    return [pytest.param(site, id=site.removesuffix("_site")) for site in SITES]


@pytest.fixture(scope="module")
def axe_source() -> str:
    assert AXE.exists(), "axe-core missing: run `bash scripts/setup.sh --all` (npm ci)"
    return AXE.read_text(encoding="utf-8")


def open_page(page, site: Path, path: Path) -> None:
    url = path.as_uri()
    if path.name == "search.html":  # with results: search for the busiest unit's name
        url += "?q=" + busiest_unit(site)
    page.goto(url)
    if path.name == "search.html":
        page.wait_for_function("document.querySelectorAll('#search-results li a').length > 0", timeout=15_000)


def busiest_unit(site: Path) -> str:
    biggest = max((site / "units").glob("*.html"), key=lambda p: (p.name != "index.html", p.stat().st_size))
    return soup(biggest).h1.get_text(strip=True)


def run_axe(page, axe_source: str) -> dict:
    # evaluated through the debugging protocol, so the page's own CSP stays on (no injected <script>)
    page.evaluate("src => { (0, eval)(src); }", axe_source)
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS
    )


@pytest.mark.parametrize("site_name", cases())
def test_every_kind_of_page_has_no_axe_violations(request, page, axe_source, site_name):
    site = request.getfixturevalue(site_name)
    kinds = page_kinds(site)
    if site_name == "seed_site":
        assert KNOWN_KINDS <= set(kinds), sorted(kinds)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    found = {}
    for kind, path in sorted(kinds.items()):
        open_page(page, site, path)
        result = run_axe(page, axe_source)
        found[kind] = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
            for v in result["violations"]
        ]
    assert found == {k: [] for k in kinds}
    assert errors == []


def focus_ring(page) -> dict:
    return page.evaluate(
        """() => { const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();
        return {tag: e.tagName, index: e.getAttribute('data-qa-focus'), outline: s.outlineStyle,
                width: parseFloat(s.outlineWidth), shadow: s.boxShadow,
                visible: r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0
                         && r.left < innerWidth && r.top < innerHeight}; }"""
    )


def tab_walk(page) -> tuple[int, list[dict]]:
    """Number every focusable element, then press Tab until focus comes back round."""
    total = page.evaluate(
        """sel => { const all = [...document.querySelectorAll(sel)].filter(e => e.getClientRects().length > 0
                     || e.classList.contains('skip-link'));
        all.forEach((e, i) => e.setAttribute('data-qa-focus', String(i))); return all.length; }""",
        FOCUSABLE,
    )
    visits = []
    for _ in range(total + 3):
        page.keyboard.press("Tab")
        ring = focus_ring(page)
        if ring["tag"] == "BODY" or (visits and ring["index"] == visits[0]["index"]):
            break  # focus left the page (to the browser's own controls) or came round
        visits.append(ring)
    return total, visits


@pytest.mark.parametrize("site_name", ["full_site", "progress_site"])
def test_keyboard_alone_reaches_every_link_and_control_with_a_visible_focus_ring(request, page, site_name):
    site = request.getfixturevalue(site_name)
    for kind, path in sorted(page_kinds(site).items()):
        open_page(page, site, path)
        total, visits = tab_walk(page)
        where = f"{kind} {path.relative_to(site)}"
        assert visits[0]["tag"] == "A" and visits[0]["index"] == "0", where  # the skip link first
        reached = sorted({int(v["index"]) for v in visits if v["index"] is not None})
        assert reached == list(range(total)), f"{where}: Tab never reaches {sorted(set(range(total)) - set(reached))}"
        for v in visits:
            assert v["outline"] != "none" and v["width"] >= 2, f"{where}: no focus ring on {v}"
            assert v["visible"], f"{where}: focused element off screen: {v}"


def test_the_skip_link_appears_on_focus_and_leads_to_the_content(seed_site, page):
    page.goto((seed_site / "chapters" / "2.html").as_uri())
    skip = page.locator("a.skip-link")
    assert not skip.is_visible() or skip.bounding_box()["x"] < 0  # off screen until focused
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    box = skip.bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0 and box["width"] > 0
    assert skip.inner_text() == "跳到正文"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    first_in_main = page.evaluate(
        "document.querySelector('main').querySelector('a[href], button, input, select').getAttribute('href')"
    )
    assert page.evaluate("document.activeElement.getAttribute('href')") == first_in_main


def test_the_real_sites_home_and_matrix_are_keyboard_complete(seed_site, page):
    for rel in ("index.html", "matrix.html"):
        page.goto((seed_site / rel).as_uri())
        total, visits = tab_walk(page)
        reached = {int(v["index"]) for v in visits if v["index"] is not None}
        assert reached == set(range(total)), rel
        assert all(v["outline"] != "none" and v["width"] >= 2 for v in visits), rel
    # the matrix sort buttons (added by site.js) are among them and work from the keyboard
    page.locator("#matrix thead th[data-sort='total'] > button").focus()
    page.keyboard.press("Enter")
    assert page.locator("#matrix thead th[data-sort='total']").get_attribute("aria-sort") == "descending"
    totals = [int(x) for x in page.eval_on_selector_all("#matrix tbody tr", "rs => rs.map(r => r.dataset.total)")]
    assert totals == sorted(totals, reverse=True) and len(totals) == 59
    # the same column again: the other way round, shown by aria-sort and the arrow
    page.keyboard.press("Enter")
    assert page.locator("#matrix thead th[data-sort='total']").get_attribute("aria-sort") == "ascending"
    totals = [int(x) for x in page.eval_on_selector_all("#matrix tbody tr", "rs => rs.map(r => r.dataset.total)")]
    assert totals == sorted(totals)
    arrow = "getComputedStyle(document.querySelector(\"#matrix th[data-sort='total'] button\"), '::after').content"
    assert page.evaluate(arrow) == '" ▲"'
    # a chapter's button keeps the chapter's title (its link's tooltip) as its tooltip and in its name
    second = page.locator("#matrix thead th[data-sort='chapter-2'] > button")
    assert second.inner_text().startswith("二")
    assert second.get_attribute("title") == "保持经济平稳运行,强化高质量发展支撑"
    assert second.get_attribute("aria-label") == "第二章 保持经济平稳运行,强化高质量发展支撑：排序"


@pytest.mark.parametrize("site_name", cases())
def test_landmarks_one_h1_and_language_on_every_page(request, site_name):
    site = request.getfixturevalue(site_name)
    pages = sorted(site.rglob("*.html"))
    for path in pages:
        doc = soup(path)
        where = path.relative_to(site)
        assert doc.html["lang"] == "zh-CN", where
        assert doc.title.get_text(strip=True), where
        assert len(doc.find_all("h1")) == 1, where
        assert len(doc.find_all("main")) == 1 and doc.main["id"] == "main", where
        assert len(doc.body.find_all("header", recursive=False)) == 1, where
        assert len(doc.body.find_all("footer", recursive=False)) == 1, where
        assert all(n.get("aria-label") for n in doc.find_all("nav")), where
        first = doc.body.find(["a", "button", "input", "select", "textarea"])
        assert first.get("class") == ["skip-link"] and first["href"] == "#main", where
        levels = [int(h.name[1]) for h in doc.find_all(re.compile(r"^h[1-6]$"))]
        steps = zip(levels, levels[1:], strict=False)
        assert levels[0] == 1 and all(b - a <= 1 for a, b in steps), f"{where}: {levels}"


def _luminance(rgb: tuple[float, ...]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg: str, bg: str) -> float:
    a, b = (_luminance(tuple(float(x) for x in re.findall(r"[\d.]+", c))) for c in (fg, bg))
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def test_matrix_shading_keeps_aa_contrast(seed_site, page):
    """Every shade of the matrix, with the text that sits on it (cell links, bold lead counts)."""
    page.goto((seed_site / "matrix.html").as_uri())
    pairs = page.evaluate(
        """() => { const out = {};
        for (const td of document.querySelectorAll('#matrix td[class], #matrix tfoot td, #matrix tfoot th')) {
          const text = td.querySelector('a, b') || td;
          const key = td.className || 'tfoot';
          if (!(key in out) && td.textContent.trim())
            out[key] = [getComputedStyle(text).color, getComputedStyle(td).backgroundColor];
        } return out; }"""
    )
    assert {"level-1", "level-2", "level-3", "level-4", "row-total"} <= set(pairs), pairs
    for key, (fg, bg) in pairs.items():
        assert contrast(fg, bg) >= 4.5, (key, fg, bg, round(contrast(fg, bg), 2))
    # and the focus ring around a shaded cell's link stands out from the darkest shade (3:1, WCAG 2.2)
    page.locator("#matrix td.level-4 a").first.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    ring = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    dark = page.evaluate("getComputedStyle(document.querySelector('#matrix td.level-4')).backgroundColor")
    shadow = page.evaluate("getComputedStyle(document.activeElement).boxShadow")
    assert contrast(ring, dark) >= 3 or contrast(re.match(r"rgba?\([^)]*\)", shadow).group(0), dark) >= 3


def wider_than_the_page(page, scroll_boxes: bool = True) -> dict:
    """The page's scroll width, its width and (up to 5) elements reaching past it; scroll_boxes: but
    for those inside the matrix's and tables' own scrolling boxes."""
    return page.evaluate(
        """skip => {
        const width = document.documentElement.clientWidth, wide = [];
        for (const el of document.querySelectorAll('body *')) {
          if (skip && el.closest('.matrix-scroll, .table-scroll')) continue;
          const r = el.getBoundingClientRect();
          if (r.width && r.right > width + 0.5) wide.push(`${el.tagName.toLowerCase()}#${el.id} ${Math.round(r.right)}px`);
        }
        return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5)};
        }""",
        scroll_boxes,
    )


@pytest.mark.parametrize("site_name", cases())
def test_every_kind_of_page_reflows_at_320_css_pixels(request, browser, site_name):
    """WCAG 1.4.10 (a phone, or 400 % zoom): no page scrolls sideways at 320 CSS pixels; only the
    matrix and the status tables scroll, inside their own boxes. The search page is checked with
    its results and filters shown (its chapter filter, as wide as the longest chapter title,
    made the page 381 px wide until 29 Nov 2026)."""
    site = request.getfixturevalue(site_name)
    page = browser.new_page(viewport={"width": 320, "height": 640})
    try:
        found = {}
        for kind, path in sorted(page_kinds(site).items()):
            open_page(page, site, path)
            found[kind] = wider_than_the_page(page)
            if kind == "page-targets":  # its table scrolls in its box, with the text column still readable
                text_column = page.evaluate(
                    "() => document.querySelector('.targets-table td:nth-child(2)').getBoundingClientRect().width"
                )
                assert text_column >= 13 * 16, text_column  # 14rem less its borders (it had 0 until 29 Nov 2026)
        assert found == {kind: {"scroll": 320, "width": 320, "wide": []} for kind in found}
    finally:
        page.close()
