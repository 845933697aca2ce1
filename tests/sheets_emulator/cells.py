"""Cells as Sheets stores them: the value typed, the value computed, the text shown, and a note."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

ERROR_TYPES = {
    "#NULL!": "NULL_VALUE",
    "#DIV/0!": "DIVIDE_BY_ZERO",
    "#VALUE!": "VALUE",
    "#REF!": "REF",
    "#NAME?": "NAME",
    "#NUM!": "NUM",
    "#N/A": "N_A",
    "#ERROR!": "ERROR",
}
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


@dataclass(frozen=True, slots=True)
class Formula:
    """A formula and the value it shows; `shows` may be an error such as '#REF!'."""

    formula: str
    shows: str = ""


@dataclass(frozen=True, slots=True)
class ErrorCell:
    """A cell that shows an error value without a formula (for example '#N/A' typed in)."""

    code: str = "#N/A"


@dataclass(frozen=True, slots=True)
class Formatted:
    """A value shown through a number format, e.g. a date: Formatted(32878, '1/5/1990')."""

    value: float | int | str | bool
    shows: str


@dataclass(slots=True)
class Cell:
    """One stored cell; None fields are absent, like in the API's CellData."""

    entered: dict[str, Any] | None = None
    effective: dict[str, Any] | None = None
    shown: str | None = None
    note: str | None = None

    @property
    def empty(self) -> bool:
        return self.entered is None and self.note is None

    def data(self) -> dict[str, Any]:
        """This cell as the API's CellData (values only: the emulator keeps no formats)."""
        out: dict[str, Any] = {}
        if self.entered is not None:
            out["userEnteredValue"] = self.entered
        if self.effective is not None:
            out["effectiveValue"] = self.effective
        if self.shown:  # proto3 JSON leaves out empty strings
            out["formattedValue"] = self.shown
        if self.note is not None:
            out["note"] = self.note
        return out

    def set_value(self, value: Any) -> None:
        """Put what a person typed (or a helper above) into this cell, keeping its note."""
        self.entered, self.effective, self.shown = stored(value)

    def set_entered(self, extended: dict[str, Any] | None) -> None:
        """Set userEnteredValue from an API ExtendedValue; formulas are not evaluated."""
        if not extended:
            self.entered = self.effective = self.shown = None
        elif "formulaValue" in extended:
            self.entered, self.effective, self.shown = dict(extended), None, ""
        else:
            self.entered = dict(extended)
            self.effective = dict(extended)
            self.shown = shown(next(iter(extended.values())))


def error_value(code: str) -> dict[str, Any]:
    return {"errorValue": {"type": ERROR_TYPES.get(code, "ERROR"), "message": f"{code} (emulated)"}}


def shown(value: Any) -> str:
    """Sheets' automatic format for a plain value."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return str(int(value)) if float(value).is_integer() else format(value, ".15g")
    return str(value)


def extended(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int | float):
        return {"numberValue": value}
    return {"stringValue": str(value)}


def stored(value: Any) -> tuple[dict | None, dict | None, str | None]:
    """(userEnteredValue, effectiveValue, formattedValue) for a value given from Python."""
    if value is None or value == "":
        return None, None, None
    if isinstance(value, Formula):
        effective = (
            error_value(value.shows)
            if value.shows.startswith("#")
            else (extended(value.shows) if value.shows else None)
        )
        return {"formulaValue": value.formula}, effective, value.shows
    if isinstance(value, ErrorCell):
        return error_value(value.code), error_value(value.code), value.code
    if isinstance(value, Formatted):
        return extended(value.value), extended(value.value), value.shows
    return extended(value), extended(value), shown(value)


def parse_entered(value: Any) -> dict[str, Any] | None:
    """USER_ENTERED input: what Sheets makes of typed text (no dates, currencies or percents)."""
    if not isinstance(value, str):
        return extended(value)
    if value == "":
        return None
    if value.startswith("="):
        return {"formulaValue": value}
    if value.startswith("'"):
        return {"stringValue": value[1:]}
    if _NUMBER.fullmatch(value):
        number = float(value)
        return {
            "numberValue": int(number)
            if number.is_integer() and "e" not in value.lower()
            else number
        }
    if value.upper() in ("TRUE", "FALSE"):
        return {"boolValue": value.upper() == "TRUE"}
    return {"stringValue": value}


def rendered(cell: Cell | None, option: str) -> Any:
    """A cell in a ValueRange under valueRenderOption."""
    if cell is None or cell.entered is None:
        return ""
    if option == "FORMATTED_VALUE":
        return cell.shown or ""
    if option == "FORMULA" and "formulaValue" in cell.entered:
        return cell.entered["formulaValue"]
    effective = cell.effective or {}
    if "errorValue" in effective:
        return cell.shown or "#ERROR!"
    if not effective:
        return ""
    value = next(iter(effective.values()))
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
