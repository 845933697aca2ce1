"""Files made by LibreOffice, read as LibreOffice shows them (tests/data/files/make_fixtures.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.errors import SourceError
from service.roster.engine import validate_grid
from service.roster.grid import CellKind
from service.roster.organisation import AttributeDefinition, OrgSnapshot
from service.sources import workbook

FILES = Path(__file__).parents[1] / "data" / "files"
ORG = OrgSnapshot(attributes={"Height": AttributeDefinition("Height", "number")})


def issues_of(
    name: str, worksheet: str | int | None = None
) -> dict[tuple[str | None, str], object]:
    grid = workbook.read_file(FILES / name, worksheet)
    return {(i.cell, i.code): i.fix for i in validate_grid(grid, ORG).issues}


@pytest.mark.parametrize("suffix", ["xlsx", "ods"])
def test_a_zero_padded_id_reads_as_shown(suffix):
    grid = workbook.read_file(FILES / f"formats.{suffix}")
    assert grid.value(1, 6) == "00123"


@pytest.mark.parametrize("suffix", ["xlsx", "ods", "csv"])
def test_a_yyyymmdd_formatted_date_is_clean(suffix):
    issues = issues_of(f"formats.{suffix}")
    assert not [cell for cell, _ in issues if cell == "E2"]


@pytest.mark.parametrize("suffix", ["xlsx", "ods", "csv"])
@pytest.mark.parametrize("cell, fix", [("E3", "19850302"), ("E4", "19791120"), ("E6", "20010203")])
def test_iso_us_and_month_name_dates_get_the_right_fix(suffix, cell, fix):
    assert issues_of(f"formats.{suffix}")[(cell, "birthdate.format")] == fix


@pytest.mark.parametrize("suffix", ["xlsx", "ods", "csv"])
def test_a_19_digit_id_in_scientific_notation_is_an_error(suffix):
    grid = workbook.read_file(FILES / f"formats.{suffix}")
    assert grid.kinds[(2, 6)] is CellKind.DIGITS_LOST
    assert grid.value(2, 6) == "4.11111111111111E+" + ("018" if suffix == "csv" else "18")
    assert issues_of(f"formats.{suffix}")[("G3", "cell.digits_lost")] is None


@pytest.mark.parametrize("suffix", ["xlsx", "ods"])
def test_a_password_that_became_a_formula_is_told_to_retype_it(suffix):
    grid = workbook.read_file(FILES / f"formats.{suffix}")
    issue = next(i for i in validate_grid(grid, ORG).issues if i.cell == "B5")
    assert issue.code == "cell.formula"
    assert "retype it" in issue.message and "Paste special" not in issue.message
    assert "Spring" not in issue.message


@pytest.mark.parametrize("suffix", ["xlsx", "ods"])
def test_a_number_formatted_as_text_and_fixed_decimals_read_as_shown(suffix):
    grid = workbook.read_file(FILES / f"formats.{suffix}")
    assert grid.value(4, 6) == "42"
    assert grid.value(1, 7) == "72.5"
    assert grid.value(5, 7) == "65.3"  # 65.25 with one decimal, rounded half up


def test_the_ods_twin_of_every_xlsx_case_gives_the_same_issues():
    for stem in ("formats", "instructions_first", "no_roster_tab", "ambiguous_dates"):
        xlsx = validate_grid(workbook.read_file(FILES / f"{stem}.xlsx"), ORG)
        ods = validate_grid(workbook.read_file(FILES / f"{stem}.ods"), ORG)
        assert ods.issues == xlsx.issues, stem


@pytest.mark.parametrize("suffix", ["xlsx", "ods"])
def test_with_no_worksheet_named_the_first_tab_with_a_roster_header_is_read(suffix):
    grid = workbook.read_file(FILES / f"instructions_first.{suffix}")
    assert grid.title == "Roster" and grid.tabs == ("Instructions", "Roster")
    assert validate_grid(grid, ORG).summary == {"rows": 2, "errors": 0, "warnings": 0}


@pytest.mark.parametrize("suffix", ["xlsx", "ods"])
def test_a_named_worksheet_is_read_even_without_a_roster_header(suffix):
    assert workbook.read_file(FILES / f"instructions_first.{suffix}", "Instructions").title == (
        "Instructions"
    )
    assert workbook.read_file(FILES / f"instructions_first.{suffix}", 0).title == "Instructions"


@pytest.mark.parametrize("suffix", ["xlsx", "ods"])
def test_a_worksheet_that_does_not_exist_names_the_tabs(suffix):
    with pytest.raises(SourceError, match="it has Instructions, Roster"):
        workbook.read_file(FILES / f"instructions_first.{suffix}", "Clients")


@pytest.mark.parametrize("suffix", ["xlsx", "ods"])
def test_a_workbook_with_no_roster_tab_gets_one_sheet_error_listing_its_tabs(suffix):
    validation = validate_grid(workbook.read_file(FILES / f"no_roster_tab.{suffix}"), ORG)
    assert [(i.cell, i.code) for i in validation.issues] == [(None, "sheet.no_roster_tab")]
    assert "Instructions, Notes" in validation.issues[0].message


def test_a_semicolon_csv_validates_like_its_comma_twin_with_the_decimal_comma_fixed():
    comma = validate_grid(workbook.read_file(FILES / "european_en.csv"), ORG).issues
    semicolon = validate_grid(workbook.read_file(FILES / "european_de_semicolon.csv"), ORG).issues
    decimal = {(i.cell, i.fix) for i in semicolon if i.field == "attribute:Height"}
    assert decimal == {("H2", "72.5"), ("H3", "80.0")}
    others = [i for i in semicolon if i.field != "attribute:Height"]
    assert others == list(comma)
    assert comma and all(i.field != "attribute:Height" for i in comma)


def test_a_decimal_comma_in_a_comma_csv_gets_no_fix(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text('email_address,attribute:Height\nann@example.com,"1,500"\n', encoding="utf-8")
    issues = validate_grid(workbook.read_file(path), ORG).issues
    assert [(i.cell, i.fix) for i in issues if i.cell == "B2"] == [("B2", None)]


def test_the_delimiter_comes_from_the_header_row_not_the_data(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("email_address,first_name\nann@example.com,Ann;Lee;x\n", encoding="utf-8")
    assert workbook.read_file(path).rows[1] == ["ann@example.com", "Ann;Lee;x"]


@pytest.mark.parametrize(
    "name, said",
    [
        ("latin_windows1252.csv", 'row 2 holds a character Roster cannot read (byte 0xEB, "ë"'),
        ("latin_utf16.csv", "saved as UTF-16"),
    ],
)
def test_other_encodings_are_refused_with_how_to_save_utf8_in_each_program(name, said):
    with pytest.raises(SourceError) as refused:
        workbook.read_file(FILES / name)
    message = str(refused.value)
    assert said in message
    for program in ("Excel", "Numbers", "LibreOffice", "Google Sheets"):
        assert program in message


def test_a_non_utf8_row_is_counted_as_the_spreadsheet_counts_rows(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(b'email_address,first_name\n"a@x.com","two\nlines"\nb@x.com,Zo\xeb\n')
    with pytest.raises(SourceError, match="row 3 holds"):
        workbook.read_file(path)


def test_a_numbers_file_is_refused_with_the_export_steps(tmp_path):
    path = tmp_path / "roster.numbers"
    path.write_bytes(b"PK")
    with pytest.raises(SourceError, match="File > Export To > Excel"):
        workbook.read_file(path)


@pytest.mark.parametrize("suffix", ["xlsx", "ods"])
@pytest.mark.parametrize("cell, fix", [("E2", "19900304"), ("E3", "19850201")])
def test_an_ambiguous_date_cell_gets_the_date_it_holds_as_its_fix(suffix, cell, fix):
    assert issues_of(f"ambiguous_dates.{suffix}")[(cell, "birthdate.format")] == fix


def test_the_same_ambiguous_dates_typed_in_a_csv_get_no_fix():
    issues = issues_of("ambiguous_dates.csv")
    assert issues[("E2", "birthdate.format")] is None
    assert issues[("E3", "birthdate.format")] is None
