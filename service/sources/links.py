"""How people write a roster's place on the command line: a path, a spreadsheet id or a link
(whose `#gid=` names a tab), and `--worksheet` as a title or a gid.

Only the CLI reads text this way; everything below it is handed a path or a bare id.
"""

from __future__ import annotations

import re

from ..errors import SourceError

SHEET_ID = re.compile(r"[a-zA-Z0-9_-]{20,}")  # the shape of a bare spreadsheet id
_SHEET_URL = re.compile(r"/spreadsheets/d/([a-zA-Z0-9_-]+)")
_GID = re.compile(r"[#&?]gid=(\d+)")


def parse(text: str, worksheet: str | None = None) -> tuple[str, str | int | None]:
    """SOURCE and --worksheet as typed -> (a path or a bare spreadsheet id, the worksheet).

    The worksheet is --worksheet if given, else the tab a pasted link points at.
    """
    found = spreadsheet_id(text)
    tab = worksheet_ref(worksheet) if worksheet else worksheet_id(text)
    return (found if found is not None else text), tab


def spreadsheet_id(text: str) -> str | None:
    """The spreadsheet id in a Google Sheets URL or a bare id; None if it is neither."""
    text = text.strip()
    if match := _SHEET_URL.search(text):
        return match.group(1)
    return text if SHEET_ID.fullmatch(text) else None


def require_spreadsheet_id(text: str) -> str:
    """The spreadsheet id in a link or a bare id; SourceError when the text is neither."""
    found = spreadsheet_id(text)
    if found is None:
        raise SourceError(f'"{text}" is not a Google spreadsheet id or URL.')
    return found


def worksheet_id(link: str) -> int | None:
    """The worksheet id (gid) in a Google Sheets link, when the link names a tab."""
    match = _GID.search(link)
    return int(match.group(1)) if match else None


def worksheet_ref(text: str | None) -> str | int | None:
    """A --worksheet value: digits are a gid, anything else a title."""
    if text is None or text == "":
        return None
    return int(text) if text.isdigit() else text
