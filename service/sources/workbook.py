"""Roster files: tell the format from the name and hand the bytes to the module that reads it.

csv_file reads CSV, xlsx_file XLSX, ods_file ODS; annotate and fixed_copy write copies.
"""

from __future__ import annotations

import io
from pathlib import Path

from ..errors import SourceError
from ..roster.grid import Grid

SUFFIXES = (".csv", ".xlsx", ".ods")
READS = "Roster reads .csv, .xlsx and .ods files"
NUMBERS_EXPORT = (
    "Roster cannot read Apple Numbers files: in Numbers choose File > Export To > Excel "
    "(or CSV, with Text Encoding: Unicode (UTF-8)), then give Roster the exported file."
)


def check_suffix(name: str) -> str:
    """The file's format as its lower-case suffix; other formats are refused with advice."""
    suffix = Path(name).suffix.lower()
    if suffix == ".numbers":
        raise SourceError(f"{Path(name).name}: {NUMBERS_EXPORT}")
    if suffix not in SUFFIXES:
        raise SourceError(f"{Path(name).name}: {READS}; save the roster in one of those formats.")
    return suffix


def read_file(path: str | Path, worksheet: str | int | None = None) -> Grid:
    """Read a .csv, .xlsx or .ods file as its spreadsheet program shows it."""
    path = Path(path)
    suffix = check_suffix(path.name)
    try:
        if suffix == ".csv":
            with path.open("rb") as stream:  # streamed: limits are checked line by line
                from .csv_file import read_csv

                return read_csv(stream, path.name)
        data = path.read_bytes()
    except OSError as error:
        raise SourceError(f"{path}: cannot be read ({error.strerror}).") from error
    return read_bytes(data, suffix, path.name, worksheet)


def read_bytes(data: bytes, suffix: str, name: str, worksheet: str | int | None = None) -> Grid:
    """Read uploaded bytes; `suffix` says which format they are."""
    suffix = check_suffix(f"x{suffix}")
    if suffix == ".csv":
        from .csv_file import read_csv

        return read_csv(io.BytesIO(data), name)
    if suffix == ".ods":
        from .ods_file import read_ods

        return read_ods(data, name, worksheet)
    from .xlsx_file import read_xlsx

    return read_xlsx(data, name, worksheet)
