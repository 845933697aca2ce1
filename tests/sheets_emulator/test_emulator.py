"""The emulator answers like Google: shapes from gspread's recorded cassettes, errors, faults."""

from __future__ import annotations

import json

import pytest
import requests

from tests.sheets_emulator import Formula, SheetsEmulator, Tab
from tests.sheets_emulator.clients import gspread_client


@pytest.fixture
def emu():
    with SheetsEmulator() as emulator:
        yield emulator


def call(emu: SheetsEmulator, method: str, path: str, **kwargs) -> requests.Response:
    return requests.request(method, f"{emu.url}/v4/spreadsheets/{path}", timeout=10, **kwargs)


def test_notes_read_through_a_fields_mask_have_googles_shape(emu):
    # As recorded in gspread's WorksheetTest.test_get_notes cassette.
    sid = emu.create_spreadsheet()
    mask = {"fields": "sheets.data.rowData.values.note"}

    assert call(emu, "GET", sid, params=mask).json() == {"sheets": [{"data": [{}]}]}
    reply = call(
        emu,
        "POST",
        f"{sid}:batchUpdate",
        json={
            "requests": [
                {
                    "updateCells": {
                        "range": {
                            "startRowIndex": 0,
                            "endRowIndex": 1,
                            "startColumnIndex": 0,
                            "endColumnIndex": 1,
                            "sheetId": 0,
                        },
                        "fields": "note",
                        "rows": [{"values": [{"note": "read my note"}]}],
                    }
                },
                {
                    "updateCells": {
                        "range": {
                            "startRowIndex": 1,
                            "endRowIndex": 2,
                            "startColumnIndex": 1,
                            "endColumnIndex": 2,
                            "sheetId": 0,
                        },
                        "fields": "note",
                        "rows": [{"values": [{"note": "Or don't"}]}],
                    }
                },
            ]
        },
    )

    assert reply.json() == {"spreadsheetId": sid, "replies": [{}, {}]}
    assert call(emu, "GET", sid, params=mask).json() == {
        "sheets": [
            {
                "data": [
                    {
                        "rowData": [
                            {"values": [{"note": "read my note"}]},
                            {"values": [{}, {"note": "Or don't"}]},
                        ]
                    }
                ]
            }
        ]
    }


def test_value_writes_and_reads_have_googles_shape(emu):
    # As recorded in gspread's WorksheetTest.test_batch_update cassette.
    sid = emu.create_spreadsheet()

    reply = call(
        emu,
        "POST",
        f"{sid}/values:batchUpdate",
        json={
            "valueInputOption": "RAW",
            "data": [
                {"range": "'Sheet1'!A1:D1", "values": [["A1", "B1", "", "D1"]]},
                {"range": "'Sheet1'!A4:D4", "values": [["A4", "B4", "", "D4"]]},
            ],
        },
    )

    assert reply.json() == {
        "spreadsheetId": sid,
        "totalUpdatedRows": 2,
        "totalUpdatedColumns": 4,
        "totalUpdatedCells": 8,
        "totalUpdatedSheets": 1,
        "responses": [
            {
                "spreadsheetId": sid,
                "updatedRange": "Sheet1!A1:D1",
                "updatedRows": 1,
                "updatedColumns": 4,
                "updatedCells": 4,
            },
            {
                "spreadsheetId": sid,
                "updatedRange": "Sheet1!A4:D4",
                "updatedRows": 1,
                "updatedColumns": 4,
                "updatedCells": 4,
            },
        ],
    }
    assert call(emu, "GET", f"{sid}/values/'Sheet1'!A1:D4").json() == {
        "range": "Sheet1!A1:D4",
        "majorDimension": "ROWS",
        "values": [["A1", "B1", "", "D1"], [], [], ["A4", "B4", "", "D4"]],
    }


def test_metadata_lists_every_worksheet_with_its_grid(emu):
    sid = emu.create_spreadsheet(
        Tab("Roster"), Tab("Archive", gid=7, row_count=10, column_count=3), title="Clients"
    )

    body = call(emu, "GET", sid, params={"includeGridData": "false"}).json()

    assert body["properties"]["title"] == "Clients"
    assert [s["properties"] for s in body["sheets"]] == [
        {
            "sheetId": 0,
            "title": "Roster",
            "index": 0,
            "sheetType": "GRID",
            "gridProperties": {"rowCount": 1000, "columnCount": 26},
        },
        {
            "sheetId": 7,
            "title": "Archive",
            "index": 1,
            "sheetType": "GRID",
            "gridProperties": {"rowCount": 10, "columnCount": 3},
        },
    ]


