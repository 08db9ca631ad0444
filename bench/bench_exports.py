"""Time of the exports (site/data/: CSV, JSON, XLSX, one CSV per unit) on the seed and synthetic reports.

    python3 bench/bench_exports.py                       # the seed, 1,000 and 10,000 tasks, 5 runs each
    python3 bench/bench_exports.py --sizes seed,10000 --runs 9

Prints, per size, the median seconds (of --runs runs, in this process, the report loaded once) of
all exports together, of all but the workbook (what the build makes in its main process:
all_exports(workbook=False)) and of the workbook alone (reportsite/xlsx.py; one row per task and
one per unit and task), and the sizes written.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reportsite import exports  # noqa: E402
from reportsite.loader import load  # noqa: E402
from reportsite.synth import generate  # noqa: E402


def median_time(fn, runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def load_size(size: str):
    if size == "seed":
        return load(str(ROOT / "content" / "tasks.yaml"))[0]
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "tasks.yaml"
        path.write_text(generate(int(size)), encoding="utf-8")
        return load(str(path))[0]


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", default="seed,1000,10000", help="comma-separated: seed or a number of tasks")
    p.add_argument("--runs", type=int, default=5)
    args = p.parse_args()
    for size in args.sizes.split(","):
        report = load_size(size.strip())
        all_s, out = median_time(lambda r=report: exports.all_exports(r), args.runs)
        rest_s, _ = median_time(lambda r=report: exports.all_exports(r, workbook=False), args.runs)
        xlsx_s, _ = median_time(lambda r=report: exports.workbook_bytes(r), args.runs)
        total = sum(len(b) for b in out.values()) / 2**20
        book = len(out[exports.TASKS_XLSX]) / 2**20
        print(
            f"{size:>6} ({len(report.tasks):>6} tasks, {len(report.units):>5} units), median of {args.runs}: "
            f"all exports {all_s:6.3f} s, without the workbook {rest_s:6.3f} s, workbook {xlsx_s:6.3f} s; "
            f"{len(out)} files, {total:.1f} MiB (workbook {book:.2f} MiB)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
