"""The Sheets API's grid answer, read into Grids as it streams in: one row in memory at a time.

A 100,000-row answer is ~60 MB of JSON. Parsed whole (as `requests`' `.json()` does) it is the
bytes, the decoded text and ~1.2 million small dicts alive at once: ~400 MiB. Here the structure
around the rows (`sheets[].properties`, `sheets[].data[].startRow`...) is walked by hand and each
element of `rowData` is parsed alone by the standard library's C decoder, turned into a list of
shown values at once and dropped: what stays is the Grid.

Only the answer of `spreadsheets.get` / `getByDataFilter` with a `sheets(properties,data(...))`
fields mask is read this way; anything else in it is parsed and skipped, whatever its order.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..roster.grid import CellKind, Grid

_WHITESPACE = " \t\n\r"
_DECODER = json.JSONDecoder()
# a row whose text has none of these holds plain values only: no need to look at each cell
_SPECIAL_KEYS = ('"note"', '"userEnteredValue"', '"effectiveValue"')
_MEMO_LIMIT = 1_000  # distinct values per column worth sharing one string object for


class _Text:
    """The answer's text as it arrives, and a read position in it."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = iter(chunks)
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self.buf = ""
        self.pos = 0
        self.ended = False

    def more(self, at_least: int = 1) -> bool:
        """Append at least `at_least` more characters (fewer at the end); False once ended."""
        if self.ended:
            return False
        parts = [self.buf[self.pos :]]
        got = 0
        for chunk in self._chunks:
            text = self._decoder.decode(chunk)
            parts.append(text)
            got += len(text)
            if got >= at_least:
                break
        else:
            parts.append(self._decoder.decode(b"", final=True))
            self.ended = True
        self.buf, self.pos = "".join(parts), 0
        return True

    def peek(self) -> str:
        """The next character that is not whitespace ('' at the end), not consumed."""
        while True:
            buf, pos = self.buf, self.pos
            while pos < len(buf) and buf[pos] in _WHITESPACE:
                pos += 1
            self.pos = pos
            if pos < len(buf):
                return buf[pos]
            if not self.more():
                return ""

    def take(self, expected: str) -> None:
        if self.peek() != expected:
            found = self.peek() or "the end"
            raise ValueError(f"expected {expected!r} at {self.pos}, found {found!r}")
        self.pos += 1

    def value(self) -> tuple[Any, int, int]:
        """The next JSON value, with where its text starts and ends in `buf`."""
        self.peek()
        while True:
            try:
                found, end = _DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError:
                # the value goes on in the next chunks: at least double what is left of it,
                # so that a value far longer than a chunk is decoded a few times, not many
                if not self.more(max(len(self.buf) - self.pos, 1 << 16)):
                    raise
                continue
            if end < len(self.buf) or self.ended or not self.more():
                # a number that ends the buffer may go on in the next chunk: it was re-read
                start, self.pos = self.pos, end
                return found, start, end
            # more text was appended: decode again, from the same place

    def members(self) -> Iterator[str]:
        """An object's keys, in order; the caller reads each key's value before the next."""
        self.take("{")
        if self.peek() == "}":
            self.pos += 1
            return
        while True:
            key, _, _ = self.value()
            self.take(":")
            yield key
            if self.peek() == ",":
                self.pos += 1
                continue
            self.take("}")
            return

    def elements(self) -> Iterator[None]:
        """An array's elements; the caller reads each one before the next."""
        self.take("[")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            yield None
            if self.peek() == ",":
                self.pos += 1
                continue
            self.take("]")
            return


def read_sheets(chunks: Iterable[bytes], on_row: Callable[[int], None] | None = None) -> list[Grid]:
    """Every sheet in a Sheets API answer, as Grids; `on_row(rows so far)` after each row."""
    text = _Text(chunks)
    grids: list[Grid] = []
    for key in text.members():
        if key != "sheets":
            text.value()
            continue
        for _ in text.elements():
            grids.append(_sheet(text, on_row))
    if text.peek():
        raise ValueError("text after the end of the answer")
    return grids


def _sheet(text: _Text, on_row: Callable[[int], None] | None) -> Grid:
    grid = Grid(rows=[])
    for key in text.members():
        if key == "properties":
            properties, _, _ = text.value()
            grid.title = properties.get("title", "")
            grid.sheet_id = int(properties.get("sheetId", 0))
        elif key == "data":
            for _ in text.elements():
                _grid_data(text, grid, on_row)
        else:
            text.value()
    if grid.sheet_id is None:
        grid.sheet_id = 0  # Google leaves out a field that holds its default: sheetId 0
    return grid


def _grid_data(text: _Text, grid: Grid, on_row: Callable[[int], None] | None) -> None:
    """One GridData: its rows go into the grid at (startRow, startColumn)."""
    top = left = 0
    block = _Block(grid)
    for key in text.members():
        if key == "rowData":
            for _ in text.elements():
                block.add(text)
                if on_row is not None:
                    on_row(block.filled)
        elif key in ("startRow", "startColumn"):
            number, _, _ = text.value()
            if key == "startRow":
                top = int(number)
            else:
                left = int(number)
        else:
            text.value()
    block.place(top, left)


class _Block:
    """The rows of one GridData, gathered relative to its corner, then placed in the grid."""

    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        self.rows: list[list[str]] = []
        self.kinds: dict[tuple[int, int], CellKind] = {}
        self.notes: dict[tuple[int, int], str] = {}
        self.filled = 0  # rows holding at least one shown value
        self.memo: list[dict[str, str] | None] = []  # per column: one object per repeated value

    def add(self, text: _Text) -> None:
        row, start, end = text.value()
        cells: list[dict[str, Any]] = row.get("values", []) if isinstance(row, dict) else []
        values = [cell.get("formattedValue", "") for cell in cells]
        if any(values):
            self.filled += 1
            self._share(values)
        r = len(self.rows)
        self.rows.append(values)
        buf = text.buf
        if any(buf.find(key, start, end) >= 0 for key in _SPECIAL_KEYS):
            self._special(r, cells)

    def _share(self, values: list[str]) -> None:
        """Repeated values (genders, tags, plans, names) become one string object per column."""
        memo = self.memo
        while len(memo) < len(values):
            memo.append({})
        for c, value in enumerate(values):
            seen = memo[c]
            if seen is None:
                continue
            shared = seen.get(value)
            if shared is not None:
                values[c] = shared
            elif len(seen) < _MEMO_LIMIT:
                seen[value] = value
            else:  # a column of mostly distinct values (emails, ids): stop trying
                memo[c] = None

    def _special(self, r: int, cells: list[dict[str, Any]]) -> None:
        for c, cell in enumerate(cells):
            if not cell or (len(cell) == 1 and "formattedValue" in cell):
                continue
            if "errorValue" in cell.get("effectiveValue", {}):
                # An error shown is what the person must fix, formula or not.
                self.kinds[(r, c)] = CellKind.ERROR_VALUE
            elif "formulaValue" in cell.get("userEnteredValue", {}):
                self.kinds[(r, c)] = CellKind.FORMULA
            if "note" in cell:
                self.notes[(r, c)] = cell["note"]

    def place(self, top: int, left: int) -> None:
        grid = self.grid
        if left:
            self.rows = [[""] * left + row for row in self.rows]
        while len(grid.rows) < top + len(self.rows):
            grid.rows.append([])
        grid.rows[top : top + len(self.rows)] = self.rows
        for (r, c), kind in self.kinds.items():
            grid.kinds[(r + top, c + left)] = kind
        for (r, c), note in self.notes.items():
            grid.notes[(r + top, c + left)] = note
