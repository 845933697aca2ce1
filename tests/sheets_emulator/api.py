"""The Sheets API v4 methods the emulator answers, on in-memory spreadsheets.

Each handler takes (spreadsheet, path parameters, query, body) and returns the response body, or
raises ApiError. Writes are planned in full before any cell changes, so a rejected batch leaves
the sheet as it was (Google applies a batch atomically).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import fields
from .a1 import A1Error, A1Range, column_letters, format_range, parse
from .cells import Cell, parse_entered, rendered
from .cells import extended as extended_value
from .discovery import Discovery, Invalid
from .store import GridError, Sheet, Spreadsheet

Query = dict[str, list[str]]
Write = Callable[[], None]
_SUPPORTED_CELL_FIELDS = {"note", "userEnteredValue"}


class ApiError(Exception):
    """An error answer in Google's shape."""

    STATUS = {
        400: "INVALID_ARGUMENT",
        403: "PERMISSION_DENIED",
        404: "NOT_FOUND",
        429: "RESOURCE_EXHAUSTED",
        500: "INTERNAL",
        501: "UNIMPLEMENTED",
        503: "UNAVAILABLE",
    }

    def __init__(self, code: int, message: str, details: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.code, self.message, self.details = code, message, details or []

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {
            "code": self.code,
            "message": self.message,
            "status": self.STATUS.get(self.code, "UNKNOWN"),
        }
        if self.details:
            error["details"] = self.details
        return {"error": error}

    @classmethod
    def invalid(cls, message: str, field: str = "") -> ApiError:
        details = (
            [
                {
                    "@type": "type.googleapis.com/google.rpc.BadRequest",
                    "fieldViolations": [{"field": field, "description": message}],
                }
            ]
            if field
            else []
        )
        return cls(400, message, details)


class SheetsApi:
    """Handlers by discovery method id."""

    def __init__(self, discovery: Discovery):
        self.discovery = discovery
        self.handlers: dict[str, Callable[[Spreadsheet, Query, Any], dict[str, Any]]] = {
            "sheets.spreadsheets.get": self.get,
            "sheets.spreadsheets.getByDataFilter": self.get_by_data_filter,
            "sheets.spreadsheets.batchUpdate": self.batch_update,
            "sheets.spreadsheets.values.get": self.values_get,
            "sheets.spreadsheets.values.batchGet": self.values_batch_get,
            "sheets.spreadsheets.values.update": self.values_update,
            "sheets.spreadsheets.values.batchUpdate": self.values_batch_update,
        }

    # -- spreadsheets.get and getByDataFilter ------------------------------------------------

    def get(self, ss: Spreadsheet, query: Query, body: Any) -> dict[str, Any]:
        ranges = [_resolve(ss, text) for text in query.get("ranges", [])]
        grid = query.get("includeGridData", ["false"])[0].lower() == "true"
        return self._spreadsheet(ss, ranges or None, grid, query)

    def get_by_data_filter(self, ss: Spreadsheet, query: Query, body: Any) -> dict[str, Any]:
        ranges = []
        for i, data_filter in enumerate(body.get("dataFilters") or []):
            if "a1Range" in data_filter:
                ranges.append(_resolve(ss, data_filter["a1Range"]))
            elif "gridRange" in data_filter:
                ranges.append(_grid_range(ss, data_filter["gridRange"], f"dataFilters[{i}]"))
            else:
                raise ApiError.invalid(
                    f"dataFilters[{i}]: the emulator filters only by a1Range or gridRange",
                    f"data_filters[{i}]",
                )
        return self._spreadsheet(ss, ranges or None, bool(body.get("includeGridData")), query)

    def _spreadsheet(
        self,
        ss: Spreadsheet,
        ranges: list[tuple[Sheet, tuple]] | None,
        include_grid: bool,
        query: Query,
    ) -> dict[str, Any]:
        mask = _mask(query, self.discovery, "Spreadsheet")
        if mask is not None:
            include_grid = fields.subtree(mask, "sheets", "data") is not False
        row_mask = fields.subtree(mask, "sheets", "data", "rowData")
        chosen: dict[int, list[tuple]] = {}
        for sheet, bounds in ranges or [(s, None) for s in ss.sheets]:
            chosen.setdefault(sheet.sheet_id, []).append(bounds)
        sheets = []
        for sheet in ss.sheets:
            if sheet.sheet_id not in chosen:
                continue
            entry: dict[str, Any] = {"properties": sheet.properties()}
            if include_grid:
                entry["data"] = [
                    _grid_data(sheet, b or _whole(sheet), row_mask) for b in chosen[sheet.sheet_id]
                ]
            sheets.append(entry)
        out = ss.metadata()
        out["sheets"] = sheets
        return fields.select(out, _cells_premasked(mask))

    # -- spreadsheets.batchUpdate --------------------------------------------------------------

    def batch_update(self, ss: Spreadsheet, query: Query, body: Any) -> dict[str, Any]:
        writes: list[Write] = []
        requests = body.get("requests") or []
        for i, request in enumerate(requests):
            kinds = [k for k, v in request.items() if v is not None]
            if len(kinds) != 1:
                raise ApiError.invalid(
                    f"Invalid requests[{i}]: exactly one kind of request must be set.",
                    f"requests[{i}]",
                )
            kind = kinds[0]
            at = f"requests[{i}].{kind}"
            if kind == "updateCells":
                writes += self._update_cells(ss, request[kind], at)
            elif kind == "repeatCell":
                writes += self._repeat_cell(ss, request[kind], at)
            else:
                raise ApiError.invalid(
                    f"Invalid {at}: the Sheets emulator implements only "
                    "updateCells and repeatCell.",
                    at,
                )
        for write in writes:
            write()
        return {"spreadsheetId": ss.id, "replies": [{} for _ in requests]}

    def _update_cells(self, ss: Spreadsheet, request: dict[str, Any], at: str) -> list[Write]:
        chosen = _cell_fields(request.get("fields"), self.discovery, at)
        rows = request.get("rows") or []
        if ("range" in request) == ("start" in request):
            raise ApiError.invalid(f"Invalid {at}: set exactly one of range and start.", at)
        if "start" in request:
            start = request["start"]
            sheet = _sheet_by_id(ss, start.get("sheetId", 0), at)
            row0, col0 = start.get("rowIndex", 0), start.get("columnIndex", 0)
            cells = [
                (row0 + r, col0 + c, data)
                for r, row in enumerate(rows)
                for c, data in enumerate(row.get("values") or [])
            ]
        else:
            sheet, (sr, er, sc, ec) = _grid_range(ss, request["range"], at)

            def given(r: int, c: int) -> dict[str, Any]:
                if r - sr < len(rows):
                    values = rows[r - sr].get("values") or []
                    if c - sc < len(values):
                        return values[c - sc] or {}
                return {}

            # Cells of the range that the rows leave out are cleared, as Google documents.
            cells = [(r, c, given(r, c)) for r in range(sr, er) for c in range(sc, ec)]
        return _plan(sheet, cells, chosen, at)

    def _repeat_cell(self, ss: Spreadsheet, request: dict[str, Any], at: str) -> list[Write]:
        chosen = _cell_fields(request.get("fields"), self.discovery, at)
        sheet, (sr, er, sc, ec) = _grid_range(ss, request.get("range") or {}, at)
        data = request.get("cell") or {}
        return _plan(
            sheet, [(r, c, data) for r in range(sr, er) for c in range(sc, ec)], chosen, at
        )

    # -- values --------------------------------------------------------------------------------

    def values_get(self, ss: Spreadsheet, query: Query, body: Any) -> dict[str, Any]:
        out = _value_range(ss, query["range"][0], query)
        return fields.select(out, _mask(query, self.discovery, "ValueRange"))

    def values_batch_get(self, ss: Spreadsheet, query: Query, body: Any) -> dict[str, Any]:
        out = {
            "spreadsheetId": ss.id,
            "valueRanges": [_value_range(ss, text, query) for text in query.get("ranges", [])],
        }
        return fields.select(out, _mask(query, self.discovery, "BatchGetValuesResponse"))

    def values_update(self, ss: Spreadsheet, query: Query, body: Any) -> dict[str, Any]:
        option = _input_option(query.get("valueInputOption", [None])[0])
        url_range = query["range"][0]
        if body.get("range") and body["range"] != url_range:
            raise ApiError.invalid(
                f"The range in the request body ({body['range']}) does not "
                f"match the range in the URL ({url_range}).",
                "range",
            )
        write, out, _ = _plan_values(ss, url_range, body, option, ss.id)
        write()
        if _truthy(query.get("includeValuesInResponse")):
            out["updatedData"] = _value_range(
                ss,
                out["updatedRange"],
                {"valueRenderOption": query.get("responseValueRenderOption", ["FORMATTED_VALUE"])},
            )
        return fields.select(out, _mask(query, self.discovery, "UpdateValuesResponse"))

    def values_batch_update(self, ss: Spreadsheet, query: Query, body: Any) -> dict[str, Any]:
        option = _input_option(body.get("valueInputOption"))
        planned = [
            _plan_values(ss, item.get("range", ""), item, option, ss.id)
            for item in body.get("data") or []
        ]
        for write, _, _ in planned:
            write()
        responses = [out for _, out, _ in planned]
        touched = {cell for _, _, cells in planned for cell in cells}
        if body.get("includeValuesInResponse"):
            render = [body.get("responseValueRenderOption") or "FORMATTED_VALUE"]
            for out in responses:
                out["updatedData"] = _value_range(
                    ss, out["updatedRange"], {"valueRenderOption": render}
                )
        out = {
            "spreadsheetId": ss.id,
            # Google counts the rows and columns with at least one cell written.
            "totalUpdatedRows": len({(sheet, r) for sheet, r, _ in touched}),
            "totalUpdatedColumns": len({(sheet, c) for sheet, _, c in touched}),
            "totalUpdatedCells": len(touched),
            "totalUpdatedSheets": len({sheet for sheet, _, _ in touched}),
            "responses": responses,
        }
        return fields.select(out, _mask(query, self.discovery, "BatchUpdateValuesResponse"))


# -- helpers -------------------------------------------------------------------------------------


def _mask(query: Query, discovery: Discovery, schema: str) -> fields.Mask | None:
    if "fields" not in query:
        return None
    try:
        mask = fields.parse(query["fields"][0])
        fields.check(mask, discovery, schema)
    except Invalid as error:
        raise ApiError.invalid(str(error), "fields") from None
    return mask


def _cells_premasked(mask: fields.Mask | None) -> fields.Mask | None:
    """The mask with rowData taken whole: _grid_data has already masked every cell."""
    rows = fields.subtree(mask, "sheets", "data", "rowData")
    if not rows:
        return mask
    copy = _copy(mask)
    copy["sheets"]["data"]["rowData"] = None  # type: ignore[index]
    return copy


def _copy(mask: fields.Mask | None) -> Any:
    return None if mask is None else {k: _copy(v) for k, v in mask.items()}


def _whole(sheet: Sheet) -> tuple[int, int, int, int]:
    return 0, sheet.row_count, 0, sheet.column_count


def _grid_data(sheet: Sheet, bounds: tuple[int, int, int, int], row_mask: Any) -> dict[str, Any]:
    """GridData for a range: empty cells are {}, trailing empty cells and rows are left out."""
    sr, er, sc, ec = bounds
    out: dict[str, Any] = {}
    if sr:
        out["startRow"] = sr
    if sc:
        out["startColumn"] = sc
    if row_mask is False:
        return out
    cell_mask = fields.subtree(row_mask, "values")
    if cell_mask is False:
        return out
    render = _cell_renderer(cell_mask)
    rows: list[dict[str, Any]] = []
    for r in range(sr, min(er, len(sheet.rows))):
        cells = sheet.rows[r]
        values = []
        for c in range(sc, min(ec, len(cells))):
            cell = cells[c]
            values.append(render(cell) if cell else {})
        while values and not values[-1]:
            values.pop()
        rows.append({"values": values} if values else {})
    while rows and not rows[-1]:
        rows.pop()
    if rows:
        out["rowData"] = rows
    return out


def _cell_renderer(mask: Any) -> Callable[[Cell], dict[str, Any]]:
    """CellData under a mask, built once per read: a 100k-row read renders a million cells."""
    if mask is None or "*" in mask:
        return Cell.data
    parts = [
        (key, attr, mask[key])
        for key, attr in (
            ("userEnteredValue", "entered"),
            ("effectiveValue", "effective"),
            ("formattedValue", "shown"),
            ("note", "note"),
        )
        if key in mask
    ]

    def render(cell: Cell) -> dict[str, Any]:
        out = {}
        for key, attr, sub in parts:
            value = getattr(cell, attr)
            if value is not None and sub is not None:
                value = fields.select(value, sub) or None
            if value is not None:
                out[key] = value
        return out

    return render


def _resolve(ss: Spreadsheet, text: str) -> tuple[Sheet, tuple[int, int, int, int]]:
    """An A1 range to (sheet, closed bounds), with Google's errors."""
    try:
        rng = parse(text, {s.title for s in ss.sheets})
    except A1Error as error:
        raise ApiError.invalid(str(error)) from None
    sheet = ss.by_title(rng.title)
    if sheet is None:
        raise ApiError.invalid(f"Unable to parse range: {text}")
    try:
        return sheet, sheet.bounds(rng)
    except GridError as error:
        raise ApiError.invalid(str(error)) from None


def _sheet_by_id(ss: Spreadsheet, sheet_id: int, at: str) -> Sheet:
    sheet = ss.by_id(int(sheet_id))
    if sheet is None:
        raise ApiError.invalid(f"Invalid {at}: No grid with id: {sheet_id}", at)
    return sheet


def _grid_range(
    ss: Spreadsheet, grid: dict[str, Any], at: str
) -> tuple[Sheet, tuple[int, int, int, int]]:
    sheet = _sheet_by_id(ss, grid.get("sheetId", 0), at)
    rng = A1Range(
        sheet.title,
        grid.get("startRowIndex"),
        grid.get("endRowIndex"),
        grid.get("startColumnIndex"),
        grid.get("endColumnIndex"),
    )
    try:
        return sheet, sheet.bounds(rng)
    except GridError as error:
        raise ApiError.invalid(f"Invalid {at}: {error}", at) from None


def _cell_fields(text: str | None, discovery: Discovery, at: str) -> set[str]:
    """The CellData fields an updateCells/repeatCell writes; the emulator keeps values and notes."""
    if not text:
        raise ApiError.invalid(f"Invalid {at}: At least one field must be specified.", at)
    try:
        mask = fields.parse(text)
        fields.check(mask, discovery, "CellData")
    except Invalid as error:
        raise ApiError.invalid(f"Invalid {at}: {error}", at) from None
    if "*" in mask:
        return set(_SUPPORTED_CELL_FIELDS)
    unsupported = sorted(
        name for name, sub in mask.items() if name not in _SUPPORTED_CELL_FIELDS or sub is not None
    )
    if unsupported:
        raise ApiError.invalid(
            f"Invalid {at}: the Sheets emulator writes only note and "
            f"userEnteredValue, not {', '.join(unsupported)}.",
            at,
        )
    return set(mask)


def _plan(
    sheet: Sheet, cells: list[tuple[int, int, dict[str, Any]]], chosen: set[str], at: str
) -> list[Write]:
    writes: list[Write] = []
    for r, c, data in cells:
        try:
            sheet.check(r + 1, c + 1)
        except GridError as error:
            raise ApiError.invalid(f"Invalid {at}: {error}", at) from None
        entered = data.get("userEnteredValue")
        if (
            "userEnteredValue" in chosen
            and entered
            and (len(entered) != 1 or "errorValue" in entered)
        ):
            raise ApiError.invalid(
                f"Invalid {at}: userEnteredValue must hold exactly one of "
                "stringValue, numberValue, boolValue, formulaValue.",
                at,
            )
        if not data and sheet.get(r, c) is None:
            continue  # clearing a cell that was never written changes nothing
        writes.append(_writer(sheet, r, c, data, chosen))
    return writes


def _writer(sheet: Sheet, r: int, c: int, data: dict[str, Any], chosen: set[str]) -> Write:
    def write() -> None:
        cell = sheet.cell(r, c)
        if "note" in chosen:
            cell.note = data.get("note") or None
        if "userEnteredValue" in chosen:
            cell.set_entered(data.get("userEnteredValue"))

    return write


def _value_range(ss: Spreadsheet, text: str, query: Query) -> dict[str, Any]:
    sheet, (sr, er, sc, ec) = _resolve(ss, text)
    option = query.get("valueRenderOption", ["FORMATTED_VALUE"])[0]
    values = []
    for r in range(sr, min(er, len(sheet.rows))):
        row = [rendered(sheet.get(r, c), option) for c in range(sc, min(ec, len(sheet.rows[r])))]
        while row and row[-1] == "":
            row.pop()
        values.append(row)
    while values and not values[-1]:
        values.pop()
    major = query.get("majorDimension", ["ROWS"])[0]
    if major == "COLUMNS" and values:
        width = max(len(row) for row in values)
        padded = [row + [""] * (width - len(row)) for row in values]
        values = [list(col) for col in zip(*padded, strict=True)]
        for col in values:
            while col and col[-1] == "":
                col.pop()
    out: dict[str, Any] = {
        "range": format_range(sheet.title, sr, er, sc, ec),
        "majorDimension": "COLUMNS" if major == "COLUMNS" else "ROWS",
    }
    if values:
        out["values"] = values
    return out


def _input_option(option: str | None) -> str:
    if option not in ("RAW", "USER_ENTERED"):
        raise ApiError.invalid(
            "'valueInputOption' is required but not specified", "value_input_option"
        )
    return option


def _plan_values(
    ss: Spreadsheet, text: str, body: dict[str, Any], option: str, spreadsheet_id: str
) -> tuple[Write, dict[str, Any], set[tuple[int, int, int]]]:
    """Check a ValueRange write against its range and the grid; return it and its summary."""
    sheet, (sr, er, sc, ec) = _resolve(ss, text)
    try:
        rng = parse(text, {s.title for s in ss.sheets})
    except A1Error as error:
        raise ApiError.invalid(str(error)) from None
    if (
        rng.end_row is not None
        and rng.end_row - (rng.start_row or 0) == 1
        and rng.end_col is not None
        and rng.end_col - (rng.start_col or 0) == 1
    ):
        er, ec = sheet.row_count, sheet.column_count  # one cell is where writing starts
    values = body.get("values") or []
    if body.get("majorDimension") == "COLUMNS":
        width = max((len(col) for col in values), default=0)
        values = [[col[i] if i < len(col) else None for col in values] for i in range(width)]
    cells = []
    for i, row in enumerate(values):
        for j, value in enumerate(row):
            r, c = sr + i, sc + j
            if r >= er or c >= ec:
                where = f"row [{r + 1}]" if r >= er else f"column [{column_letters(c)}]"
                raise ApiError.invalid(
                    f"Requested writing within range [{text}], but tried writing to {where}"
                )
            if value is None:
                continue
            cells.append(
                (
                    r,
                    c,
                    parse_entered(value)
                    if option == "USER_ENTERED"
                    else (extended_value(value) if value != "" else None),
                )
            )
    try:
        sheet.check(sr + len(values), sc + max((len(row) for row in values), default=0))
    except GridError as error:
        raise ApiError.invalid(str(error)) from None

    def write() -> None:
        for r, c, entered in cells:
            sheet.cell(r, c).set_entered(entered)

    rows = len(values)
    cols = max((len(row) for row in values), default=0)
    out: dict[str, Any] = {
        "spreadsheetId": spreadsheet_id,
        "updatedRange": format_range(sheet.title, sr, sr + max(rows, 1), sc, sc + max(cols, 1)),
    }
    if cells:
        out.update(updatedRows=rows, updatedColumns=cols, updatedCells=len(cells))
    return write, out, {(sheet.sheet_id, r, c) for r, c, _ in cells}


def _truthy(values: list[str] | None) -> bool:
    return bool(values) and values[0].lower() == "true"  # type: ignore[index]
