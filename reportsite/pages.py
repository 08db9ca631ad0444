"""Model -> page contexts -> HTML. Templates stay dumb: every page gets a small prepared context."""

from __future__ import annotations

import functools
import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from . import progress, targets
from .model import KINDS, ROLES, Report, Task, Unit
from . import paging
from .paging import anchor_parts, matrix_path, parts_nav, unit_part_path, unit_parts

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; form-action 'self'; base-uri 'none'"
)


def chapter_path(number: int, part: int = 1) -> str:
    return f"chapters/{number}.html" if part == 1 else f"chapters/{number}-{part}.html"


def unit_path(unit: Unit) -> str:
    return f"units/{unit.slug}.html"


def task_path(task: Task) -> str:
    return f"{chapter_path(task.chapter, task.part)}#task-{task.number}"


def relative(target: str, page: str) -> str:
    """Path of `target` (site-relative, may carry #fragment) as seen from `page`."""
    path, _, frag = target.partition("#")
    rel = _relpath(path, _dirname(page)) if path else posixpath.basename(page)
    return rel + ("#" + frag if frag else "")


@functools.lru_cache(maxsize=1 << 16)
def _dirname(page: str) -> str:
    return posixpath.dirname(page) or "."


@functools.lru_cache(maxsize=1 << 16)
def _relpath(path: str, base: str) -> str:  # cached: a big site asks the same few thousand pairs a million times
    """posixpath.relpath() of two site paths, worked out from their parts alone: relpath() makes
    both absolute first, asking the OS for the working folder twice (25,000 getcwd calls in a
    build of 10k tasks and 3,000 units)."""
    to = [p for p in path.split("/") if p and p != "."]
    start = [p for p in base.split("/") if p and p != "."]
    if ".." in to or ".." in start or path.startswith("/") or base.startswith("/"):
        return posixpath.relpath(path, base)  # not a site path: never asked by the pages
    common = 0
    for a, b in zip(to, start):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(start) - common) + to[common:]) or "."


@dataclass
class Page:
    path: str
    template: str
    context: dict = field(default_factory=dict)


def make_env(templates: Path):
    import jinja2

    from .cache import template_cache

    env = _DictFirstEnvironment(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=template_cache(),  # compiled templates kept between builds (reportsite/cache.py)
        # one environment per build (serve makes a new one for each rebuild): the templates are read
        # once, not looked at again (Jinja's default stats each template's file on every page that
        # uses it: three times a unit page)
        auto_reload=False,
    )
    # segments(text): the text cut into (piece, is_quantity) for highlighting quantities; asked only
    # by the pages that show task texts that way (cached per text: targets.py)
    env.globals["segments"] = plain(targets.segments)
    return env


@functools.lru_cache(maxsize=None)  # the classes are made once per process, not per make_env()
def _dict_first_environment():
    import jinja2

    class DictFirst(jinja2.Environment):
        """`t.number` on a page context's dicts is a key lookup: Jinja tries the attribute first and
        pays for an AttributeError each time, which is a quarter of a big build. Templates use
        `x['items']` where a key shadows a dict method, as before; anything else falls back.
        Its templates also escape faster (_fast_escape_template) and its contexts call our plain
        helpers directly (_fast_call_context)."""

        template_class = _fast_escape_template(jinja2.Template)
        context_class = _fast_call_context(jinja2.runtime.Context)

        def getattr(self, obj, attribute):
            kind = type(obj)
            if kind is dict or kind is SharedDict:
                try:
                    return obj[attribute]
                except KeyError:
                    pass
                if kind is SharedDict:  # a template's mistake says 'dict object', as for any dict
                    obj = dict(obj)
            return super().getattr(obj, attribute)

        def getitem(self, obj, argument):
            kind = type(obj)
            if kind is SharedDict or kind is SharedList:
                try:
                    return obj[argument]
                except (KeyError, IndexError, TypeError):
                    obj = kind.__mro__[2](obj)  # a plain dict or list, in a template's mistakes too
            return super().getitem(obj, argument)

    return DictFirst


