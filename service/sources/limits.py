"""SPEC §9's limits for files, decided while a file streams in, never after it is loaded.

Rows count by the number a file declares (XLSX `<row r>`, ODS repeats, CSV physical lines), so
a small file that claims row 10,000,000 is refused at its first such row, before any filler row
exists. Zip parts are refused from the sizes the archive declares, before they are inflated
(Python's zipfile never inflates a member beyond its declared size: it stops there and checks
the CRC), and from their compression ratio, as Apache POI's ZipSecureFile does.
"""

from __future__ import annotations

import zipfile
from typing import IO

from ..errors import SheetTooLarge, SourceError
from ..roster.engine import MAX_COLUMNS, MAX_ROWS

MAX_CELL_CHARS = 50_000  # Google Sheets' own limit for one cell
# CSV: blank lines are not clients, but each is a row in memory; twice the rows is plenty
MAX_LINES = 2 * (MAX_ROWS + 1)
MAX_PART_BYTES = 256 * 1024 * 1024  # one inflated XLSX/ODS part (a 100,000-row sheet: ~40 MB)
MAX_RATIO = 100  # inflated / compressed; POI's default minimum inflate ratio is 0.01
# ODS content.xml repeats long attribute lists on every cell: LibreOffice's own file of 100,000
# alike rows inflates 133 times. It is streamed with per-cell limits, so a looser ratio is safe
MAX_RATIO_ODS = 500
RATIO_GRACE_BYTES = 1024 * 1024  # small parts (styles, a header-only sheet) compress far better


def too_many_rows(name: str, row: int) -> SheetTooLarge:
    return SheetTooLarge(
        f"{name} has data in row {row:,}; Roster takes at most {MAX_ROWS:,} clients "
        "(rows 2 to {0:,}) per worksheet. Split it over several worksheets.".format(MAX_ROWS + 1)
    )


def too_many_lines(name: str) -> SheetTooLarge:
    return SheetTooLarge(
        f"{name} has more than {MAX_LINES:,} lines (blank lines count); Roster takes at most "
        f"{MAX_ROWS:,} clients. Delete the blank lines, or split the file."
    )


def too_many_columns(name: str, column: int) -> SheetTooLarge:
    return SheetTooLarge(
        f"{name} has a value in column {column}; Roster takes at most {MAX_COLUMNS} columns. "
        "Delete the columns it does not need."
    )


def cell_too_long(name: str, cell: str) -> SheetTooLarge:
    return SheetTooLarge(
        f"{name}: cell {cell} holds more than {MAX_CELL_CHARS:,} characters, the most one cell "
        "may hold (as in Google Sheets). Shorten it."
    )


def check_archive(archive: zipfile.ZipFile, name: str, max_ratio: int = MAX_RATIO) -> None:
    """Refuse a zip whose parts would inflate beyond the limits, before reading any of them."""
    for item in archive.infolist():
        if item.file_size > MAX_PART_BYTES:
            raise SheetTooLarge(
                f"{name}: its part {item.filename} inflates to {item.file_size / 2**20:,.0f} MiB; "
                f"Roster reads at most {MAX_PART_BYTES // 2**20} MiB per part. Split the roster "
                "over several files."
            )
        ratio = item.file_size // max(item.compress_size, 1)
        if item.file_size > RATIO_GRACE_BYTES and ratio > max_ratio:
            raise SheetTooLarge(
                f"{name}: its part {item.filename} inflates {ratio:,} "
                f"times (at most {max_ratio} for a roster), so it is refused as a zip bomb. "
                "Open it in your spreadsheet program and save it again."
            )


def open_archive(data: IO[bytes], name: str, kind: str) -> zipfile.ZipFile:
    """The file as a zip archive, checked; a damaged one is a SourceError."""
    try:
        archive = zipfile.ZipFile(data)
    except (zipfile.BadZipFile, OSError) as error:
        raise SourceError(
            f"{name} is not a readable {kind} file: open it in your spreadsheet program and "
            f"save it again as {kind}."
        ) from error
    check_archive(archive, name, MAX_RATIO_ODS if kind == ".ods" else MAX_RATIO)
    return archive
