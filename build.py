#!/usr/bin/env python3
"""Build the site: `python build.py` (see README.md). Only parses arguments and calls the pipeline."""

import sys

from reportsite.cli import main

if __name__ == "__main__":
    code = main()
    # Leave without tearing the heap down object by object (the model and pages of a big report:
    # 30 to 70 ms of every build): run the exit handlers (the user cache is saved there), flush, go.
    import atexit
    import os

    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)
    if run_exit_handlers is None:  # not CPython: the ordinary exit
        sys.exit(code)
    run_exit_handlers()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
