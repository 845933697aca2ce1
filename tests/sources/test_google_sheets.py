"""The Google Sheets adapter, driving the real gspread client over HTTP against the emulator."""

from __future__ import annotations

import json

import pytest

from service.errors import Forbidden, NotFound, SheetsUnavailable, SourceError, WriteIncomplete
from service.roster.grid import CellKind
from service.sources import google_sheets, links
from service.sources.google_sheets import (
    GoogleSheets,
)
from tests.sheets_emulator import DISCONNECT, ErrorCell, Formatted, Formula, Tab
from tests.sheets_emulator.discovery import Discovery

from .conftest import SERVICE_ACCOUNT

HEADER = ["email_address", "first_name", "last_name", "birthdate"]
ROWS = [
    HEADER,
    ["ann@example.org", "Ann", "Lee", "19900105"],
    ["BOB@example.org", "Bob", "", Formatted(32878, "1/5/1990")],
]


def roster(emulator, *tabs: Tab) -> str:
    return emulator.create_spreadsheet(*(tabs or (Tab("Roster", ROWS),)))


def test_read_returns_the_values_as_a_person_sees_them(emulator, sheets):
    sid = roster(emulator)

    grid = sheets.read(sid, "Roster")

    assert grid.rows == [
        HEADER,
        ["ann@example.org", "Ann", "Lee", "19900105"],
        ["BOB@example.org", "Bob", "", "1/5/1990"],
    ]
    assert grid.kinds == {} and grid.notes == {}
    assert (grid.title, grid.sheet_id) == ("Roster", 0)


def test_formulas_and_error_values_are_flagged(emulator, sheets):
    sid = roster(
        emulator,
        Tab(
            "Roster",
            [
                HEADER,
                [
                    Formula('=LOWER("A@B.ORG")', "a@b.org"),
                    "Ann",
                    ErrorCell("#N/A"),
                    Formula("=1/0", "#DIV/0!"),
                ],
            ],
        ),
    )

    grid = sheets.read(sid, "Roster")

    assert grid.rows[1] == ["a@b.org", "Ann", "#N/A", "#DIV/0!"]
    assert grid.kinds == {
        (1, 0): CellKind.FORMULA,
        (1, 2): CellKind.ERROR_VALUE,
        (1, 3): CellKind.ERROR_VALUE,
    }


def test_a_formula_that_shows_nothing_is_still_flagged(emulator, sheets):
    sid = roster(emulator, Tab("Roster", [HEADER, ["a@b.org", Formula('=IF(TRUE,"",1)', "")]]))

    grid = sheets.read(sid, "Roster")

    assert grid.rows[1] == ["a@b.org", ""]
    assert grid.kinds == {(1, 1): CellKind.FORMULA}


def test_read_returns_the_notes_in_the_sheet(emulator, sheets):
    sid = roster(emulator, Tab("Roster", ROWS, notes={"A1": "header note", "D3": "Roster:\nold"}))

    grid = sheets.read(sid, "Roster")

    assert grid.notes == {(0, 0): "header note", (2, 3): "Roster:\nold"}


def test_a_note_on_an_empty_cell_is_read_too(emulator, sheets):
    sid = roster(emulator, Tab("Roster", ROWS, notes={"F9": "far away"}))

    grid = sheets.read(sid, "Roster")

    assert grid.notes == {(8, 5): "far away"}
    assert grid.value(8, 5) == ""


@pytest.mark.parametrize(("worksheet", "requests_sent"), [("Clients", 1), (4242, 1), (None, 2)])
def test_read_picks_the_worksheet_by_title_by_gid_or_the_first_tab(
    emulator, sheets, worksheet, requests_sent
):
    sid = emulator.create_spreadsheet(
        Tab("Clients", [["email_address"], ["first@example.org"]], gid=4242),
        Tab("Archive", [["email_address"], ["second@example.org"]], gid=7),
    )

    grid = sheets.read(sid, worksheet)

    assert (grid.title, grid.sheet_id, grid.rows[1]) == ("Clients", 4242, ["first@example.org"])
    assert [r.kind for r in emulator.requests] == ["read"] * requests_sent


