"""Where a roster is: tell a file from a Google spreadsheet as users write them, and read either.

`read_source` is the one place that decides how a source is read; everything that reads a roster
(validate, import, the import worker) calls it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Protocol

from ..errors import SourceError
from ..roster.grid import Grid
from . import workbook
from .workbook import SUFFIXES

_SHEET_URL = re.compile(r"/spreadsheets/d/([a-zA-Z0-9_-]+)")
_SHEET_ID = re.compile(r"[a-zA-Z0-9_-]{20,}")
_GID = re.compile(r"[#&?]gid=(\d+)")


class SheetReader(Protocol):
    """What reading a Google spreadsheet takes (sources.google_sheets.GoogleSheets)."""

    def read(self, spreadsheet_id: str, worksheet: str | int | None = None) -> Grid: ...


# an uploaded file's run keeps this prefix and the file's name; the bytes are never kept
UPLOAD_PREFIX = "upload:"


def read_source(sheets: SheetReader, source: str, worksheet: str | int | None) -> Grid:
    """A .csv/.xlsx/.ods file from disk, or a Google spreadsheet in one request."""
    if source.startswith(UPLOAD_PREFIX):
        raise SourceError(
            f"{source.removeprefix(UPLOAD_PREFIX)} was uploaded, and Roster does not keep "
            "uploaded files: upload it again to finish this import."
        )
    if is_file(source):
        return workbook.read_file(source, worksheet)
    return sheets.read(source, worksheet)


def is_file(source: str) -> bool:
    """A roster file's name, or an existing path that is no spreadsheet id or URL.

    A spreadsheet id is never taken for a file, so a request naming a sheet can never make the
    server read a file of its own; nor is an uploaded file's run (`upload:<name>`), whose bytes
    were never kept.
    """
    if source.startswith(UPLOAD_PREFIX):
        return False
    if Path(source).suffix.lower() in (*SUFFIXES, ".numbers"):  # .numbers: refused with advice
        return True
    return spreadsheet_id(source) is None and Path(source).exists()


def parse_source(text: str) -> str:
    """SOURCE as typed: a file's path as it is, a spreadsheet's id from its id or URL."""
    if is_file(text):
        return text
    found = spreadsheet_id(text)
    if found is None:
        raise SourceError(
            f'"{text}" is neither a .csv/.xlsx/.ods file nor a Google spreadsheet id or URL.'
        )
    return found


def spreadsheet_id(source: str) -> str | None:
    """The spreadsheet id in a Google Sheets URL or a bare id; None if it is neither."""
    source = source.strip()
    if match := _SHEET_URL.search(source):
        return match.group(1)
    return source if _SHEET_ID.fullmatch(source) else None


def worksheet_id(link: str) -> int | None:
    """The worksheet id (gid) in a Google Sheets link, when the link names a tab."""
    match = _GID.search(link)
    return int(match.group(1)) if match else None


def worksheet_ref(text: str | None) -> str | int | None:
    """A --worksheet value: digits are a gid, anything else a title."""
    if text is None or text == "":
        return None
    return int(text) if text.isdigit() else text
