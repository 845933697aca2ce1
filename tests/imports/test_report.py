"""The import report's sentences: rows left out and why, advice that fits the source and the
options given, plurals right."""

from __future__ import annotations

from service.imports import report
from tests.roster.builders import client, validate

RESULT = {"status": "succeeded", "created": 1, "updated": 0, "skipped": 0, "failed_rows": 0}


def two_bad_rows():
    return validate(
        client(),
        client(email_address="bob@example.com", birthdate="19810231"),
        client(email_address="cy@example.com", gender="x", birthdate="19810231"),
    )


def test_rows_left_out_are_grouped_by_reason_in_column_order():
    groups = report.left_out(two_bad_rows())
    assert [group.line() for group in groups] == [
        "birthdate not a real date: rows 3 and 4",
        "gender not male or female: row 4",
    ]


def test_a_reason_names_the_first_ten_rows_and_counts_the_rest():
    rows = [client(email_address=f"c{n}@example.com", gender="x") for n in range(25)]
    [group] = report.left_out(validate(*rows))
    assert (
        group.line() == "gender not male or female: rows 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 15 more"
    )
    assert group.to_dict() == {
        "reason": "gender not male or female",
        "rows": list(range(2, 12)),
        "count": 25,
    }


def test_existing_clients_are_listed_as_skipped_unless_they_are_updated():
    validation = validate(client(email_address="old@example.com"))
    assert [g.line() for g in report.left_out(validation)] == ["already clients (skipped): row 2"]
    assert report.left_out(validation, update_existing=True) == []


def test_a_file_import_says_where_to_see_the_messages_and_how_to_fix():
    lines = report.result_lines(
        {**RESULT, "failed_rows": 2},
        report.left_out(two_bad_rows()),
        source="r.csv",
        is_file=True,
        update_existing=False,
    )
    assert lines[0] == "Import succeeded: 1 created, 0 updated, 0 skipped."
    assert lines[1] == "Left out 2 rows with errors:"
    assert "--annotate" in lines[-1] and "roster fix r.csv" in lines[-1]
    assert "note" not in " ".join(lines)


def test_a_file_import_without_roster_fix_does_not_advise_it():
    advice = report.where_to_look("r.xlsx", is_file=True, via_cli=True, can_fix=False)
    assert "roster fix" not in advice and "--annotate" in advice
    assert "-o fixed.xlsx" in report.where_to_look("r.xlsx", True, True)


def test_a_sheet_import_points_at_the_notes_not_at_a_file_command():
    lines = report.result_lines(
        {**RESULT, "failed_rows": 1},
        [],
        source="1Sheet",
        is_file=False,
        update_existing=False,
    )
    assert lines[1] == "Left out 1 row with errors:"
    assert "Roster note" in lines[-1] and "--annotate" not in lines[-1]


def test_blocked_import_suggests_skipping_invalid_rows_only_when_not_asked_already():
    validation = two_bad_rows()
    plain = report.blocked_message(validation, "r.csv", True, skip_invalid=False, via_cli=True)
    assert plain.startswith("Nothing was imported: the roster has 3 errors.")
    assert plain.endswith(
        "Or add --skip-invalid to import the 1 row without errors and leave out the 2 rows "
        "with errors."
    )
    header = validate(client(), header=["email_address"])
    asked = report.blocked_message(header, "r.csv", True, skip_invalid=True, via_cli=True)
    assert "skip" not in asked and "header row has" in asked


def test_the_api_says_skip_invalid_rows_in_words_not_as_a_command_line_option():
    message = report.blocked_message(two_bad_rows(), "1Sheet", False, False, via_cli=False)
    assert "choose to skip invalid rows" in message and "--" not in message


def test_one_error_is_one_error():
    validation = validate(client(gender="x"))
    message = report.blocked_message(validation, "r.csv", True, False, via_cli=True)
    assert message.startswith("Nothing was imported: the roster has 1 error.")


def test_the_plan_line_counts_in_the_singular_and_the_plural():
    assert report.plan_line({"create": 1, "update": 0, "skip": 1, "blocked": 1}) == (
        "Plan: 1 to create, 0 to update, 1 already a client, 1 row with errors."
    )
    assert report.plan_line({"create": 2, "update": 0, "skip": 2, "blocked": 5}) == (
        "Plan: 2 to create, 0 to update, 2 already clients, 5 rows with errors."
    )


def test_update_existing_says_updated_and_unchanged_apart_from_the_skipped():
    lines = report.result_lines(
        {**RESULT, "updated": 2, "unchanged": 5, "skipped": 6},
        [],
        source="r.csv",
        is_file=True,
        update_existing=True,
    )
    assert lines == ["Import succeeded: 1 created, 2 updated, 5 unchanged, 1 skipped."]
