"""CSV files: UTF-8 text, comma- or semicolon-delimited, read within the limits and fixed in place.

The delimiter is decided from the header row alone (European spreadsheet programs save `;`),
never by guessing on data. Reading streams: physical lines (blank ones too) are counted as they
come, so a file of blank lines is refused at the limit, not after it is held in memory.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from collections.abc import Iterator
from typing import BinaryIO

from ..errors import SourceError
from ..roster.engine import MAX_COLUMNS, MAX_ROWS
from ..roster.grid import ERROR_LITERALS, CellKind, Grid
from ..roster.issues import a1
from . import limits

SAVE_AS_UTF8 = (
    "Save it as UTF-8: in Excel, File > Save As > CSV UTF-8 (Comma delimited); in Numbers, "
    "File > Export To > CSV, Text Encoding: Unicode (UTF-8); in LibreOffice, File > Save As > "
    'Text CSV with "Edit filter settings" ticked, Character set: Unicode (UTF-8); in Google '
    "Sheets, File > Download > Comma-separated values (always UTF-8)."
)
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_SCIENTIFIC = re.compile(r"[-+]?\d+(?:[.,]\d+)?E[-+]\d+")
_LIBREOFFICE_ERROR = re.compile(r"Err:\d{3}")  # what LibreOffice shows for #NAME? and the like
_MARKERS = ("#", "E+", "E-", "Err:")  # in every error literal, scientific number, Err:520


def delimiter_of(header_line: str) -> str:
    """`;` when the header row has more semicolons than commas outside quotes, else `,`."""
    commas = semicolons = 0
    quoted = False
    for char in header_line:
        if char == '"':
            quoted = not quoted
        elif not quoted:
            commas += char == ","
            semicolons += char == ";"
    return ";" if semicolons > commas else ","


def read_csv(stream: BinaryIO, name: str) -> Grid:
    """Read a CSV file's bytes (a file or an upload) as a grid of text."""
    start = stream.read(4)
    if start.startswith(_UTF16_BOMS):
        raise SourceError(
            f"{name} is saved as UTF-16 (Excel calls it Unicode Text), not UTF-8. {SAVE_AS_UTF8}"
        )
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        return _read(text, name)
    except UnicodeDecodeError as error:
        stream.seek(0)
        raise _not_utf8(stream, name) from error
    finally:
        text.detach()


def _read(text: io.TextIOWrapper, name: str) -> Grid:
    first = text.readline()
    delimiter = delimiter_of(first)
    rows: list[list[str]] = []
    kinds: dict[tuple[int, int], CellKind] = {}
    reader = csv.reader(itertools.chain((first,), text), delimiter=delimiter)
    try:
        for index, row in enumerate(reader):
            if reader.line_num > limits.MAX_LINES:  # blank lines count: each is a row in memory
                raise limits.too_many_lines(name)
            end = len(row)
            while end and not row[end - 1]:
                end -= 1
            if end < len(row):
                del row[end:]  # trailing empty cells, which users do not see
            if end > MAX_COLUMNS:
                raise limits.too_many_columns(name, end)
            if row:
                if index > MAX_ROWS:
                    raise limits.too_many_rows(name, index + 1)
                joined = "\x1f".join(row)  # one C-level look for what is rare in a roster
                if len(joined) > limits.MAX_CELL_CHARS or any(m in joined for m in _MARKERS):
                    _special_cells(row, index, kinds, name)
            rows.append(row)
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise limits.cell_too_long(name, f"in row {reader.line_num}") from error
        raise SourceError(f"{name} is not a valid CSV file: {error}.") from error
    return Grid(rows, kinds, title=name, decimal_comma=delimiter == ";")


def _special_cells(
    row: list[str], index: int, kinds: dict[tuple[int, int], CellKind], name: str
) -> None:
    """Cells too long, error values and numbers saved in scientific notation."""
    for column, value in enumerate(row):
        if len(value) > limits.MAX_CELL_CHARS:
            raise limits.cell_too_long(name, a1(index + 1, column + 1))
        if value in ERROR_LITERALS or _LIBREOFFICE_ERROR.fullmatch(value):
            kinds[(index, column)] = CellKind.ERROR_VALUE
        elif _SCIENTIFIC.fullmatch(value):  # a number the program saved as shown
            kinds[(index, column)] = CellKind.DIGITS_LOST


def _not_utf8(stream: BinaryIO, name: str) -> SourceError:
    """Say which row holds the first character that is not UTF-8, and what it probably is."""
    row, quoted = 1, False
    for line in stream:
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as error:
            bad = line[error.start : error.end]
            guess = bad.decode("cp1252", errors="replace")
            return SourceError(
                f"{name} is not UTF-8 text: row {row} holds a character Roster cannot read "
                f'(byte 0x{bad[0]:02X}, "{guess}" if the file was saved as Windows-1252). '
                f"{SAVE_AS_UTF8}"
            )
        if line.count(b'"') % 2:
            quoted = not quoted
        if not quoted:
            row += 1
    return SourceError(f"{name} is not UTF-8 text. {SAVE_AS_UTF8}")


# --- the fixed copy ----------------------------------------------------------------------------


def fixed_copy(data: bytes, changes: dict[tuple[int, int], str]) -> bytes:
    """The same bytes with only the changed cells rewritten (0-based (row, column) keys).

    Every other byte (quoting, line endings, a byte-order mark, trailing delimiters) stays as it
    was, so a diff of the two files shows the fixes and nothing else.
    """
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    text = data[len(bom) :].decode("utf-8")
    first_line = text.split("\n", 1)[0]
    delimiter = delimiter_of(first_line)
    out: list[str] = []
    position = 0
    for (row, column), start, end in _spans(text, delimiter):
        if (row, column) in changes:
            out.append(text[position:start])
            out.append(_quoted(changes.pop((row, column)), delimiter, text[start : start + 1]))
            position = end
    out.append(text[position:])
    if changes:  # cells beyond the row's last delimiter: append them to their lines
        raise SourceError("Roster could not place every fix in the CSV file; nothing was written.")
    return bom + "".join(out).encode("utf-8")


def _quoted(value: str, delimiter: str, first: str) -> str:
    """The value as a field: quoted if the old one was, or if it must be."""
    if first == '"' or any(c in value for c in (delimiter, '"', "\n", "\r")):
        return '"' + value.replace('"', '""') + '"'
    return value


def _spans(text: str, delimiter: str) -> Iterator[tuple[tuple[int, int], int, int]]:
    """((row, column), start, end) of every field's raw text, quotes included (RFC 4180)."""
    row = column = 0
    i, n = 0, len(text)
    while i <= n:
        start = i
        if i < n and text[i] == '"':
            i += 1
            while i < n:
                if text[i] == '"':
                    if i + 1 < n and text[i + 1] == '"':
                        i += 2
                        continue
                    i += 1
                    break
                i += 1
            while i < n and text[i] not in (delimiter, "\r", "\n"):
                i += 1  # text after a closing quote belongs to the field, as csv reads it
        else:
            while i < n and text[i] not in (delimiter, "\r", "\n"):
                i += 1
        yield (row, column), start, i
        if i >= n:
            return
        if text[i] == delimiter:
            column += 1
            i += 1
            continue
        i += 2 if text.startswith("\r\n", i) else 1
        row, column = row + 1, 0
        if i == n:
            return
