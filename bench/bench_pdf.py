"""PDF handout speed on the real report (content/tasks.yaml), the same code as `build.py --pdf`.

    python3 bench/bench_pdf.py             # 3 runs of each
    python3 bench/bench_pdf.py --runs 5

Prints the median wall time of
  - handout.pdf alone: one WeasyPrint render in this process (target: under 15 s on 2 cores);
  - all unit PDFs: every unit's PDF through reportsite.pdf.render_pdfs with both cores, worker start-up
    included (target: under 60 s);
  - the whole `--pdf` step: the handout and every unit PDF together, as a build makes them.
Figures to read, not a test. The timings include font subsetting; without libharfbuzz-subset0
WeasyPrint falls back to fontTools, about ten times slower.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reportsite import pdf  # noqa: E402
from reportsite.loader import load  # noqa: E402

TEMPLATES = ROOT / "templates"


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()

    pdf.check_available()
    report, _ = load(str(ROOT / "content" / "tasks.yaml"))
    docs = pdf.render_documents(report, TEMPLATES)
    css = pdf.stylesheets(TEMPLATES, pdf.font_css())
    handout_html = docs[0][1]
    pdf.html_to_pdf(handout_html, css)  # warm-up: fontconfig cache, imports

    def units_only():
        # the unit documents alone, through the same worker pool as a build
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn")) as pool:
            list(pool.map(pdf._job, [(path, html, css) for path, html in docs[1:]], chunksize=1))

    results = {
        "handout.pdf (1 process)": [timed(lambda: pdf.html_to_pdf(handout_html, css)) for _ in range(args.runs)],
        f"{len(docs) - 1} unit PDFs (2 workers)": [timed(units_only) for _ in range(args.runs)],
        "whole --pdf step (2 workers)": [timed(lambda: pdf.render_pdfs(report, TEMPLATES)) for _ in range(args.runs)],
    }
    print(f"{len(report.tasks)} tasks, {len(report.units)} units; median of {args.runs} runs")
    for name, times in results.items():
        print(f"  {name:32s} {statistics.median(times):6.2f} s   (min {min(times):.2f}, max {max(times):.2f})")


if __name__ == "__main__":
    main()
