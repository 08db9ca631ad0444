"""`python build.py serve`: a short-lived preview server on 127.0.0.1 that rebuilds on change."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
import urllib.request

import pytest
from util import MINIMAL, ROOT, write


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8")


def _wait(predicate, timeout: float = 30.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out waiting for the preview")


@pytest.fixture
def preview(tmp_path, request):
    """A preview server on a free port; parametrize indirectly with ("-j", "2") etc. for its options."""
    content = write(tmp_path, MINIMAL)
    out = tmp_path / "site"
    options = list(getattr(request, "param", ("-j", "1")))
    if "--templates" in options:  # a copy of the templates that the test may break
        shutil.copytree(ROOT / "templates", tmp_path / "templates")
        options[options.index("--templates") + 1] = str(tmp_path / "templates")
    proc = subprocess.Popen(
        [sys.executable, "build.py", "serve", "--content", str(content), "--out", str(out), "--port", "0", *options],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    lines: list[str] = []
    errors: list[str] = []
    for stream, sink in ((proc.stdout, lines), (proc.stderr, errors)):
        threading.Thread(target=lambda s=stream, k=sink: k.extend(iter(s.readline, "")), daemon=True).start()
    try:
        line = _wait(lambda: next((x for x in lines if x.startswith("serving http://127.0.0.1:")), None))
        base = line.split()[1]
        yield {"base": base, "content": content, "out": out, "stdout": lines, "stderr": errors, "root": tmp_path}
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _save(path, text: str) -> None:
    """As editors save: a new file renamed over the old one (never a half-written file)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text.lstrip("\n"), encoding="utf-8")
    tmp.replace(path)


def _state(base: str) -> dict:
    return json.loads(_get(base + "__serve__/state")[1])


@pytest.mark.parametrize("preview", [("-j", "1"), ("-j", "2")], indirect=True, ids=["one-process", "two-processes"])
def test_serve_rebuilds_rewrites_only_changed_files_and_shows_errors(preview):
    base, content, out = preview["base"], preview["content"], preview["out"]
    status, html = _get(base + "chapters/1.html")
    assert status == 200 and "第一项任务。" in html
    assert '<script src="/__serve__/live.js" defer></script>' in html  # reload after rebuilds
    assert "live.js" not in (out / "chapters/1.html").read_text(encoding="utf-8")  # nothing injected on disk
    css = out / "assets" / "style.css"
    css_stamp = css.stat().st_mtime_ns
    first = _state(base)["generation"]

    time.sleep(0.05)
    _save(content, MINIMAL.replace("第一项任务。", "第一项任务已修改。"))
    _wait(lambda: "第一项任务已修改。" in _get(base + "chapters/1.html")[1])
    # the files are written first, then the build's state moves on (open pages reload on that)
    state = _wait(lambda: (s := _state(base))["generation"] > first and s)
    assert state["error"] is None
    assert css.stat().st_mtime_ns == css_stamp  # same bytes: not rewritten
    rebuilt = _wait(lambda: (r := [x for x in preview["stdout"] if x.startswith("rebuilt in")])[1:] and r)
    rewritten = int(rebuilt[-1].split(": ")[1].split()[0])
    total = sum(1 for p in out.rglob("*") if p.is_file())
    assert 0 < rewritten < total

    # a broken edit: located error in the terminal and in the browser, the last good pages stay served
    broken = MINIMAL.replace("第一项任务。", "第一项任务已修改。").replace("lead: [住建局]", "lead: [住建厅]")
    _save(content, broken)
    state = _wait(lambda: (s := _state(base))["error"] and s)
    assert "tasks.yaml:16:16:" in state["error"] and "住建厅" in state["error"]
    _wait(lambda: any("tasks.yaml:16:16:" in x for x in preview["stderr"]))
    assert any("still serving the last good site" in x for x in preview["stderr"])
    status, html = _get(base + "chapters/1.html")
    assert status == 200
    assert 'class="serve-error" role="alert"' in html and "住建厅" in html
    assert "第一项任务已修改。" in html  # the last good build
    assert "serve-error" not in (out / "chapters/1.html").read_text(encoding="utf-8")

    _save(content, MINIMAL)
    _wait(lambda: _state(base)["error"] is None)
    status, html = _get(base + "chapters/1.html")
    assert "第一项任务。" in html and "serve-error" not in html
    assert _get(base + "__serve__/serve.css")[0] == 200


