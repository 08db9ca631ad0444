"""The pipeline after loading: model -> every output of the site (in memory, or written as it comes: writer.staged)."""

from __future__ import annotations

from pathlib import Path

from .model import Report
from .writer import Site


def build_site(
    report: Report,
    templates: Path,
    pdf: bool = False,
    pdf_progress=None,
    jobs: int = 1,
    site: Site | None = None,
    previous=None,
    in_place: bool = False,
) -> Site:
    """pdf=True also makes the PDF handouts (reportsite/pdf.py; pdf_progress(done, total) while they are made).
    jobs > 1: the work after the load runs on that many processes (parallel.py), same bytes.
    site: where the files go (default: a new in-memory Site; writer.staged() gives one that writes
    each file as it comes, while the other jobs still run).
    previous: the previous site (reuse.read_previous): its pages are reused where nothing they show
    changed (reuse.py), its PDFs where their HTML and what makes them are the same (pdf.py), and its
    exports where the model's inputs and the code are (reuse.making_reusing). Every page's, PDF's and
    export's fingerprint goes into site.pages either way.
    in_place: the previous site is the output folder that writer.sync() will update (serve): an
    unchanged page is not even read back into the site (its path maps to None)."""
    from . import exports, pages, reuse, search
    from . import pdf as handouts
    from .parallel import Jobs, gc_frozen
    from .timings import note, step

    site = Site() if site is None else site
    with step("templates"):
        env = pages.make_env(templates)
        for name in env.list_templates(filter_func=lambda n: n.endswith(".html") and not n.startswith("pdf/")):
            env.get_template(name)  # compiled once, here (inherited by the workers)
        code = reuse.stamp(templates)  # what renders the pages: part of each page's fingerprint
    # Everything left is independent jobs, about the longest first: each group of pages (its
    # contexts, then its HTML: pages.group_pages), the workbook, the other exports, the search
    # index. With --jobs N, this process and N - 1 forked workers take them as they get free
    # (parallel.py), sharing the model copy-on-write; each job's files are written as soon as it ends.
    # Each group makes its own task views (pages.SiteContext), in one process too: a page's
    # fingerprint takes a unit page's views as their digests and the other pages' views in place,
    # the same whatever the number of processes.
    work = [
        (f"pages: {group}", _render_group, (report, env, group, pdf, code, previous, in_place))
        for group in pages.GROUPS
    ]
    # the exports come from the model alone: reused while its inputs and reportsite's code are the
    # same; the PDFs from their HTML (with the templates' whole effect in it) and reportsite's code
    data_code = reuse.stamp(None)
    export_jobs = {"workbook": (_workbook, (report,)), "exports": (exports.all_exports, (report, False))}
    made_reusing = {
        name: (name, reuse.making_reusing, (name, fn, args, report.inputs, data_code, previous, in_place))
        for name, (fn, args) in export_jobs.items()
    }
    work[1:1] = [made_reusing["workbook"]]
    work += [made_reusing["exports"], ("search index", search.search_files, (report, env))]
    listed = [name for name, _, _ in work]  # the order --timings lists them in
    work.sort(key=lambda job: -_estimate(job[0], report))  # handed out the longest first
    # Workers write their files themselves into a staged site's folder (in parallel, and nothing
    # but the paths comes back); otherwise the files come back to be added here.
    folder = site.folder if jobs > 1 else None
    work = [(name, _deliver, (fn, args, folder)) for name, fn, args in work]
    done = []
    where = f"on {jobs} processes" if jobs > 1 else "in this process"
    with step(f"pages, exports, search index ({where})"):
        with gc_frozen():  # the model lives to the end: collections need not scan it
            for position, name, seconds, (result, record, reused) in Jobs(work, jobs):
                done.append((position, name, seconds))
                for path, data in result:
                    if data is None:
                        site.written(path)
                    else:
                        site.add(path, data)
                site.pages.update(record)
                if name in export_jobs:
                    site.reused_exports += reused
                else:
                    site.reused += reused
                del result
    for _, name, seconds in sorted(done, key=lambda d: listed.index(d[1])):
        note(name, seconds)
    if pdf:
        with step("PDF handouts"):
            made = handouts.render_pdfs(
                report,
                templates,
                progress=pdf_progress,
                workers=jobs,
                previous=previous,
                code=data_code,
                in_place=in_place,
            )
            for path, data in made.files:
                if data is None:  # serve: an unchanged PDF, left where it is
                    site.written(path)
                else:
                    site.add(path, data)
            site.pages.update(made.record)
            site.reused_pdfs += made.reused
    assets = templates / "assets"
    for f in sorted(assets.rglob("*")):
        if f.is_file():
            site.add("assets/" + f.relative_to(assets).as_posix(), f.read_bytes())
    return site


