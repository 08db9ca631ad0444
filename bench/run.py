"""Build speed at scale, side by side with MkDocs and Hugo on equivalent pages.

    python3 bench/run.py            # seed, seed with --pdf, 1k, 10k, 10k with 3,000 units, 100k tasks;
                                    # MkDocs and Hugo beside each; every figure a median of 3 runs
    python3 bench/run.py --quick    # seed and 1k, one run each (about a minute)
    python3 bench/run.py --sizes seed,10000 --runs 5 --no-others
    python3 bench/run.py --sizes 10000x3000 --runs 5 --no-mkdocs   # Hugo's ratios, without MkDocs' minutes

A size is a number of tasks (synth's default units: tasks/25) or TASKSxUNITS. 10000x3000 is the
shape issue 6 measured MkDocs and Hugo on: its figures at 10k tasks (MkDocs about 176 s, Hugo
1.0 s) are what these equivalent pages give with about 3,000 units (MkDocs 56 s at 2,000 units,
234 s at 4,000; Hugo 0.83 s and 1.31 s), and the real report has 2.4 tasks per unit, not 25.

For every size: the content is made by reportsite.synth (the seed is content/tasks.yaml), then
`python3 build.py --content … --out …` runs as a fresh process (start-up included) several times,
after one untimed run up to 10k tasks (a clerk's previous build: compiled modules, pinyin and
templates in the user cache; the children may write .pyc files even where PYTHONDONTWRITEBYTECODE is set);
the table shows the median wall time, time per task, peak RSS of the largest process, output size,
file count and the largest file. MkDocs (pip-installed into bench/.venv by this script) and Hugo
(Debian's `hugo` package, installed with apt-get when missing and allowed) build equivalent
Markdown: the pages issue 6 measured them on (markdown_pages: one page per chapter, every task with
its units, and one per unit, its tasks, with links between them); Hugo also builds every HTML page
we make with the same content, split as ours, under a layout with our header and footer
(every_page_markdown: "Hugo, all pages"). Their times are printed as ratios to ours. Hugo's runs
alternate with ours (each of our timed builds, then one run of each Hugo project), and each pair's
ratio is printed too. Results go to bench/results/latest.json (git-ignored). Build-time targets are
figures to read, not tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
VENV = ROOT / "bench" / ".venv"
SEED = ROOT / "content" / "tasks.yaml"
# As a user's machine runs them: Python may keep its compiled modules (.pyc) between runs (some
# sandboxes set PYTHONDONTWRITEBYTECODE, which recompiles every module at every start).
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
MKDOCS_MAX = 10_000  # above this MkDocs takes hours (its cost grows faster than linearly)


def timed(cmd: list[str], cwd: Path | None = None) -> tuple[float, int, float]:
    """Wall seconds of one run (a fresh process: start-up included), its peak RSS in kB and its CPU
    seconds.

    os.wait4 gives the rusage of that child alone; ru_maxrss is the largest of it and the worker
    processes it waited for (so a parallel build reports its biggest process, not the sum); its user
    and system times include those workers (and Hugo's threads): the work done on all cores, a
    steadier figure than the wall time on a shared machine."""
    import tempfile

    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err, env=CHILD_ENV)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise SystemExit(f"{' '.join(map(str, cmd))} failed:\n{err.read().decode('utf-8', 'replace')[-2000:]}")
    return elapsed, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def machine_speed() -> float:
    """Seconds for a fixed pure-Python loop (best of 3): the shared machine's speed varies by a third
    from hour to hour, so each run records it beside its figures."""
    best = float("inf")
    for _ in range(3):
        began = time.perf_counter()
        total = 0
        for i in range(3_000_000):
            total += i * i
        best = min(best, time.perf_counter() - began)
    return round(best, 3)


def step_times(cmd: list[str]) -> dict[str, float]:
    """{step or job: ms} from one run of cmd with --timings (jobs are prefixed with '· ')."""
    proc = subprocess.run([*cmd, "--timings"], cwd=ROOT, capture_output=True, text=True, env=CHILD_ENV, check=True)
    steps = {}
    for line in proc.stderr.splitlines():
        name, _, ms = line.strip().rpartition("  ")
        if ms.endswith(" ms"):
            steps[name.strip()] = float(ms[:-3])
    return steps


def edited_texts(content: Path, runs: int) -> list[str]:
    """The texts of `runs` rebuilds, each one task's text away from the build before it (which built
    `content` as it is): the first task's text with a mark added, then as it was, and so on."""
    text = content.read_text(encoding="utf-8")
    m = re.search(r"(?m)^(\s+text: )(.+)$", text)
    assert m, f"{content}: no task text"
    edited = text[: m.end(2)] + "（修改）" + text[m.end(2) :]
    return [(edited, text)[i % 2] for i in range(runs)]


