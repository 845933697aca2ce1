"""Which tab of a workbook is the roster: the one named, else the first with a roster header."""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import SourceError

ROSTER_HEADER = "email_address"


def pick(titles: list[str], worksheet: str | int, name: str) -> int:
    """The position of the tab named by --worksheet: a title, or a 0-based position as digits."""
    if isinstance(worksheet, int) or str(worksheet).isdigit():
        position = int(worksheet)
        if position < len(titles):
            return position
    elif worksheet in titles:
        return titles.index(str(worksheet))
    raise SourceError(f'{name} has no worksheet "{worksheet}": it has {", ".join(titles)}.')


def has_roster_header(header: list[str]) -> bool:
    return any(cell.strip().lower() == ROSTER_HEADER for cell in header)


def first_roster_tab(headers: Iterable[list[str]]) -> int:
    """The first tab whose row 1 holds `email_address`; the first tab when none does."""
    for position, header in enumerate(headers):
        if has_roster_header(header):
            return position
    return 0