def _fast_call_context(base):
    """A template context whose call() calls our own plain helpers (url, fragments, unit_links, once,
    segments: marked `jinja_plain`) straight away. Jinja's call() first asks each callable whether it
    wants the context or environment passed (twice), for every {{ url(…) }} of every page."""
    import functools
    import types

    kinds = (types.FunctionType, type(functools.lru_cache(None)(len)))  # helpers, cached helpers

    class FastCall(base):
        def call(__self, __obj, *args, **kwargs):  # noqa: N805 (Jinja's own signature)
            if type(__obj) in kinds and getattr(__obj, "jinja_plain", False):
                if kwargs:
                    kwargs.pop("_block_vars", None)
                    kwargs.pop("_loop_vars", None)
                try:
                    return __obj(*args, **kwargs)
                except StopIteration:  # as Jinja's call() does
                    return __self.environment.undefined("value was undefined because a callable raised a StopIteration exception")
            return base.call(__self, __obj, *args, **kwargs)

    return FastCall


def plain(fn):
    """Marks a template helper as a plain function (no Jinja context or environment passed to it)."""
    fn.jinja_plain = True
    return fn


def _fast_escape_template(base):
    """Templates whose {{ … }} escape with fast_escape(): the same Markup as MarkupSafe's escape()
    (on which Jinja's compiled code calls it, by the name `escape` in the template's module), made
    without MarkupSafe's Python-level Markup.__new__ for the common values (a str, an int, Markup).
    A big build escapes millions of values. If MarkupSafe no longer has _escape_inner, nothing
    changes."""
    import markupsafe

    inner = getattr(markupsafe, "_escape_inner", None)
    if inner is None:
        return base
    Markup, new, escape = markupsafe.Markup, str.__new__, markupsafe.escape

    def fast_escape(s):
        kind = type(s)
        if kind is str:
            return new(Markup, inner(s))
        if kind is Markup:
            return s
        if kind is int:
            return new(Markup, str(s))  # digits and a sign: nothing to escape
        return escape(s)

    class FastEscape(base):
        @classmethod
        def _from_namespace(cls, environment, namespace, globals):
            namespace["escape"] = fast_escape  # the compiled code's `from jinja2.runtime import escape`
            return super()._from_namespace(environment, namespace, globals)

    return FastEscape


class _Digested:
    """A value every page of a kind shares and no page changes (a task view, the site's navigation):
    a page's fingerprint (reuse.fingerprint) takes it as the digest of its content, worked out once
    (digest()), instead of pickling it again on every page (at 10k tasks and 3,000 units each task
    view is on about five pages, the navigation on all 6,400)."""

    __slots__ = ()

    def digest(self) -> bytes:
        try:
            return self._digest
        except AttributeError:
            from .reuse import content_digest

            self._digest = content_digest(dict(self) if isinstance(self, dict) else list(self))
            return self._digest


class SharedDict(_Digested, dict):
    """A dict to the templates (see _Digested)."""

    __slots__ = ("_digest",)


class SharedList(_Digested, list):
    """A list to the templates (see _Digested)."""

    __slots__ = ("_digest",)


def _DictFirstEnvironment(**options):
    return _dict_first_environment()(**options)