def folder_stats(folder: Path) -> dict:
    files = [p for p in folder.rglob("*") if p.is_file()]
    html = [p for p in files if p.suffix == ".html"]
    largest = max(files, key=lambda p: p.stat().st_size)
    largest_html = max(html, key=lambda p: p.stat().st_size) if html else largest
    return {
        "files": len(files),
        "bytes": sum(p.stat().st_size for p in files),
        "largest": largest.relative_to(folder).as_posix(),
        "largest_bytes": largest.stat().st_size,
        "largest_html": largest_html.relative_to(folder).as_posix(),
        "largest_html_bytes": largest_html.stat().st_size,
    }


# ---------------------------------------------------------------- the same pages as Markdown


def markdown_pages(report) -> dict[str, str]:
    """One Markdown page per chapter and per unit, like our chapter and unit pages."""
    slug = {u.name: u.slug for u in report.units}
    out: dict[str, str] = {}

    def units_md(names, prefix: str) -> str:
        return "、".join(f"[{n}]({prefix}units/{slug[n]}.md)" for n in names)

    for c in report.chapters:
        lines = [f"# {c.numeral}、{c.title}", ""]
        blocks = [(None, c.direct_tasks)] + [(s, s.tasks) for s in c.sections]
        for s, tasks in blocks:
            if s is not None:
                lines += [f"## （{s.number}）{s.title}", ""]
            for t in tasks:
                lines.append(f"**{t.number}.** {t.text}")
                lines.append("")
                if t.lead:
                    lines.append(f"- 牵头单位：{units_md(t.lead, '../')}")
                if t.responsible:
                    lines.append(f"- 责任单位：{units_md(t.responsible, '../')}")
                lines.append("")
        out[f"chapters/{c.number}.md"] = "\n".join(lines)
    for u in report.units:
        lines = [f"# {u.name}", ""]
        for role, label in (("lead", "牵头"), ("responsible", "责任")):
            items = [a for a in report.assignments[u.name] if a.role == role]
            lines += [f"## 作为{label}单位（{len(items)} 项）", ""]
            for a in items:
                t = a.task
                lines.append(f"1. [第{t.number}项](../chapters/{t.chapter}.md#task-{t.number}) {t.text}")
            lines.append("")
        out[f"units/{u.slug}.md"] = "\n".join(lines)
    out["index.md"] = f"# {report.title}\n\n" + "\n".join(
        f"- [{c.numeral}、{c.title}](chapters/{c.number}.md)" for c in report.chapters
    )
    return out