def test_serve_listens_on_loopback_only(preview):
    assert preview["base"].startswith("http://127.0.0.1:")
    assert _get(preview["base"] + "no-such-page.html")[0] == 404


def test_open_page_reloads_itself_and_shows_the_error_banner(preview, page):
    base, content = preview["base"], preview["content"]
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(base + "chapters/1.html")
    from playwright.sync_api import expect

    expect(page.locator("#task-1")).to_contain_text("第一项任务。")
    page.wait_for_timeout(900)  # live.js has polled once
    _save(content, MINIMAL.replace("第一项任务。", "第一项任务已修改。"))
    expect(page.locator("#task-1")).to_contain_text("第一项任务已修改。", timeout=30000)  # no click: live.js
    _save(content, MINIMAL.replace("lead: [住建局]", "lead: [住建厅]"))
    banner = page.locator(".serve-error")
    banner.wait_for(timeout=30000)
    assert "tasks.yaml:16:16: unknown unit '住建厅'" in banner.inner_text()
    assert "第一项任务已修改。" in page.locator("#task-1").inner_text()  # the last good build
    assert errors == []  # live.js may ask the server for the build state


@pytest.mark.parametrize("preview", [("-j", "2", "--templates", "copy")], indirect=True)
def test_serve_on_two_processes_locates_a_template_mistake_and_recovers(preview):
    """Rebuilds run on two processes (a worker forked from the watcher thread): a template mistake,
    met in either, is located as `build` says it, the last good site stays served, and the fixed
    template is picked up (with the content's edit)."""
    base, root = preview["base"], preview["root"]
    unit = root / "templates" / "unit.html"
    good = unit.read_text(encoding="utf-8")
    lines = good.split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("<h1>"))
    lines.insert(at + 1, "<p>{{ unit.no_such_field }}</p>")
    unit.write_text("\n".join(lines), encoding="utf-8")
    state = _wait(lambda: (s := _state(base))["error"] and s)
    assert state["error"].startswith(f"{unit}:{at + 2}: template error: ") and "no_such_field" in state["error"]
    assert "TemplateFailure" not in state["error"]
    _wait(lambda: any(f"unit.html:{at + 2}: template error" in x for x in preview["stderr"]))
    status, html = _get(base + "index.html")
    assert status == 200 and "serve-error" in html and "测试报告" in html  # the last good site
    unit.write_text(good, encoding="utf-8")
    _save(preview["content"], MINIMAL.replace("第一项任务。", "第一项任务已修改。"))
    _wait(lambda: _state(base)["error"] is None)
    _wait(lambda: "第一项任务已修改。" in _get(base + "chapters/1.html")[1])


