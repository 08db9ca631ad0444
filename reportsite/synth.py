"""Synthetic reports of any size, for benchmarks and scale tests.

`python -m reportsite.synth --tasks 10000 --units 400 -o /tmp/big.yaml` (or `python build.py synth …`)
writes a content file shaped like a real one: chapters with sections, task texts of the real
notice's lengths (median about 50 characters), one lead and a few responsible units per task drawn
with a skewed load (a few units carry many tasks, as the 发展改革 bureaus do), collectives (各镇人民政府,
各街道办事处 and their members), aliases, and 等有关单位. The same arguments always give the same bytes.
"""

from __future__ import annotations

import argparse
import bisect
import random
import sys
from itertools import accumulate

_FIELDS = [
    "发展改革",
    "住房城乡建设",
    "工业信息化",
    "农业农村",
    "自然资源",
    "生态环境",
    "教育",
    "卫生健康",
    "文化旅游",
    "人力资源社会保障",
    "交通运输",
    "水利",
    "财政",
    "市场监督管理",
    "民政",
    "医疗保障",
    "林业",
    "公安",
    "司法",
    "大数据管理",
    "税务",
    "应急管理",
    "退役军人事务",
    "民族宗教",
    "档案",
    "气象",
    "商务",
    "审计",
    "统计",
    "城市管理",
    "科学技术",
    "体育",
    "粮食和物资储备",
    "国有资产监督管理",
    "地方金融监督管理",
    "信访",
    "人民防空",
    "乡村振兴",
    "住房保障",
    "机关事务管理",
    "外事",
    "口岸",
    "能源",
    "地震",
    "邮政管理",
    "通信管理",
    "烟草专卖",
    "供销合作",
    "残疾人联合",
    "妇女联合",
    "科学技术协会",
    "工商业联合",
    "红十字",
    "医药",
    "广播电视",
    "新闻出版",
]
_SUFFIXES = ["局", "委员会", "办公室", "服务中心", "管理处", "事务中心"]
_PLACES = list(
    "东南西北中上下新老清明安平和兴隆丰盛永宁泰康福寿长乐华阳光星海河湖山川林泉石桥城关镇堡寨坪塘湾岭峰"
    "沟口岗坡洼营屯庄集铺店场桑榆柳杨松柏桃李梅竹兰菊荷云霞龙凤鹤鹿金银玉珠宝"
)
_COMPANY_KINDS = [
    "投资集团有限公司",
    "建设发展有限公司",
    "交通投资有限公司",
    "水务集团有限公司",
    "能源集团有限公司",
    "城市运营有限公司",
    "文化旅游集团有限公司",
    "产业发展有限公司",
]
_OTHER_KINDS = [
    "职业技术学院",
    "高新技术产业开发区管理委员会",
    "综合保税区管理中心",
    "供电公司",
    "工商业联合会",
    "共青团委员会",
    "产业集聚区管理委员会",
    "旅游度假区发展中心",
]

_VERBS = [
    "持续推进",
    "加快建设",
    "深入实施",
    "全面落实",
    "大力发展",
    "积极培育",
    "着力提升",
    "统筹推进",
    "健全完善",
    "扎实开展",
    "稳步推进",
    "加快推进",
    "进一步优化",
    "巩固提升",
    "深化拓展",
    "规范提升",
]
_OBJECTS = [
    "高标准农田建设",
    "老旧小区改造",
    "营商环境",
    "数字经济",
    "先进制造业集群",
    "黄河流域生态保护",
    "城乡供水一体化",
    "义务教育优质均衡",
    "基层医疗卫生服务体系",
    "公共文化服务体系",
    "新型城镇化",
    "重点项目谋划储备",
    "科技创新平台",
    "人才引进培养",
    "防汛抗旱能力",
    "安全生产专项整治",
    "农村人居环境整治",
    "县域商业体系",
    "政务服务一网通办",
    "社会信用体系",
    "养老服务设施",
    "普惠托育服务",
    "城市更新行动",
    "生活垃圾分类",
    "清洁取暖改造",
    "污染防治攻坚",
    "乡村旅游示范点",
    "物流枢纽建设",
    "就业创业服务",
    "社会救助体系",
    "食品药品安全监管",
    "平安建设",
    "法治政府建设",
    "审批制度改革",
]
_GOALS = [
    "确保年底前全面完成",
    "力争取得明显成效",
    "形成一批可复制可推广的经验",
    "新增就业岗位5000个以上",
    "实现全覆盖",
    "完成投资20亿元以上",
    "建成示范项目10个",
    "群众满意度稳步提升",
    "推动高质量发展",
    "提升公共服务水平",
    "增强发展后劲",
    "守住安全底线",
    "打造区域性中心",
    "推动提质增效",
    "完成改造120个",
]
_MEANS = [
    "完善工作机制",
    "强化要素保障",
    "加强督促检查",
    "建立台账清单",
    "实行挂图作战",
    "压实各方责任",
    "加大资金投入",
    "创新投融资模式",
    "推行标准化管理",
    "引入社会资本",
    "强化考核评价",
    "开展专项行动",
]
_CHAPTER_TITLES = [
    "今年经济社会发展主要预期目标",
    "保持经济平稳运行，强化高质量发展支撑",
    "坚持创新驱动发展，加快产业转型升级",
    "深化改革开放，激发市场主体活力",
    "推进乡村振兴，促进城乡融合发展",
    "加强生态保护，建设美丽家园",
    "提升城市品质，完善基础设施",
    "保障改善民生，增进人民福祉",
    "统筹发展和安全，推进社会治理现代化",
    "加强政府自身建设，提高行政效能",
]
_SECTION_HEADS = ["强力推进", "大力实施", "加快构建", "着力完善", "持续深化", "全面加强", "积极稳妥推进", "统筹抓好"]