def every_page_markdown(report) -> dict[str, str]:
    """Every HTML page we make (our page groups, split as ours are, and search.html), as Markdown
    at the same path (.md for .html) with the same content: each task's text and units wherever
    ours shows it (chapters, task lists, unit pages), the unit pages' partners and members, the
    units index, the matrix and the targets as tables, links relative as ours. Hugo builds them
    with uglyURLs (chapters/1.md -> chapters/1.html) and a layout with our header and footer.
    Beside markdown_pages (the issue's measure, one page per chapter and per unit), this is Hugo
    doing the pages' share of what our build does; it makes no exports or search index."""
    from reportsite import pages, progress

    sc = pages.SiteContext(report)
    made = [p for group in pages.GROUPS for p in pages.group_pages(report, group, sc)]
    progress.decorate(made, report)
    labels = report.labels
    out: dict[str, str] = {}

    def link(text, target: str, page: str) -> str:
        return f"[{text}]({pages.relative(target, page)})"

    def units_md(units: list[dict], page: str) -> str:
        return "、".join(link(u["name"], u["href"], page) for u in units)

    def task_md(t: dict, page: str) -> list[str]:
        lines = [f"**{t['number']}.** {t['text']}", ""]
        if t["lead"]:
            lines.append(f"- {labels['lead']}：{units_md(t['lead'], page)}")
        if t["responsible"] or t["and_others"]:
            lines.append(f"- {labels['responsible']}：{units_md(t['responsible'], page)}{'等有关单位' if t['and_others'] else ''}")
        lines.append(f"- 进展：{t['progress']['status']}")
        return lines + [""]

    def chapter_md(c: dict, page: str, level: str) -> list[str]:
        """A chapter's tasks (direct, then by section, each section a heading of that level)."""
        lines = [line for t in c["direct_tasks"] for line in task_md(t, page)]
        for s in c["sections"]:
            lines += [f"{level} {s['numeral']}{s['title']}", ""]
            lines += [line for t in s["tasks"] for line in task_md(t, page)]
        return lines

    def tasks_md(chapters: list[dict], page: str) -> list[str]:
        lines = []
        for c in chapters:
            lines += [f"## {link(c['numeral'] + '、' + c['title'], c['href'], page)}", ""] + chapter_md(c, page, "###")
        return lines

    def parts_md(ctx: dict, page: str) -> list[str]:
        parts = ctx.get("parts") or []
        return ["分页：" + " ".join(link(p["label"], p["href"], page) for p in parts), ""] if parts else []

    for p in made:
        ctx, path = p.context, p.path
        lines = [f"# {ctx['page_title']}", ""]
        if p.template == "chapter.html":
            lines += parts_md(ctx, path) + chapter_md(ctx, path, "##")
        elif p.template == "unit.html":
            u, counts = ctx["unit"], ctx["counts"]
            lines += [f"{u['kind']}" + (f" · 又称：{'、'.join(u['aliases'])}" if u["aliases"] else ""), ""]
            lines += [f"{counts['lead']} 项牵头 · {counts['responsible']} 项责任 · {counts['total']} 项合计", ""]
            lines += parts_md(ctx, path)
            if u["members"]:
                lines += ["## 包含的单位", ""] + [f"- {link(m['name'], m['href'], path)}" for m in u["members"]] + [""]
            elif u["collectives"]:
                lines += [f"属于：{units_md(u['collectives'], path)}", ""]
            for r in ctx["roles"]:
                lines += [f"## 作为{r['label']}（{r['count']} 项）", ""]
                for c in r["chapters"]:
                    lines += [f"### {link(c['numeral'] + '、' + c['title'], 'chapters/' + str(c['number']) + '.html', path)}", ""]
                    for item in c["tasks"]:
                        t = item["task"]
                        who = [f"{labels[k]}：{units_md(t[k], path)}" for k in ("lead", "responsible") if t[k]]
                        via = f" 经“{item['via']}”" if item["via"] else ""
                        lines.append(f"1. {link('第' + str(t['number']) + '项', t['href'], path)} {t['text']}{via}（{'；'.join(who)}）")
                    lines.append("")
            if ctx["partners"]:
                lines += ["## 共同承担任务最多的单位", ""]
                lines += [f"- {link(x['name'], x['href'], path)} {x['count']} 项" for x in ctx["partners"]] + [""]
        elif p.template == "units.html":
            lines += ["| 单位 | 类别 | 牵头 | 责任 | 合计 |", "|---|---|---|---|---|"]
            lines += [f"| {link(r['name'], r['href'], path)} | {r['kind']} | {r['lead']} | {r['responsible']} | {r['total']} |" for r in ctx["rows"]]
        elif p.template == "matrix.html":
            lines += parts_md(ctx, path)
            lines += ["| 单位 | " + " | ".join(link(c["numeral"], c["href"], path) for c in ctx["chapters"]) + " | 合计 |"]
            lines += ["|---" * (len(ctx["chapters"]) + 2) + "|"]
            for r in ctx["rows"]:
                cells = [link(f"**{c['lead']}** / {c['responsible']}", c["href"], path) if c["href"] else "" for c in r["cells"]]
                lines.append(f"| {link(r['name'], r['href'], path)} | " + " | ".join(cells) + f" | **{r['lead']}** / {r['responsible']} |")
        elif p.template == "tasks.html":
            lines += parts_md(ctx, path) + tasks_md(ctx["chapters"], path)
        elif p.template == "targets.html":
            lines += parts_md(ctx, path)
            for c in ctx["chapters"]:
                lines += [f"## {link(c['numeral'] + '、' + c['title'], c['href'], path)}", ""]
                lines += ["| 指标 | 内容 | 任务 | 单位 |", "|---|---|---|---|"]
                for r in c["rows"]:
                    measure = "".join(f"**{x}**" if q else x for x, q in r["measure"])
                    who = units_md(r["lead"] + r["responsible"], path)
                    lines.append(f"| {r['quantity']} | {measure} | {link(r['task']['number'], r['task']['href'], path)} | {who} |")
                lines.append("")
        elif p.template == "home.html":
            lines += [f"- {link(c['numeral'] + '、' + c['title'], c['href'], path)}（{c['tasks']} 项）" for c in ctx["chapters"]]
        else:
            raise ValueError(f"no Markdown for {p.template}")
        out[path[: -len(".html")] + ".md"] = "\n".join(lines) + "\n"
    out["search.md"] = "# 搜索\n\n在全部任务中搜索任务、单位或关键词。\n"
    return out


