"""The pipeline after loading: model -> every output of the site, in memory."""

from __future__ import annotations

from pathlib import Path

from .model import Report
from .paging import split_tasks_page
from .writer import Site


def build_site(report: Report, templates: Path, pdf: bool = False, pdf_progress=None, jobs: int = 1) -> Site:
    """pdf=True also makes the PDF handouts (reportsite/pdf.py; pdf_progress(done, total) while they are made)."""
    from . import exports, pages, progress, targets
    from . import pdf as handouts
    from .parallel import gc_paused, in_background, render_pages  # jobs > 1: several processes, same bytes

    site = Site()
    env = pages.make_env(templates)
    # the workbook (the slowest single output) needs only the model: its worker starts first and
    # runs beside the page contexts and the rendering; the other exports follow the rendering here
    workbook = in_background(exports.workbook_bytes, report, enabled=jobs > 1)
    with gc_paused():  # the contexts are many objects and no garbage: collecting would only rescan them
        page_list = pages.all_pages(report)
        page_list.extend(split_tasks_page(pages.tasks_page(report)))  # big reports: tasks-2.html, … (paging.py)
        page_list.extend(targets.targets_pages(report))  # big reports: targets-2.html, …
        progress.decorate(page_list, report)  # counts by status, export links
        handouts.link_pdfs(page_list, report, enabled=pdf)  # links to the PDFs only when they are made

    for path, html in render_pages(page_list, env, jobs).items():
        site.add(path, html)
    del page_list  # the contexts: their memory is reused for the exports
    if pdf:
        for path, data in handouts.render_pdfs(report, templates, progress=pdf_progress, workers=jobs).items():
            site.add(path, data)
    for path, data in exports.all_exports(report, workbook=False).items():
        site.add(path, data)
    site.add(exports.TASKS_XLSX, workbook.get())
    from .search import add_search

    add_search(report, env, site)
    assets = templates / "assets"
    for f in sorted(assets.rglob("*")):
        if f.is_file():
            site.add("assets/" + f.relative_to(assets).as_posix(), f.read_bytes())
    return site

