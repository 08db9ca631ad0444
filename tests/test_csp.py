"""Locked-down output: a CSP on every page, nothing inline that could run, no request to another host.

Checked on every file of three builds: the real content, the fixture with every optional feature and
the progress fixture, so pages and files added by other features (search, exports, targets…) are
covered as they appear.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from util import FIXTURES, SEED, soup

EXPECTED_CSP = {
    "default-src": ["'none'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
}
ALLOWED_SOURCES = {"'self'", "'none'", "data:"}
URL_ATTRS = ("href", "src", "action", "formaction", "poster", "data", "cite", "srcset", "xlink:href")
# any scheme followed by '//' and a host or a path (http://x, https://x, ftp://x, file:///x); prose
# such as "works on file://." is not a URL
# a URL ends at a space, a quote or a bracket, ASCII or full-width (the exports write 文字（https://…）)
ABSOLUTE_URL = re.compile(r"(?i)\b[a-z][a-z0-9+.-]*://[a-z0-9\[/][^\s\"'<>)）。，；、]*")
PROTOCOL_RELATIVE = re.compile(r"""(?i)(?:url\(\s*["']?|(?:href|src|action)\s*=\s*["']?)//""")


def _policy(content: str) -> dict[str, list[str]]:
    out = {}
    for part in content.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


SOURCES = {
    "seed_site": [SEED],
    "full_site": [FIXTURES / "full-features.yaml"],
    "progress_site": sorted((FIXTURES / "progress").rglob("*.yaml")),  # Markdown notes with links
}


@pytest.fixture(params=sorted(SOURCES))
def built(request) -> Path:
    return request.getfixturevalue(request.param)


@pytest.fixture
def typed_urls(request) -> set[str]:
    """URLs the user wrote in the content (links in progress notes): the only ones allowed, as links."""
    name = request.node.callspec.params["built"]
    return {u for f in SOURCES[name] for u in ABSOLUTE_URL.findall(f.read_text(encoding="utf-8"))}


def test_every_page_has_a_strict_csp(built):
    pages = sorted(built.rglob("*.html"))
    assert len(pages) >= 8
    for path in pages:
        head = soup(path).head
        metas = head.find_all("meta", attrs={"http-equiv": re.compile("^content-security-policy$", re.I)})
        assert len(metas) == 1, path
        policy = _policy(metas[0]["content"])
        for directive, sources in EXPECTED_CSP.items():
            assert policy.get(directive) == sources, (path, directive, policy)
        for directive, sources in policy.items():
            assert set(sources) <= ALLOWED_SOURCES, (path, directive, sources)
        # the policy must come before anything it governs
        first = head.find(["script", "link", "style"])
        assert first is None or metas[0].sourceline < first.sourceline, path


def test_nothing_inline_can_run_or_style(built):
    for path in sorted(built.rglob("*.html")):
        doc = soup(path)
        for script in doc.find_all("script"):
            assert script.get("src"), f"{path}: inline <script>"
            assert not script.get_text().strip(), f"{path}: <script src> with inline code"
            assert not re.match(r"(?i)^[a-z][a-z0-9+.-]*:|//", script["src"]), f"{path}: {script['src']}"
        assert not doc.find_all("style"), f"{path}: <style> element"
        for tag in doc.find_all(True):
            for attr, value in tag.attrs.items():
                assert not attr.lower().startswith("on"), f"{path}: <{tag.name} {attr}=…>"
                assert attr.lower() != "style", f"{path}: <{tag.name} style=…>"
                if attr.lower() in URL_ATTRS:
                    v = " ".join(value) if isinstance(value, list) else value
                    assert not re.match(r"(?i)^\s*(javascript|vbscript|data):", v), f"{path}: {attr}={v}"
        for link in doc.find_all("link", rel="stylesheet"):
            assert not re.match(r"(?i)^[a-z][a-z0-9+.-]*:|//", link["href"]), f"{path}: {link['href']}"


def test_no_url_of_another_host_in_any_file(built, typed_urls):
    """HTML, CSS, JS, JSON, CSV …: every file that is text is searched for absolute URLs. The only
    ones allowed are links the user wrote in a note, and in HTML only as <a href>, never a resource."""
    checked = set()
    for path in sorted(p for p in built.rglob("*") if p.is_file()):
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            continue  # binary (PDF, XLSX): their links are checked by the tests of those writers
        checked.add(path.suffix)
        found = [u for u in ABSOLUTE_URL.findall(text) if u not in typed_urls] + PROTOCOL_RELATIVE.findall(text)
        assert not found, f"{path.relative_to(built)}: {found[:5]}"
        if path.suffix == ".html" and typed_urls:
            for tag in soup(path).find_all(True):
                for attr, value in tag.attrs.items():
                    if isinstance(value, str) and ABSOLUTE_URL.match(value):
                        assert (tag.name, attr) == ("a", "href"), (
                            f"{path.relative_to(built)}: <{tag.name} {attr}={value}>"
                        )
    assert {".html", ".css", ".js"} <= checked


@pytest.mark.parametrize("where", ["file", "http"])
def test_the_csp_lets_the_sites_own_script_and_style_run(seed_site, page, serve_dir, where):
    """Under file:// Chromium treats 'self' strictly; from a server under a sub-path 'self' is the
    server. Either way the site's own script files and stylesheet must still apply."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    base = seed_site.as_uri() + "/" if where == "file" else serve_dir(seed_site, "/reports/2021/")
    page.goto(base + "search.html?q=污水")
    # the search page's scripts (index in classic script files) ran and found tasks
    page.wait_for_function("document.querySelectorAll('#search-results li').length > 0", timeout=15_000)
    page.goto(base + "matrix.html")
    # site.js ran: the matrix header cells became sort buttons (unit, 8 chapters, total)
    assert page.locator("#matrix thead th[data-sort] > button").count() == 10
    page.locator("#matrix thead th[data-sort='total'] > button").click()
    assert page.locator("#matrix thead th[data-sort='total']").get_attribute("aria-sort") == "descending"
    # style.css applied: the header has the accent background
    bg = page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
    assert bg == "rgb(164, 22, 26)"
    assert errors == []


def test_an_inline_script_would_be_refused(tmp_path, seed_site, page):
    """The policy really bites: a copy of a page with an inline script added does not run it."""
    html = (seed_site / "index.html").read_text(encoding="utf-8")
    evil = html.replace("</body>", "<script>document.title = 'pwned'</script></body>")
    (tmp_path / "assets").symlink_to(seed_site / "assets")
    (tmp_path / "index.html").write_text(evil, encoding="utf-8")
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto((tmp_path / "index.html").as_uri())
    assert page.title() != "pwned"
    assert blocked