def test_read_by_gid_finds_a_tab_that_is_not_the_first(emulator, sheets):
    sid = emulator.create_spreadsheet(Tab("Clients", [["a"]]), Tab("Other tab's", [["b"]], gid=7))

    assert sheets.read(sid, 7).rows == [["b"]]
    assert sheets.read(sid, "Other tab's").rows == [["b"]]


@pytest.mark.parametrize(("worksheet", "named"), [("Nope", '"Nope"'), (99, "99")])
def test_a_missing_worksheet_is_not_found_and_named(emulator, sheets, worksheet, named):
    sid = roster(emulator)

    with pytest.raises(NotFound, match=named):
        sheets.read(sid, worksheet)


def test_a_missing_spreadsheet_is_not_found_with_a_plain_message(emulator, sheets):
    with pytest.raises(NotFound) as error:
        sheets.read("1NoSuchSpreadsheet00000000000000", "Roster")

    assert str(error.value) == (
        "No spreadsheet with id 1NoSuchSpreadsheet00000000000000: check the link."
    )


def test_an_unshared_sheet_is_forbidden_and_names_the_service_account(emulator, sheets):
    sid = roster(emulator)
    emulator.unshare(sid)

    with pytest.raises(Forbidden) as error:
        sheets.read(sid, "Roster")

    assert str(error.value) == (
        f"Roster cannot open this sheet: share it with {SERVICE_ACCOUNT} as an editor."
    )
    assert sheets.service_account_email == SERVICE_ACCOUNT


def test_write_notes_lands_notes_on_exactly_the_given_cells(emulator, sheets):
    sid = roster(emulator)

    sent = sheets.write_notes(sid, 0, {(1, 0): "Roster:\n• bad email", (2, 3): "Roster:\n• date"})

    assert sent == 1
    assert emulator.notes(sid) == {"A2": "Roster:\n• bad email", "D3": "Roster:\n• date"}
    assert emulator.values(sid)[2][3] == "1/5/1990"  # the value under a note is untouched


def test_an_empty_note_clears_the_cell_and_other_notes_stay(emulator, sheets):
    sid = roster(
        emulator,
        Tab(
            "Roster",
            ROWS,
            notes={"A2": "Roster:\nstale", "B2": "a person's", "C3": "Roster:\nstill true"},
        ),
    )

    sheets.write_notes(sid, 0, {(1, 0): "", (2, 0): "Roster:\nnew"})

    assert emulator.notes(sid) == {
        "A3": "Roster:\nnew",
        "B2": "a person's",
        "C3": "Roster:\nstill true",
    }


def test_a_note_a_person_writes_between_read_and_write_is_kept(emulator, sheets):
    sid = roster(emulator)
    grid = sheets.read(sid, "Roster")
    emulator.set_note(sid, "B2", "call her first")

    sheets.write_notes(sid, grid.sheet_id, {(1, 0): "Roster:\nbad"})

    assert emulator.notes(sid) == {"A2": "Roster:\nbad", "B2": "call her first"}


def test_nothing_to_write_sends_nothing(emulator, sheets):
    sid = roster(emulator)

    assert sheets.write_notes(sid, 0, {}) == 0
    assert sheets.write_values(sid, 0, {}) == 0
    assert emulator.requests == []


def test_write_values_puts_plain_text_in_the_cells(emulator, sheets):
    sid = roster(emulator)

    sent = sheets.write_values(
        sid, 0, {(1, 3): "19900105", (2, 0): "bob@example.org", (2, 4): "TRUE", (1, 2): ""}
    )

    assert sent == 1
    assert emulator.values(sid)[1:] == [
        ["ann@example.org", "Ann", "", "19900105"],
        ["bob@example.org", "Bob", "", "1/5/1990", "TRUE"],
    ]
    assert emulator.cell(sid, "E3")["userEnteredValue"] == {"stringValue": "TRUE"}


def test_a_ten_thousand_row_sheet_is_read_in_one_request_and_annotated_in_one(emulator, sheets):
    rows = [HEADER] + [[f"client{i}@example.org", "Ann", "Lee", "19900105"] for i in range(10_000)]
    sid = roster(emulator, Tab("Roster", rows))
    notes = {(r, 0): f"Roster:\n• row {r + 1}" for r in range(1, 10_001, 33)}

    grid = sheets.read(sid, "Roster")
    sent = sheets.write_notes(sid, grid.sheet_id, notes)

    assert len(grid.rows) == 10_001
    assert sent == 1
    assert [(r.method, r.kind, r.status) for r in emulator.requests] == [
        ("GET", "read", 200),
        ("POST", "write", 200),
    ]
    assert len(emulator.notes(sid)) == len(notes) == 304