class SiteContext:
    """What every page shares, and the helpers that turn model objects into link targets."""

    def __init__(self, report: Report, shared_views: bool = True):
        """shared_views: task views made as SharedDict, so that a page's fingerprint takes each as
        its digest, worked out once; worth it where a view is on several of the pages made with
        this context (the unit pages), not where it is on one or two (chapters, the top pages:
        there the digests cost more than pickling each view in place)."""
        self.report = report
        self._view = SharedDict if shared_views else dict
        self.units = report.unit_by_name
        self._task_views: dict[int, dict] = {}
        self._unit_parts: dict[str, list] = {}
        self._unit_refs: dict[str, dict] = {}
        self._sections: dict[tuple[int, int], dict] = {}
        self.fragments: dict = {}  # the build's fragment and link cache: see _page_helpers()
        self._common: dict | None = None
        self.tracked = progress.tracked(report)  # a report that follows progress at all

    def unit_ref(self, name: str) -> dict:
        """{name, href} of a unit, made once and shared by every view that names it: read-only."""
        ref = self._unit_refs.get(name)
        if ref is None:
            u = self.units[name]
            ref = self._unit_refs[name] = {"name": u.name, "href": unit_path(u)}
        return ref

    def task_view(self, t: Task) -> dict:
        """One view per task, shared by every page that shows it (a big report shows each task on
        about six pages): treat it as read-only."""
        view = self._task_views.get(t.number)
        if view is None:
            view = self._task_views[t.number] = self._make_task_view(t)
        return view

    def _make_task_view(self, t: Task) -> dict:
        return self._view(
            number=t.number,
            text=t.text,
            href=task_path(t),
            section=self._section(t.chapter, t.section) if t.section else None,
            lead=[self.unit_ref(n) for n in t.lead],
            responsible=[self.unit_ref(n) for n in t.responsible],
            and_others=t.and_others,
            extra=t.extra,
            progress=progress.task_progress(t, self.report.extra.get("as_of"), self.tracked),
        )

    def _section(self, chapter: int, section: int) -> dict:
        """{numeral, title} of a section, one for all its task views (the PDFs show it)."""
        key = (chapter, section)
        ref = self._sections.get(key)
        if ref is None:
            sec = self.report.chapters[chapter - 1].sections[section - 1]
            ref = self._sections[key] = {"numeral": _section_numeral(sec.number), "title": sec.title}
        return ref

    def unit_parts(self, name: str) -> list:
        """paging.unit_parts of a unit, worked out once (unit pages and the matrix both ask)."""
        parts = self._unit_parts.get(name)
        if parts is None:
            parts = self._unit_parts[name] = unit_parts(self.report, name)
        return parts

    def common(self) -> dict:
        """What every page's context has (made once: each page's context is a new dict of it)."""
        if self._common is None:
            r = self.report
            self._common = {
                "_fragments": self.fragments,
                "report": SharedDict(title=r.title, issuer=r.issuer, year=r.year, source=r.source),
                "labels": SharedDict(r.labels),
                "csp": CSP,
                "nav_chapters": SharedList(
                    {"number": c.number, "numeral": c.numeral, "title": c.title, "href": chapter_path(c.number)}
                    for c in r.chapters
                ),
            }
        return self._common


@functools.lru_cache(maxsize=None)  # asked for every task view
def _section_numeral(n: int) -> str:
    from .model import cn_numeral

    return f"（{cn_numeral(n)}）"


def unit_counts(report: Report, name: str) -> dict:
    lead = report.count(name, "lead")
    resp = report.count(name, "responsible")
    via = sum(1 for a in report.assignments[name] if a.via)
    return {"lead": lead, "responsible": resp, "total": lead + resp, "via": via}


def home_page(sc: SiteContext) -> Page:
    r = sc.report
    groups = []
    for kind, label in KINDS.items():
        units = [u for u in r.sorted_units() if u.kind == kind]
        if units:
            groups.append(
                {
                    "kind": kind,
                    "label": label,
                    "units": [dict(sc.unit_ref(u.name), **unit_counts(r, u.name)) for u in units],
                }
            )
    chapters = [
        {
            "number": c.number,
            "numeral": c.numeral,
            "title": c.title,
            "href": chapter_path(c.number),
            "tasks": len(c.tasks),
            "sections": len(c.sections),
        }
        for c in r.chapters
    ]
    ctx = {
        "page_title": r.title,
        "counts": {"tasks": len(r.tasks), "chapters": len(r.chapters), "sections": len(r.sections), "units": len(r.units)},
        "chapters": chapters,
        "groups": groups,
    }
    return Page("index.html", "home.html", ctx)


