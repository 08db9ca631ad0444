"""Search speed in headless Chromium on synthetic reports (10,000 and 100,000 tasks by default).

    python3 bench/bench_search.py                 # both sizes
    python3 bench/bench_search.py --tasks 10000   # one size

For each size: builds the search page and its index (reportsite.search, the same code as a real build)
into a temporary folder, opens it as file:// (the hardest case: a USB stick), and prints medians and
p95 of
  - load:      navigation start -> index loaded and first results shown (all shards), ms;
  - keystroke: one keystroke's matching and ranking alone, and with the filter counts and the
               rendering of the first 20 results, ms, over every prefix of a set of typed queries
               (Chinese words, unit names, numbers);
  - longest main-thread task while loading (what a reader feels as a freeze), ms.
Targets (issue 4): at 10k a keystroke p95 < 15 ms and the index loaded < 300 ms; at 100k no freeze.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reportsite.loader import load  # noqa: E402
from reportsite.pages import make_env  # noqa: E402
from reportsite.search import search_files  # noqa: E402
from reportsite.writer import Site, commit  # noqa: E402

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
QUERIES = [
    "污染防治攻坚",
    "老旧小区改造",
    "营商环境 数字经济",
    "住房城乡建设局",
    "5000",
    "第123项",
    "平安",
    "审批制度改革",
]
TIME_SEARCH = (
    "q => { const t = performance.now(); window.REPORTSITE_SEARCH_API.search(q); return performance.now() - t; }"
)
TIME_RENDER = (
    "q => { const t = performance.now(); window.REPORTSITE_SEARCH_API.render(q); return performance.now() - t; }"
)
LONGTASKS = """
window.__longest = 0;
new PerformanceObserver(function (l) {
  l.getEntries().forEach(function (e) { window.__longest = Math.max(window.__longest, e.duration); });
}).observe({type: "longtask", buffered: true});
"""


def synthetic_yaml(tasks: int) -> str:
    try:
        from reportsite.synth import generate
    except ImportError:  # the shared generator is not there: a plain one of the same shape
        return _fallback_yaml(tasks)
    return generate(tasks)


def _fallback_yaml(tasks: int) -> str:
    units = [f"测试局{i}" for i in range(200)]
    lines = ["report: {title: 基准报告, issuer: 基准市人民政府, year: 2021}", "units:"]
    lines += [f"  - {{name: {u}, kind: department, aliases: [测{i}局]}}" for i, u in enumerate(units)]
    lines.append("chapters:")
    words = ["污染防治攻坚", "老旧小区改造", "营商环境", "数字经济", "平安建设", "审批制度改革", "完成投资5000万元"]
    for c in range(10):
        lines += [f"  - title: 第{c + 1}章", "    tasks:"]
        for n in range(c * tasks // 10 + 1, (c + 1) * tasks // 10 + 1):
            text = "，".join(words[(n * k) % len(words)] for k in (1, 3, 5)) + "。"
            lines.append(
                f"      - {{number: {n}, text: {text}, lead: [{units[n % 200]}], "
                f"responsible: [{units[(n * 7) % 200]}]}}"
            )
    return "\n".join(lines) + "\n"


def build(tasks: int, out: Path) -> int:
    src = out.parent / f"bench-{tasks}.yaml"
    src.write_text(synthetic_yaml(tasks), encoding="utf-8")
    report, _ = load(str(src))
    site = Site()
    for path, data in search_files(report, make_env(ROOT / "templates")).items():
        site.add(path, data)
    for f in sorted((ROOT / "templates" / "assets").rglob("*")):
        if f.is_file():
            site.add("assets/" + f.relative_to(ROOT / "templates" / "assets").as_posix(), f.read_bytes())
    commit(site, out)
    return sum(len(v) for k, v in site.files.items() if k.startswith("assets/search-") and k != "assets/search.js")


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def measure(browser, url: str, rounds: int) -> dict:
    loads, longest, keys, searches = [], [], [], []
    for _ in range(rounds):
        context = browser.new_context()
        page = context.new_page()
        page.add_init_script(LONGTASKS)
        page.goto(url)
        page.wait_for_selector("#search-app[data-state=ready]", timeout=120_000)
        loads.append(float(page.get_attribute("#search-app", "data-load-ms")))
        longest.append(page.evaluate("window.__longest"))
        for q in QUERIES:
            for i in range(1, len(q) + 1):
                searches.append(page.evaluate(TIME_SEARCH, q[:i]))
                keys.append(page.evaluate(TIME_RENDER, q[:i]))
        context.close()
    return {"load": loads, "longest": longest, "keys": keys, "search": searches}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tasks", type=int, action="append", help="report size (repeatable); default 10000 and 100000")
    ap.add_argument("--rounds", type=int, default=5, help="page loads per size (default 5)")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for n in args.tasks or [10000, 100000]:
            out = Path(tmp) / f"site-{n}"
            size = build(n, out)
            shards = len(list((out / "assets").glob("search-tasks-*.js")))
            biggest = max(f.stat().st_size for f in (out / "assets").glob("search-*.js"))
            r = measure(browser, (out / "search.html").as_uri(), args.rounds)
            print(
                f"{n} tasks: index {size / 1e6:.1f} MB in {shards} shards + metadata "
                f"(largest file {biggest / 1e3:.0f} kB)"
            )
            print(
                f"  load (navigation -> ready)   median {statistics.median(r['load']):7.1f} ms"
                f"   p95 {pct(r['load'], 95):7.1f} ms"
                f"   min {min(r['load']):7.1f} ms"
            )
            print(
                f"  keystroke, matching only     median {statistics.median(r['search']):7.1f} ms"
                f"   p90 {pct(r['search'], 90):7.1f} ms   p95 {pct(r['search'], 95):7.1f} ms"
            )
            print(
                f"  keystroke (search + render)  median {statistics.median(r['keys']):7.1f} ms"
                f"   p90 {pct(r['keys'], 90):7.1f} ms   p95 {pct(r['keys'], 95):7.1f} ms"
                f"   ({len(r['keys'])} keystrokes)"
            )
            print(
                f"  longest main-thread task while loading: median {statistics.median(r['longest']):.0f} ms,"
                f" max {max(r['longest']):.0f} ms"
            )
            print(f"  (machine load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
            sys.stdout.flush()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
