"""The Sheets API's grid answer read as it streams in, cut anywhere, into the same Grid."""

from __future__ import annotations

import json

import pytest

from service.errors import SheetTooLarge
from service.roster import engine
from service.roster.grid import CellKind
from service.sources import google_sheets, sheets_json
from tests.sheets_emulator import ErrorCell, Formula, Tab

ANSWER = {
    "sheets": [
        {
            "properties": {"sheetId": 12, "title": "Röster", "index": 0},
            "data": [
                {
                    "rowData": [
                        {"values": [{"formattedValue": "email_address"}, {"formattedValue": "n"}]},
                        {},
                        {
                            "values": [
                                {"formattedValue": "ann@example.org", "note": "Roster:\nold"},
                                {
                                    "formattedValue": "12345",
                                    "userEnteredValue": {"formulaValue": "=1"},
                                },
                                {},
                                {"effectiveValue": {"errorValue": {"type": "REF"}}},
                            ]
                        },
                        {"values": [{"formattedValue": 'say "note"'}]},
                    ]
                }
            ],
        }
    ]
}


def chunks(text: str, size: int) -> list[bytes]:
    data = text.encode()
    return [data[i : i + size] for i in range(0, len(data), size)]


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64, 1 << 20])
@pytest.mark.parametrize("indent", [None, 2])
def test_an_answer_cut_anywhere_reads_as_the_same_grid(size, indent):
    [grid] = sheets_json.read_sheets(chunks(json.dumps(ANSWER, indent=indent), size))

    assert (grid.title, grid.sheet_id) == ("Röster", 12)
    assert grid.rows == [
        ["email_address", "n"],
        [],
        ["ann@example.org", "12345", "", ""],
        ['say "note"'],
    ]
    assert grid.kinds == {(2, 1): CellKind.FORMULA, (2, 3): CellKind.ERROR_VALUE}
    assert grid.notes == {(2, 0): "Roster:\nold"}


def test_a_number_cut_at_a_chunk_boundary_is_read_whole():
    answer = {"sheets": [{"properties": {"sheetId": 123456789}, "data": [{"startRow": 98765}]}]}

    for size in range(1, 12):
        [grid] = sheets_json.read_sheets(chunks(json.dumps(answer), size))
        assert grid.sheet_id == 123456789 and len(grid.rows) == 98765


def test_rows_and_columns_start_where_the_answer_says():
    answer = {
        "sheets": [
            {
                "data": [
                    {
                        "rowData": [{"values": [{"formattedValue": "x", "note": "n"}]}],
                        "startRow": 2,
                        "startColumn": 1,
                    }
                ]
            }
        ]
    }

    [grid] = sheets_json.read_sheets(chunks(json.dumps(answer), 5))

    assert grid.sheet_id == 0  # Google leaves out a default value
    assert grid.rows == [[], [], ["", "x"]]
    assert grid.notes == {(2, 1): "n"}


def test_fields_it_does_not_need_are_skipped_whatever_they_hold():
    answer = {
        "spreadsheetId": "x",
        "sheets": [{"merges": [{"a": [1, {"b": "]}"}]}], "data": [{"rowMetadata": [{}]}]}],
        "properties": {"title": "T"},
    }

    [grid] = sheets_json.read_sheets(chunks(json.dumps(answer), 3))

    assert grid.rows == []


def test_repeated_values_of_a_column_share_one_string():
    rows = [{"values": [{"formattedValue": "fe" + "male"}]} for _ in range(3)]
    answer = json.dumps({"sheets": [{"data": [{"rowData": rows}]}]})

    [grid] = sheets_json.read_sheets(chunks(answer, 4))

    assert grid.rows[0][0] is grid.rows[1][0] is grid.rows[2][0]


@pytest.mark.parametrize("text", ['{"sheets": [', '{"sheets": [{"data": [}]}', "[]", "{} x"])
def test_an_answer_that_is_not_json_of_sheets_is_a_value_error(text):
    with pytest.raises(ValueError):
        sheets_json.read_sheets(chunks(text, 2))


def test_the_read_asks_google_for_compact_json(emulator, sheets):
    sid = emulator.create_spreadsheet(Tab("Roster", [["email_address"], ["a@b.org"]], gid=4))

    sheets.read(sid, "Roster")
    sheets.read(sid, 4)

    assert [r.query.get("prettyPrint") for r in emulator.requests] == [["false"], ["false"]]


def test_a_sheet_past_the_row_limit_is_refused_as_it_streams_in(emulator, sheets, monkeypatch):
    monkeypatch.setattr(engine, "MAX_ROWS", 5)
    monkeypatch.setattr(google_sheets, "MAX_ROWS", 5)
    rows = [["email_address"]] + [[f"c{n}@example.org"] for n in range(8)]
    sid = emulator.create_spreadsheet(Tab("Roster", rows))
    seen: list[int] = []
    read = sheets_json.read_sheets
    monkeypatch.setattr(
        sheets_json, "read_sheets", lambda c, on_row: read(c, lambda n: (seen.append(n), on_row(n)))
    )

    with pytest.raises(SheetTooLarge, match="6 client rows"):
        sheets.read(sid, "Roster")
    assert seen[-1] == 7  # the header and the sixth client: nothing after it was read


def test_formulas_errors_and_notes_arrive_through_the_emulator(emulator, sheets):
    sid = emulator.create_spreadsheet(
        Tab(
            "Roster",
            [["email_address", "n"], ["a@b.org", Formula("=1+1", "2")], [ErrorCell("#REF!")]],
            notes={"A2": "Roster:\nx"},
        )
    )

    grid = sheets.read(sid, "Roster")

    assert grid.kinds == {(1, 1): CellKind.FORMULA, (2, 0): CellKind.ERROR_VALUE}
    assert grid.notes == {(1, 0): "Roster:\nx"}