def chapter_pages(sc: SiteContext) -> list[Page]:
    r = sc.report
    pages = []
    for c in r.chapters:
        prev = r.chapters[c.number - 2] if c.number > 1 else None
        nxt = r.chapters[c.number] if c.number < len(r.chapters) else None
        hrefs = [chapter_path(c.number, k) for k in range(1, c.parts + 1)]  # long chapters: paging.py
        numbers = [[t.number for t in c.tasks if t.part == k] for k in range(1, c.parts + 1)]
        for part in range(1, c.parts + 1):
            # the pager reads on: the next page of this chapter, else the next chapter's first; back to
            # the previous page, else the previous chapter's last
            if part > 1:
                back = {"href": hrefs[part - 2], "label": f"{c.numeral}、{c.title}（第{part - 1}页）"}
            elif prev:
                back = {"href": chapter_path(prev.number, prev.parts), "label": f"{prev.numeral}、{prev.title}"}
            else:
                back = None
            if part < c.parts:
                on = {"href": hrefs[part], "label": f"{c.numeral}、{c.title}（第{part + 1}页）"}
            elif nxt:
                on = {"href": chapter_path(nxt.number), "label": f"{nxt.numeral}、{nxt.title}"}
            else:
                on = None
            ctx = {
                "page_title": f"{c.numeral}、{c.title}" + (f"（第{part}页）" if part > 1 else ""),
                "chapter": {
                    "number": c.number,
                    "numeral": c.numeral,
                    "title": c.title,
                    "count": len(c.tasks),
                    "sections": len(c.sections),
                },
                "direct_tasks": [sc.task_view(t) for t in c.direct_tasks if t.part == part],
                "sections": [
                    {
                        "numeral": _section_numeral(s.number),
                        "title": s.title,
                        "id": f"section-{c.number}-{s.number}",
                        "tasks": [sc.task_view(t) for t in s.tasks if t.part == part],
                    }
                    for s in c.sections
                    if any(t.part == part for t in s.tasks)
                ],
                "prev": back,
                "next": on,
                "parts": parts_nav(hrefs, part, numbers),
            }
            pages.append(Page(hrefs[part - 1], "chapter.html", ctx))
    return pages


def unit_pages(sc: SiteContext) -> list[Page]:
    r = sc.report
    pages = []
    for u in r.units:
        split = sc.unit_parts(u.name)  # a unit with thousands of tasks gets several pages: paging.py
        hrefs = [unit_part_path(u, k) for k in range(1, len(split) + 1)]
        totals = {role: r.count(u.name, role) for role in ROLES}
        labels = placed = None
        if len(split) > 1:  # each part says what it holds, and each role where its tasks are
            placed = paging.unit_part_chapters(split, r)
            labels = paging.unit_part_labels(placed, r)
        for number, part in enumerate(split, 1):
            roles = []
            for role in ROLES:
                chapters = []
                for role_, chapter, assignments in part:
                    if role_ == role:
                        c = r.chapters[chapter - 1]
                        items = [{"task": sc.task_view(a.task), "via": a.via} for a in assignments]
                        chapters.append(
                            {"number": c.number, "numeral": c.numeral, "title": c.title, "id": f"{role}-ch{c.number}", "tasks": items}
                        )
                if chapters or number == 1:
                    elsewhere = [
                        {"part": k, "href": hrefs[k - 1], "chapters": held}
                        for k, held in (placed or {}).get(role, [])
                        if k != number
                    ]
                    roles.append(
                        {"role": role, "label": r.labels[role], "chapters": chapters, "count": totals[role], "elsewhere": elsewhere}
                    )
            nav = parts_nav(hrefs, number, labels=labels)
            pages.append(Page(hrefs[number - 1], "unit.html", _unit_context(sc, u, roles, nav)))
    return pages


