"""`roster` on LibreOffice-made files: values as shown, the tab read, `roster fix`, and bombs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from service.roster.organisation import AttributeDefinition, OrgSnapshot
from service.sources import workbook
from tests.sources import bombs

FILES = Path(__file__).parents[1] / "data" / "files"
ORG = OrgSnapshot(attributes={"Height": AttributeDefinition("Height", "number")})


@pytest.fixture
def height(run_cli):
    run_cli("attributes", "add", "Height", "--type", "number")


@pytest.mark.parametrize("suffix", ["xlsx", "ods"])
def test_a_zero_padded_id_imports_as_shown(run_cli, height, suffix):
    code, out, err = run_cli("import", str(FILES / f"formats.{suffix}"), "--skip-invalid")
    assert code == 0, out + err
    _, listed, _ = run_cli("clients", "list", "--format", "json")
    clients = {c["email_address"]: c for c in json.loads(listed)["clients"]}
    assert clients["ann@example.com"]["external_id"] == "00123"
    assert clients["ann@example.com"]["birthdate"] == "19900714"


@pytest.mark.parametrize("suffix", ["xlsx", "ods"])
def test_an_instructions_tab_first_still_reads_the_roster_tab_and_says_so(run_cli, suffix):
    path = str(FILES / f"instructions_first.{suffix}")
    code, out, _ = run_cli("validate", path)
    assert code == 0, out
    assert 'Worksheet read: "Roster" (other tabs: "Instructions"' in out
    code, out, _ = run_cli("validate", path, "--format", "json")
    assert code == 0 and json.loads(out)["worksheet"] == "Roster"


def test_a_workbook_with_no_roster_tab_exits_1_with_one_sheet_error(run_cli):
    code, out, _ = run_cli("validate", str(FILES / "no_roster_tab.xlsx"), "--format", "json")
    issues = json.loads(out)["issues"]
    assert code == 1 and [i["code"] for i in issues] == ["sheet.no_roster_tab"]


def test_a_csv_names_itself_as_the_worksheet_read(run_cli):
    code, out, _ = run_cli("validate", str(FILES / "european_en.csv"), "--format", "json")
    assert json.loads(out)["worksheet"] == "european_en.csv"


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "ods"])
def test_roster_fix_writes_a_copy_with_no_fixable_error_left(run_cli, height, tmp_path, suffix):
    fixed = tmp_path / f"fixed.{suffix}"
    code, out, _ = run_cli("fix", str(FILES / f"formats.{suffix}"), "-o", str(fixed))
    assert code == 1  # the id shown in scientific notation and the password need a person
    assert "E3  birthdate  -> 19850302" in out and "4 cells changed" in out
    code, out, _ = run_cli("validate", str(fixed), "--format", "json")
    left = json.loads(out)["issues"]
    assert [i["code"] for i in left if i["fix"] is not None] == []
    assert {i["cell"] for i in left} == {"G3", "B5"}


def test_roster_fix_leaves_every_other_byte_of_a_csv_as_it_was(run_cli, height, tmp_path):
    fixed = tmp_path / "fixed.csv"
    run_cli("fix", str(FILES / "formats.csv"), "-o", str(fixed))
    before = (FILES / "formats.csv").read_bytes()
    after = fixed.read_bytes()
    replaced = {
        b"1985-03-02": b"19850302",
        b"11/20/1979": b"19791120",
        b'"Female"': b'"female"',
        b"3 Feb 2001": b"20010203",
    }
    for old, new in replaced.items():
        before = before.replace(old, new)
    assert after == before


@pytest.mark.parametrize("suffix", ["xlsx", "ods"])
def test_roster_fix_leaves_every_other_cell_of_a_workbook_value_for_value(
    run_cli, height, tmp_path, suffix
):
    fixed = tmp_path / f"fixed.{suffix}"
    run_cli("fix", str(FILES / f"formats.{suffix}"), "-o", str(fixed))
    before = workbook.read_file(FILES / f"formats.{suffix}")
    after = workbook.read_file(fixed)
    fixed_cells = {(2, 4), (3, 4), (3, 5), (5, 4)}
    for row in range(len(before.rows)):
        for column in range(8):
            if (row, column) not in fixed_cells:
                assert after.value(row, column) == before.value(row, column), (row, column)
    assert after.kinds == before.kinds
    assert [after.value(r, c) for r, c in sorted(fixed_cells)] == [
        "19850302",
        "19791120",
        "female",
        "20010203",
    ]


def test_roster_fix_keeps_the_xlsx_number_formats_of_other_cells(run_cli, height, tmp_path):
    fixed = tmp_path / "fixed.xlsx"
    run_cli("fix", str(FILES / "formats.xlsx"), "-o", str(fixed))
    sheet = load_workbook(fixed)["Roster"]
    assert sheet["G2"].number_format == "00000" and sheet["E2"].number_format == "yyyymmdd"


@pytest.mark.parametrize(
    "args, said",
    [
        (["fix", "formats.csv"], "needs -o OUT"),
        (["fix", "formats.csv", "-o", "formats.csv"], "never changes SOURCE"),
        (["fix", "formats.csv", "-o", "fixed.xlsx"], "keeps the format"),
    ],
)
def test_roster_fix_on_a_file_refuses_to_overwrite_or_change_format(
    run_cli, tmp_path, monkeypatch, args, said
):
    shutil.copy(FILES / "formats.csv", tmp_path / "formats.csv")
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(*args)
    assert code == 2 and said in err
    assert (tmp_path / "formats.csv").read_bytes() == (FILES / "formats.csv").read_bytes()


def test_notes_in_an_annotated_copy_name_roster_fix_not_the_sheet_menu(run_cli, tmp_path):
    out = tmp_path / "annotated.xlsx"
    run_cli("validate", str(FILES / "formats.csv"), "--annotate", str(out))
    note = load_workbook(out).active["E3"].comment.text
    assert "roster fix" in note and "Roster > Fix" not in note


def test_annotate_writes_a_control_character_as_a_visible_escape_and_never_echoes_it(
    run_cli, tmp_path
):
    path = tmp_path / "r.csv"
    header = "email_address,initial_password,first_name,last_name,birthdate,gender"
    path.write_text(f"{header}\nann@example.com,Secret1!\x07,Ann,Lee,19800101,female\n")
    out = tmp_path / "annotated.xlsx"
    code, stdout, stderr = run_cli("validate", str(path), "--annotate", str(out))
    assert code == 1 and "Traceback" not in stdout + stderr
    assert "Secret1" not in stdout + stderr
    cell = load_workbook(out).active["B2"]
    assert cell.value == "Secret1![U+0007]"
    assert "written as [U+0007]-style escapes" in cell.comment.text


@pytest.mark.parametrize(
    "name, data, said",
    [
        ("sparse.xlsx", bombs.xlsx_sparse_row(), "row 10,000,000"),
        ("giant.xlsx", bombs.xlsx_giant_cell(20_000_000), "zip bomb"),
        ("blank.csv", bombs.csv_blank_lines(300_000), "blank lines count"),
        ("repeated.ods", bombs.ods_repeated_row(), "row 100,002"),
    ],
)
def test_a_file_that_inflates_is_refused_with_exit_2(run_cli, tmp_path, name, data, said):
    path = tmp_path / name
    path.write_bytes(data)
    code, out, err = run_cli("validate", str(path))
    assert code == 2 and said in err and "Traceback" not in out + err


def test_a_numbers_file_exits_2_with_the_export_steps(run_cli, tmp_path):
    path = tmp_path / "roster.numbers"
    path.write_bytes(b"PK\x03\x04")
    code, _, err = run_cli("validate", str(path))
    assert code == 2 and "File > Export To" in err


def test_roster_fix_on_a_google_sheet_fixes_it_in_place(run_cli, cli_env, emulator):
    from tests.sheets_emulator import Tab

    header = bombs.HEADER.split(",")
    sheet = emulator.create_spreadsheet(
        Tab("Clients", [header, ["Ann@Example.com", "Abcdef1!x", "Ann", "Lee", "19800101", "F"]]),
        spreadsheet_id="1CliFixThroughTheEmulator00",
    )
    cli_env["SHEETS_EMULATOR_HOST"] = emulator.host
    code, out, _ = run_cli("fix", sheet)
    assert code == 0, out
    assert "2 cells changed in the sheet" in out
    code, out, _ = run_cli("validate", sheet)
    assert code == 0, out


def test_a_numbers_file_named_on_the_command_line_gets_the_export_steps(run_cli):
    code, _, err = run_cli("validate", "roster.numbers")
    assert code == 2 and "File > Export To" in err
