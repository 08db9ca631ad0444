"""`python build.py serve`: preview on 127.0.0.1, rebuild when the content or the templates change.

The loop polls modification times (no extra dependency), rebuilds in the same process (imports and
dictionaries stay warm, so the real report rebuilds well under a second) and rewrites only the files
whose bytes changed. A broken edit is printed, located, in the terminal, and shown in the browser
above the last good pages, which stay served until the content is fixed. Pages served here get two
extra same-origin resources (allowed by the pages' CSP): a stylesheet for the error banner and a
small script that reloads the page after each rebuild. Nothing of that is written to the site.
"""

from __future__ import annotations

import functools
import html
import http.server
import json
import os
import sys
import threading
import time
from pathlib import Path

from .errors import ContentError

PREFIX = "/__serve__/"
_LIVE_JS = """(function () {
  "use strict";
  var seen = null;
  function poll() {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", "/__serve__/state", true);
    xhr.onload = function () {
      if (xhr.status !== 200) return;
      var state = JSON.parse(xhr.responseText);
      if (seen !== null && state.generation !== seen) { location.reload(); return; }
      seen = state.generation;
    };
    xhr.send();
  }
  poll();
  setInterval(poll, 700);
})();
"""
_CSS = """.serve-error{position:sticky;top:0;z-index:1000;margin:0;padding:.75rem 1rem;background:#fdecea;
color:#611a15;border-bottom:3px solid #b3261e;font:14px/1.5 monospace;white-space:pre-wrap;
max-height:50vh;overflow:auto}
.serve-error strong{display:block;font-family:sans-serif;margin-bottom:.25rem}
"""


_EMPTY_PAGE = (
    b'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>error</title></head><body></body></html>'
)


class Preview:
    """The state shared by the watcher and the HTTP handler: the last build's outcome."""

    def __init__(
        self, content: Path, templates: Path, out: Path, jobs: int = 1, log=None, fresh: bool = False, pdf: bool = False
    ) -> None:
        self.content = content
        self.fresh = fresh  # render every page, never reusing those of the site being served
        self.pdf = pdf  # also the PDF handouts: only those whose HTML (or what makes them) changed are made again
        self.templates = templates
        self.out = out
        self.jobs = jobs
        self.log = log or functools.partial(print, flush=True)
        self.error: str | None = None
        self.generation = 0
        self.lock = threading.Lock()

    def watched(self) -> dict[str, tuple[int, int]]:
        """mtime and size of the content file, the files beside it (progress notes) and the templates."""
        stamps = {}
        roots = [self.templates, self.content.parent]
        for root in roots:
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and (Path(dirpath) / d) != self.out)
                for name in filenames:
                    p = os.path.join(dirpath, name)
                    if root == self.content.parent and not name.endswith((".yaml", ".yml")):
                        continue
                    try:
                        st = os.stat(p)
                    except OSError:
                        continue
                    stamps[p] = (st.st_mtime_ns, st.st_size)
        return stamps

    def rebuild(self) -> bool:
        from .cli import display_path
        from .loader import load
        from .parallel import gc_paused
        from .pdf import MissingGlyphs, terminal_progress
        from .reuse import read_previous
        from .site import build_site
        from .writer import sync

        started = time.perf_counter()
        try:
            with gc_paused():  # as build does: millions of objects and no garbage cycles
                report, warnings = load(str(self.content), display_path(str(self.content)))
            for w in warnings:
                self.log(str(w), file=sys.stderr)
            previous = None if self.fresh else read_previous(self.out)  # unchanged pages are reused
            try:
                site = build_site(
                    report,
                    self.templates,
                    pdf=self.pdf,
                    pdf_progress=terminal_progress() if self.pdf else None,  # `PDF 讲义 2/2`, as build shows it
                    jobs=self.jobs,
                    previous=previous,
                    in_place=True,
                )
            except MissingGlyphs as exc:  # a character the fonts lack: located in the content, as build does
                raise exc.located(report, self.content, display_path(str(self.content))) from None
            written, removed = sync(site, self.out)
        except ContentError as exc:
            text = "\n".join(str(p) for p in exc.problems)
            errors = sum(1 for p in exc.problems if not p.warning)
            self.log(
                f"{text}\n{errors} error{'s' if errors != 1 else ''}; {self._still()}",
                file=sys.stderr,
            )
            self._set(text)
            return False
        except Exception as exc:  # a template mistake must not stop the preview
            from .cli import template_error

            text = template_error(exc)  # located as `build` says it, from this process or a worker
            if text is None:
                text = f"{type(exc).__name__}: {exc}"
                loc = _template_location(exc)
                if loc:
                    text = f"{loc}: {text}"
            self.log(f"{text}\n{self._still()}", file=sys.stderr)
            self._set(text)
            return False
        elapsed = time.perf_counter() - started
        self.log(
            f"rebuilt in {elapsed:.2f} s: {written} file{'s' if written != 1 else ''} rewritten, {removed} removed"
            f"{site.reused_note()}"
        )
        self._set(None)
        return True

    def _still(self) -> str:
        """What the preview shows while the content is broken: the last good site, if there is one."""
        if (self.out / "index.html").exists():
            return "still serving the last good site."
        return "no site to serve yet: fix it and save, and the preview rebuilds."

    def _set(self, error: str | None) -> None:
        with self.lock:
            self.error = error
            self.generation += 1

    def watch(self, stop: threading.Event, stamps: dict | None = None, interval: float = 0.25) -> None:
        """Rebuild whenever the stamps change; `stamps` taken before the first build catch an edit made during it."""
        stamps = self.watched() if stamps is None else stamps
        while not stop.wait(interval):
            now = self.watched()
            if now != stamps:
                while not stop.wait(0.1):  # let the editor finish writing: wait until nothing moves
                    again = self.watched()
                    if again == now:
                        break
                    now = again
                stamps = now
                self.rebuild()


