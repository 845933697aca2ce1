"""CSV and XLSX files: read them as a grid, and write a copy annotated with cell comments."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

from ..errors import SourceError
from ..roster.engine import MAX_COLUMNS, MAX_ROWS, check_size
from ..roster.grid import ERROR_LITERALS, CellKind, Grid
from ..roster.issues import Issue
from ..roster.notes import cell_of, note_text

SUFFIXES = (".csv", ".xlsx")


def read_file(path: str | Path, worksheet: str | int | None = None) -> Grid:
    """Read a .csv or .xlsx file as the user sees it."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise SourceError(
            f"{path.name}: Roster reads .csv and .xlsx files; save the roster "
            "in one of those formats."
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SourceError(f"{path}: cannot be read ({error.strerror}).") from error
    return read_bytes(data, suffix, path.name, worksheet)


def read_bytes(data: bytes, suffix: str, name: str, worksheet: str | int | None = None) -> Grid:
    """Read uploaded bytes; `suffix` says which format they are."""
    if suffix == ".csv":
        return _read_csv(data, name)
    return _read_xlsx(data, name, worksheet)


def _read_csv(data: bytes, name: str) -> Grid:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceError(
            f"{name} is not UTF-8 text (byte {error.start + 1} cannot be read): in Excel use "
            "File > Save As > CSV UTF-8, in Google Sheets File > Download > CSV."
        ) from error
    rows: list[list[str]] = []
    kinds: dict[tuple[int, int], CellKind] = {}
    used = _UsedRows()
    try:
        for index, row in enumerate(csv.reader(io.StringIO(text, newline=""))):
            row = used.count(_trim(row))
            for column, value in enumerate(row):
                if value in ERROR_LITERALS:
                    kinds[(index, column)] = CellKind.ERROR_VALUE
            rows.append(row)
    except csv.Error as error:
        raise SourceError(f"{name} is not a valid CSV file: {error}.") from error
    return Grid(rows, kinds, title=name)


def _trim(row: list[str]) -> list[str]:
    """Drop trailing empty cells, which users do not see."""
    end = len(row)
    while end and not row[end - 1]:
        end -= 1
    return row[:end]


class _UsedRows:
    """Refuses a file beyond SPEC §9 while it is read, so memory stays bounded.

    Only rows that hold something count: blank lines and formatted-but-empty rows do not.
    """

    def __init__(self) -> None:
        self.rows = 0

    def count(self, row: list[str]) -> list[str]:
        if len(row) > MAX_COLUMNS:
            check_size(0, len(row))
        if row:
            self.rows += 1
            if self.rows > MAX_ROWS + 1:  # the header and 100,000 clients
                check_size(self.rows, 0)
        return row


def _read_xlsx(data: bytes, name: str, worksheet: str | int | None) -> Grid:
    from openpyxl import load_workbook  # imported here: the CSV path should not pay for it

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many types for a damaged file
        raise SourceError(
            f"{name} is not a readable .xlsx workbook: open it in your "
            "spreadsheet program and save it again as .xlsx."
        ) from error
    try:
        sheet = _pick_sheet(book, worksheet, name)
        # the file's own <dimension> may be wrong (some programs write it badly): ignore it
        sheet.reset_dimensions()
        rows: list[list[str]] = []
        kinds: dict[tuple[int, int], CellKind] = {}
        used = _UsedRows()
        for index, cells in enumerate(sheet.iter_rows()):
            row = []
            for column, cell in enumerate(cells):
                value = cell.value
                if cell.data_type == "f" or (
                    isinstance(value, str) and value.startswith("=") and cell.data_type != "s"
                ):
                    kinds[(index, column)] = CellKind.FORMULA
                    row.append(str(value))
                elif cell.data_type == "e":
                    kinds[(index, column)] = CellKind.ERROR_VALUE
                    row.append(str(value))
                else:
                    row.append(shown(value))
            rows.append(used.count(_trim(row)))
        return Grid(rows, kinds, title=sheet.title)
    finally:
        book.close()


def _pick_sheet(book: Any, worksheet: str | int | None, name: str) -> Any:
    if worksheet is None:
        return book.worksheets[0]
    if isinstance(worksheet, int) or str(worksheet).isdigit():
        position = int(worksheet)
        if position < len(book.worksheets):
            return book.worksheets[position]
    elif worksheet in book.sheetnames:
        return book[worksheet]
    raise SourceError(
        f'{name} has no worksheet "{worksheet}": it has {", ".join(book.sheetnames)}.'
    )


def shown(value: object) -> str:
    """A cell value as a spreadsheet shows it by default."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def annotate(source: str | Path, grid: Grid, issues: list[Issue], out: str | Path) -> None:
    """Write a copy of the workbook with each cell's issues as a comment."""
    from openpyxl import Workbook, load_workbook
    from openpyxl.comments import Comment

    source = Path(source)
    if source.suffix.lower() == ".xlsx":
        book = load_workbook(source)
        sheet = book[grid.title] if grid.title in book.sheetnames else book.worksheets[0]
    else:
        book = Workbook()
        sheet = book.active
        sheet.title = "Roster"
        for r, values in enumerate(grid.rows, start=1):
            for c, value in enumerate(values, start=1):
                cell = sheet.cell(row=r, column=c, value=value)
                cell.data_type = "s"  # text stays text: "=1+1" from a CSV is not a formula
    by_cell: dict[tuple[int, int], list[Issue]] = {}
    for issue in issues:
        by_cell.setdefault(cell_of(issue), []).append(issue)
    for (row, column), cell_issues in by_cell.items():
        comment = Comment(note_text(cell_issues), "Roster")
        comment.width, comment.height = 320, 40 + 20 * len(cell_issues)
        sheet.cell(row=row + 1, column=column + 1).comment = comment
    try:
        book.save(out)
    except OSError as error:
        raise SourceError(f"{out}: cannot be written ({error.strerror}).") from error