def mkdocs_project(pages: dict[str, str], where: Path) -> Path:
    docs = where / "docs"
    for path, text in pages.items():
        (docs / path).parent.mkdir(parents=True, exist_ok=True)
        (docs / path).write_text(text, encoding="utf-8")
    (where / "mkdocs.yml").write_text("site_name: bench\nuse_directory_urls: false\n", encoding="utf-8")
    return where


def hugo_project(pages: dict[str, str], where: Path, every: dict | None = None) -> Path:
    """A Hugo site of the Markdown pages. every (the report's issuer, title and chapters): the pages
    are every_page_markdown's, built with uglyURLs at our paths and a layout with our site header
    (title, search form, main navigation) and footer (source, chapter links); else markdown_pages',
    with Hugo's pretty URLs and a bare layout."""
    content = where / "content"
    for path, text in pages.items():
        title, _, body = text.partition("\n")
        if every is None:
            body = body.replace(".md#", "/#").replace(".md)", "/)")  # Hugo's pretty URLs
        name = path[: -len("index.md")] + "_index.md" if path.rsplit("/", 1)[-1] == "index.md" else path
        target = content / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f'---\ntitle: "{title[2:]}"\n---\n{body}', encoding="utf-8")
    layouts = where / "layouts" / "_default"
    layouts.mkdir(parents=True, exist_ok=True)
    head = '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body>'
    header = footer = ""
    if every is not None:
        nav = "".join(
            f'<li><a href="{{{{ "{href}" | relURL }}}}">{label}</a></li>'
            for href, label in (("index.html", "首页"), ("units/index.html", "责任单位"), ("matrix.html", "责任矩阵"),
                                ("targets.html", "量化目标"), ("tasks.html", "全部任务"))
        )  # fmt: skip
        header = (
            f'<header><a href="{{{{ "index.html" | relURL }}}}">{every["issuer"]}</a>'
            f'<form role="search" action="{{{{ "tasks.html" | relURL }}}}"><input name="q" type="search"><button>搜索</button></form>'
            f'<nav aria-label="主导航"><ul>{nav}</ul></nav></header><main>'
        )
        chapters = " · ".join(f'<a href="{{{{ "{href}" | relURL }}}}">{numeral}</a>' for href, numeral in every["chapters"])
        footer = f'</main><footer><p>{every["issuer"]} · {every["title"]}</p><p>章节：{chapters}</p></footer>'
    page = head + header + "<h1>{{ .Title }}</h1>{{ .Content }}" + footer + "</body></html>\n"
    (layouts / "single.html").write_text(page, encoding="utf-8")
    (layouts / "list.html").write_text(page, encoding="utf-8")
    (where / "config.toml").write_text(
        'baseURL = "/"\ntitle = "bench"\n'
        + ("uglyURLs = true\n" if every is not None else "")
        + 'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]\n',
        encoding="utf-8",
    )
    return where


