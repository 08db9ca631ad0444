"""reportsite: a static site generator for the division of responsibility of a government work report."""

__version__ = "0.1.0"
