"""The pipeline after loading: model -> every output of the site, in memory."""

from __future__ import annotations

from pathlib import Path

from .model import Report
from .paging import split_tasks_page
from .writer import Site


def build_site(
    report: Report, templates: Path, pdf: bool = False, pdf_progress=None, jobs: int = 1, site: Site | None = None
) -> Site:
    """pdf=True also makes the PDF handouts (reportsite/pdf.py; pdf_progress(done, total) while they are made).
    jobs > 1: the work after the page contexts runs on that many processes (parallel.py), same bytes.
    site: where the files go (default: a new in-memory Site; writer.staged() gives one that writes
    each file as it comes, while the other jobs still run)."""
    from . import exports, pages, progress, search, targets
    from . import pdf as handouts
    from .parallel import MIN_PAGES, Jobs, gc_frozen, gc_paused, page_chunks, render_range
    from .timings import note, step

    site = Site() if site is None else site
    with step("templates"):
        env = pages.make_env(templates)
    # Both cores: the outputs made from the model alone (the workbook, the other exports, the search
    # index) start now in a worker of their own, beside the page contexts; the pages follow in chunks
    # by folder on `jobs` workers (parallel.py). Small sites stay in one process.
    processes = jobs if pages.expected_pages(report) >= MIN_PAGES else 1
    model_jobs = Jobs(
        [
            ("workbook", _workbook, (report,)),
            ("exports", exports.all_exports, (report, False)),
            ("search index", search.search_files, (report, env)),
        ],
        1 if processes > 1 else 0,
    )
    try:
        with step("page contexts"), gc_paused():  # the contexts are many objects and no garbage: collecting would only rescan them
            sc = pages.SiteContext(report)  # task views and fragments shared by all pages
            page_list = pages.all_pages(report, sc)
            page_list.extend(split_tasks_page(pages.tasks_page(report, sc)))  # big reports: tasks-2.html, … (paging.py)
            page_list.extend(targets.targets_pages(report))  # big reports: targets-2.html, …
            progress.decorate(page_list, report)  # counts by status, export links
            handouts.link_pdfs(page_list, report, enabled=pdf)  # links to the PDFs only when they are made
            for name in sorted({p.template for p in page_list}):
                env.get_template(name)  # compiled once, here (inherited by the workers)
            weights = [pages.page_weight(p) for p in page_list]
        work = []
        for start, stop in page_chunks(page_list, weights, processes):
            label = f"pages {pages.folder_of(page_list[start].path)}/ ({stop - start})"
            work.append((label, render_range, (page_list, env, start, stop)))
        done = []
        where = f"{processes + 1} worker processes" if processes > 1 else "in this process"
        with step(f"pages, exports, search index ({where})"):
            with gc_frozen():  # the model and the contexts live to the end: collections need not scan them
                for offset, run in ((0, Jobs(work, processes)), (len(work), model_jobs)):
                    for position, name, seconds, result in run:
                        done.append((offset + position, name, seconds))
                        for path, data in result.items() if isinstance(result, dict) else result:  # or (path, bytes) pairs
                            site.add(path, data)
                        del result
    finally:
        model_jobs.close()  # (a failed build leaves no worker behind)
    for _, name, seconds in sorted(done):
        note(name, seconds)
    del page_list, work
    if pdf:
        with step("PDF handouts"):
            for path, data in handouts.render_pdfs(report, templates, progress=pdf_progress, workers=jobs).items():
                site.add(path, data)
    assets = templates / "assets"
    for f in sorted(assets.rglob("*")):
        if f.is_file():
            site.add("assets/" + f.relative_to(assets).as_posix(), f.read_bytes())
    return site


def _workbook(report: Report) -> dict[str, bytes]:
    from .exports import TASKS_XLSX, workbook_bytes

    return {TASKS_XLSX: workbook_bytes(report)}
