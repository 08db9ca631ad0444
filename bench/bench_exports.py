"""Time of the exports (site/data/: CSV, JSON, XLSX, one CSV per unit) on synthetic reports.

    python3 bench/bench_exports.py                  # 1,000 and 10,000 tasks, 3 runs each
    python3 bench/bench_exports.py --tasks 10000 --runs 5

Prints, per size, the median seconds of all exports together and of the workbook alone (XlsxWriter
in constant_memory mode; the workbook has one row per task and one per unit and task), and the
total size written.
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


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--tasks", type=int, action="append")
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()
    for n in args.tasks or [1000, 10000]:
        with tempfile.TemporaryDirectory() as d:
            path = Path(d) / "tasks.yaml"
            path.write_text(generate(n), encoding="utf-8")
            report, _ = load(str(path))
        all_s, out = median_time(lambda r=report: exports.all_exports(r), args.runs)
        xlsx_s, _ = median_time(lambda r=report: exports.workbook_bytes(r), args.runs)
        size = sum(len(b) for b in out.values()) / 2**20
        print(f"{n:>7} tasks, {len(report.units):>5} units: all exports {all_s:6.2f} s (median of {args.runs}), "
              f"workbook {xlsx_s:6.2f} s, {len(out)} files, {size:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