def test_injected_429s_are_retried_then_succeed(emulator, sheets, sleeps):
    sid = roster(emulator)
    emulator.fail_next(3, status=429)

    grid = sheets.read(sid, "Roster")

    assert grid.rows[1][0] == "ann@example.org"
    assert [r.status for r in emulator.requests] == [429, 429, 429, 200]
    assert len(sleeps) == 3


def test_backoff_waits_are_bounded_exponential_with_jitter(emulator, sleeps):
    sheets = GoogleSheets(emulator_host=emulator.host, max_attempts=8, sleep=sleeps.append)
    sid = roster(emulator)
    emulator.fail_next(7, status=503)

    sheets.read(sid, "Roster")

    assert len(sleeps) == 7
    assert all(0 <= wait <= min(16, 2**i) for i, wait in enumerate(sleeps))
    assert sum(sleeps) <= 45


def test_a_dropped_connection_is_retried(emulator, sheets, sleeps):
    sid = roster(emulator)
    emulator.fail_next(1, status=DISCONNECT)

    sheets.write_notes(sid, 0, {(1, 0): "Roster:\nbad"})

    assert emulator.notes(sid) == {"A2": "Roster:\nbad"}
    assert len(sleeps) == 1


def test_a_persistent_503_is_sheets_unavailable_and_nothing_is_written(emulator, sheets, sleeps):
    sid = roster(emulator, Tab("Roster", ROWS, notes={"A2": "Roster:\nold"}))
    emulator.fail_next(50, status=503)

    with pytest.raises(SheetsUnavailable) as error:
        sheets.write_notes(sid, 0, {(1, 0): "", (2, 0): "Roster:\nnew"})

    assert str(error.value) == (
        "Google Sheets did not answer after 5 tries: try again in a minute."
    )
    assert len(emulator.requests) == 5 and len(sleeps) == 4
    assert emulator.notes(sid) == {"A2": "Roster:\nold"}


def test_a_sheet_slower_than_the_timeout_is_given_up(emulator, sleeps):
    sheets = GoogleSheets(
        emulator_host=emulator.host, timeout=0.2, max_attempts=2, sleep=sleeps.append
    )
    sid = roster(emulator)
    emulator.latency = 1.0

    with pytest.raises(SheetsUnavailable, match="after 2 tries"):
        sheets.read(sid, "Roster")


def test_notes_beyond_two_megabytes_are_split_over_few_requests(emulator, sheets):
    sid = roster(emulator)
    notes = {(r, 1): "Roster:\n" + "x" * 100_000 for r in range(30)}

    sent = sheets.write_notes(sid, 0, notes)

    assert sent == 2
    assert all(r.json_size < 2_000_000 for r in emulator.requests)
    assert len(emulator.notes(sid)) == 30


def test_the_adapters_request_bodies_fit_the_discovery_document(emulator, sheets):
    sid = roster(emulator, Tab("Roster", ROWS, gid=12))
    sheets.read(sid)
    sheets.read(sid, 12)
    sheets.read(sid, "Roster")
    sheets.write_notes(sid, 12, {(1, 0): "Roster:\nbad", (2, 0): ""})
    sheets.write_values(sid, 12, {(1, 0): "ann@example.org"})
    discovery = Discovery()

    for request in emulator.requests:
        method, _ = discovery.route(request.method, request.path)
        discovery.check_query(method, request.query)
        discovery.check_body(method, request.body or {})
        assert request.status == 200


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "https://docs.google.com/spreadsheets/d/1AbC-dEf_123456789012345/edit#gid=0",
            "1AbC-dEf_123456789012345",
        ),
        ("docs.google.com/spreadsheets/d/1AbC-dEf_123456789012345", "1AbC-dEf_123456789012345"),
        ("  1AbC-dEf_123456789012345 ", "1AbC-dEf_123456789012345"),
    ],
)
def test_a_spreadsheet_id_is_found_in_a_link_or_given_bare(text, expected):
    assert links.spreadsheet_id(text) == expected