def _unit_context(sc: SiteContext, u: Unit, roles: list[dict], parts: list[dict] | None) -> dict:
    r = sc.report
    return {
        "page_title": u.name,
        "unit": {
            "name": u.name,
            "slug": u.slug,
            "kind": KINDS[u.kind],
            "aliases": list(u.aliases),
            "members": [sc.unit_ref(m) for m in u.members],
            "collectives": [sc.unit_ref(n) for n in r.collectives_of.get(u.name, [])],
        },
        "counts": unit_counts(r, u.name),
        "roles": roles,
        "partners": [dict(sc.unit_ref(n), count=k) for n, k in r.partners[u.name][:12]],
        "parts": parts,
    }


def example_collective(report: Report) -> str | None:
    """A collective unit of this report (e.g. 各街道办事处), for the notes that explain them; None if it has none."""
    return next((u.name for u in report.sorted_units() if u.members), None)


def search_examples(report: Report) -> dict:
    """The search page's examples, from this report: a unit's short name (an alias of the busiest unit
    that has one, else the shortest name) and a task number."""
    units = sorted(report.units, key=lambda u: -(report.count(u.name, "lead") + report.count(u.name, "responsible")))
    alias = next((u.aliases[0] for u in units if u.aliases), None)
    if alias is None:
        alias = min((u.name for u in units), key=len, default="")
    number = report.tasks[len(report.tasks) // 2].number if report.tasks else 1
    return {"unit": alias, "number": number}


def units_index_page(sc: SiteContext) -> Page:
    r = sc.report
    rows = [dict(sc.unit_ref(u.name), kind=KINDS[u.kind], **unit_counts(r, u.name)) for u in r.sorted_units()]
    rows.sort(key=lambda x: -x["total"])  # stable: pinyin order within equal load
    ctx = {"page_title": "责任单位一览", "rows": rows, "collective": example_collective(r)}
    return Page("units/index.html", "units.html", ctx)


def matrix_page(sc: SiteContext) -> list[Page]:
    """The matrix; with more than paging.MATRIX_ROWS units, on several pages of that many rows."""
    r = sc.report
    rows = []
    # a unit's cell of a chapter it has no task in: the same for every unit (most cells, with
    # thousands of units), so one shared dict per chapter
    # (a row starts as the empty cells and only the unit's chapters are filled in: a unit has tasks
    # in a few chapters, and looking up every chapter took twice as long at 3,000 units)
    empty_row = [{"chapter": c.number, "lead": 0, "responsible": 0, "level": 0, "href": None} for c in r.chapters]
    column = {c.number: i for i, c in enumerate(r.chapters)}
    for u in r.sorted_units():
        # the part of its page each cell links to; a unit of one page needs no cutting
        where = {} if paging.one_part(r, u.name) else anchor_parts(sc.unit_parts(u.name))
        counted = r.counts(u.name)  # r.count()'s table: {role: n, (role, chapter): n}
        cells = empty_row.copy()
        for key in counted:
            if type(key) is not tuple or cells[column[key[1]]]["href"] is not None:
                continue  # a role's total, or a chapter already filled in
            number = key[1]
            lead = counted.get(("lead", number), 0)
            resp = counted.get(("responsible", number), 0)
            anchor = f"lead-ch{number}" if lead else f"responsible-ch{number}"
            cells[column[number]] = {
                "chapter": number,
                "lead": lead,
                "responsible": resp,
                "level": _level(lead + resp),
                "href": f"{unit_part_path(u, where.get((anchor.split('-')[0], number), 1))}#{anchor}",
            }
        rows.append(dict(sc.unit_ref(u.name), kind=u.kind, cells=cells, **unit_counts(r, u.name)))
    totals = [
        {
            "chapter": c.number,
            "tasks": len(c.tasks),
        }
        for c in r.chapters
    ]
    pages = []
    count = max(1, -(-len(rows) // paging.MATRIX_ROWS))
    hrefs = [matrix_path(k) for k in range(1, count + 1)]
    labels = [f"{rows[k * paging.MATRIX_ROWS]['name']}…" for k in range(count)] if count > 1 else None
    for k in range(count):
        ctx = {
            "page_title": "责任矩阵" + (f"（第{k + 1}页）" if k else ""),
            "chapters": [{"number": c.number, "numeral": c.numeral, "title": c.title, "href": chapter_path(c.number)} for c in r.chapters],
            "rows": rows[k * paging.MATRIX_ROWS : (k + 1) * paging.MATRIX_ROWS],
            "totals": totals,
            "task_count": len(r.tasks),
            "parts": parts_nav(hrefs, k + 1, labels=labels),
        }
        pages.append(Page(hrefs[k], "matrix.html", ctx))
    return pages


def _level(n: int) -> int:
    return 0 if n == 0 else 1 if n == 1 else 2 if n <= 3 else 3 if n <= 6 else 4


PAGE_MAKERS = [
    lambda sc: [home_page(sc)],
    chapter_pages,
    unit_pages,
    lambda sc: [units_index_page(sc), *matrix_page(sc)],
]


def all_pages(report: Report, sc: SiteContext | None = None) -> list[Page]:
    """Home, chapters, units, the units index and the matrix (sc: shared with tasks_page)."""
    sc = sc or SiteContext(report)
    pages: list[Page] = []
    for maker in PAGE_MAKERS:
        pages.extend(maker(sc))
    common = sc.common()
    for p in pages:
        p.context = {**common, **p.context}
    return pages


GROUPS = ("units", "top", "chapters")  # about the heaviest first


def group_pages(report: Report, group: str, sc: SiteContext | None = None) -> list[Page]:
    """The pages of one folder group, with their contexts: 'units' (units/: the unit pages and the
    units index), 'chapters' (chapters/) or 'top' (the home page, the matrix, tasks.html and
    targets.html with their parts). One build job makes and renders one group (site.py), with its
    own SiteContext (task views, fragments); together the groups are every page of the site. The
    unit pages' task views are SharedDicts (a task is on several unit pages: fingerprinted by their
    digests), the other groups' plain dicts (on one or two pages each): sc, if given (tests), must
    be made the same way."""
    sc = sc or SiteContext(report, shared_views=group == "units")  # each task on several unit pages
    if group == "units":
        made = [*unit_pages(sc), units_index_page(sc)]
    elif group == "chapters":
        made = chapter_pages(sc)
    elif group == "top":
        made = [home_page(sc), *matrix_page(sc)]
    else:
        raise ValueError(f"no page group {group!r}")
    common = sc.common()
    for p in made:
        p.context = {**common, **p.context}
    if group == "top":
        made += paging.split_tasks_page(tasks_page(report, sc))  # big reports: tasks-2.html, …
        made += targets.targets_pages(report, sc)  # big reports: targets-2.html, …
    return made


def render(pages: list[Page], env) -> dict[str, str]:
    out = {}
    for p in pages:
        template = env.get_template(p.template)
        helpers = _page_helpers(env, p.context, p.path)
        out[p.path] = template.render(p.context, page_path=p.path, **helpers)
    return out


def _page_helpers(env, context: dict, page_path: str) -> dict:
    """The functions a page's templates call, sharing one build-wide cache (context["_fragments"]) by
    page folder: a link to another file, a task's fragment or a unit's link is the same on every page
    of a folder, so it is worked out once and reused (a task of a big report is on about six pages).

    - `url(site path)`: the relative link from this page; a bare #fragment stays on the page itself.
    - `fragments('macro', items, *args)`: for each item ({"task": task view, "via": …}), that macro
      of macros.html called with (task, via, *args), rendered once per task, way, arguments and
      folder, and the results joined (a unit page's list: 30,000 items at 10k tasks, so the loop is
      here, not in the template). The macro sees only `labels`, `url`, `unit_links` and
      `page_path` of the first page of the folder, so it may link only to site paths (relative to
      the folder, not the page) and must not look at the page. Each result is the macro's Markup:
      escaped once.
    - `unit_links(units)`: each unit's `unit_link` macro (rendered once per unit and folder), joined
      by 、.
    - `once('macro', *args)`: that macro of macros.html called with args (hashable), rendered once
      per folder and args: the site's header and footer (base.html), a matrix cell of a chapter
      without tasks, a unit page's partner entry and chapter heading, a task's status badge. Like
      the fragments, it sees
      `labels`, `report`, `nav_chapters` and the helpers of the folder's first page.
    - `note(html)`: a progress note's HTML (progress.render_note) with its relative links, written
      from the site's top folder, made relative to this page's folder.
    - `nav`: not a function but the page's entry of the main navigation (nav_section)."""
    from markupsafe import Markup

    cache = context.get("_fragments")
    if cache is None:  # a page made outside all_pages(): no sharing
        cache = {}
    folder = _dirname(page_path)
    shared = cache.get(folder)
    if shared is None:
        shared = cache[folder] = {"urls": {}, "links": {}, "module": None}
    urls, links = shared["urls"], shared["links"]

    def url(target: str) -> str:
        link = urls.get(target)
        if link is None:
            link = relative(target, page_path)
            if target[:1] not in ("", "#"):  # a bare #fragment (or nothing) is the page itself
                urls[target] = link
        return link

    def macros():
        if shared["module"] is None:
            shared["module"] = env.get_template("macros.html").make_module(
                {k: context[k] for k in ("labels", "report", "nav_chapters") if k in context}
                | {"page_path": page_path, **helpers}
            )
        return shared["module"]

    def fragments(name: str, items, *args) -> Markup:
        out = []
        for item in items:
            t, via = item["task"], item["via"]
            key = (name, t["number"], folder, via, *args)
            html = cache.get(key)
            if html is None:
                html = cache[key] = getattr(macros(), name)(t, via, *args)
            out.append(html)
        return Markup("".join(out))

    def once(name: str, *args) -> Markup:
        key = (name, folder, *args)
        html = cache.get(key)
        if html is None:
            html = cache[key] = getattr(macros(), name)(*args)
        return html

    def unit_links(units) -> Markup:
        out = []
        for u in units:
            html = links.get(u["href"])
            if html is None:
                html = links[u["href"]] = macros().unit_link(u)
            out.append(html)
        return Markup("、".join(out))  # each piece is the macro's Markup

    def note(html: str) -> Markup:
        return Markup(progress.note_html(html, page_path))  # render_note()'s HTML, its links from here

    helpers = {
        name: plain(f)
        for name, f in (("url", url), ("fragments", fragments), ("unit_links", unit_links), ("once", once), ("note", note))
    }
    return helpers | {"nav": nav_section(page_path)}


@functools.lru_cache(maxsize=1 << 12)
def nav_section(page_path: str) -> str:
    """The main navigation's entry a page belongs to (marked aria-current in the site's header)."""
    if page_path == "index.html":
        return "home"
    for prefix, section in (("units/", "units"), ("matrix", "matrix"), ("targets", "targets"), ("tasks", "tasks")):
        if page_path.startswith(prefix):
            return section
    return ""


def tasks_page(report: Report, sc: SiteContext | None = None):
    """All tasks on one page: the no-JavaScript fallback of search, where the browser's find works.
    sc: the SiteContext of all_pages(), so that both share the task views and the fragment cache."""
    sc = sc or SiteContext(report)
    chapters = [
        {
            "number": c.number,
            "numeral": c.numeral,
            "title": c.title,
            "href": chapter_path(c.number),
            "direct_tasks": [sc.task_view(t) for t in c.direct_tasks],
            "sections": [
                {"numeral": _section_numeral(s.number), "title": s.title, "tasks": [sc.task_view(t) for t in s.tasks]}
                for s in c.sections
            ],
        }
        for c in report.chapters
    ]
    ctx = {**sc.common(), "page_title": "全部任务", "chapters": chapters, "count": len(report.tasks)}
    return Page("tasks.html", "tasks.html", ctx)