def _template_location(exc: Exception) -> str | None:
    name = getattr(exc, "filename", None) or getattr(exc, "name", None)
    line = getattr(exc, "lineno", None)
    if name and line:
        return f"{name}:{line}"
    return None


def make_handler(preview: Preview):
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(preview.out), **kwargs)

        def log_message(self, *args):  # the terminal shows builds and errors, not every request
            pass

        def end_headers(self):
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def do_GET(self):
            path = self.path.split("?", 1)[0].split("#", 1)[0]
            if path.startswith(PREFIX):
                return self._own(path[len(PREFIX) :])
            fs = Path(self.translate_path(self.path))
            if fs.is_dir():
                if not path.endswith("/"):
                    return super().do_GET()  # the redirect to the folder with a slash
                fs = fs / "index.html"
            if fs.suffix == ".html" and fs.is_file():
                return self._send(200, "text/html; charset=utf-8", _inject(fs.read_bytes(), preview))
            if path == "/favicon.ico" and not fs.exists():  # browsers ask; the site has none
                return self._send(204, "image/x-icon", b"")
            if preview.error and fs.suffix == ".html" and not fs.exists():  # no good build yet: the error alone
                page = _EMPTY_PAGE
                return self._send(500, "text/html; charset=utf-8", _inject(page, preview, built=False))
            return super().do_GET()

        def _own(self, name: str):
            if name == "state":
                with preview.lock:
                    body = json.dumps({"generation": preview.generation, "error": preview.error}, ensure_ascii=False)
                return self._send(200, "application/json; charset=utf-8", body.encode("utf-8"))
            if name == "live.js":
                return self._send(200, "text/javascript; charset=utf-8", _LIVE_JS.encode("utf-8"))
            if name == "serve.css":
                return self._send(200, "text/css; charset=utf-8", _CSS.encode("utf-8"))
            return self._send(404, "text/plain; charset=utf-8", b"not found")

        def _send(self, status: int, ctype: str, body: bytes):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


def _inject(page: bytes, preview: Preview, built: bool = True) -> bytes:
    """The page as built, plus the reload script and, after a broken edit, the located error on top."""
    with preview.lock:
        error = preview.error
    head = b'<link rel="stylesheet" href="/__serve__/serve.css"><script src="/__serve__/live.js" defer></script>'
    page = page.replace(b"</head>", head + b"</head>", 1)
    # the built pages allow no connection at all; here live.js asks this server for the build state
    for quote in (b"'", b"&#39;"):  # as the template escapes it, or not
        none, own = b"default-src " + quote + b"none" + quote + b";", b"connect-src " + quote + b"self" + quote + b";"
        page = page.replace(none, none + b" " + own, 1)
    if error:
        said = (
            "内容有误，以下为上次成功构建的页面。The last edit is broken; this is the last good build."
            if built
            else "内容有误，尚无可显示的页面：改正后保存，预览即自动重建。The content is broken and nothing is built yet: fix it and save."
        )
        banner = (
            '<div class="serve-error" role="alert"><strong>' + said + "</strong>" + html.escape(error) + "</div>"
        ).encode("utf-8")
        i = page.find(b"<body")
        j = page.find(b">", i) + 1 if i >= 0 else 0
        page = page[:j] + banner + page[j:]
    return page


def _listen(port: int, handler) -> http.server.ThreadingHTTPServer:
    """The preview's server on 127.0.0.1:port; a port that cannot be had is a usage error (exit 2)."""
    import errno

    from .errors import UsageError

    try:
        return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(
                f"port {port} on 127.0.0.1 is in use (another server?): choose another with --port N, or --port 0 for a free one"
            ) from None
        if exc.errno == errno.EACCES:
            raise UsageError(f"port {port} needs administrator rights: choose one from 1024 up, e.g. --port 8000") from None
        raise UsageError(f"cannot serve on 127.0.0.1:{port}: {exc.strerror}") from None


def serve(
    content: Path, templates: Path, out: Path, port: int = 8000, jobs: int = 1, fresh: bool = False, pdf: bool = False
) -> int:
    """Build, serve on 127.0.0.1:port and rebuild on change until interrupted (pdf: with the handouts)."""
    preview = Preview(content, templates, out, jobs, fresh=fresh, pdf=pdf)
    httpd = _listen(port, make_handler(preview))  # first: a port in use is said before any build
    out.mkdir(parents=True, exist_ok=True)
    stamps = preview.watched()
    preview.rebuild()
    httpd.daemon_threads = True
    stop = threading.Event()
    watcher = threading.Thread(target=preview.watch, args=(stop, stamps), daemon=True)
    watcher.start()
    print(f"serving http://127.0.0.1:{httpd.server_address[1]}/ (rebuilds on change; Ctrl+C stops)", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        httpd.server_close()
    return 0