# Each job's cost in ms per task and per unit: fitted to its time in 2-process builds of 10k tasks
# with 423 and with 3,168 units and of 100k tasks with 4,223 units (the units' pages cost more per
# unit than the matrix, the matrix more than the workbook; the other exports barely depend on the
# units). Only their order matters: the processes take the jobs the longest first, so that they
# end about together (a 10k build with the jobs in a fixed order left one process idle for 0.1 s).
_COST = {
    "pages: units": (0.087, 0.26),
    "pages: top": (0.039, 0.18),
    "workbook": (0.05, 0.10),
    "exports": (0.045, 0.0),
    "pages: chapters": (0.035, 0.0),
    "search index": (0.005, 0.004),
}


def _estimate(job: str, report: Report) -> float:
    """A job's estimated cost in ms in a full build. (With a previous site most pages are reused
    and the order is less right; handing out the export jobs first then did not pay: at 100k tasks
    a one-task edit's jobs took 9.8 to 10.8 s on two processes, as before.)"""
    per_task, per_unit = _COST.get(job, (0.0, 0.0))
    return per_task * len(report.tasks) + per_unit * len(report.units)


def _deliver(fn, args: tuple, folder: Path | None) -> tuple[list[tuple[str, bytes | None]], dict, int]:
    """A job's files as (path, bytes) pairs; with a folder, written there instead (by this worker,
    through a Site of its own: the same path checks) and returned as (path, None). Then the record
    of its files (path: (fingerprint, CRC-32 of its bytes, size)) and how many were reused from the
    previous site (page groups and export jobs, which return a reuse.Rendered)."""
    from .reuse import Rendered

    result = fn(*args)
    record, reused = {}, 0
    if isinstance(result, Rendered):
        result, record, reused = result.files, result.record, result.reused
    pairs = list(result.items() if isinstance(result, dict) else result)
    if folder is None:
        return pairs, record, reused
    writer = Site(folder)
    for path, data in pairs:
        writer.add(path, data)
    return [(path, None) for path, _ in pairs], record, reused


def _render_group(
    report: Report, env, group: str, pdf: bool, code: bytes = b"", previous=None, in_place: bool = False
):
    """One group of pages (pages.group_pages), made and rendered, or reused from the previous site
    (reuse.py): a build job."""
    from . import pages, progress
    from . import pdf as handouts
    from .parallel import gc_frozen, gc_paused
    from .reuse import render_reusing

    with gc_paused():  # the contexts are many objects and no garbage: collecting would only rescan them
        page_list = pages.group_pages(report, group)
        progress.decorate(page_list, report)  # counts by status, export links
        handouts.link_pdfs(page_list, report, enabled=pdf)  # links to the PDFs only when they are made
    with gc_frozen():  # the contexts live to the end of the job
        return render_reusing(page_list, env, code, previous, in_place)


def _workbook(report: Report) -> dict[str, bytes]:
    from .exports import TASKS_XLSX, workbook_bytes

    return {TASKS_XLSX: workbook_bytes(report)}
