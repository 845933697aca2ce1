"""Rules of the sheet as a whole (SPEC §2, §3, §9): extra cells, empty rows, formulas, existing
clients, size limits, and the shape and order of issues."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

import pytest

from service.api.schemas import IssueSchema, ValidationResult
from service.errors import SheetTooLarge
from service.roster.columns import REQUIRED
from service.roster.engine import MAX_COLUMNS, MAX_ROWS, ClientRow, check_size, validate_grid
from service.roster.grid import CellKind, Grid
from service.roster.issues import a1, column_letter

from .builders import HEADER, ORG, client, codes_at, issues_at, validate

REQUIRED_HEADER = list(REQUIRED)


# --- extra cells ----------------------------------------------------------------------------


def test_a_value_in_a_column_with_no_header_is_an_extra_cell_error():
    validation = validate([*client(), "stray", "", " ", "\u200b", "x"])
    assert [(i.cell, i.code, i.severity, i.fix, i.field) for i in validation.issues] == [
        ("O2", "cell.extra", "error", None, None),
        ("S2", "cell.extra", "error", None, None),
    ]
    assert validation.clients == []


def test_a_value_under_an_empty_header_between_columns_is_an_extra_cell():
    header = [*REQUIRED_HEADER[:3], "", *REQUIRED_HEADER[3:]]
    row = client(header)
    row[3] = "Marie"
    [issue] = validate(row, header=header).issues
    assert (issue.cell, issue.code) == ("D2", "cell.extra")
    assert "D1" in issue.message


# --- empty rows and columns ----------------------------------------------------------------


def test_entirely_empty_rows_are_skipped_wherever_they_are():
    validation = validate(
        [],
        client(),
        [""] * len(HEADER),
        [" ", "\u00a0", "\u200b", "\t"],
        client(email_address="bob@example.com", gender="Male"),
        [],
    )
    assert [(i.cell, i.code) for i in validation.issues] == [("F6", "gender.invalid")]
    assert [c.row for c in validation.clients] == [3]
    assert validation.summary == {"rows": 2, "errors": 1, "warnings": 0}


def test_trailing_empty_rows_and_columns_are_ignored_even_beyond_the_size_limits():
    width = MAX_COLUMNS + 40
    padded = [cells + [""] * (width - len(cells)) for cells in ([*HEADER], client())]
    rows = [*padded, *([[""] * width] * (MAX_ROWS + 10))]
    validation = validate_grid(Grid(rows), ORG)
    assert validation.issues == []
    assert validation.summary["rows"] == 1


# --- formulas and error values ------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "code"),
    [
        (CellKind.FORMULA, "ann@example.com", "cell.formula"),
        (CellKind.FORMULA, "", "cell.formula"),
        (CellKind.ERROR_VALUE, "#REF!", "cell.error_value"),
        (CellKind.ERROR_VALUE, "#N/A", "cell.error_value"),
    ],
)
def test_a_formula_or_an_error_value_in_a_data_cell_is_an_error(kind, value, code):
    validation = validate(client(email_address=value), kinds={(1, 0): kind})
    [issue] = validation.issues
    assert (issue.cell, issue.code, issue.severity, issue.fix) == ("A2", code, "error", None)
    assert validation.clients == []
    if kind is CellKind.ERROR_VALUE:
        assert value in issue.message


def test_a_formula_in_an_optional_column_is_an_error_even_when_it_shows_nothing():
    validation = validate(client(), kinds={(1, HEADER.index("tag")): CellKind.FORMULA})
    assert [(i.cell, i.code) for i in validation.issues] == [("G2", "cell.formula")]


def test_a_row_holding_only_a_formula_that_shows_nothing_is_not_skipped():
    validation = validate([""] * len(HEADER), kinds={(1, 2): CellKind.FORMULA})
    assert codes_at(validation, "C2") == {"cell.formula"}
    assert codes_at(validation, "A2") == {"email.required"}


def test_a_formula_in_the_header_row_is_not_a_data_cell():
    validation = validate(client(), kinds={(0, 0): CellKind.FORMULA})
    assert validation.issues == []


def test_text_that_looks_like_a_formula_but_is_a_plain_value_is_checked_as_text():
    validation = validate(client(first_name="=Ann", **{"attribute:Notes": "=1+1"}))
    assert validation.issues == []


# --- existing clients ----------------------------------------------------------------------


def test_an_email_that_is_already_a_client_is_a_warning_and_the_row_is_marked_existing():
    validation = validate(
        client(email_address="old@example.com"), client(email_address="new@example.com")
    )
    [issue] = validation.issues
    assert (issue.cell, issue.code, issue.severity, issue.fix) == (
        "A2",
        "email.already_client",
        "warning",
        None,
    )
    assert validation.summary == {"rows": 2, "errors": 0, "warnings": 1}
    assert {c.row: c.existing for c in validation.clients} == {2: True, 3: False}
    assert validation.blocked_rows == set()


def test_an_existing_client_written_in_capitals_gets_both_the_error_and_the_warning():
    validation = validate(client(email_address="OLD@example.com"))
    assert [(i.code, i.severity) for i in issues_at(validation, "A2")] == [
        ("email.already_client", "warning"),
        ("email.not_lowercase", "error"),
    ]
    assert validation.clients == []


# --- size limits ----------------------------------------------------------------------------


class Untouchable:
    """An organisation that fails if anyone looks at it: proof that no work was done."""

    def __getattr__(self, name):
        raise AssertionError(f"the engine read org.{name} before refusing the sheet")


def test_more_than_100000_client_rows_is_refused_before_any_work():
    rows = [HEADER, *([client()] * (MAX_ROWS + 1))]
    started = time.perf_counter()
    with pytest.raises(SheetTooLarge, match="100,001 client rows"):
        validate_grid(Grid(rows), Untouchable())
    assert time.perf_counter() - started < 1


def test_more_than_60_columns_is_refused_before_any_work():
    header = [*HEADER, *(f"attribute:A{n}" for n in range(MAX_COLUMNS + 1 - len(HEADER)))]
    assert len(header) == MAX_COLUMNS + 1
    with pytest.raises(SheetTooLarge, match="61 columns"):
        validate_grid(Grid([header]), Untouchable())
    with pytest.raises(SheetTooLarge, match="61 columns"):
        validate_grid(Grid([HEADER, [""] * MAX_COLUMNS + ["late value"]]), Untouchable())


def test_exactly_60_columns_are_accepted():
    header = [*HEADER, *[""] * (MAX_COLUMNS - len(HEADER) - 1), "attribute:Notes"]
    validation = validate(header=header)
    assert [i.code for i in validation.issues] == ["header.duplicate"]
    assert validation.issues[0].cell == "BH1"


@pytest.mark.parametrize(
    ("rows", "columns", "refused"),
    [
        (MAX_ROWS + 1, MAX_COLUMNS, False),
        (MAX_ROWS + 2, 1, True),
        (1, MAX_COLUMNS + 1, True),
        (0, 0, False),
    ],
)
def test_check_size_counts_the_header_row_apart(rows, columns, refused):
    if refused:
        with pytest.raises(SheetTooLarge):
            check_size(rows, columns)
    else:
        check_size(rows, columns)


@pytest.mark.slow
def test_exactly_100000_client_rows_are_validated():
    rows = [HEADER, *(client(email_address=f"c{n}@example.com") for n in range(MAX_ROWS))]
    validation = validate_grid(Grid(rows), ORG)
    assert validation.summary == {"rows": MAX_ROWS, "errors": 0, "warnings": 0}


# --- the issues themselves ------------------------------------------------------------------


def test_an_issue_has_every_field_of_spec_section_3():
    [issue] = validate(client(gender="Male")).issues
    assert IssueSchema().dump(issue) == {
        "row": 2,
        "column": 6,
        "cell": "F2",
        "field": "gender",
        "code": "gender.invalid",
        "severity": "error",
        "message": 'Write the gender in lowercase: "male".',
        "fix": "male",
    }


@pytest.mark.parametrize(
    ("column", "letters"),
    [
        (1, "A"),
        (26, "Z"),
        (27, "AA"),
        (52, "AZ"),
        (53, "BA"),
        (60, "BH"),
        (702, "ZZ"),
        (703, "AAA"),
    ],
)
def test_columns_are_written_in_a1_letters(column, letters):
    assert column_letter(column) == letters
    assert a1(7, column) == f"{letters}7"


def test_issues_are_sorted_by_row_then_column_number_with_sheet_issues_first():
    header = [*HEADER[:5], *[""] * 22, "gender"]
    row = client(header, gender="Male", email_address="ANN@example.com")
    row[10] = "stray"
    validation = validate(
        row,
        client(header, email_address="bob@example.com", birthdate="1985"),
        header=header[:-1] + ["sex"],
    )
    assert [i.cell for i in validation.issues] == [None, "AB1", "A2", "K2", "AB2", "E3"]


def test_a_row_that_passes_every_rule_is_loaded_in_the_types_the_import_needs():
    second_tag = HEADER.index("tag") + 1
    row = client(
        tag="VIP",
        external_id="A-7",
        **{
            "attribute:Weight": "-2.5",
            "attribute:Started": "20240131",
            "attribute:Consented": "true",
            "attribute:Plan": "Basic",
            "attribute:Notes": "Prefers mornings",
        },
    )
    row[second_tag] = "Diabetes type 2"
    validation = validate(row)
    assert validation.issues == []
    assert validation.clients == [
        ClientRow(
            row=2,
            email_address="ann@example.com",
            initial_password="Corr3ct-horse",
            first_name="Ann",
            last_name="Lee",
            birthdate=dt.date(1985, 3, 14),
            gender="female",
            tags=("VIP", "Diabetes type 2"),
            external_id="A-7",
            attributes={
                "Weight": Decimal("-2.5"),
                "Started": dt.date(2024, 1, 31),
                "Consented": True,
                "Plan": "Basic",
                "Notes": "Prefers mornings",
            },
            existing=False,
        )
    ]


def test_a_row_with_any_error_is_not_importable_and_the_others_are():
    validation = validate(
        client(),
        client(email_address="bob@example.com", gender="x"),
        client(email_address="cy@example.com"),
    )
    assert [c.row for c in validation.clients] == [2, 4]
    assert validation.blocked_rows == {3}


def test_a_sheet_with_header_errors_has_sheet_errors():
    validation = validate(client(), header=[*HEADER, "Colour"])
    assert [i.code for i in validation.sheet_errors] == ["header.unknown"]


def test_no_message_ever_contains_a_password():
    passwords = ["Sh0rt!", " Leading1!", "weakpassword", "Corr3ct-horse", "Trailing1!\u200b"]
    rows = [
        client(email_address=f"c{n}@example.com", initial_password=p, gender="Male")
        for n, p in enumerate(passwords)
    ]
    validation = validate(*rows, kinds={(len(rows), 1): CellKind.ERROR_VALUE})
    for issue in validation.issues:
        assert not any(p.strip() in issue.message for p in passwords)
        if issue.field == "initial_password":
            assert issue.fix is None


def test_validation_is_a_pure_function_of_its_inputs():
    rows = [client(gender="Male"), client(), client(email_address="x")]
    grid = Grid([list(HEADER), *rows])
    before = [list(r) for r in grid.rows]
    assert ValidationResult().dump(validate_grid(grid, ORG)) == ValidationResult().dump(
        validate_grid(grid, ORG)
    )
    assert grid.rows == before
