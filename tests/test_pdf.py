"""PDF handouts (`python build.py --pdf`, reportsite/pdf.py) and the print stylesheet (assets/print.css).

The real report is built with --pdf once per session; its PDFs are read with pypdf and poppler
(pdftotext, pdffonts). The print stylesheet is checked through Chromium's print-to-PDF.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
from util import MINIMAL, SEED, folder_files, run_cli, soup, write

ZHUJIAN = "住房和城乡建设局"


def pdftotext(path: Path, first: int | None = None, last: int | None = None, layout: bool = False) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if layout:
        args.append("-layout")
    if first:
        args += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run([*args, str(path), "-"], check=True, capture_output=True, text=True).stdout


def squash(text: str) -> str:
    """Text without any whitespace: line breaks in a PDF fall anywhere in Chinese text."""
    return re.sub(r"\s+", "", text)


def page_texts(path: Path) -> list[str]:
    return [squash(t) for t in pdftotext(path).split("\f")[:-1]]


HEADER_ROW = re.compile(r"^\s*单位\s+一\s+二\s+三\s+四\s+五\s+六\s+七\s+八\s+合计\s*$", re.M)


def matrix_layout(path: Path, report) -> list[tuple[int, list[str]]]:
    """Per page: how many times the matrix header row (单位 一 … 八 合计) is printed, and the matrix rows
    (a unit's name, then 'lead / responsible' counts) on it, whitespace removed."""
    names = "|".join(re.escape(u.name) for u in report.units)
    row = re.compile(rf"^\s*(?:{names})\s.*\d+\s*/\s*\d+\s*$", re.M)
    return [
        (len(HEADER_ROW.findall(t)), [squash(r) for r in row.findall(t)])
        for t in pdftotext(path, layout=True).split("\f")[:-1]
    ]


def matrix_row(report, name: str) -> str:
    cells = []
    for c in report.chapters:
        lead, resp = report.count(name, "lead", c.number), report.count(name, "responsible", c.number)
        cells.append(f"{lead}/{resp}" if lead + resp else "")
    return name + "".join(cells) + f"{report.count(name, 'lead')}/{report.count(name, 'responsible')}"


@pytest.fixture(scope="session")
def pdf_build(tmp_path_factory):
    """The real content built with --pdf (not quiet: the progress lines are checked too)."""
    out = tmp_path_factory.mktemp("pdf") / "site"
    code, stdout, stderr = run_cli("--content", str(SEED), "--out", str(out), "--pdf")
    assert code == 0, stderr
    return out, stdout, stderr


@pytest.fixture(scope="session")
def pdf_site(pdf_build) -> Path:
    return pdf_build[0]


@pytest.fixture(scope="session")
def handout(pdf_site):
    path = pdf_site / "handout.pdf"
    return path, pypdf.PdfReader(path), page_texts(path)


def outline_pages(reader: pypdf.PdfReader) -> list[tuple[str, int, list]]:
    """Top-level bookmarks: (title, 1-based page, children)."""
    items, out = reader.outline, []
    for i, item in enumerate(items):
        if isinstance(item, list):
            continue
        children = items[i + 1] if i + 1 < len(items) and isinstance(items[i + 1], list) else []
        out.append((item.title, reader.get_destination_page_number(item) + 1, children))
    return out


# ---- handout.pdf ---------------------------------------------------------------------------------


def test_handout_has_every_task_number_and_text(handout, seed_report):
    _, _, pages = handout
    body = "".join(pages)
    missing = [t.number for t in seed_report.tasks if squash(f"{t.number}.{t.text}") not in body]
    assert missing == []
    assert len(seed_report.tasks) == 143


def test_cover_contents_and_metadata(handout, seed_report):
    _, reader, pages = handout
    cover = pages[0]
    assert "2021年政府工作报告重点工作责任单位" in cover and "济源市人民政府" in cover and "2021年" in cover
    assert "第1页" not in cover  # no footer on the cover
    assert pages[1].startswith("济源市人民政府·2021年政府工作报告重点工作责任单位目录")
    assert reader.metadata.title == "2021年政府工作报告重点工作责任单位"
    assert reader.metadata.author == "济源市人民政府"
    assert reader.metadata.creation_date is None  # no SOURCE_DATE_EPOCH: no date at all (reproducible)
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"


def test_toc_page_numbers_are_the_chapter_start_pages(handout, seed_report):
    path, reader, pages = handout
    toc = pdftotext(path, 2, layout=True)
    listed = {}
    for line in toc.splitlines():
        m = re.match(r"^\s*(\S.*?)\s*\.{3,}\s*(\d+)\s*$", line)
        if m:
            listed[squash(m.group(1))] = int(m.group(2))
    chapter_titles = [squash(f"{c.numeral}、{c.title}") for c in seed_report.chapters]
    assert [t for t in listed if t in chapter_titles] == chapter_titles
    starts = {squash(title): page for title, page, _ in outline_pages(reader)}
    for title in [*chapter_titles, "责任单位索引", "责任矩阵"]:
        page = listed[title]
        assert starts[title] == page, title
        assert title in pages[page - 1]
        if page - 1 > 2:  # (page 2 is the contents, which names every chapter)
            assert title not in pages[page - 2], f"{title} already on page {page - 1}"
    assert listed["一、今年经济社会发展主要预期目标"] == 3  # cover, contents, then chapter 1


def test_bookmarks_follow_the_headings(handout, seed_report):
    _, reader, _ = handout
    top = outline_pages(reader)
    assert [t for t, _, _ in top] == [
        "目录",
        *[f"{c.numeral}、{c.title}" for c in seed_report.chapters],
        "责任单位索引",
        "责任矩阵",
    ]
    chapter2 = top[2]
    assert [c.title for c in chapter2[2]] == [
        f"（{n}）{s.title}" for n, s in zip("一二三四五", seed_report.chapters[1].sections, strict=True)
    ]


def test_running_header_and_page_footer(handout, seed_report):
    _, reader, pages = handout
    total = len(pages)
    for i, text in enumerate(pages[1:], 2):
        assert f"第{i}页共{total}页" in text
    starts = {t: p for t, p, _ in outline_pages(reader)}
    last = seed_report.chapters[-1]
    title = f"{last.numeral}、{last.title}"
    first, end = starts[title], starts["责任单位索引"] - 1
    assert end - first >= 2  # chapter 8 (42 tasks) runs over several pages …
    for p in range(first, end + 1):
        assert squash(title) in pages[p - 1]  # … each carrying its title in the running header
    assert "责任单位索引" in pages[starts["责任单位索引"]]  # the page after the index starts


def test_unit_index_lists_each_units_task_numbers(handout, seed_report):
    _, _, pages = handout
    body = "".join(pages)
    leads = [a.task.number for a in seed_report.assignments[ZHUJIAN] if a.role == "lead"]
    assert leads == [11, 12, 13, 29, 52, 59]
    assert squash(f"{ZHUJIAN}牵头单位6项·责任单位22项牵头单位：11、12、13、29、52、59") in body
    assert "经“各街道办事处”：" in body


def test_matrix_on_landscape_pages_with_repeated_header(handout, seed_report):
    path, reader, pages = handout
    start = {t: p for t, p, _ in outline_pages(reader)}["责任矩阵"]
    assert start < len(pages)  # more than one matrix page
    for i, page in enumerate(reader.pages, 1):
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        assert (w > h) == (i >= start), f"page {i}: {w} x {h}"
    layout = matrix_layout(path, seed_report)[start - 1 :]
    assert [headers for headers, _ in layout] == [1] * len(layout)  # the header row on every matrix page
    rows = [r for _, page_rows in layout for r in page_rows]
    assert rows == [matrix_row(seed_report, u.name) for u in seed_report.sorted_units()]
    assert matrix_row(seed_report, ZHUJIAN) == "住房和城乡建设局4/00/12/100/20/20/10/66/22"
    # each matrix page names the chapters under their numerals (the key above the table is on the first only)
    for k in range(start, len(pages) + 1):
        text = squash(pdftotext(path, k, k))
        assert all(squash(c.title) in text for c in seed_report.chapters), f"page {k}"


def test_every_font_is_embedded_and_chinese(pdf_site):
    pdfs = [pdf_site / "handout.pdf", *sorted((pdf_site / "pdf" / "units").glob("*.pdf"))]
    assert len(pdfs) == 60
    names = set()
    for path in pdfs:
        rows = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout.splitlines()[
            2:
        ]
        assert rows, path
        for row in rows:
            cols = row.split()
            assert cols[-5:-2] == ["yes", "yes", "yes"], f"{path.name}: not embedded+subset+unicode: {row}"
            names.add(cols[0].split("+", 1)[1])
    assert names == {"Noto-Serif-CJK-SC", "Noto-Sans-CJK-SC-Bold"}


def test_build_shows_pdf_progress_and_no_weasyprint_warnings(pdf_build):
    _, stdout, stderr = pdf_build
    lines = stderr.splitlines()
    assert [ln for ln in lines if ln.startswith("PDF 讲义")] == [f"PDF 讲义 {k}/60" for k in range(6, 61, 6)]
    assert "WeasyPrint" not in stderr
    assert stdout.startswith("built ")


# ---- unit PDFs -------------------------------------------------------------------------------------


def unit_pdf_roles(path: Path, report) -> dict[str, set[int]]:
    """The tasks found in a unit PDF, by role: every task whose 'N.text' appears in that role's part."""
    text = squash(pdftotext(path))
    labels = report.labels
    lead_part, _, resp_part = text.partition(f"作为{labels['responsible']}（")
    return {
        role: {t.number for t in report.tasks if squash(f"{t.number}.{t.text}") in part}
        for role, part in (("lead", lead_part), ("responsible", resp_part))
    }


def test_unit_pdf_holds_exactly_the_units_tasks(pdf_site, seed_report):
    unit = seed_report.unit_by_name[ZHUJIAN]
    path = pdf_site / "pdf" / "units" / f"{unit.slug}.pdf"
    expected = {
        role: {a.task.number for a in seed_report.assignments[ZHUJIAN] if a.role == role}
        for role in ("lead", "responsible")
    }
    assert len(expected["lead"]) == 6 and len(expected["responsible"]) == 22
    assert unit_pdf_roles(path, seed_report) == expected
    text = squash(pdftotext(path))
    assert "作为牵头单位（6项）" in text and "作为责任单位（22项）" in text
    assert squash("2021年政府工作报告重点工作责任单位") in text and "2021年" in text
    # co-assigned units in full: task 11 is led by 住建局 with 城投建设发展有限公司 and 轵城镇人民政府
    assert squash("牵头单位：住房和城乡建设局；责任单位：城投建设发展有限公司、轵城镇人民政府") in text


def test_member_unit_pdf_names_the_collective(pdf_site, seed_report):
    name = "济水街道办事处"
    path = pdf_site / "pdf" / "units" / f"{seed_report.unit_by_name[name].slug}.pdf"
    got = unit_pdf_roles(path, seed_report)
    assert got == {"lead": set(), "responsible": {a.task.number for a in seed_report.assignments[name]}}
    text = squash(pdftotext(path))
    assert "经集体单位“各街道办事处”分配" in text
    assert "第1页共1页" in text


def test_unit_pages_link_their_pdf_only_when_built(pdf_site, seed_site, seed_report):
    for unit in seed_report.units:
        links = [
            a["href"]
            for a in soup(pdf_site / "units" / f"{unit.slug}.html").find_all("a")
            if a["href"].endswith(".pdf")
        ]
        assert links == [f"../pdf/units/{unit.slug}.pdf"]
        assert (pdf_site / "units" / links[0]).resolve().is_file()
        plain = soup(seed_site / "units" / f"{unit.slug}.html")
        assert not [a for a in plain.find_all("a") if ".pdf" in a.get("href", "")]
    assert not (seed_site / "pdf").exists() and not (seed_site / "handout.pdf").exists()
    home = [a["href"] for a in soup(pdf_site / "index.html").find_all("a") if a["href"].endswith(".pdf")]
    assert home == ["handout.pdf"]
    assert not [a for a in soup(seed_site / "index.html").find_all("a") if ".pdf" in a.get("href", "")]


def test_unit_pdf_carries_the_as_of_date(tmp_path):
    content = write(tmp_path, MINIMAL.replace("  year: 2021\n", "  year: 2021\n  as_of: 2021-06-30\n"))
    out = tmp_path / "site"
    assert run_cli("--content", str(content), "--out", str(out), "--pdf", "-q")[0] == 0
    unit = squash(pdftotext(out / "pdf" / "units" / "zhufanghechengxiangjiansheju.pdf"))
    assert "部门·又称：住建局·截至2021-06-30" in unit
    assert "截至2021-06-30" in squash(pdftotext(out / "handout.pdf", 1))


def test_pdfs_carry_the_progress_a_unit_head_needs(tmp_path):
    """The progress fixture: 住建局 leads task 3 (已完成) and is responsible for task 2 (滞后, overdue
    by as_of); its PDF says so, with each task's latest update, and its own name is bold among a
    task's units. A note's link into the site becomes its text; a link to another site stays."""
    from conftest import PROGRESS_FIXTURE

    from reportsite.pdf import render_documents
    from reportsite.loader import load

    out = tmp_path / "site"
    assert run_cli("--content", str(PROGRESS_FIXTURE), "--out", str(out), "--pdf", "-q")[0] == 0
    unit = squash(pdftotext(out / "pdf" / "units" / "zhufanghechengxiangjiansheju.pdf"))
    assert "进展：已完成1项·滞后1项·已逾期1项" in unit
    assert "进展：已完成；截止2021-03-31最新进展（2021-03-20）：主体完工，见验收公告。" in unit
    assert "进展：滞后；截止2021-05-31；已逾期最新进展（2021-06-20）：土地手续仍在办理。" in unit
    handout = squash(pdftotext(out / "handout.pdf"))
    assert "最新进展（2021-06-28）：上半年增长7.9%，详见统计公报和本市说明。" in handout
    assert "进展：未填报" in handout  # task 5: the report tracks progress, task 5 has none
    report, problems = load(str(PROGRESS_FIXTURE))
    assert not problems
    docs = dict(render_documents(report, Path(__file__).resolve().parent.parent / "templates"))
    from bs4 import BeautifulSoup

    html = BeautifulSoup(docs["pdf/units/zhufanghechengxiangjiansheju.pdf"], "html.parser")
    task2 = html.select_one('.task[data-task="2"]')
    assert [b.get_text() for b in task2.select(".task-units .self")] == ["住房和城乡建设局"]
    assert task2.select_one(".overdue").get_text() == "已逾期"
    note = BeautifulSoup(docs["handout.pdf"], "html.parser").select_one("#task-1 .task-latest")
    assert [a["href"] for a in note.select("a")] == ["https://example.gov.cn/stats"]
    assert "\x00" not in docs["handout.pdf"]


def test_seed_pdfs_say_nothing_of_progress_and_keep_short_units_on_one_sheet(pdf_site):
    """The real report tracks no progress: no 进展 line. Partners are in a unit PDF's head, so
    沁园街道办事处 (5 tasks, 12 partners) stays one sheet, and no name is split across lines."""
    path = pdf_site / "pdf" / "units" / "qinyuanjiedaobanshichu.pdf"
    text = pdftotext(path)
    assert "进展" not in text and "第1页共1页" in squash(text)
    assert "作为牵头单位：无。" in squash(text)
    assert squash("共同承担任务最多的单位：住房和城乡建设局（3 项）、") in squash(text)
    assert "进展" not in pdftotext(pdf_site / "handout.pdf")


# ---- reproducibility and failures -------------------------------------------------------------------


def test_same_input_gives_identical_pdf_bytes(tmp_path, monkeypatch):
    content = write(tmp_path, MINIMAL)
    a, b = tmp_path / "a", tmp_path / "b"
    assert run_cli("--content", str(content), "--out", str(a), "--pdf", "-q")[0] == 0
    assert run_cli("--content", str(content), "--out", str(b), "--pdf", "-q")[0] == 0
    pdfs = sorted(p.relative_to(a) for p in a.rglob("*.pdf"))
    assert [str(p) for p in pdfs] == [
        "handout.pdf",
        "pdf/units/fazhangaigeweiyuanhui.pdf",
        "pdf/units/zhufanghechengxiangjiansheju.pdf",
    ]
    for p in pdfs:
        assert (a / p).read_bytes() == (b / p).read_bytes(), p
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1640995200")
    c = tmp_path / "c"
    assert run_cli("--content", str(content), "--out", str(c), "--pdf", "-q")[0] == 0
    meta = pypdf.PdfReader(c / "handout.pdf").metadata
    assert meta["/CreationDate"] == "D:20220101000000Z" and meta["/ModDate"] == "D:20220101000000Z"


def test_ctrl_c_while_pdfs_are_made_stops_cleanly(tmp_path):
    import os
    import signal

    out = tmp_path / "site"
    assert run_cli("--content", str(SEED), "--out", str(out), "-q")[0] == 0
    before = sorted((p.relative_to(out), p.read_bytes()) for p in out.rglob("*") if p.is_file())
    proc = subprocess.Popen(
        [sys.executable, str(SEED.parent.parent / "build.py"), "--content", str(SEED), "--out", str(out), "--pdf"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's Ctrl+C reaches build and workers
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    first = proc.stderr.readline()
    assert first == "PDF 讲义 6/60\n"  # the workers are busy
    os.killpg(proc.pid, signal.SIGINT)
    _, rest = proc.communicate(timeout=300)
    assert proc.returncode == 130
    assert rest.splitlines()[-1] == "interrupted; the previous site is unchanged."
    assert "Traceback" not in rest
    assert sorted((p.relative_to(out), p.read_bytes()) for p in out.rglob("*") if p.is_file()) == before
    assert not list(tmp_path.glob(".site.tmp-*"))


def test_missing_glyph_fails_the_build_with_its_place(tmp_path):
    content = write(tmp_path, MINIMAL.replace("第一项任务。", "第一项任务\ue000。"))
    out = tmp_path / "site"
    code, stdout, stderr = run_cli("--content", str(content), "--out", str(out), "--pdf", "-q")
    assert code == 1
    line = MINIMAL.lstrip("\n").splitlines().index("        text: 第一项任务。") + 1
    assert stderr.splitlines() == [
        f"{content}:{line}:20: no installed font has a glyph for '\ue000' (U+E000) (task 1): "
        "the PDF would print a box; install the Debian package fonts-noto-cjk (Noto Serif CJK SC, Noto Sans CJK SC) "
        "or replace the character",
        "1 error; nothing was written.",
    ]
    assert not out.exists()


def test_missing_font_is_a_clear_error(tmp_path, monkeypatch):
    from reportsite import pdf

    monkeypatch.setattr(pdf, "SERIF", "Noto Serif CJK ZZ")
    out = tmp_path / "site"
    code, stdout, stderr = run_cli("--content", str(write(tmp_path, MINIMAL)), "--out", str(out), "--pdf")
    assert code == 2
    assert stderr == (
        "error: --pdf needs the fonts Noto Serif CJK ZZ, which are not installed; install the Debian package "
        "fonts-noto-cjk (`apt-get install fonts-noto-cjk`, or `bash scripts/setup.sh --all`)\n"
    )
    assert not out.exists()
    assert pdf.installed_families(("Noto Serif CJK SC", "Noto Sans CJK SC", "Noto Serif CJK ZZ")) == {
        "Noto Serif CJK SC",
        "Noto Sans CJK SC",
    }


def test_pdf_without_weasyprint_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint -> ImportError
    out = tmp_path / "site"
    code, _, stderr = run_cli("--content", str(write(tmp_path, MINIMAL)), "--out", str(out), "--pdf")
    assert code == 2
    assert stderr.startswith("error: --pdf needs WeasyPrint (")
    assert stderr.endswith(
        "install it with `pip install -e '.[pdf]'` or `bash scripts/setup.sh --all` "
        "(which also installs fonts-noto-cjk and libharfbuzz-subset0)\n"
    )
    assert not out.exists()
    # serve --pdf says the same before it serves anything (it would otherwise preview without PDFs)
    import reportsite.serve

    monkeypatch.setattr(reportsite.serve, "serve", lambda *a, **k: pytest.fail("serve started without WeasyPrint"))
    assert run_cli("serve", "--content", str(write(tmp_path, MINIMAL)), "--out", str(out), "--pdf", "--port", "0") == (
        2,
        "",
        stderr,
    )
    assert not out.exists()
    assert run_cli("--content", str(write(tmp_path, MINIMAL)), "--out", str(out), "-q")[0] == 0  # HTML alone needs none


def test_weasyprint_is_imported_only_to_make_a_pdf(tmp_path, monkeypatch):
    """The fonts are checked through fontconfig and WeasyPrint is only found, not imported, before
    the build: a rebuild whose PDFs are all unchanged never imports it (0.2 s instead of 0.55 s for
    the real report). A WeasyPrint that is found but cannot load (e.g. without Pango) is said when
    a PDF is to be made, and the previous site stays."""
    import importlib.util

    content = write(tmp_path, MINIMAL)
    out = tmp_path / "site"
    assert run_cli("--content", str(content), "--out", str(out), "--pdf", "-q", "-j", "1")[0] == 0
    before = folder_files(out)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, package=None: object())  # found, but
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # importing it fails
    code, stdout, stderr = run_cli("--content", str(content), "--out", str(out), "--pdf", "-j", "1")
    assert (code, stderr) == (0, "")
    assert "(8 unchanged pages, 3 unchanged PDFs and 6 unchanged export files reused)" in stdout
    assert folder_files(out) == before

    content.write_text(MINIMAL.replace("第一项任务。", "第一项任务（修改）。"), encoding="utf-8")  # every PDF changes
    code, stdout, stderr = run_cli("--content", str(content), "--out", str(out), "--pdf", "-j", "1", "-q")
    assert code == 2
    assert stderr.startswith("error: --pdf needs WeasyPrint (import of weasyprint halted; None in sys.modules)")
    assert folder_files(out) == before  # the previous site, whole
    assert not list(tmp_path.glob(".site.tmp-*"))


# ---- the print stylesheet, through Chromium's print-to-PDF ------------------------------------------


def print_page(page, site: Path, name: str, tmp_path: Path) -> Path:
    page.goto((site / name).as_uri())
    path = tmp_path / (name.replace("/", "_") + ".pdf")
    page.pdf(path=str(path), prefer_css_page_size=True)
    return path


def test_print_chapter_page(page, seed_site, seed_report, tmp_path):
    path = print_page(page, seed_site, "chapters/8.html", tmp_path)
    reader, pages = pypdf.PdfReader(path), page_texts(path)
    assert len(pages) >= 3
    for p in reader.pages:
        assert (round(float(p.mediabox.width)), round(float(p.mediabox.height))) == (595, 842)  # A4 portrait
    text = "".join(pages)
    for screen_only in ("首页", "搜索", "跳到正文", "责任矩阵", ".html", "http", "file:"):
        assert screen_only not in text, screen_only
    split = [
        t.number for t in seed_report.chapters[7].tasks if not any(squash(f"{t.number}{t.text}") in p for p in pages)
    ]
    assert split == []  # every task whole on one page
    assert squash("济源市人民政府·2021年政府工作报告重点工作责任单位") in pages[-1]


def test_print_matrix_on_landscape_pages_with_header_row(page, seed_site, seed_report, tmp_path):
    path = print_page(page, seed_site, "matrix.html", tmp_path)
    reader, pages = pypdf.PdfReader(path), page_texts(path)
    assert len(pages) >= 2
    for i, p in enumerate(reader.pages, 1):
        assert float(p.mediabox.width) > float(p.mediabox.height), f"page {i} is not landscape"
    layout = matrix_layout(path, seed_report)
    with_rows = [headers for headers, rows in layout if rows]
    assert len(with_rows) >= 2 and with_rows == [1] * len(with_rows)  # site.js's sort buttons still print as the header
    rows = [r for _, page_rows in layout for r in page_rows]
    assert rows == [matrix_row(seed_report, u.name) for u in seed_report.sorted_units()]



PAGE_BOX = {"portrait": 680, "landscape": 1031}  # print.css's page boxes: 180 mm and 273 mm at 96 px/in


@pytest.mark.parametrize("site_name", ["seed_site", "progress_site"])
def test_every_kind_of_page_fits_the_width_of_its_printed_page(request, browser, site_name):
    """With the print stylesheet, at the width of print.css's page box, nothing is wider than the
    page: Chromium would otherwise shrink the whole page to fit, text included (the targets
    page's screen-only minimum width did, until 29 Nov 2026)."""
    from test_a11y import page_kinds, wider_than_the_page

    site = request.getfixturevalue(site_name)
    found, want = {}, {}
    for kind, path in sorted(page_kinds(site).items()):
        width = PAGE_BOX["landscape" if kind == "page-matrix" else "portrait"]
        page = browser.new_page(viewport={"width": width, "height": 900})
        try:
            page.emulate_media(media="print")
            page.goto(path.as_uri())
            found[kind] = wider_than_the_page(page, scroll_boxes=False)  # in print they do not scroll
        finally:
            page.close()
        want[kind] = {"scroll": width, "width": width, "wide": []}
    assert found == want


def test_the_printed_matrix_says_nothing_of_clicking_or_downloading(seed_site, browser):
    """On paper nothing can be clicked: the matrix's 点击可查看… and its download links are screen-only."""
    page = browser.new_page()
    try:
        page.goto((seed_site / "matrix.html").as_uri())
        screen = page.inner_text("main")
        page.emulate_media(media="print")
        paper = page.inner_text("main")
    finally:
        page.close()
    assert "点击可查看该单位在本章的任务" in screen and "下载：" in screen
    assert "点击" not in paper and "下载" not in paper
    assert "每行一个单位，每列一章；格中数字为“牵头单位 / 责任单位”任务数。经集体单位分配的任务计入成员单位。" in paper


# ---- rebuilds: a PDF is made again only when its HTML or what makes it changed ----------------------------

TWO_TASKS = MINIMAL + """      - number: 2
        text: 第二项任务。
        lead: [发展改革委员会]
"""
PDFS = ["handout.pdf", "pdf/units/fazhangaigeweiyuanhui.pdf", "pdf/units/zhufanghechengxiangjiansheju.pdf"]


def pdf_build_of(content: Path, out: Path, *options: str) -> tuple[str, str]:
    code, stdout, stderr = run_cli("--content", str(content), "--out", str(out), "--pdf", *options)
    assert code == 0, stderr
    return stdout, stderr


def test_a_rebuild_makes_only_the_pdfs_whose_html_changed(tmp_path):
    content = write(tmp_path, TWO_TASKS)
    out, fresh = tmp_path / "site", tmp_path / "fresh"
    stdout, stderr = pdf_build_of(content, out)
    assert "reused" not in stdout and stderr.splitlines()[-1] == "PDF 讲义 3/3"
    inodes = {p: (out / p).stat().st_ino for p in PDFS}

    stdout, stderr = pdf_build_of(content, out)  # nothing changed: no PDF is made
    assert "(8 unchanged pages, 3 unchanged PDFs and 6 unchanged export files reused)" in stdout
    assert "PDF 讲义" not in stderr
    assert {p: (out / p).stat().st_ino for p in PDFS} == inodes  # the same files, linked

    content.write_text(content.read_text(encoding="utf-8").replace("第二项任务。", "第二项任务（修改）。"), encoding="utf-8")
    stdout, stderr = pdf_build_of(content, out)  # task 2: the handout and its lead unit's PDF
    assert "1 unchanged PDF reused)" in stdout
    assert stderr.splitlines()[-1] == "PDF 讲义 2/2"
    now = {p: (out / p).stat().st_ino for p in PDFS}
    assert [p for p in PDFS if now[p] == inodes[p]] == ["pdf/units/zhufanghechengxiangjiansheju.pdf"]
    assert "第二项任务（修改）。" in squash(pdftotext(out / "pdf" / "units" / "fazhangaigeweiyuanhui.pdf"))
    pdf_build_of(content, fresh, "--fresh")
    assert folder_files(out) == folder_files(fresh)  # byte for byte a fresh build, the record included


def test_a_site_template_edit_keeps_the_pdfs_a_new_stylesheet_or_new_fonts_make_them_again(tmp_path, monkeypatch):
    import shutil

    from reportsite import pdf

    content = write(tmp_path, TWO_TASKS)
    templates = tmp_path / "templates"
    shutil.copytree(SEED.parent.parent / "templates", templates)
    out = tmp_path / "site"
    pdf_build_of(content, out, "--templates", str(templates))
    unit = templates / "unit.html"  # a site template: the pages change, not the PDFs' HTML
    unit.write_text(unit.read_text(encoding="utf-8").replace("包含的单位", "所含单位"), encoding="utf-8")
    stdout, stderr = pdf_build_of(content, out, "--templates", str(templates))
    assert "(3 unchanged PDFs and 6 unchanged export files reused)" in stdout and "PDF 讲义" not in stderr
    unit = templates / "pdf" / "unit.html"  # the unit PDFs' template: their HTML changes, not the handout's
    unit.write_text(unit.read_text(encoding="utf-8").replace("作为{{ r.label }}", "担任{{ r.label }}"), encoding="utf-8")
    stdout, stderr = pdf_build_of(content, out, "--templates", str(templates))
    assert "(1 unchanged PDF and 6 unchanged export files reused)" in stdout
    assert stderr.splitlines()[-1] == "PDF 讲义 2/2"
    assert "担任牵头单位" in squash(pdftotext(out / "pdf" / "units" / "zhufanghechengxiangjiansheju.pdf"))
    css = templates / "pdf" / "handout.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* edited */\n", encoding="utf-8")
    stdout, stderr = pdf_build_of(content, out, "--templates", str(templates))
    assert "(8 unchanged pages and 6 unchanged export files reused)" in stdout  # they do not use the PDF stylesheet
    assert stderr.splitlines()[-1] == "PDF 讲义 3/3"
    fonts = pdf.font_files()
    assert [Path(f).name for f, _, _ in fonts] == ["NotoSerifCJK-Regular.ttc", "NotoSansCJK-Regular.ttc"]
    monkeypatch.setattr(pdf, "font_files", lambda: [(f, size + 1, mtime) for f, size, mtime in fonts])  # an updated font package
    stdout, stderr = pdf_build_of(content, out, "--templates", str(templates))
    assert "PDF" not in stdout and stderr.splitlines()[-1] == "PDF 讲义 3/3"
