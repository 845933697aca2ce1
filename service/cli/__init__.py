"""The `roster` command line: `main` (the console script) with every command registered."""

from . import admin, commands  # noqa: F401  (each registers its commands on `main`)
from .common import EXIT_CANNOT_RUN, EXIT_ERRORS, EXIT_OK, friendly, main

__all__ = ["EXIT_CANNOT_RUN", "EXIT_ERRORS", "EXIT_OK", "friendly", "main"]
