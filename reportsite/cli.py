"""Command line: `python build.py [build|check] [--content FILE] [--out DIR]`.

Exit status: 0 built, 1 invalid input, 2 bad usage. No traceback for a user mistake.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from .errors import ContentError, UsageError

_STARTED = time.perf_counter()  # module import: about when the process started
ROOT = Path(__file__).resolve().parent.parent
COMMANDS = ("build", "check", "serve")


ALL_COMMANDS = (*COMMANDS, "import", "synth")  # import and synth are dispatched before the parser


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's own exit status 2, with our wording
        import re

        self.print_usage(sys.stderr)
        m = re.match(r"argument command: invalid choice: '(.*?)'", message)
        if m:  # e.g. chek: say what it is and what the commands are
            from .errors import did_you_mean

            word = m.group(1)
            raise UsageError(
                f"unknown command '{word}'{did_you_mean(word, ALL_COMMANDS)} (commands: {', '.join(ALL_COMMANDS)})"
            )
        raise UsageError(message)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number (0 to 65535)") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (0 to 65535; 0: a free one)")
    return port


def _jobs(text: str) -> int:
    try:
        jobs = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of processes") from None
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"{jobs}: at least 1 process")
    return jobs


def _unknown_options(parser: argparse.ArgumentParser, argv: list[str]) -> None:
    """A misspelt long option (--contnet FILE) is said as such, with the closest one: argparse would
    take FILE for the command and complain of that instead."""
    from .errors import did_you_mean

    known = set(parser._option_string_actions)
    for token in argv:
        if token == "--":
            return
        name = token.split("=", 1)[0]
        if name.startswith("--") and name not in known and not any(k.startswith(name) for k in known):
            longs = sorted(k for k in known if k.startswith("--"))
            raise UsageError(f"unknown option '{name}'{did_you_mean(name, longs, n=1)} (see python build.py --help)")


def make_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="python build.py",
        description="Build the static site of a government work report's division of responsibility.",
        epilog="Commands: build (default) writes the site; check validates the content without writing; 'import NOTICE.txt [-o FILE.yaml]' turns a published notice into a tasks.yaml.",
    )
    p.add_argument("command", nargs="?", default="build", choices=COMMANDS, help="build (default), check or serve")
    p.add_argument("--content", default="content/tasks.yaml", help="the report's YAML file (default: content/tasks.yaml)")
    p.add_argument("--out", default="site", help="output folder (default: site)")
    p.add_argument("--templates", default=str(ROOT / "templates"), help=argparse.SUPPRESS)
    p.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    p.add_argument(
        "-j", "--jobs", type=_jobs, default=None, help="processes building the pages and exports (default: all cores)"
    )
    p.add_argument("--timings", action="store_true", help="print how long each step of the build took (stderr)")
    p.add_argument(
        "--fresh",
        action="store_true",
        help="render every page, reusing nothing from the previous site in the output folder",
    )
    p.add_argument("--port", type=_port, default=None, help="serve: port on 127.0.0.1 (default 8000; 0: a free one)")
    p.add_argument(
        "--pdf", action="store_true", help="also write handout.pdf and one PDF per unit, in build and serve (needs WeasyPrint and fonts-noto-cjk)"
    )
    return p


def display_path(path: str) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return rel if not rel.startswith("..") else path


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv[:1] == ["import"]:  # python build.py import NOTICE.txt [-o FILE.yaml]: reportsite/importer.py
            from .importer import run_import

            return run_import(argv[1:])
        if argv[:1] == ["synth"]:  # python build.py synth --tasks N --units M -o FILE: reportsite/synth.py
            from .synth import main as synth_main

            return synth_main(argv[1:])
        parser = make_parser()
        _unknown_options(parser, argv)
        args = parser.parse_args(argv)
        if args.port is not None and args.command != "serve":  # it would build into site/ and serve nothing
            raise UsageError(f"--port is for serve: python build.py serve --port {args.port}")
        if args.command == "build":
            from .writer import clearing_trash

            with clearing_trash(Path(args.out)):  # a big previous site set aside: removed while this build loads
                return run(args)
        return run(args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ContentError as exc:
        errors = [p for p in exc.problems if not p.warning]
        for p in exc.problems:
            print(p, file=sys.stderr)
        print(f"{len(errors)} error{'s' if len(errors) != 1 else ''}; nothing was written.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; the previous site is unchanged.", file=sys.stderr)
        return 130
    except Exception as exc:  # a mistake in an edited template is located too, never a traceback
        located = template_error(exc)
        if located is None:
            raise
        print(located, file=sys.stderr)
        print("1 error in the templates; nothing was written.", file=sys.stderr)
        return 1


def template_error(exc: BaseException) -> str | None:
    """A Jinja error as `templates/x.html:LINE: template error: …` (its innermost template frame)."""
    import jinja2

    from .errors import TemplateFailure

    if isinstance(exc, TemplateFailure):
        return exc.located
    if not isinstance(exc, jinja2.TemplateError):
        return None
    where = None
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        where = (exc.filename, exc.lineno)
    tb = exc.__traceback__
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith(".html") and os.path.isfile(name):
            where = (name, tb.tb_lineno)
        tb = tb.tb_next
    message = getattr(exc, "message", None) or str(exc)
    if where is None:
        return f"template error: {message}"
    return f"{display_path(where[0])}:{where[1]}: template error: {message}"


def run(args) -> int:
    from . import loader

    started = time.perf_counter()
    content = Path(args.content)
    templates = Path(args.templates)
    if not content.exists():
        raise UsageError(f"{args.content}: no such file (choose one with --content FILE)")
    if content.is_dir():
        raise UsageError(f"{args.content}: a folder, not a file (choose the report's YAML file with --content FILE)")
    if content.suffix.lower() in (".txt", ".doc", ".docx", ".pdf", ".wps"):  # the notice, not its tasks.yaml
        raise UsageError(
            f"{args.content}: not a tasks.yaml; to turn a published notice into one, run: "
            f"python build.py import {args.content} -o content/tasks.yaml"
        )
    if args.command == "serve":  # preview with rebuild on change: reportsite/serve.py
        from .serve import serve
        from .writer import check_output_folder, clear_trash

        check_output_folder(Path(args.out), [content, templates])
        clear_trash(Path(args.out))  # what builds into that folder set aside (writer._put_away)
        if args.pdf:
            from .pdf import check_available

            check_available()  # WeasyPrint and the fonts: a clear exit 2 before serving anything
        # all cores by default, like build: the watcher thread forks the workers while the server's
        # threads serve files; a worker only runs the build's jobs (no lock those threads hold) and
        # leaves with os._exit (parallel.py)
        return serve(
            content,
            templates,
            Path(args.out),
            port=8000 if args.port is None else args.port,
            jobs=args.jobs or os.cpu_count() or 1,
            fresh=args.fresh,
            pdf=args.pdf,
        )
    from . import timings
    from .parallel import gc_paused

    if args.timings:
        timings.start()
    with timings.step("load and check the content"), gc_paused():  # millions of objects at 100k tasks, no garbage cycles
        report, warnings = loader.load(str(content), display_path(str(content)))
    for w in warnings:
        print(w, file=sys.stderr)
    if args.command == "check":
        if not args.quiet:
            print(
                f"{display_path(str(content))}: ok: {len(report.tasks)} tasks, {len(report.chapters)} chapters, "
                f"{len(report.sections)} sections, {len(report.units)} units"
            )
        return 0

    from .site import build_site
    from .writer import check_output_folder, commit, staged

    out = Path(args.out)
    check_output_folder(out, [content, templates])
    from . import pdf as handouts  # WeasyPrint itself is imported only when PDFs are made

    pdf_progress = None
    if args.pdf:
        handouts.check_available()  # WeasyPrint and the fonts: a clear exit 2 before any work
        pdf_progress = None if args.quiet else handouts.terminal_progress()
    try:
        jobs = args.jobs or os.cpu_count() or 1
        from .reuse import read_previous

        previous = None if args.fresh else read_previous(out)  # pages to reuse: reportsite/reuse.py
        with staged(out) as site:  # files are written beside `out` as they are made, then swapped in
            build_site(
                report, templates, pdf=args.pdf, pdf_progress=pdf_progress, jobs=jobs, site=site, previous=previous
            )
            with timings.step("swap the new site in"):
                commit(site, out)
    except handouts.MissingGlyphs as exc:
        raise exc.located(report, content, display_path(str(content))) from None
    if args.timings:
        timings.report(time.perf_counter() - _STARTED)
    if not args.quiet:
        elapsed = time.perf_counter() - started
        print(
            f"built {display_path(str(out))}/: {len(site.files)} files{site.reused_note()}, {len(report.tasks)} tasks, "
            f"{len(report.units)} units in {elapsed:.2f} s"
        )
    return 0
