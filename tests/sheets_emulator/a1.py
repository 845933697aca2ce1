"""A1 notation as the Sheets API reads and writes it: 'Sheet title'!A1:B2 and open forms."""

from __future__ import annotations

import re
from dataclasses import dataclass

_CELL = re.compile(r"([A-Za-z]{0,3})(\d*)")
_PLAIN_TITLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_LOOKS_LIKE_CELL = re.compile(r"[A-Za-z]{1,3}\d+|[Rr]\d*[Cc]\d*")


class A1Error(ValueError):
    """Text that is not A1 notation; the message is Google's."""


@dataclass(frozen=True, slots=True)
class A1Range:
    """A parsed range: title None = the first sheet; None bounds are open (0-based, half-open)."""

    title: str | None
    start_row: int | None = None
    end_row: int | None = None
    start_col: int | None = None
    end_col: int | None = None

    @property
    def whole_sheet(self) -> bool:
        return (self.start_row, self.end_row, self.start_col, self.end_col) == (None,) * 4


def column_letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    index = 0
    for char in letters.upper():
        index = index * 26 + ord(char) - 64
    return index - 1


def cell_name(row: int, col: int) -> str:
    """0-based (row, col) -> 'B3'."""
    return f"{column_letters(col)}{row + 1}"


def parse_cell(name: str) -> tuple[int, int]:
    """'B3' -> (2, 1); a person's way to name one cell."""
    match = _CELL.fullmatch(name.strip())
    if not match or not match.group(1) or not match.group(2) or int(match.group(2)) < 1:
        raise A1Error(f"Unable to parse range: {name}")
    return int(match.group(2)) - 1, column_index(match.group(1))


def quote_title(title: str) -> str:
    """Quote a sheet title only when A1 notation needs it, as Google's responses do."""
    if _PLAIN_TITLE.fullmatch(title) and not _LOOKS_LIKE_CELL.fullmatch(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def parse(text: str, titles: set[str]) -> A1Range:
    """Parse a range; a bare name that is no cell reference is a sheet title when one has it."""
    title, cells = _split_title(text)
    if title is None and "!" not in text:
        try:
            return _bounds(None, cells, text)
        except A1Error:
            if cells in titles:
                return A1Range(cells)
            raise
    if not cells:
        return A1Range(title)
    return _bounds(title, cells, text)


def _split_title(text: str) -> tuple[str | None, str]:
    if text.startswith("'"):
        end, title = 1, []
        while end < len(text):
            if text[end] == "'":
                if text[end + 1 : end + 2] == "'":
                    title.append("'")
                    end += 2
                    continue
                break
            title.append(text[end])
            end += 1
        else:
            raise A1Error(f"Unable to parse range: {text}")
        rest = text[end + 1 :]
        if rest and not rest.startswith("!"):
            raise A1Error(f"Unable to parse range: {text}")
        return "".join(title), rest[1:]
    if "!" in text:
        title, _, cells = text.partition("!")
        return title, cells
    return None, text


def _bounds(title: str | None, cells: str, text: str) -> A1Range:
    first, colon, last = cells.partition(":")
    start = _corner(first, text)
    end = _corner(last, text) if colon else start
    if not colon and (start[0] is None or start[1] is None):
        raise A1Error(f"Unable to parse range: {text}")
    rows = _span(start[0], end[0], text)
    cols = _span(start[1], end[1], text)
    return A1Range(title, rows[0], rows[1], cols[0], cols[1])


def _corner(part: str, text: str) -> tuple[int | None, int | None]:
    match = _CELL.fullmatch(part)
    if not match or not (match.group(1) or match.group(2)):
        raise A1Error(f"Unable to parse range: {text}")
    row = int(match.group(2)) - 1 if match.group(2) else None
    if row is not None and row < 0:
        raise A1Error(f"Unable to parse range: {text}")
    col = column_index(match.group(1)) if match.group(1) else None
    return row, col


def _span(a: int | None, b: int | None, text: str) -> tuple[int | None, int | None]:
    if a is None and b is None:
        return None, None
    if a is None or b is None:
        # "A2:C" starts at row 2 and runs to the last row; "A:C3" is not valid.
        if a is None:
            raise A1Error(f"Unable to parse range: {text}")
        return a, None
    low, high = min(a, b), max(a, b)
    return low, high + 1


def format_range(title: str, start_row: int, end_row: int, start_col: int, end_col: int) -> str:
    """A closed range as Google echoes it: Sheet1!A1:Z1000, or Sheet1!B2 for one cell."""
    first = cell_name(start_row, start_col)
    last = cell_name(max(end_row - 1, start_row), max(end_col - 1, start_col))
    cells = first if first == last else f"{first}:{last}"
    return f"{quote_title(title)}!{cells}"
