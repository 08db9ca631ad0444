"""The report as typed objects, with the reverse indexes every page needs, computed once."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

KINDS = {
    "department": "部门",
    "town": "乡镇、街道",
    "company": "企业",
    "other": "其他单位",
}
ROLES = ("lead", "responsible")
DEFAULT_LABELS = {"lead": "牵头单位", "responsible": "责任单位"}
CHAPTER_PART_TASKS = 400  # a longer chapter is printed in parts of about this many tasks, cut between sections

_DIGITS = "零一二三四五六七八九"


def cn_numeral(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 21 -> 二十一 (chapter and section numbers as printed)."""
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    return str(n)


@dataclass
class Unit:
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    slug: str = ""
    sort_key: tuple = ()

    @property
    def is_collective(self) -> bool:
        return bool(self.members)


@dataclass
class Task:
    number: int
    text: str
    lead: tuple[str, ...]
    responsible: tuple[str, ...]
    and_others: bool = False
    chapter: int = 0  # 1-based
    section: int | None = None  # 1-based within the chapter
    extra: dict = field(default_factory=dict)  # optional fields added by later stages (progress, …)
    part: int = 1  # the page of its chapter it is printed on (long chapters are split; see CHAPTER_PART_TASKS)

    def units(self, role: str) -> tuple[str, ...]:
        return self.lead if role == "lead" else self.responsible

    @property
    def all_units(self) -> tuple[str, ...]:
        return self.lead + tuple(u for u in self.responsible if u not in self.lead)


@dataclass
class Section:
    number: int
    title: str
    tasks: list[Task]


@dataclass
class Chapter:
    number: int
    title: str
    sections: list[Section]
    direct_tasks: list[Task]
    parts: int = 1  # pages the chapter is printed on: chapters/K.html, chapters/K-2.html, …

    @property
    def numeral(self) -> str:
        return cn_numeral(self.number)

    @property
    def tasks(self) -> list[Task]:
        return self.direct_tasks + [t for s in self.sections for t in s.tasks]


@dataclass(frozen=True)
class Assignment:
    """A task as seen from one unit: its role, and the collective it came through, if any."""

    task: Task
    role: str
    via: str | None = None


@dataclass
class Report:
    title: str
    issuer: str
    year: int
    source: str
    labels: dict[str, str]
    units: list[Unit]
    chapters: list[Chapter]
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.inputs = ""  # a hash of what the model was made of (loader.load), for reusing the exports
        self.unit_by_name: dict[str, Unit] = {u.name: u for u in self.units}
        self.tasks: list[Task] = [t for c in self.chapters for t in c.tasks]
        self.task_by_number: dict[int, Task] = {t.number: t for t in self.tasks}
        for c in self.chapters:
            _split_chapter(c)
        self.collectives_of: dict[str, list[str]] = defaultdict(list)
        for u in self.units:
            for m in u.members:
                self.collectives_of[m].append(u.name)
        self.assignments: dict[str, list[Assignment]] = {u.name: [] for u in self.units}
        for t in self.tasks:
            direct: set[str] = set()
            for role in ROLES:
                for name in t.units(role):
                    if name not in direct:
                        self.assignments[name].append(Assignment(t, role))
                        direct.add(name)
            for role in ROLES:
                for name in t.units(role):
                    for member in self.unit_by_name[name].members:
                        if member not in direct:
                            self.assignments[member].append(Assignment(t, role, via=name))
                            direct.add(member)
        self._counts: dict[str, Counter] = {}  # count()'s cache
        self.partners: dict[str, list[tuple[str, int]]] = _Partners(self)

    def sorted_units(self) -> list[Unit]:
        """Units in pinyin order of their names (a Chinese reader's dictionary order)."""
        return sorted(self.units, key=lambda u: (u.sort_key, u.name))

    def count(self, unit: str, role: str, chapter: int | None = None) -> int:
        """A unit's assignments in a role (in one chapter): counted in one pass per unit, then looked up
        (pages, exports and handouts ask for every unit × chapter × role)."""
        counts = self.counts(unit)
        return counts[role] if chapter is None else counts[(role, chapter)]

    def counts(self, unit: str) -> Counter:
        """count()'s table of a unit: {role: n, (role, chapter): n}, made once (read-only)."""
        counts = self._counts.get(unit)
        if counts is None:
            counts = Counter((a.role, a.task.chapter) for a in self.assignments[unit])
            counts.update(Counter(a.role for a in self.assignments[unit]))
            self._counts[unit] = counts
        return counts

    @property
    def sections(self) -> list[Section]:
        return [s for c in self.chapters for s in c.sections]


class _Partners(dict):
    """report.partners[unit]: the other units sharing its tasks, [(name, tasks shared)], most first,
    then in pinyin order. Worked out for a unit when first asked: the unit pages' job asks, in
    parallel, instead of the load (0.1 s at 10k tasks)."""

    def __init__(self, report: Report) -> None:
        super().__init__()
        self.report = report
        self.order: dict[str, int] | None = None
        self.all_units: dict[int, tuple[str, ...]] = {}

    def __missing__(self, name: str) -> list[tuple[str, int]]:
        r = self.report
        if name not in r.assignments:
            raise KeyError(name)
        if self.order is None:
            self.order = {u.name: i for i, u in enumerate(r.sorted_units())}
        order, all_units = self.order, self.all_units
        c: Counter[str] = Counter()
        for a in r.assignments[name]:
            others = all_units.get(a.task.number)
            if others is None:  # made once per task, not once per unit of the task
                others = all_units[a.task.number] = a.task.all_units
            for other in others:
                if other != name and other != a.via:
                    c[other] += 1
        found = self[name] = sorted(c.items(), key=lambda kv: (-kv[1], order[kv[0]]))
        return found


def _split_chapter(c: Chapter) -> None:
    """Number the parts of a long chapter: a section starts a new part when it would overflow it."""
    limit = CHAPTER_PART_TASKS
    part, used = 1, 0
    for block in [c.direct_tasks] + [s.tasks for s in c.sections]:
        if used and used + len(block) > limit:
            part, used = part + 1, 0
        for t in block:
            if used >= limit:
                part, used = part + 1, 0
            t.part = part
            used += 1
    c.parts = part
