"""Valid HTML: every built page passes the Nu HTML Checker (vnu.jar from npm, the machine's Java).

vnu starts slowly, so it runs once over every page and stylesheet of three builds (the real content,
the fixture with every optional feature and the progress fixture with statuses and Markdown notes)
plus a deliberately broken canary page and stylesheet that prove it really checked.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from util import ROOT

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@pytest.fixture(scope="module")
def vnu_messages(seed_site, full_site, progress_site, tmp_path_factory) -> tuple[list[Path], dict[Path, list[dict]]]:
    assert VNU.exists(), "vnu.jar missing: run `bash scripts/setup.sh --all` (npm ci)"
    java = shutil.which("java")
    assert java, "java missing: run `bash scripts/setup.sh --all`"
    canary_dir = tmp_path_factory.mktemp("canary")
    canary = canary_dir / "canary.html"
    html = (full_site / "index.html").read_text(encoding="utf-8")
    canary.write_text(html.replace("</main>", '<p id="main">twice</p></main>', 1), encoding="utf-8")
    (canary_dir / "canary.css").write_text("a { colr: red; }\n", encoding="utf-8")
    pages = [p for site in (seed_site, full_site, progress_site) for p in sorted(site.rglob("*.html"))]
    pages += sorted(seed_site.rglob("*.css"))  # the stylesheets too (print CSS lives in files, not <style>)
    proc = subprocess.run(
        [
            java,
            "-jar",
            str(VNU),
            "--errors-only",
            "--also-check-css",
            "--format",
            "json",
            "--exit-zero-always",
            *map(str, pages),
            str(canary),
            str(canary_dir / "canary.css"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = json.loads(proc.stderr or proc.stdout)
    by_file: dict[Path, list[dict]] = {}
    for m in report["messages"]:
        by_file.setdefault(Path(unquote(urlparse(m.get("url", "")).path)), []).append(m)
    return pages + [canary], by_file


def test_every_page_is_valid_html(vnu_messages, seed_site, full_site):
    pages, by_file = vnu_messages
    assert len([p for p in pages if seed_site in p.parents]) >= 8 + 59 + 3
    problems = [
        f"{path}:{m.get('lastLine')}:{m.get('firstColumn')}: {m['type']}: {m['message']}"
        for path, messages in sorted(by_file.items())
        if not path.name.startswith("canary.")
        for m in messages
    ]
    assert problems == []


def test_the_checker_really_reads_the_pages(vnu_messages):
    """The canary page carries a duplicate id, the canary stylesheet a misspelt property: vnu must
    report exactly those, on those files."""
    pages, by_file = vnu_messages
    canary = [p for p in by_file if p.name == "canary.html"]
    assert len(canary) == 1
    messages = by_file[canary[0]]
    assert [m["type"] for m in messages] == ["error"]
    assert "Duplicate ID" in messages[0]["message"] and "main" in messages[0]["message"]
    css = [p for p in by_file if p.name == "canary.css"]
    assert [m["message"] for m in by_file[css[0]]] == ["CSS: “colr”: Property “colr” doesn't exist."]
