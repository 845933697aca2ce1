"""In-memory spreadsheets: worksheets of cells with a grid size, as a person sets them up."""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .a1 import A1Range, cell_name, format_range, parse_cell
from .cells import Cell

DEFAULT_ROWS, DEFAULT_COLUMNS = 1000, 26


class GridError(ValueError):
    """A range outside the sheet's grid; the message is Google's."""


@dataclass(frozen=True)
class Tab:
    """A worksheet to create: rows of values (see cells.py for formulas and errors) and notes.

    `notes` maps 'B2' or 0-based (row, col) to text. The grid is at least 1000 x 26, as in
    a new sheet.
    """

    title: str
    rows: Iterable[Iterable[Any]] = ()
    gid: int | None = None
    notes: Mapping[str | tuple[int, int], str] = field(default_factory=dict)
    row_count: int | None = None
    column_count: int | None = None


class Sheet:
    """One worksheet: properties and a ragged list of rows of cells (None = never touched)."""

    def __init__(self, sheet_id: int, title: str, index: int, row_count: int, column_count: int):
        self.sheet_id, self.title, self.index = sheet_id, title, index
        self.row_count, self.column_count = row_count, column_count
        self.rows: list[list[Cell | None]] = []

    def properties(self) -> dict[str, Any]:
        return {
            "sheetId": self.sheet_id,
            "title": self.title,
            "index": self.index,
            "sheetType": "GRID",
            "gridProperties": {"rowCount": self.row_count, "columnCount": self.column_count},
        }

    def get(self, row: int, col: int) -> Cell | None:
        if row < len(self.rows) and col < len(self.rows[row]):
            return self.rows[row][col]
        return None

    def cell(self, row: int, col: int) -> Cell:
        """The cell at (row, col), created when missing."""
        self.check(row + 1, col + 1)
        while len(self.rows) <= row:
            self.rows.append([])
        cells = self.rows[row]
        if len(cells) <= col:
            cells.extend([None] * (col + 1 - len(cells)))
        if cells[col] is None:
            cells[col] = Cell()
        return cells[col]  # type: ignore[return-value]

    def extent(self) -> tuple[int, int]:
        """(rows, columns) up to the last non-empty cell."""
        rows = cols = 0
        for r, cells in enumerate(self.rows):
            last = max(
                (c + 1 for c, cell in enumerate(cells) if cell and not cell.empty), default=0
            )
            if last:
                rows, cols = r + 1, max(cols, last)
        return rows, cols

    def check(self, end_row: int, end_col: int) -> None:
        if end_row > self.row_count or end_col > self.column_count:
            where = format_range(self.title, end_row - 1, end_row, end_col - 1, end_col)
            raise GridError(
                f"Range ({where}) exceeds grid limits. Max rows: {self.row_count}, "
                f"max columns: {self.column_count}"
            )

    def bounds(self, rng: A1Range) -> tuple[int, int, int, int]:
        """Close an A1 range against the grid: (start_row, end_row, start_col, end_col)."""
        start_row = rng.start_row or 0
        start_col = rng.start_col or 0
        end_row = self.row_count if rng.end_row is None else rng.end_row
        end_col = self.column_count if rng.end_col is None else rng.end_col
        self.check(max(end_row, start_row + 1), max(end_col, start_col + 1))
        return start_row, end_row, start_col, end_col


class Spreadsheet:
    """A spreadsheet: its sheets in tab order and whether Roster's account may open it."""

    _ids = itertools.count(1)

    def __init__(self, spreadsheet_id: str | None, title: str):
        self.id = spreadsheet_id or secrets.token_urlsafe(33)[:44]
        self.title = title
        self.sheets: list[Sheet] = []
        self.shared = True

    def add(self, tab: Tab) -> Sheet:
        rows = [list(row) for row in tab.rows]
        width = max((len(row) for row in rows), default=0)
        gid = tab.gid if tab.gid is not None else (0 if not self.sheets else next(self._ids) * 7919)
        if any(s.sheet_id == gid or s.title == tab.title for s in self.sheets):
            raise ValueError(f"duplicate worksheet {tab.title!r} / gid {gid}")
        sheet = Sheet(
            gid,
            tab.title,
            len(self.sheets),
            tab.row_count or max(DEFAULT_ROWS, len(rows)),
            tab.column_count or max(DEFAULT_COLUMNS, width),
        )
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None and value != "":
                    sheet.cell(r, c).set_value(value)
        for where, text in tab.notes.items():
            row, col = parse_cell(where) if isinstance(where, str) else where
            sheet.cell(row, col).note = text
        self.sheets.append(sheet)
        return sheet

    def sheet(self, which: str | int | None = None) -> Sheet:
        """A sheet by title, gid or (None) the first tab."""
        for sheet in self.sheets:
            if which is None or which in (sheet.title, sheet.sheet_id):
                return sheet
        raise KeyError(f"no worksheet {which!r} in spreadsheet {self.id}")

    def by_id(self, sheet_id: int) -> Sheet | None:
        return next((s for s in self.sheets if s.sheet_id == sheet_id), None)

    def by_title(self, title: str | None) -> Sheet | None:
        if title is None:
            return self.sheets[0] if self.sheets else None
        return next((s for s in self.sheets if s.title == title), None)

    def metadata(self) -> dict[str, Any]:
        return {
            "spreadsheetId": self.id,
            "properties": {
                "title": self.title,
                "locale": "en_US",
                "autoRecalc": "ON_CHANGE",
                "timeZone": "Etc/GMT",
            },
            "sheets": [{"properties": s.properties()} for s in self.sheets],
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{self.id}/edit",
        }


def where(cell: str | tuple[int, int]) -> tuple[int, int]:
    return parse_cell(cell) if isinstance(cell, str) else cell


__all__ = ["Sheet", "Spreadsheet", "Tab", "GridError", "cell_name", "where"]
