"""ODS spreadsheets: read the chosen tab as LibreOffice shows it, within the limits; fix a copy.

The reader streams `content.xml` through expat (the standard library's parser: chosen by
measurement, docs/benchmarks.md). ODS keeps each cell's displayed text (`<text:p>`) beside its
value, so "as shown" is that text; the value is the fallback for files without it. Repeated
rows and cells (`number-rows-repeated`) advance a counter: no filler exists for empty ones, and
a repeated non-empty one is refused at the limit as it comes.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any
from xml.parsers import expat

from ..errors import SourceError
from ..roster.engine import MAX_COLUMNS, MAX_ROWS
from ..roster.grid import CellKind, Grid
from ..roster.issues import a1
from . import limits, tabs
from .number_format import DigitsLost, general

OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
_T, _O, _X = TABLE + " ", OFFICE + " ", TEXT + " "
_TABLE, _ROW, _CELL, _COVERED = (
    _T + "table",
    _T + "table-row",
    _T + "table-cell",
    _T + "covered-table-cell",
)
_P, _S, _TAB, _BREAK = _X + "p", _X + "s", _X + "tab", _X + "line-break"
_ANNOTATION = _O + "annotation"
_SCIENTIFIC = re.compile(r"[-+]?\d+(?:[.,]\d+)?E[-+]?\d+", re.IGNORECASE)
_DECIMAL_COMMA = re.compile(r"[-+]?\d+,\d+")
_CHUNK = 64 * 1024


class _Done(Exception):
    """The chosen table is read: stop parsing."""


def read_ods(data: bytes, name: str, worksheet: str | int | None) -> Grid:
    archive = limits.open_archive(io.BytesIO(data), name, ".ods")
    with archive:
        try:
            source = archive.open("content.xml")
        except KeyError as error:
            raise SourceError(
                f"{name} is not a readable .ods file (it has no content): open it in your "
                "spreadsheet program and save it again as .ods."
            ) from error
        reader = _Reader(name, worksheet)
        with source:
            reader.parse(source)
    return reader.result()


class _Reader:
    """Expat handlers: one table kept (the chosen one), every table's title noted."""

    def __init__(self, name: str, worksheet: str | int | None) -> None:
        self.name = name
        self.worksheet = worksheet
        self.titles: list[str] = []
        self.depth = 0  # nesting of tables: only top-level tables are sheets
        self.keeping = False  # building this table's grid
        self.deciding = False  # reading row 1 to see whether this is the roster tab
        self.grid: Grid | None = None
        self.first: Grid | None = None  # the first tab, read when no tab has a roster header
        self.rows: list[list[str]] = []
        self.kinds: dict[tuple[int, int], CellKind] = {}
        self.decimal_comma = False
        self.row = 0  # 0-based number of the next row
        self.row_repeat = 1
        self.values: list[str] = []
        self.special: dict[int, CellKind] = {}
        self.held: dict[int, str] = {}  # the date a cell holds, when shown another way
        self.dates: dict[tuple[int, int], str] = {}
        self.column = 0
        self.cell: dict[str, str] | None = None
        self.text: list[str] = []
        self.chars = 0
        self.paragraphs = 0
        self.in_p = 0
        self.in_annotation = 0
        self.tentative = False  # the first tab, kept in case no tab has a roster header

    def parse(self, source: Any) -> None:
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.characters
        parser.StartDoctypeDeclHandler = self._refuse_doctype
        parser.buffer_text = True
        try:
            while chunk := source.read(_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except _Done:
            return
        except (expat.ExpatError, zipfile.BadZipFile, EOFError) as error:
            raise SourceError(
                f"{self.name} is not a readable .ods file: open it in your spreadsheet "
                "program and save it again as .ods."
            ) from error

    def _refuse_doctype(self, *_: Any) -> None:
        raise SourceError(f"{self.name} is not an ODS file Roster reads (it declares a DTD).")

    def result(self) -> Grid:
        grid = self.grid or self.first
        if grid is None:
            if self.worksheet is not None:
                tabs.pick(self.titles, self.worksheet, self.name)  # raises: no such tab
            grid = Grid([], title=self.name)
        grid.tabs = tuple(self.titles)
        return grid

    # --- tables and rows ---

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if self.cell is not None:
            self._start_in_cell(tag, attrs)
        elif tag == _ROW and self.depth == 1 and (self.keeping or self.deciding):
            self.row_repeat = int(attrs.get(_T + "number-rows-repeated", "1"))
            self.values, self.special, self.held, self.column = [], {}, {}, 0
        elif tag in (_CELL, _COVERED) and self.depth == 1 and (self.keeping or self.deciding):
            self.cell = attrs
            self.text, self.chars, self.paragraphs = [], 0, 0
        elif tag == _TABLE:
            self.depth += 1
            if self.depth == 1:
                self._start_table(attrs.get(_T + "name", ""))

    def _start_table(self, title: str) -> None:
        position = len(self.titles)
        self.titles.append(title)
        self.rows, self.kinds, self.row, self.decimal_comma = [], {}, 0, False
        self.dates = {}
        if self.worksheet is not None:
            wanted = self.worksheet
            named = isinstance(wanted, int) or str(wanted).isdigit()
            self.keeping = position == int(wanted) if named else title == wanted
            self.deciding = False
        else:
            self.keeping, self.deciding = False, True

    def end(self, tag: str) -> None:
        if self.cell is not None:
            if tag in (_CELL, _COVERED) and self.in_p == 0 and self.in_annotation == 0:
                self._end_cell()
            else:
                self._end_in_cell(tag)
        elif tag == _ROW and self.depth == 1 and (self.keeping or self.deciding):
            self._end_row()
        elif tag == _TABLE:
            if self.depth == 1 and self.keeping:
                self._end_table()
            self.depth -= 1

    def _end_row(self) -> None:
        values, repeat = self.values, self.row_repeat
        if self.deciding:
            self.deciding = False
            if tabs.has_roster_header(values if self.row == 0 else []):
                self.keeping = True
            elif len(self.titles) == 1:
                self.keeping = self.tentative = True
            else:
                return  # not the roster: its other rows are skipped
        if values:
            if self.row + repeat > MAX_ROWS + 1:  # the last of these rows is beyond the limit
                raise limits.too_many_rows(self.name, max(self.row + 1, MAX_ROWS + 2))
            while len(self.rows) < self.row:
                self.rows.append([])
            for offset in range(repeat):
                self.rows.append(values if offset == 0 else list(values))
                for column, kind in self.special.items():
                    self.kinds[(self.row + offset, column)] = kind
                for column, date in self.held.items():
                    self.dates[(self.row + offset, column)] = date
        self.row += repeat

    def _end_table(self) -> None:
        grid = Grid(
            self.rows,
            self.kinds,
            title=self.titles[-1],
            decimal_comma=self.decimal_comma,
            dates=self.dates,
        )
        if self.tentative and not (self.rows and tabs.has_roster_header(self.rows[0])):
            self.first, self.tentative, self.keeping = grid, False, False
            return
        self.grid = grid
        raise _Done

    # --- cells ---

    def _start_in_cell(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == _ANNOTATION or self.in_annotation:
            self.in_annotation += 1
        elif tag == _P:
            self.in_p += 1
            if self.in_p == 1:
                if self.paragraphs:
                    self._add("\n")
                self.paragraphs += 1
        elif self.in_p and tag == _S:
            self._add(" " * int(attrs.get(_X + "c", "1")))
        elif self.in_p and tag == _TAB:
            self._add("\t")
        elif self.in_p and tag == _BREAK:
            self._add("\n")

    def _end_in_cell(self, tag: str) -> None:
        if self.in_annotation:
            self.in_annotation -= 1
        elif tag == _P:
            self.in_p -= 1

    def characters(self, data: str) -> None:
        if self.cell is not None and self.in_p and not self.in_annotation:
            self._add(data)

    def _add(self, text: str) -> None:
        self.chars += len(text)
        if self.chars > limits.MAX_CELL_CHARS:
            raise limits.cell_too_long(self.name, a1(self.row + 1, self.column + 1))
        self.text.append(text)

    def _end_cell(self) -> None:
        attrs = self.cell
        assert attrs is not None
        self.cell = None
        repeat = int(attrs.get(_T + "number-columns-repeated", "1"))
        text, kind = self._shown(attrs, "".join(self.text))
        held = attrs.get(_O + "date-value", "")[:10].replace("-", "")
        if held and (len(held) != 8 or held == text):
            held = ""
        if text or kind is not None:
            if self.column + repeat > MAX_COLUMNS:
                raise limits.too_many_columns(self.name, min(self.column + repeat, MAX_COLUMNS + 1))
            if len(self.values) < self.column:
                self.values.extend([""] * (self.column - len(self.values)))
            for offset in range(repeat):
                self.values.append(text)
                if kind is not None:
                    self.special[self.column + offset] = kind
                elif held:
                    self.held[self.column + offset] = held
        self.column += repeat

    def _shown(self, attrs: dict[str, str], text: str) -> tuple[str, CellKind | None]:
        formula = attrs.get(_T + "formula")
        if formula is not None:
            return "=" + formula.split(":", 1)[-1].lstrip("="), CellKind.FORMULA
        kind = attrs.get(_O + "value-type")
        if kind in ("float", "percentage", "currency"):
            if not text:  # no displayed text saved: show the value as General would
                value = float(attrs.get(_O + "value", "0"))
                try:
                    text = general(value * 100 if kind == "percentage" else value)
                except DigitsLost as lost:
                    return lost.shown, CellKind.DIGITS_LOST
                return text + ("%" if kind == "percentage" else ""), None
            if _SCIENTIFIC.fullmatch(text.strip()):
                try:  # written as Excel writes it (4.1E+18, not LibreOffice's E+018)
                    text = general(float(attrs.get(_O + "value", text)))
                except (DigitsLost, ValueError) as lost:
                    text = lost.shown if isinstance(lost, DigitsLost) else text
                return text, CellKind.DIGITS_LOST
            if _DECIMAL_COMMA.fullmatch(text.strip()):
                self.decimal_comma = True
            return text, None
        if not text:
            if kind == "date":
                return attrs.get(_O + "date-value", ""), None
            if kind == "boolean":
                return attrs.get(_O + "boolean-value", "").upper(), None
        return text, None