def test_serve_loads_the_content_without_the_cyclic_collector(tmp_path, monkeypatch):
    """As build does: the load makes millions of objects at 100k tasks and no garbage cycles (a
    one-task edit at 10k tasks rebuilt in 2.2 s instead of 1.35 s with the collector on)."""
    import gc

    from reportsite import loader
    from reportsite.serve import Preview

    content = write(tmp_path, MINIMAL)
    seen = []
    real = loader.load

    def load(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(loader, "load", load)
    preview = Preview(content, ROOT / "templates", tmp_path / "site", log=lambda *a, **k: None)
    assert preview.rebuild() and preview.rebuild()
    assert seen == [False, False] and gc.isenabled()



@pytest.mark.parametrize("preview", [("-j", "2", "--pdf")], indirect=True, ids=["pdf"])
def test_serve_with_pdf_makes_again_only_the_handouts_that_changed(preview):
    """`serve --pdf` previews the handouts too: after an edit, WeasyPrint makes again only the PDFs
    whose HTML changed, the others stay in place untouched; a character the fonts lack is located
    in the content, and the last good site (PDFs included) stays served."""
    from test_pdf import TWO_TASKS, pdftotext, squash

    base, content, out = preview["base"], preview["content"], preview["out"]
    handout, zhujian, fagai = (
        out / "handout.pdf",
        out / "pdf/units/zhufanghechengxiangjiansheju.pdf",
        out / "pdf/units/fazhangaigeweiyuanhui.pdf",
    )
    assert preview["stdout"][0].startswith("rebuilt in ") and "unchanged" not in preview["stdout"][0]
    assert {p.relative_to(out).as_posix() for p in out.rglob("*.pdf")} == {
        "handout.pdf",
        "pdf/units/zhufanghechengxiangjiansheju.pdf",
        "pdf/units/fazhangaigeweiyuanhui.pdf",
    }
    with urllib.request.urlopen(base + "handout.pdf", timeout=10) as r:
        assert r.headers["Content-Type"] == "application/pdf" and r.read(5) == b"%PDF-"
    status, html = _get(base + "units/zhufanghechengxiangjiansheju.html")
    assert status == 200 and 'href="../pdf/units/zhufanghechengxiangjiansheju.pdf"' in html

    def rebuilt(n: int) -> str:
        return _wait(lambda: (r := [x for x in preview["stdout"] if x.startswith("rebuilt in")])[n:] and r[n], 90)

    _save(content, TWO_TASKS)  # task 2 added, led by 发展改革委员会: 住房和城乡建设局's PDF is the same
    assert rebuilt(1).endswith(" removed (2 unchanged pages and 1 unchanged PDF reused)\n")
    stamps = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (handout, zhujian, fagai)}
    time.sleep(0.05)
    _save(content, TWO_TASKS.replace("第二项任务。", "第二项任务已修改。"))  # 发展改革委员会's task only
    assert rebuilt(2).endswith(" removed (5 unchanged pages and 1 unchanged PDF reused)\n")
    _wait(lambda: preview["stderr"][-2:] == ["PDF 讲义 1/2\n", "PDF 讲义 2/2\n"])  # only the PDFs made, counted
    assert (zhujian.stat().st_ino, zhujian.stat().st_mtime_ns) == stamps[zhujian]  # left in place
    assert stamps[handout] != (handout.stat().st_ino, handout.stat().st_mtime_ns)
    assert "第二项任务已修改。" in squash(pdftotext(handout))
    assert "第二项任务已修改。" in squash(pdftotext(fagai))
    assert "第二项任务" not in squash(pdftotext(zhujian))

    _save(content, TWO_TASKS.replace("第二项任务。", "第二项任务\ue000。"))  # no font has it
    state = _wait(lambda: (s := _state(base))["error"] and s, 90)
    at = TWO_TASKS.lstrip("\n").splitlines().index("        text: 第二项任务。") + 1
    assert state["error"].startswith(f"{content}:{at}:20: no installed font has a glyph for '\ue000' (U+E000) (task 2)")
    assert "第二项任务已修改。" in squash(pdftotext(fagai))  # the last good site stays, PDFs included
    status, html = _get(base + "chapters/1.html")
    assert status == 200 and "no installed font has a glyph for" in html and "第二项任务已修改。" in html
    assert "第二项任务已修改。" in (out / "chapters/1.html").read_text(encoding="utf-8")


def test_serve_before_any_good_build_does_not_claim_a_last_good_site(tmp_path):
    """Content broken from the start: nothing was built, so the terminal and the page say so instead
    of 'the last good site'; once a site is there, they say that again."""
    from reportsite.serve import Preview, _EMPTY_PAGE, _inject

    content = write(tmp_path, MINIMAL.replace("lead: [住建局]", "lead: [住建厅]"))
    out = tmp_path / "site"
    out.mkdir()
    said: list[str] = []
    preview = Preview(content, ROOT / "templates", out, log=lambda *a, **k: said.append(" ".join(map(str, a))))
    assert preview.rebuild() is False
    assert said[-1].endswith("1 error; no site to serve yet: fix it and save, and the preview rebuilds.")
    page = _inject(_EMPTY_PAGE, preview, built=False).decode("utf-8")
    assert "尚无可显示的页面" in page and "上次成功构建" not in page and "住建厅" in page
    _save(content, MINIMAL)
    assert preview.rebuild() is True
    _save(content, MINIMAL.replace("lead: [住建局]", "lead: [住建厅]"))
    assert preview.rebuild() is False
    assert said[-1].endswith("1 error; still serving the last good site.")
