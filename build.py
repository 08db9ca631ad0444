#!/usr/bin/env python3
"""Build the site: `python build.py` (see README.md). Only parses arguments and calls the pipeline."""

import sys

from reportsite.cli import main

if __name__ == "__main__":
    sys.exit(main())
