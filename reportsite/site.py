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
    # Every output left needs only the model or the contexts: independent jobs, about the longest
    # first (the biggest chunk of pages, the workbook and the other exports, the other chunks of
    # pages by folder, the search index), taken by the workers as they get free (parallel.py).
    # Small sites stay in one process. (Starting the model's jobs before the contexts, in a worker
    # of their own, was slower: the main process then copies the memory it shares with it.)
    processes = jobs if len(page_list) >= MIN_PAGES else 1
    work = []
    for start, stop in page_chunks(page_list, weights, processes):
        label = f"pages {pages.folder_of(page_list[start].path)}/ ({stop - start})"
        work.append((label, render_range, (page_list, env, start, stop)))
    work[1:1] = [("workbook", _workbook, (report,)), ("exports", exports.all_exports, (report, False))]
    work.append(("search index", search.search_files, (report, env)))
    done = []
    where = f"{processes} worker processes" if processes > 1 else "in this process"
    with step(f"pages, exports, search index ({where})"):
        with gc_frozen():  # the model and the contexts live to the end: collections need not scan them
            for position, name, seconds, result in Jobs(work, processes):
                done.append((position, name, seconds))
                for path, data in result.items() if isinstance(result, dict) else result:  # or (path, bytes) pairs
                    site.add(path, data)
                del result
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
