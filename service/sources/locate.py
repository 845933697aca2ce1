"""Where a roster is read from: a file on disk or a Google spreadsheet, told apart once.

`read_source` is the one place that decides how a source is read; everything that reads a roster
(validate, import, the import worker) calls it with a path or a bare spreadsheet id.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import SourceError
from ..roster.grid import Grid
from . import workbook
from .links import SHEET_ID
from .workbook import SUFFIXES

if TYPE_CHECKING:  # the one Sheets adapter; gspread loads only where a sheet is read
    from .google_sheets import GoogleSheets


# an uploaded file's run keeps this prefix and the file's name; the bytes are never kept
UPLOAD_PREFIX = "upload:"


def read_source(sheets: GoogleSheets, source: str, worksheet: str | int | None) -> Grid:
    """A .csv/.xlsx/.ods file from disk, or a Google spreadsheet in one request."""
    if source.startswith(UPLOAD_PREFIX):
        raise SourceError(
            f"{source.removeprefix(UPLOAD_PREFIX)} was uploaded, and Roster does not keep "
            "uploaded files: upload it again to finish this import."
        )
    if is_file(source):
        return workbook.read_file(source, worksheet)
    if SHEET_ID.fullmatch(source):
        return sheets.read(source, worksheet)
    raise SourceError(
        f'"{source}" is neither a .csv/.xlsx/.ods file nor a Google spreadsheet id or URL.'
    )


def is_file(source: str) -> bool:
    """A roster file's name, or an existing path that is no spreadsheet id.

    A spreadsheet id is never taken for a file, so a request naming a sheet can never make the
    server read a file of its own; nor is an uploaded file's run (`upload:<name>`), whose bytes
    were never kept.
    """
    if source.startswith(UPLOAD_PREFIX):
        return False
    if Path(source).suffix.lower() in (*SUFFIXES, ".numbers"):  # .numbers: refused with advice
        return True
    return not SHEET_ID.fullmatch(source) and Path(source).exists()
