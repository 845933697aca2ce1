"""XLSX workbooks: read the chosen tab as its spreadsheet program shows it, within the limits.

openpyxl reads the workbook (tabs, styles, shared strings); its worksheet parser streams the rows
as the file declares them, so the limits are checked row by row (read-only mode's own iterator
would first make a filler row for every missing row number). Numbers are shown through their
number format (`number_format.render`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import re
from collections.abc import Iterator
from typing import Any

from ..errors import SourceError
from ..roster.engine import MAX_COLUMNS, MAX_ROWS
from ..roster.grid import CellKind, Grid
from . import limits, tabs
from .number_format import DigitsLost, general, is_date_format, render

_TEXT_TYPES = ("s", "str", "inlineStr")
_YYYYMMDD = re.compile(r"\d{8}")


def open_book(data: bytes, name: str) -> Any:
    """The workbook in read-only mode, its zip checked against the limits first."""
    from openpyxl import load_workbook  # imported here: the CSV path should not pay for it

    limits.open_archive(io.BytesIO(data), name, ".xlsx").close()
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many types for a damaged file
        raise SourceError(
            f"{name} is not a readable .xlsx workbook: open it in your "
            "spreadsheet program and save it again as .xlsx."
        ) from error


def read_xlsx(data: bytes, name: str, worksheet: str | int | None) -> Grid:
    book = open_book(data, name)
    try:
        sheets = book.worksheets
        titles = [sheet.title for sheet in sheets]
        if worksheet is not None:
            sheet = sheets[tabs.pick(titles, worksheet, name)]
        else:
            headers = (_Sheet(book, sheet, name).header() for sheet in sheets)
            sheet = sheets[tabs.first_roster_tab(headers)]
        grid = _Sheet(book, sheet, name).grid()
        grid.tabs = tuple(titles)
        return grid
    finally:
        book.close()


class _Sheet:
    """One worksheet's rows, streamed from its XML part, each cell shown through its format."""

    def __init__(self, book: Any, sheet: Any, name: str) -> None:
        self.book = book
        self.sheet = sheet
        self.name = name
        self.formats: dict[int, str] = {}
        self._date: str | None = None  # the date held by the cell just shown, if not YYYYMMDD

    def header(self) -> list[str]:
        """Row 1's values, reading no further."""
        for number, values, _, _ in self._rows():
            return values if number == 1 else []
        return []

    def grid(self) -> Grid:
        rows: list[list[str]] = []
        kinds: dict[tuple[int, int], CellKind] = {}
        dates: dict[tuple[int, int], str] = {}
        for number, values, special, held in self._rows():
            while len(rows) < number - 1:
                rows.append([])
            for column, kind in special.items():
                kinds[(number - 1, column)] = kind
            for column, date in held.items():
                dates[(number - 1, column)] = date
            rows.append(values)
        return Grid(rows, kinds, title=self.sheet.title, dates=dates)

    def _rows(self) -> Iterator[tuple[int, list[str], dict[int, CellKind], dict[int, str]]]:
        from openpyxl.worksheet._reader import WorkSheetParser

        # date_formats left empty: numbers stay numbers, and their format says how they show
        with self.book._archive.open(self.sheet._worksheet_path) as source:
            parser = WorkSheetParser(source, self.sheet._shared_strings, data_only=False)
            for number, cells in parser.parse():
                values: list[str] = []
                special: dict[int, CellKind] = {}
                held: dict[int, str] = {}
                for cell in cells:
                    text, kind = self._shown(cell)
                    if not text and kind is None:
                        continue
                    column = cell["column"]
                    if column > MAX_COLUMNS:
                        raise limits.too_many_columns(self.name, column)
                    if len(text) > limits.MAX_CELL_CHARS:
                        raise limits.cell_too_long(self.name, _a1(number, column))
                    if len(values) < column:
                        values.extend([""] * (column - len(values)))
                    values[column - 1] = text
                    if kind is not None:
                        special[column - 1] = kind
                    elif self._date is not None:
                        held[column - 1], self._date = self._date, None
                if not values:
                    continue  # an empty or formatted-only row: no filler is made for it
                if number > MAX_ROWS + 1:
                    raise limits.too_many_rows(self.name, number)
                yield number, values, special, held

    def _shown(self, cell: dict[str, Any]) -> tuple[str, CellKind | None]:
        value, data_type = cell["value"], cell["data_type"]
        self._date = None
        if value is None:
            return "", None
        if data_type == "f":
            return str(value), CellKind.FORMULA
        if data_type == "e":
            return str(value), CellKind.ERROR_VALUE
        if data_type in _TEXT_TYPES:
            return str(value), None
        if data_type == "b":
            return ("TRUE" if value else "FALSE"), None
        if isinstance(value, dt.datetime | dt.date):  # t="d": an ISO date in the file
            return _iso(value), None
        number_format = self._format(cell["style_id"])
        try:
            if number_format == "General":
                return general(value), None
            text = render(value, number_format, self._to_datetime)
        except DigitsLost as lost:
            return lost.shown, CellKind.DIGITS_LOST
        if is_date_format(number_format) and not _YYYYMMDD.fullmatch(text):
            with contextlib.suppress(OverflowError, ValueError):  # the date the cell holds
                self._date = self._to_datetime(value).strftime("%Y%m%d")
        return text, None

    def _format(self, style_id: int) -> str:
        found = self.formats.get(style_id)
        if found is None:
            from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE

            styles = self.book._cell_styles
            number = styles[style_id].numFmtId if style_id < len(styles) else 0
            if number < BUILTIN_FORMATS_MAX_SIZE:
                found = BUILTIN_FORMATS.get(number, "General")
            else:
                found = self.book._number_formats[number - BUILTIN_FORMATS_MAX_SIZE]
            self.formats[style_id] = found
        return found

    def _to_datetime(self, value: float) -> dt.datetime:
        from openpyxl.utils.datetime import from_excel

        moment = from_excel(value, self.book.epoch)
        if isinstance(moment, dt.time):  # a time of day only
            return dt.datetime.combine(dt.date(1899, 12, 30), moment)
        return moment


def _iso(value: dt.date) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    return value.isoformat()


def _a1(row: int, column: int) -> str:
    from ..roster.issues import a1

    return a1(row, column)