def test_a_ranged_read_returns_only_the_sheet_it_touches(emu):
    sid = emu.create_spreadsheet(Tab("Roster", [["a"]]), Tab("Other", [["b", Formula("=1", "1")]]))

    body = call(
        emu,
        "GET",
        sid,
        params={"ranges": "Other!A1:B1", "fields": "sheets(properties.title,data.rowData.values)"},
    ).json()

    assert body == {
        "sheets": [
            {
                "properties": {"title": "Other"},
                "data": [
                    {
                        "rowData": [
                            {
                                "values": [
                                    {
                                        "userEnteredValue": {"stringValue": "b"},
                                        "effectiveValue": {"stringValue": "b"},
                                        "formattedValue": "b",
                                    },
                                    {
                                        "userEnteredValue": {"formulaValue": "=1"},
                                        "effectiveValue": {"stringValue": "1"},
                                        "formattedValue": "1",
                                    },
                                ]
                            }
                        ]
                    }
                ],
            }
        ]
    }


def test_a_body_with_an_unknown_field_is_rejected_and_nothing_changes(emu):
    sid = emu.create_spreadsheet(Tab("Sheet1", notes={"A1": "keep"}))

    reply = call(
        emu,
        "POST",
        f"{sid}:batchUpdate",
        json={
            "requests": [
                {
                    "updateCells": {
                        "range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1},
                        "rows": [{"values": [{"notes": "typo"}]}],
                        "fields": "note",
                    }
                }
            ]
        },
    )

    assert reply.status_code == 400
    error = reply.json()["error"]
    assert (error["code"], error["status"]) == (400, "INVALID_ARGUMENT")
    assert error["message"] == (
        'Invalid JSON payload received. Unknown name "notes" at '
        "'requests[0].update_cells.rows[0].values[0]': Cannot find field."
    )
    assert emu.notes(sid) == {"A1": "keep"}


@pytest.mark.parametrize("query", [{"ranges": "A1", "colour": "red"}, {"includeGridData": "yes"}])
def test_a_query_that_does_not_fit_the_method_is_rejected(emu, query):
    sid = emu.create_spreadsheet()

    assert call(emu, "GET", sid, params=query).status_code == 400


def test_a_field_mask_naming_no_field_is_rejected(emu):
    sid = emu.create_spreadsheet()

    reply = call(emu, "GET", sid, params={"fields": "sheets.data.rowData.values.notes"})

    assert reply.status_code == 400


def test_a_batch_with_one_bad_request_changes_nothing(emu):
    sid = emu.create_spreadsheet()
    good = {
        "updateCells": {
            "start": {"sheetId": 0},
            "rows": [{"values": [{"note": "x"}]}],
            "fields": "note",
        }
    }
    bad = {
        "updateCells": {
            "start": {"sheetId": 99},
            "rows": [{"values": [{"note": "y"}]}],
            "fields": "note",
        }
    }

    reply = call(emu, "POST", f"{sid}:batchUpdate", json={"requests": [good, bad]})

    assert reply.status_code == 400
    assert "No grid with id: 99" in reply.json()["error"]["message"]
    assert emu.notes(sid) == {}


def test_request_kinds_the_emulator_does_not_keep_are_refused(emu):
    sid = emu.create_spreadsheet()

    reply = call(
        emu,
        "POST",
        f"{sid}:batchUpdate",
        json={"requests": [{"addSheet": {"properties": {"title": "New"}}}]},
    )

    assert reply.status_code == 400
    assert "implements only updateCells and repeatCell" in reply.json()["error"]["message"]


def test_repeat_cell_clears_notes_over_a_range(emu):
    sid = emu.create_spreadsheet(
        Tab("Sheet1", [["a", "b"]], notes={"A1": "1", "B1": "2", "C5": "3"})
    )

    call(
        emu,
        "POST",
        f"{sid}:batchUpdate",
        json={
            "requests": [
                {
                    "repeatCell": {
                        "range": {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 2},
                        "cell": {},
                        "fields": "note",
                    }
                }
            ]
        },
    )

    assert emu.notes(sid) == {"C5": "3"}
    assert emu.values(sid) == [["a", "b"]]


def test_a_range_beyond_the_grid_is_refused_like_google(emu):
    sid = emu.create_spreadsheet(Tab("Sheet1", row_count=10, column_count=12))

    reply = call(emu, "GET", f"{sid}/values/DF1")

    assert reply.json()["error"]["message"] == (
        "Range (Sheet1!DF1) exceeds grid limits. Max rows: 10, max columns: 12"
    )