def synthesize(tasks: int, units: int, content: Path) -> None:
    from reportsite.synth import generate

    content.write_text(generate(tasks, units), encoding="utf-8")


def prepare(content: Path, label: str, work: Path, with_mkdocs: bool, with_hugo: bool) -> dict:
    """The report's counts, and the projects of the others: MkDocs' (work/mkdocs-LABEL, up to
    MKDOCS_MAX tasks), Hugo's of the issue's pages (work/hugo-LABEL) and of every page we make, with
    our header and footer (work/hugo_all-LABEL)."""
    from reportsite.loader import load

    report, _ = load(str(content))
    facts = {"tasks": len(report.tasks), "units": len(report.units)}
    if with_mkdocs or with_hugo:
        md = markdown_pages(report)
        facts["equivalent_pages"] = len(md)
        if with_mkdocs and len(report.tasks) <= MKDOCS_MAX:
            mkdocs_project(md, work / f"mkdocs-{label}")
        if with_hugo:
            every = every_page_markdown(report)
            facts["hugo_all_pages"] = len(every)
            layout = {
                "issuer": report.issuer,
                "title": report.title,
                "chapters": [(f"chapters/{c.number}.html", c.numeral) for c in report.chapters],
            }
            hugo_project(md, work / f"hugo-{label}")
            hugo_project(every, work / f"hugo_all-{label}", layout)
    return facts


