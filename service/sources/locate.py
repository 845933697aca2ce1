"""Tell a file from a Google spreadsheet, the way users write them on the command line."""

from __future__ import annotations

import re
from pathlib import Path

from .workbook import SUFFIXES

_SHEET_URL = re.compile(r"/spreadsheets/d/([a-zA-Z0-9_-]+)")
_SHEET_ID = re.compile(r"[a-zA-Z0-9_-]{20,}")
_GID = re.compile(r"[#&?]gid=(\d+)")


def is_file(source: str) -> bool:
    return Path(source).suffix.lower() in SUFFIXES or Path(source).exists()


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