def test_errors_have_googles_shape(emu):
    sid = emu.create_spreadsheet()
    emu.unshare(sid)

    assert call(emu, "GET", "nope").json() == {
        "error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND"}
    }
    assert call(emu, "GET", sid).json() == {
        "error": {
            "code": 403,
            "message": "The caller does not have permission",
            "status": "PERMISSION_DENIED",
        }
    }
    emu.share(sid)
    assert call(emu, "GET", sid).status_code == 200


def test_injected_faults_answer_the_next_requests_then_stop(emu):
    sid = emu.create_spreadsheet()
    emu.fail_next(2, status=429)
    emu.fail_next(1, status=500)

    replies = [call(emu, "GET", sid) for _ in range(4)]

    assert [r.status_code for r in replies] == [429, 429, 500, 200]
    assert replies[0].json()["error"]["status"] == "RESOURCE_EXHAUSTED"
    assert replies[2].json()["error"]["status"] == "INTERNAL"


def test_the_per_minute_quota_answers_429_until_the_minute_is_over(emu):
    sid = emu.create_spreadsheet()
    now = [0.0]
    emu.limit_per_minute(reads=3, writes=1, clock=lambda: now[0])

    reads = [call(emu, "GET", sid).status_code for _ in range(4)]
    refused = call(emu, "GET", sid).json()["error"]
    now[0] = 61.0
    later = call(emu, "GET", sid).status_code

    assert reads == [200, 200, 200, 429]
    assert refused["status"] == "RESOURCE_EXHAUSTED"
    assert refused["message"].startswith(
        "Quota exceeded for quota metric 'Read requests' and "
        "limit 'Read requests per minute per user'"
    )
    assert later == 200


def test_every_request_is_logged_with_method_path_query_and_body(emu):
    sid = emu.create_spreadsheet()
    call(
        emu,
        "PUT",
        f"{sid}/values/Sheet1!A1",
        params={"valueInputOption": "RAW"},
        json={"values": [["x"]]},
    )

    [logged] = emu.requests

    assert (logged.method, logged.path, logged.query, logged.body, logged.status, logged.kind) == (
        "PUT",
        f"/v4/spreadsheets/{sid}/values/Sheet1!A1",
        {"valueInputOption": ["RAW"]},
        {"values": [["x"]]},
        200,
        "write",
    )


def test_gspreads_ordinary_calls_work(emu):
    sid = emu.create_spreadsheet(
        Tab("Roster", [["email_address", "first_name"], ["ann@example.org", "Ann"]])
    )
    worksheet = gspread_client(emu.host).open_by_key(sid).worksheet("Roster")

    worksheet.update([["bob@example.org", "Bob"]], "A3")
    worksheet.update_note("A2", "checked")
    worksheet.update_notes({"B2": "n1", "B3": "n2"})
    worksheet.clear_note("B3")

    assert worksheet.get_all_values() == [
        ["email_address", "first_name"],
        ["ann@example.org", "Ann"],
        ["bob@example.org", "Bob"],
    ]
    assert worksheet.get_notes() == [[], ["checked", "n1"]]
    assert worksheet.get_note("A2") == "checked"
    assert emu.notes(sid, "Roster") == {"A2": "checked", "B2": "n1"}


def test_user_entered_values_are_typed_as_sheets_types_them(emu):
    sid = emu.create_spreadsheet()
    worksheet = gspread_client(emu.host).open_by_key(sid).sheet1

    worksheet.update([["007", "TRUE", "'007", "=A1", "1.50"]], "A1", raw=False)

    assert worksheet.get("A1:E1", value_render_option="UNFORMATTED_VALUE") == [
        [7, True, "007", "", 1.5]
    ]
    assert worksheet.get("A1:E1", value_render_option="FORMULA") == [[7, True, "007", "=A1", 1.5]]


def test_answers_are_indented_unless_pretty_print_is_false(emu):
    sid = emu.create_spreadsheet(Tab("Roster", [["email_address"], ["ann@example.org"]]))

    pretty = call(emu, "GET", f"{sid}/values/Roster!A1:A2").text
    compact = call(emu, "GET", f"{sid}/values/Roster!A1:A2", params={"prettyPrint": "false"}).text

    assert pretty.startswith('{\n  "range": ')
    assert compact.startswith('{"range":')
    assert json.loads(pretty) == json.loads(compact)


def test_each_logged_request_says_how_long_its_answer_took(emu):
    sid = emu.create_spreadsheet()
    emu.latency = 0.05

    call(emu, "GET", sid)

    [logged] = emu.requests
    assert logged.seconds >= 0.05
