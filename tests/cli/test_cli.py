"""`roster` on files: exit codes, output formats, the admin commands and the file import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from service.cli import main

EXAMPLES = Path(__file__).parents[2] / "examples"
HEADER = "email_address,initial_password,first_name,last_name,birthdate,gender,tag"


def write(tmp_path: Path, name: str, *lines: str) -> str:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture
def clean_csv(tmp_path) -> str:
    return write(
        tmp_path,
        "clean.csv",
        HEADER,
        "ann@example.com,Abcdef1!x,Ann,Lee,19800101,female,VIP",
        "bob@example.com,Abcdef1!y,Bob,Ray,19810202,male,",
    )


def test_validate_a_clean_file_exits_0(run_cli, clean_csv):
    run_cli("tags", "add", "VIP")
    code, out, _ = run_cli("validate", clean_csv)
    assert code == 0
    assert "2 rows, 0 errors, 0 warnings." in out


def test_validate_with_errors_exits_1_and_lists_cells_in_order(run_cli, tmp_path):
    path = write(
        tmp_path,
        "bad.csv",
        HEADER,
        "Ann@Example.com,Abcdef1!x,Ann,Lee,19800101,Male,",
        "bob@example.com,weak,Bob,Ray,1981-02-02,male,",
    )
    code, out, _ = run_cli("validate", path)
    assert code == 1
    issue_lines = [line for line in out.splitlines() if "error" in line.split()[1:2]]
    assert [line.split()[0] for line in issue_lines] == ["A2", "F2", "B3", "E3"]
    assert '[fix: "ann@example.com"]' in out
    assert "weak" not in out  # a password never appears in output


def test_validate_json_has_summary_and_issues(run_cli, tmp_path):
    path = write(tmp_path, "bad.csv", HEADER, "ann@example.com,Abcdef1!x,Ann,Lee,19800101,x,")
    code, out, _ = run_cli("validate", path, "--format", "json")
    assert code == 1
    result = json.loads(out)
    assert result["summary"] == {"rows": 1, "errors": 1, "warnings": 0}
    assert result["issues"][0] == {
        "row": 2,
        "column": 6,
        "cell": "F2",
        "field": "gender",
        "code": "gender.invalid",
        "severity": "error",
        "message": 'The gender must be exactly "male" or "female".',
        "fix": None,
    }


@pytest.mark.parametrize(
    "args, message",
    [
        (["validate", "missing.csv"], "cannot be read"),
        (["validate", "roster.txt"], "neither a .csv/.xlsx/.ods file"),
        (["validate", "--format", "yaml", "x.csv"], "Invalid value"),
        (
            ["members", "add", "someone@example.com", "--org", "nowhere"],
            'no organisation "nowhere"',
        ),
    ],
)
def test_a_command_that_cannot_run_exits_2_with_one_line(run_cli, args, message):
    code, out, err = run_cli(*args)
    assert code == 2
    assert message in err
    assert "Traceback" not in out + err


def test_a_csv_that_is_not_utf8_is_refused_with_advice(run_cli, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        (HEADER + "\nzoe@example.com,Abcdef1!x,Zoë,Lee,19800101,female,\n").encode("latin-1")
    )
    code, _, err = run_cli("validate", str(path))
    assert code == 2
    assert "not UTF-8" in err and "CSV UTF-8" in err


def test_a_csv_with_a_byte_order_mark_reads_its_first_header(run_cli, tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(
        ("\ufeff" + HEADER + "\nann@example.com,Abcdef1!x,Ann,Lee,19800101,female,\n").encode(
            "utf-8"
        )
    )
    code, out, _ = run_cli("validate", str(path))
    assert code == 0, out


def test_xlsx_dates_formulas_and_errors_are_reported(run_cli, tmp_path):
    import datetime as dt

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(
        ["ann@example.com", "Abcdef1!x", "Ann", "Lee", dt.datetime(1980, 1, 1), "female", None]
    )
    sheet.append(["bob@example.com", "Abcdef1!x", "=A2", "Ray", "19810202", "male", None])
    path = tmp_path / "roster.xlsx"
    book.save(path)
    code, out, _ = run_cli("validate", str(path), "--format", "json")
    issues = {(i["cell"], i["code"]): i for i in json.loads(out)["issues"]}
    assert code == 1
    assert issues[("E2", "birthdate.format")]["fix"] == "19800101"
    assert ("C3", "cell.formula") in issues


def test_annotate_writes_a_copy_with_comments_on_the_wrong_cells(run_cli, tmp_path):
    path = write(tmp_path, "bad.csv", HEADER, "ann@example.com,Abcdef1!x,Ann,Lee,19800101,x,")
    out = tmp_path / "annotated.xlsx"
    code, _, _ = run_cli("validate", path, "--annotate", str(out))
    assert code == 1
    sheet = load_workbook(out).active
    assert sheet["F2"].comment.text.startswith("Roster:")
    assert sheet["A2"].comment is None


def test_admin_commands_set_up_an_organisation(run_cli, tmp_path):
    assert run_cli("orgs", "create", "north-clinic", "--name", "North Clinic")[0] == 0
    assert (
        run_cli("members", "add", "Coach@Example.com", "--org", "north-clinic", "--role", "admin")[
            0
        ]
        == 0
    )
    assert run_cli("tags", "add", "VIP", "Diabetes", "--org", "north-clinic")[0] == 0
    assert (
        run_cli(
            "attributes",
            "add",
            "Plan",
            "--type",
            "choice",
            "--choices",
            "Gold,Silver",
            "--org",
            "north-clinic",
        )[0]
        == 0
    )
    code, _, err = run_cli("attributes", "add", "Plan", "--type", "text", "--org", "north-clinic")
    assert code == 2 and "already exists" in err
    path = write(
        tmp_path,
        "r.csv",
        HEADER + ",attribute:Plan",
        "ann@example.com,Abcdef1!x,Ann,Lee,19800101,female,vip,gold",
    )
    code, out, _ = run_cli("validate", path, "--org", "north-clinic", "--format", "json")
    fixes = {i["cell"]: i["fix"] for i in json.loads(out)["issues"]}
    assert fixes == {"G2": "VIP", "H2": "Gold"}


def test_with_two_organisations_the_org_must_be_named(run_cli, clean_csv):
    run_cli("orgs", "create", "second")
    code, _, err = run_cli("validate", clean_csv)
    assert code == 2 and "--org" in err


def test_import_creates_clients_and_never_shows_a_password_or_hash(run_cli, clean_csv):
    run_cli("tags", "add", "VIP")
    code, out, _ = run_cli("import", clean_csv)
    assert code == 0, out
    assert "2 created" in out and "No invitations were sent" in out
    code, out, _ = run_cli("clients", "list", "--format", "json")
    clients = json.loads(out)["clients"]
    assert [c["email_address"] for c in clients] == ["ann@example.com", "bob@example.com"]
    assert clients[0]["tags"] == ["VIP"] and clients[0]["must_change_password"] is True
    assert "Abcdef1" not in out and "argon2" not in out and "hash" not in out


def test_importing_again_creates_nobody(run_cli, clean_csv):
    run_cli("tags", "add", "VIP")
    run_cli("import", clean_csv)
    code, out, _ = run_cli("import", clean_csv)
    assert code == 0
    assert "0 created" in out and "2 skipped" in out


def test_all_or_nothing_import_with_one_bad_row_writes_nothing(run_cli, tmp_path):
    path = write(
        tmp_path,
        "r.csv",
        HEADER,
        "ann@example.com,Abcdef1!x,Ann,Lee,19800101,female,",
        "bob@example.com,Abcdef1!x,Bob,Ray,19810231,male,",
    )
    code, out, err = run_cli("import", path)
    assert code == 1
    assert "Nothing was imported" in err
    assert json.loads(run_cli("clients", "list", "--format", "json")[1])["clients"] == []


def test_skip_invalid_imports_the_good_rows_only(run_cli, tmp_path):
    path = write(
        tmp_path,
        "r.csv",
        HEADER,
        "ann@example.com,Abcdef1!x,Ann,Lee,19800101,female,",
        "bob@example.com,Abcdef1!x,Bob,Ray,19810231,male,",
    )
    code, out, _ = run_cli("import", path, "--skip-invalid")
    assert code == 0
    assert "1 created" in out and "Left out 1 row with errors:" in out
    assert "birthdate not a real date: row 3" in out
    listed = json.loads(run_cli("clients", "list", "--format", "json")[1])["clients"]
    assert [c["email_address"] for c in listed] == ["ann@example.com"]


def test_dry_run_shows_the_plan_and_writes_nothing(run_cli, clean_csv):
    run_cli("tags", "add", "VIP")
    code, out, _ = run_cli("import", clean_csv, "--dry-run")
    assert code == 0
    assert "2 to create" in out and "Dry run" in out
    assert json.loads(run_cli("clients", "list", "--format", "json")[1])["clients"] == []


def test_the_example_roster_shows_its_typical_mistakes(run_cli):
    run_cli("demo")
    code, out, _ = run_cli("validate", str(EXAMPLES / "roster.csv"), "--format", "json")
    assert code == 1
    codes = {i["code"] for i in json.loads(out)["issues"]}
    assert {
        "email.duplicate",
        "email.not_lowercase",
        "birthdate.format",
        "birthdate.not_a_date",
        "gender.invalid",
        "tag.wrong_case",
    } <= codes
    assert run_cli("validate", str(EXAMPLES / "clean_roster.csv"))[0] == 0


def test_validate_a_google_sheet_writes_notes_through_the_emulator(run_cli, cli_env):
    from tests.sheets_emulator import SheetsEmulator, Tab

    with SheetsEmulator() as emulator:
        sheet = emulator.create_spreadsheet(
            Tab(
                "Clients",
                [
                    HEADER.split(","),
                    ["Ann@Example.com", "Abcdef1!x", "Ann", "Lee", "19800101", "female"],
                ],
                gid=7,
            ),
            spreadsheet_id="1CliSheetThroughTheEmulator0",
        )
        emulator.set_note(sheet, "C2", "Prefers mornings", sheet="Clients")
        cli_env["SHEETS_EMULATOR_HOST"] = emulator.host
        url = f"https://docs.google.com/spreadsheets/d/{sheet}/edit#gid=7"
        code, out, _ = run_cli("validate", url)
        notes = emulator.notes(sheet, "Clients")
    assert code == 1
    assert "Sheet notes: 1 written, 0 cleared" in out
    assert notes["A2"].startswith("Roster:") and notes["C2"] == "Prefers mornings"


def test_blank_lines_do_not_count_toward_the_row_limit(run_cli, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(
        HEADER + "\nann@example.com,Abcdef1!x,Ann,Lee,19800101,female,\n" + "\n" * 120_000,
        encoding="utf-8",
    )
    code, out, _ = run_cli("validate", str(path))
    assert code == 0 and "1 row, 0 errors" in out


def test_an_xlsx_whose_recorded_dimension_is_wrong_loses_no_row(run_cli, tmp_path):
    import re
    import zipfile

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    for n in range(3):
        sheet.append([f"c{n}@example.com", "Abcdef1!x", "Ann", "Lee", "19800101", "female"])
    good = tmp_path / "good.xlsx"
    book.save(good)
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bad, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":  # claim two rows fewer
                data = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:G2"', data)
            target.writestr(item, data)
    code, out, _ = run_cli("validate", str(bad))
    assert code == 0 and "3 rows" in out


def test_a_file_wider_than_60_columns_is_refused_before_any_work(run_cli, tmp_path):
    path = write(tmp_path, "wide.csv", HEADER + "," + ",".join(f"x{n}" for n in range(60)))
    code, _, err = run_cli("validate", path)
    assert code == 2 and "at most 60" in err


def test_a_setting_that_cannot_be_read_exits_2_without_a_traceback(run_cli, cli_env, clean_csv):
    cli_env["ROSTER_HASH_WORKERS"] = "two"
    code, out, err = run_cli("validate", clean_csv)
    assert code == 2 and "Traceback" not in out + err


def test_a_dry_run_that_errors_would_block_exits_1(run_cli, tmp_path):
    path = write(tmp_path, "r.csv", HEADER, "ann@example.com,Abcdef1!x,Ann,Lee,19800231,female,")
    code, out, _ = run_cli("import", path, "--dry-run")
    assert code == 1 and "this import would be blocked" in out


def test_an_annotated_copy_of_a_csv_keeps_formula_like_text_as_text(run_cli, tmp_path):
    path = write(tmp_path, "r.csv", HEADER, "ann@example.com,=1+1,Ann,Lee,19800101,x,")
    out = tmp_path / "annotated.xlsx"
    run_cli("validate", path, "--annotate", str(out))
    cell = load_workbook(out).active["B2"]
    assert cell.value == "=1+1" and cell.data_type == "s"


def test_skip_invalid_on_the_example_names_the_rows_it_left_out_and_why(run_cli):
    run_cli("demo")
    code, out, _ = run_cli("import", str(EXAMPLES / "roster.csv"), "--skip-invalid")
    assert code == 0, out
    assert "Import succeeded: 2 created, 0 updated, 0 skipped." in out
    assert "Left out 5 rows with errors:" in out
    assert "  email address also in another row: rows 2 and 6" in out
    assert "  birthdate not a real date: row 5" in out
    assert "--annotate" in out and "note" not in out.lower()
    assert ("roster fix" in out) == ("fix" in main.commands)  # never a missing command
    assert "skip-invalid" not in out


def test_import_json_lists_the_rows_left_out_by_reason(run_cli):
    run_cli("demo")
    code, out, _ = run_cli(
        "import", str(EXAMPLES / "roster.csv"), "--skip-invalid", "--format", "json"
    )
    assert code == 0
    result = json.loads(out)
    assert result["import"]["created"] == 2 and result["import"]["failed_rows"] == 5
    assert {"reason": "email address also in another row", "rows": [2, 6], "count": 2} in (
        result["left_out"]
    )


def test_the_readme_shows_what_validate_really_prints_for_the_example(run_cli):
    readme = (EXAMPLES.parent / "README.md").read_text(encoding="utf-8")
    start = readme.index("```\nWorksheet read") + len("```\n")
    shown = readme[start : readme.index("```", start)]
    run_cli("demo")
    _, out, _ = run_cli("validate", str(EXAMPLES / "roster.csv"))
    assert out.replace(str(EXAMPLES / "roster.csv"), "examples/roster.csv") == shown


def test_update_existing_with_two_real_changes_reports_two_updated_and_the_rest_unchanged(
    run_cli, tmp_path
):
    rows = [
        "ann@example.com,Abcdef1!x,Ann,Lee,19800101,female,",
        "bob@example.com,Abcdef1!y,Bob,Ray,19810202,male,",
        "cy@example.com,Abcdef1!z,Cy,Fox,19820303,male,",
    ]
    run_cli("import", write(tmp_path, "first.csv", HEADER, *rows))
    changed = [rows[0].replace(",Lee,", ",Lee-Hart,"), rows[1].replace("19810202", "19810203")]
    code, out, _ = run_cli(
        "import", write(tmp_path, "again.csv", HEADER, *changed, rows[2]), "--update-existing"
    )
    assert code == 0, out
    assert "Import succeeded: 0 created, 2 updated, 1 unchanged, 0 skipped." in out
    assert out.count("Passwords are never changed") == 1 and "tags are only added" in out


def test_the_readme_shows_what_an_import_with_skip_invalid_really_prints(run_cli, tmp_path):
    readme = (EXAMPLES.parent / "README.md").read_text(encoding="utf-8")
    start = readme.index("```\nPlan: 2 to create") + len("```\n")
    shown = readme[start : readme.index("```", start)]
    run_cli("demo")
    _, out, _ = run_cli("import", str(EXAMPLES / "roster.csv"), "--skip-invalid")
    assert out.replace(str(EXAMPLES / "roster.csv"), "examples/roster.csv") == shown
