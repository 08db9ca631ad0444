"""A link checker over the built site: every href/src resolves to a file, every #fragment to an id."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from util import soup


def check_links(site: Path) -> list[str]:
    ids: dict[Path, set[str]] = {}

    def ids_of(p: Path) -> set[str]:
        if p not in ids:
            ids[p] = {t["id"] for t in soup(p).find_all(id=True)} if p.suffix == ".html" else set()
        return ids[p]

    broken = []
    for page in sorted(site.rglob("*.html")):
        doc = soup(page)
        for tag in doc.find_all(["a", "link", "script", "img", "form"]):
            target = tag.get("href") or tag.get("src") or tag.get("action")
            if target is None:
                continue
            parts = urlsplit(target)
            if parts.scheme or parts.netloc:
                broken.append(f"{page}: external {target}")
                continue
            dest = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not dest.is_file():
                broken.append(f"{page.relative_to(site)}: {target} (no such file)")
            elif parts.fragment and parts.fragment not in ids_of(dest):
                broken.append(f"{page.relative_to(site)}: {target} (no id {parts.fragment})")
            elif site.resolve() not in dest.parents:
                broken.append(f"{page}: {target} leaves the site")
    return broken


def test_every_link_resolves(seed_site):
    assert check_links(seed_site) == []


def test_checker_finds_a_broken_link(tmp_path):
    (tmp_path / "a.html").write_text('<a href="b.html#x">b</a><a href="a.html#top">top</a>', encoding="utf-8")
    (tmp_path / "b.html").write_text('<p id="y"></p>', encoding="utf-8")
    assert check_links(tmp_path) == ["a.html: b.html#x (no id x)", "a.html: a.html#top (no id top)"]