def in_child(fn, *args):
    """fn(*args) in a forked process; its result (JSON) comes back through a pipe. A build's peak RSS
    (timed()) counts the memory of the process that starts it: a report loaded in this one would be
    in every later figure."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            os.close(read)
            with os.fdopen(write, "w", encoding="utf-8") as out:
                json.dump(fn(*args), out)
            status = 0
        finally:
            os._exit(status)
    os.close(write)
    with os.fdopen(read, encoding="utf-8") as back:
        data = back.read()
    _, status = os.waitpid(pid, 0)
    if status != 0:
        raise SystemExit(f"{fn.__name__} failed in its process")
    return json.loads(data)


def setup_others(want: bool, want_mkdocs: bool = True) -> tuple[str | None, str | None]:
    """Paths of mkdocs (in bench/.venv) and hugo; installs them when missing. want_mkdocs=False:
    Hugo only (MkDocs takes two minutes a run at 10k tasks and 3,000 units)."""
    if not want:
        return None, None
    mkdocs = VENV / "bin" / "mkdocs"
    if want_mkdocs and not mkdocs.exists():
        print("setting up bench/.venv with MkDocs …", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run(
            [str(VENV / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", "mkdocs>=1.6,<2"], check=True
        )
    hugo = shutil.which("hugo")
    if not hugo and shutil.which("apt-get"):
        print("installing Debian's hugo …", flush=True)
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        subprocess.run(
            [*sudo, "apt-get", "install", "-y", "-qq", "hugo"],
            check=False,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
        hugo = shutil.which("hugo")
    return (str(mkdocs) if want_mkdocs and mkdocs.exists() else None), hugo


# ---------------------------------------------------------------- the run


def parse_size(label: str) -> tuple[int, int]:
    """(tasks, units) of a size: 'seed' and 'seed-pdf' (143 tasks, the real report's units), a number
    of tasks (synth's default units: tasks/25) or TASKSxUNITS, e.g. 10000x3000."""
    if label.startswith("seed"):
        return 143, 0
    tasks, _, units = label.partition("x")
    return int(tasks), int(units or 0)


def bench_size(
    label: str, runs: int, work: Path, mkdocs: str | None, hugo: str | None, jobs: int | None
) -> dict:
    tasks, units = parse_size(label)
    if label.startswith("seed"):
        content = SEED
    else:
        content = work / f"synth-{label}.yaml"
        if not content.exists():  # made in a process of its own, as the projects below
            in_child(synthesize, tasks, units, content)
    out = work / f"site-{label}"
    base = [sys.executable, str(ROOT / "build.py"), "--out", str(out), "-q"]
    if jobs:
        base += ["--jobs", str(jobs)]
    # a full build: nothing reused from the site the previous run left in `out` (reuse.py)
    cmd = [*base, "--content", str(content), "--fresh"]
    if label == "seed-pdf":  # the seed with its PDF handouts (WeasyPrint); no MkDocs or Hugo beside it
        cmd.append("--pdf")
        mkdocs = hugo = None
    # Hugo's two projects, made and built once untimed (as ours below), so that each of our runs can
    # be followed by one of each of Hugo's: the ratios compare runs seconds apart, not minutes (this
    # shared machine's speed changes from minute to minute)
    facts = in_child(prepare, content, label, work, bool(mkdocs), bool(hugo))
    others = []
    if hugo:
        for key in ("hugo", "hugo_all"):
            proj = work / f"{key}-{label}"
            hugo_cmd = [hugo, "--quiet", "-d", str(proj / "public")]
            timed(hugo_cmd, cwd=proj)  # untimed first run, as for ours
            others.append((key, hugo_cmd, proj, [], []))
    times, cpus, rss = [], [], 0
    if tasks <= 10_000:  # a first, untimed run, as the clerk's previous build: .pyc files and the user cache
        timed(cmd, cwd=ROOT)
    for i in range(runs):
        t, r, c = timed(cmd, cwd=ROOT)
        times.append(t)
        cpus.append(c)
        rss = max(rss, r)
        print(f"  {label}: reportsite run {i + 1}/{runs}: {t:.2f} s", flush=True)
        for key, hugo_cmd, proj, t_h, c_h in others:
            t, _, c = timed(hugo_cmd, cwd=proj)
            t_h.append(t)
            c_h.append(c)
            print(f"  {label}: {key} run {i + 1}/{runs}: {t:.2f} s", flush=True)
    steps = step_times(cmd) if tasks <= 10_000 else {}  # one more run, with --timings: where the time goes
    edits = []
    # the clerk's rebuild after editing one task: unchanged pages (and PDFs: seed-pdf) reused
    # one file edited in place, as a clerk does, first built untimed as it is (the previous build)
    edit_cmd = [*base, "--pdf"] if label == "seed-pdf" else base
    edited = work / f"edit-{label}" / content.name
    edited.parent.mkdir(exist_ok=True)
    shutil.copyfile(content, edited)
    if (content.parent / "progress").is_dir():  # the progress reports beside it, if any
        shutil.copytree(content.parent / "progress", edited.parent / "progress", dirs_exist_ok=True)
    timed([*edit_cmd, "--content", str(edited)], cwd=ROOT)
    for i, text in enumerate(edited_texts(content, runs)):
        edited.write_text(text, encoding="utf-8")
        t, _, c = timed([*edit_cmd, "--content", str(edited)], cwd=ROOT)
        edits.append((t, c))
        print(f"  {label}: rebuild after a one-task edit {i + 1}/{runs}: {t:.2f} s", flush=True)
    row = {
        "steps_ms": steps,
        "size": label,
        "tasks": facts["tasks"],
        "units": facts["units"],
        "content_bytes": content.stat().st_size,
        "runs": runs,
        "times": [round(t, 3) for t in times],
        "median_s": round(statistics.median(times), 3),
        "cpu_s": round(statistics.median(cpus), 3),
        **(
            {
                "edit_times": [round(t, 3) for t, _ in edits],
                "edit_s": round(statistics.median(t for t, _ in edits), 3),
                "edit_cpu_s": round(statistics.median(c for _, c in edits), 3),
            }
            if edits
            else {}
        ),
        "per_task_ms": round(statistics.median(times) / facts["tasks"] * 1000, 4),
        "peak_rss_mb": round(rss / 1024, 1),
        **folder_stats(out),
    }
    from reportsite.writer import remove_site

    remove_site(out)  # and the previous site its last build set aside (.site-LABEL.trash-…)
    if mkdocs or hugo:
        row["equivalent_pages"] = facts["equivalent_pages"]
    if mkdocs and facts["tasks"] <= MKDOCS_MAX:
        proj = work / f"mkdocs-{label}"  # made by prepare()
        t_m = []
        if facts["tasks"] <= 1000:  # untimed first run, as for ours
            timed([mkdocs, "build", "-q", "-d", str(proj / "site")], cwd=proj)
        for i in range(runs):  # a median too, as every figure (2 minutes a run at 10k tasks and 3,000 units)
            t, _, _ = timed([mkdocs, "build", "-q", "-d", str(proj / "site")], cwd=proj)
            t_m.append(t)
            print(f"  {label}: mkdocs run {i + 1}/{runs}: {t:.2f} s", flush=True)
        row["mkdocs_times"] = [round(t, 3) for t in t_m]
        row["mkdocs_s"] = round(statistics.median(t_m), 3)
        row["mkdocs_ratio"] = round(row["mkdocs_s"] / row["median_s"], 2)
        shutil.rmtree(proj, ignore_errors=True)
    if hugo:
        row["hugo_all_pages"] = facts["hugo_all_pages"]
    for key, _, proj, t_h, c_h in others:
        row[f"{key}_times"] = [round(t, 3) for t in t_h]
        row[f"{key}_s"] = round(statistics.median(t_h), 3)
        row[f"{key}_cpu_s"] = round(statistics.median(c_h), 3)
        row[f"{key}_ratio"] = round(row["median_s"] / row[f"{key}_s"], 2)
        # each of our runs against the Hugo run right after it: steadier than the medians' ratio
        # when the machine's speed changes within the minute
        row[f"{key}_paired_ratios"] = [round(ours / theirs, 2) for ours, theirs in zip(times, t_h, strict=True)]
        row[f"{key}_cpu_ratio"] = round(row["cpu_s"] / row[f"{key}_cpu_s"], 2)
        shutil.rmtree(proj, ignore_errors=True)
    return row


def table(rows: list[dict]) -> str:
    """A Markdown table (it is pasted into README.md as it is)."""
    head = [
        "size", "tasks", "units", "median s", "CPU s", "one-task edit s", "ms/task", "peak RSS MB", "files", "MB out", "largest file", "largest HTML page",
        "MkDocs s", "MkDocs / ours", "Hugo s", "Hugo CPU s", "ours / Hugo",
        "Hugo, all pages s", "Hugo, all pages CPU s", "ours / Hugo, all pages",
    ]  # fmt: skip
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [
            r["size"], r["tasks"], r["units"], f"{r['median_s']:.2f}", _or_dash(r, "cpu_s", "{:.2f}"),
            _or_dash(r, "edit_s", "{:.2f}"), f"{r['per_task_ms']:.3f}",
            f"{r['peak_rss_mb']:.0f}", r["files"], f"{r['bytes'] / 1e6:.1f}",
            f"{r['largest']} ({_size(r['largest_bytes'])})", f"{r['largest_html']} ({_size(r['largest_html_bytes'])})",
            _or_dash(r, "mkdocs_s", "{:.2f}"), _or_dash(r, "mkdocs_ratio", "{:.1f}x"),
            _or_dash(r, "hugo_s", "{:.2f}"), _or_dash(r, "hugo_cpu_s", "{:.2f}"), _or_dash(r, "hugo_ratio", "{:.2f}x"),
            _or_dash(r, "hugo_all_s", "{:.2f}"), _or_dash(r, "hugo_all_cpu_s", "{:.2f}"), _or_dash(r, "hugo_all_ratio", "{:.2f}x"),
        ]  # fmt: skip
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines)


def _size(n: int) -> str:
    return f"{n / 1024:.0f} kB" if n < 10 * 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def _or_dash(row: dict, key: str, fmt: str) -> str:
    return fmt.format(row[key]) if key in row else "–"  # not measured (MkDocs above 10k, the PDF size)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="seed and 1k tasks, one run each")
    p.add_argument(
        "--sizes",
        default="seed,seed-pdf,1000,10000,10000x3000,100000",
        help="comma-separated: seed, seed-pdf, a number of tasks (units: tasks/25) or TASKSxUNITS",
    )
    p.add_argument("--runs", type=int, default=3, help="runs per size up to 10k (median shown; default 3)")
    p.add_argument(
        "--runs-big", type=int, default=3, help="runs at sizes above 10k (default 3: half a minute each at 100k, and its edits)"
    )
    p.add_argument("--jobs", type=int, default=None, help="pass --jobs to build.py (default: its own, all cores)")
    p.add_argument("--no-others", action="store_true", help="skip MkDocs and Hugo")
    p.add_argument("--no-mkdocs", action="store_true", help="skip MkDocs only (Hugo's ratios still measured)")
    args = p.parse_args(argv)
    sizes = ["seed", "1000"] if args.quick else args.sizes.split(",")
    runs = 1 if args.quick else args.runs
    mkdocs, hugo = setup_others(not args.no_others, not args.no_mkdocs)
    RESULTS.mkdir(parents=True, exist_ok=True)
    work = RESULTS / "work"
    work.mkdir(exist_ok=True)
    speed_before = machine_speed()
    rows = []
    for s in sizes:
        tasks = parse_size(s)[0]
        print(f"size {s} …", flush=True)
        rows.append(bench_size(s, runs if tasks <= 10_000 else args.runs_big, work, mkdocs, hugo, args.jobs))
    text = table(rows)
    print()
    print(text)
    paired = [
        f"  {r['size']}: " + "; ".join(
            f"{what} " + " ".join(f"{x:.2f}x" for x in r[f"{key}_paired_ratios"])
            for key, what in (("hugo", "the issue's pages"), ("hugo_all", "all pages"))
            if f"{key}_paired_ratios" in r
        )
        for r in rows
        if "hugo_paired_ratios" in r
    ]
    if paired:
        print("\nours / Hugo, each of our runs against Hugo's run right after it:")
        print("\n".join(paired))
    by = {r["size"]: r for r in rows}
    if "1000" in by and "100000" in by:
        print(f"\ntime per task at 100k / at 1k: {by['100000']['per_task_ms'] / by['1000']['per_task_ms']:.2f}")
    meta = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "load_average_at_end": os.getloadavg(),
        "machine_speed_s": [speed_before, machine_speed()],  # a fixed Python loop, before and after
        "mkdocs": bool(mkdocs),
        "hugo": subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.strip() if hugo else None,
    }
    (RESULTS / "latest.json").write_text(
        json.dumps({"meta": meta, "rows": rows}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    (RESULTS / "latest.txt").write_text(text + "\n", encoding="utf-8")
    load = meta["load_average_at_end"][0]
    print(
        f"\nsaved {RESULTS.relative_to(ROOT)}/latest.json and latest.txt (load average now {load:.1f}; "
        f"a fixed Python loop took {meta['machine_speed_s'][0]:.3f} s before and {meta['machine_speed_s'][1]:.3f} s after)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
