"""The grid: a worksheet's cells as the user sees them, whatever the source."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class CellKind(Enum):
    """Cells that do not hold a plain value."""

    FORMULA = "formula"
    ERROR_VALUE = "error_value"
    DIGITS_LOST = "digits_lost"  # a file's number shown in scientific notation


ERROR_LITERALS = frozenset(
    {
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#N/A",
        "#ERROR!",
        "#SPILL!",
        "#CALC!",
        "#GETTING_DATA",
    }
)


@dataclass(slots=True)
class Grid:
    """Formatted values by row (row 0 is the header row) plus the few cells that are not plain.

    `kinds` is sparse and keyed by 0-based (row, column): most cells are plain values.
    `notes` holds existing cell notes, for sources that have them (Google Sheets).
    `sheet_id` is the worksheet's id (gid) in a Google spreadsheet, and None for a file.
    `tabs` lists a workbook file's tabs, so that a file with no roster tab can say which it has.
    """

    rows: list[list[str]]
    kinds: dict[tuple[int, int], CellKind] = field(default_factory=dict)
    notes: dict[tuple[int, int], str] = field(default_factory=dict)
    title: str = ""
    sheet_id: int | None = None
    tabs: tuple[str, ...] = ()
    decimal_comma: bool = False  # the file writes numbers with a decimal comma (`;` CSV)
    # a file's date cells shown another way (03/04/1990): the date each holds, as YYYYMMDD
    dates: dict[tuple[int, int], str] = field(default_factory=dict)

    def value(self, row: int, column: int) -> str:
        """The formatted value at 0-based (row, column); '' outside the data."""
        if row < len(self.rows):
            cells = self.rows[row]
            if column < len(cells):
                return cells[column]
        return ""

    @property
    def header(self) -> list[str]:
        """Row 1: the header row."""
        return self.rows[0] if self.rows else []
