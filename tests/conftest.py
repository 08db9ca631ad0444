"""Shared fixtures: the real content built once per session, a headless Chromium, a local HTTP server."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

from util import FIXTURES, ROOT, SEED, run_cli


def _loaded(content: Path):
    from reportsite.loader import load

    report, _ = load(str(content))
    return report


def _built(tmp_path_factory, content: Path, name: str) -> Path:
    out = tmp_path_factory.mktemp(name) / "site"
    code, _, err = run_cli("--content", str(content), "--out", str(out), "-q")
    assert code == 0, err
    return out


@pytest.fixture(scope="session")
def seed_report():
    return _loaded(SEED)


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory) -> Path:
    """The real content/tasks.yaml built into a temporary folder (read-only use, please)."""
    return _built(tmp_path_factory, SEED, "seed")


@pytest.fixture(scope="session")
def full_site(tmp_path_factory) -> Path:
    """tests/fixtures/full-features.yaml (every optional feature) built once (read-only use, please)."""
    return _built(tmp_path_factory, FIXTURES / "full-features.yaml", "full")


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright for Python (never `playwright install`)."""
    from playwright.sync_api import sync_playwright

    exe = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    pg = context.new_page()
    yield pg
    context.close()


class _PrefixHandler(http.server.SimpleHTTPRequestHandler):
    prefix = "/"

    def translate_path(self, path):
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "__not_found__")
        return super().translate_path("/" + path[len(self.prefix):])

    def log_message(self, *args):  # keep test output quiet
        pass


@pytest.fixture(scope="session")
def serve_dir():
    """serve_dir(folder, prefix='/reports/2021/') -> base URL of a loopback HTTP server for it."""
    servers = []

    def start(folder: Path, prefix: str = "/reports/2021/") -> str:
        handler = functools.partial(type("H", (_PrefixHandler,), {"prefix": prefix}), directory=str(folder))
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        return f"http://127.0.0.1:{httpd.server_address[1]}{prefix}"

    yield start
    for s in servers:
        s.shutdown()
        s.server_close()


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


PROGRESS_FIXTURE = FIXTURES / "progress" / "tasks.yaml"  # with progress/2021-06.yaml beside it


@pytest.fixture(scope="session")
def progress_report():
    return _loaded(PROGRESS_FIXTURE)


@pytest.fixture(scope="session")
def progress_site(tmp_path_factory) -> Path:
    """tests/fixtures/progress/ (every status, an overdue task, Markdown notes) built once (read-only use)."""
    return _built(tmp_path_factory, PROGRESS_FIXTURE, "progress")
