"""Where a roster is read from: a file on disk or a Google spreadsheet, told apart once.

`read_source` is the one place that decides how a source is read; everything that reads a roster
(validate, import, the import worker) calls it with a path or a bare spreadsheet id.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from ..errors import SourceError
from ..roster.grid import Grid
from . import workbook
from .links import SHEET_ID
from .workbook import SUFFIXES


class SheetReader(Protocol):
    """What reading a Google spreadsheet takes (sources.google_sheets.GoogleSheets)."""

    def read(self, spreadsheet_id: str, worksheet: str | int | None = None) -> Grid:
        """The worksheet as a Grid, in one request."""


def read_source(sheets: SheetReader, source: str, worksheet: str | int | None) -> Grid:
    """A .csv/.xlsx file from disk, or a Google spreadsheet in one request."""
    if is_file(source):
        return workbook.read_file(source, worksheet)
    if SHEET_ID.fullmatch(source):
        return sheets.read(source, worksheet)
    raise SourceError(
        f'"{source}" is neither a .csv/.xlsx file nor a Google spreadsheet id or URL.'
    )


def is_file(source: str) -> bool:
    """A roster file's name, or an existing path that is no spreadsheet id.

    A spreadsheet id is never taken for a file, so a request naming a sheet can never make the
    server read a file of its own.
    """
    if Path(source).suffix.lower() in SUFFIXES:
        return True
    return not SHEET_ID.fullmatch(source) and Path(source).exists()