def _task_text(rng: random.Random) -> str:
    """About 10 to 200 characters, median near 50, like the real notice."""
    target = min(200, max(9, int(rng.lognormvariate(3.9, 0.45))))
    parts = [rng.choice(_VERBS) + rng.choice(_OBJECTS)]
    length = len(parts[0])
    while length + 8 < target:
        part = rng.choice(_MEANS) if rng.random() < 0.4 else rng.choice(_VERBS) + rng.choice(_OBJECTS)
        if rng.random() < 0.2:
            part = rng.choice(_GOALS)
        parts.append(part)
        length += len(part) + 1
    return "，".join(parts) + "。"


def _place(rng: random.Random, taken: set[str]) -> str:
    while True:
        name = "".join(rng.sample(_PLACES, 2 if rng.random() < 0.85 else 3))
        if name not in taken:
            taken.add(name)
            return name


def _units(rng: random.Random, count: int) -> list[dict]:
    """`count` units: about half departments, a third towns grouped under collectives, the rest others."""
    towns = max(4, count // 3)
    companies = max(1, count // 12)
    others = max(1, count // 12)
    departments = max(1, count - towns - companies - others)
    taken: set[str] = set()
    units: list[dict] = []
    names: set[str] = set()
    aliases_taken: set[str] = set()

    def add(name: str, kind: str, aliases: list[str] = (), members: list[str] = ()) -> None:
        aliases = [a for a in aliases if a not in names and a not in aliases_taken and a != name]
        names.add(name)
        aliases_taken.update(aliases)
        units.append({"name": name, "kind": kind, "aliases": aliases, "members": list(members)})

    for i in range(departments):
        f = _FIELDS[i % len(_FIELDS)]
        suffix = _SUFFIXES[(i // len(_FIELDS)) % len(_SUFFIXES)]
        prefix = "" if i < len(_FIELDS) * len(_SUFFIXES) else _place(rng, taken)
        name = f"{prefix}{f}{suffix}"
        if name in names:
            name = _place(rng, taken) + name
        add(name, "department", [prefix + f[:2] + suffix[0]] if len(f) > 2 else [])
    # towns (镇) and sub-districts (街道) under collectives of at most 12 members
    town_names: list[str] = []
    for i in range(towns):
        p = _place(rng, taken)
        town_names.append(f"{p}镇人民政府" if i % 3 else f"{p}街道办事处")
    groups = [town_names[i : i + 12] for i in range(0, len(town_names), 12)]
    for g, members in enumerate(groups):
        zhen = [m for m in members if m.endswith("镇人民政府")]
        jie = [m for m in members if m.endswith("街道办事处")]
        area = "" if g == 0 else _place(rng, taken) + "片区"
        if zhen:
            add(f"{area}各镇人民政府", "town", [f"{area}各镇"], zhen)
        if jie:
            add(f"{area}各街道办事处", "town", [f"{area}各街道"], jie)
    for t in town_names:
        add(t, "town", [t.replace("人民政府", "政府")] if t.endswith("镇人民政府") else [])
    for i in range(companies):
        add(_place(rng, taken) + _COMPANY_KINDS[i % len(_COMPANY_KINDS)], "company")
    for i in range(others):
        add(_place(rng, taken) + _OTHER_KINDS[i % len(_OTHER_KINDS)], "other")
    return units


def generate(tasks: int, units: int = 0, seed: int = 2021) -> str:
    """The YAML text of a synthetic report with `tasks` tasks and about `units` units."""
    if tasks < 1:
        raise ValueError("a report needs at least one task")
    units = units or max(40, min(5000, tasks // 25))
    rng = random.Random(f"reportsite-synth-{seed}-{tasks}-{units}")
    unit_list = _units(rng, units)
    names = [u["name"] for u in unit_list]
    # skewed load: weight 1/rank^0.8, in a shuffled order so that load does not follow kind
    order = names[:]
    rng.shuffle(order)
    cum = list(accumulate(1.0 / (i + 1) ** 0.8 for i in range(len(order))))

    def pick(k: int, exclude: set[str]) -> list[str]:
        out: list[str] = []
        for _ in range(k * 4):
            if len(out) == k:
                break
            name = order[bisect.bisect(cum, rng.random() * cum[-1])]
            if name not in exclude and name not in out:
                out.append(name)
        return out

    alias_of = {u["name"]: u["aliases"] for u in unit_list}

    def mention(name: str) -> str:  # tasks sometimes name a unit by its alias, as real notices do
        a = alias_of[name]
        return a[0] if a and rng.random() < 0.15 else name

    chapters = max(2, min(30, round(tasks**0.5 / 4)))
    per_chapter = [tasks // chapters + (1 if i < tasks % chapters else 0) for i in range(chapters)]
    out = [
        f"# synthetic report made by reportsite.synth (tasks={tasks}, units={units}, seed={seed}); not real data\n",
        "report:\n",
        f"  title: {2021 + seed % 5}年政府工作报告重点工作责任分工（合成数据）\n",
        "  issuer: 合成省人民政府\n",
        f"  year: {2021 + seed % 5}\n",
        "  source: reportsite.synth 生成的测试数据\n",
        "  labels:\n    lead: 牵头单位\n    responsible: 责任单位\n",
        "units:\n",
    ]
    for u in unit_list:
        out.append(f"  - name: {u['name']}\n    kind: {u['kind']}\n")
        if u["aliases"]:
            out.append(f"    aliases: [{', '.join(u['aliases'])}]\n")
        if u["members"]:
            out.append(f"    members: [{', '.join(u['members'])}]\n")
    out.append("chapters:\n")
    number = 0

    def task_lines(indent: str) -> None:
        nonlocal number
        number += 1
        lead = pick(1 if rng.random() < 0.7 else 0, set())
        resp = pick(1 + min(6, int(rng.expovariate(0.8))), set(lead)) if rng.random() < 0.97 or not lead else []
        out.append(f"{indent}- number: {number}\n{indent}  text: {_task_text(rng)}\n")
        if lead:
            out.append(f"{indent}  lead: [{', '.join(mention(n) for n in lead)}]\n")
        out.append(f"{indent}  responsible: [{', '.join(mention(n) for n in resp)}]\n")
        if rng.random() < 0.05:
            out.append(f"{indent}  and_others: true\n")

    for c, count in enumerate(per_chapter):
        title = _CHAPTER_TITLES[c % len(_CHAPTER_TITLES)]
        if c >= len(_CHAPTER_TITLES):
            title = f"{title}（{c // len(_CHAPTER_TITLES) + 1}）"
        out.append(f"  - title: {title}\n")
        if c == 0 and count <= 12:  # like the real notice: the targets chapter has no sections
            out.append("    tasks:\n")
            for _ in range(count):
                task_lines("      ")
            continue
        out.append("    sections:\n")
        left = count
        s = 0
        while left:
            s += 1
            size = min(left, max(1, int(rng.gauss(14, 6)) if count > 40 else left))
            left -= size
            out.append(f"      - title: {rng.choice(_SECTION_HEADS)}{rng.choice(_OBJECTS)}\n        tasks:\n")
            for _ in range(size):
                task_lines("          ")
    return "".join(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m reportsite.synth", description=__doc__.split("\n\n")[0])
    p.add_argument("--tasks", type=int, default=1000, help="number of tasks (default 1000)")
    p.add_argument("--units", type=int, default=0, help="number of units (default: tasks/25, at least 40)")
    p.add_argument("--seed", type=int, default=2021, help="another seed gives another report of the same shape")
    p.add_argument("-o", "--output", default="-", help="output file (default: standard output)")
    args = p.parse_args(argv)
    if args.tasks < 1 or args.units < 0:
        p.error("--tasks must be at least 1 and --units not negative")
    text = generate(args.tasks, args.units, args.seed)
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