def test_text_that_is_no_link_or_id_is_not_a_spreadsheet():
    assert links.spreadsheet_id("roster.csv") is None


def test_a_link_to_a_tab_gives_its_gid():
    assert links.worksheet_id("https://docs.google.com/spreadsheets/d/abc/edit#gid=4242") == 4242
    assert links.worksheet_id("https://docs.google.com/spreadsheets/d/abc/edit") is None


def test_a_service_account_key_file_gives_the_email_to_share_with(tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    path = tmp_path / "key.json"
    path.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "roster",
                "private_key_id": "1",
                "private_key": key,
                "client_email": "roster@roster.iam.gserviceaccount.com",
                "client_id": "1",
                "token_uri": "https://oauth2.googleapis.com/token",
            }
        )
    )

    sheets = GoogleSheets(credentials_file=str(path))

    assert sheets.service_account_email == "roster@roster.iam.gserviceaccount.com"


def test_an_unreadable_key_file_is_a_plain_error(tmp_path):
    path = tmp_path / "key.json"
    path.write_text("{not json")

    with pytest.raises(SourceError, match="GOOGLE_APPLICATION_CREDENTIALS"):
        GoogleSheets(credentials_file=str(path)).read("1AbC-dEf_123456789012345", "Roster")


def three_batches_of_notes() -> dict[tuple[int, int], str]:
    """30 notes of 100 kB: 19 fit in a 2 MB request, so they take two; 50 take three."""
    return {(r, 1): f"Roster:\n{r}" + "x" * 100_000 for r in range(1, 51)}


def test_a_batch_that_fails_part_way_is_retried_alone_and_the_notes_complete(
    emulator, sheets, sleeps
):
    sid = roster(emulator)
    emulator.fail_next(3, status=503, after=1)  # the second batch fails three times

    sent = sheets.write_notes(sid, 0, three_batches_of_notes())

    assert sent == 3
    assert len(emulator.notes(sid)) == 50
    assert [r.status for r in emulator.requests] == [200, 503, 503, 503, 200, 200]


def test_the_batches_of_one_write_share_one_retry_budget(emulator, sleeps, monkeypatch):
    monkeypatch.setattr(google_sheets.random, "uniform", lambda low, high: high)  # longest waits
    sheets = GoogleSheets(emulator_host=emulator.host, max_attempts=10, sleep=sleeps.append)
    sid = roster(emulator)
    for after in (0, 1, 1):  # each batch fails five times (1 + 2 + 4 + 8 + 16 s of waits)
        emulator.fail_next(5, status=503, after=after)

    with pytest.raises(WriteIncomplete) as error:
        sheets.write_notes(sid, 0, three_batches_of_notes())

    assert sum(sleeps) == 45  # what one request may wait, not 45 s for each batch
    assert error.value.written == 19  # the first batch; the second ran out of budget


def test_a_failure_that_remains_says_how_many_notes_were_written_and_what_completes_them(
    emulator, sheets, sleeps
):
    sid = roster(emulator)
    emulator.fail_next(50, status=503, after=1)

    with pytest.raises(SheetsUnavailable) as error:
        sheets.write_notes(sid, 0, three_batches_of_notes())

    written = len(emulator.notes(sid))
    assert written == 19
    assert str(error.value) == (
        "Google Sheets stopped answering after Roster wrote 19 of 50 notes: "
        "validate again in a minute to write the rest."
    )
    assert error.value.problem_fields() == {"notes": {"written": 19, "total": 50}}


def test_new_notes_are_written_before_stale_ones_are_cleared(emulator, sheets):
    sid = roster(emulator, Tab("Roster", ROWS, notes={"A2": "Roster:\nold"}))

    sheets.write_notes(sid, 0, {(1, 0): "", (2, 0): "Roster:\nnew", (1, 1): "Roster:\nalso"})

    [write] = [r for r in emulator.requests if r.kind == "write"]
    cells = [
        (u["updateCells"]["range"]["startRowIndex"], u["updateCells"]["range"]["startColumnIndex"])
        for u in write.body["requests"]
    ]
    assert cells == [(1, 1), (2, 0), (1, 0)]
