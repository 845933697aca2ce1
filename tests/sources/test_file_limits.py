"""SPEC §9 for files: a small file that inflates is refused as it streams, with a clear error."""

from __future__ import annotations

import io
import zipfile

import pytest

from service.errors import SheetTooLarge
from service.sources import limits, workbook
from tests.sources import bombs


def refused(data: bytes, suffix: str) -> str:
    with pytest.raises(SheetTooLarge) as error:
        workbook.read_bytes(data, suffix, f"bomb{suffix}")
    return str(error.value)


def test_an_xlsx_row_declared_at_10_000_000_is_refused_at_once():
    assert "has data in row 10,000,000" in refused(bombs.xlsx_sparse_row(), ".xlsx")


def test_an_xlsx_data_row_just_past_the_limit_is_refused():
    assert "row 100,002" in refused(bombs.xlsx_sparse_row(100_002), ".xlsx")


def test_an_xlsx_data_row_at_the_limit_is_read_with_the_rows_before_it_empty():
    grid = workbook.read_bytes(bombs.xlsx_sparse_row(100_001), ".xlsx", "r.xlsx")
    assert len(grid.rows) == 100_001 and grid.rows[-1] == ["x"] and grid.rows[5] == []


def test_an_xlsx_cell_over_50_000_characters_is_refused():
    assert "cell A1 holds more than 50,000" in refused(bombs.xlsx_giant_cell(50_001), ".xlsx")


def test_an_xlsx_part_that_inflates_like_a_zip_bomb_is_refused_before_it_is_read():
    assert "zip bomb" in refused(bombs.xlsx_giant_cell(20_000_000), ".xlsx")


def test_an_xlsx_part_beyond_the_inflated_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(limits, "MAX_PART_BYTES", 1000)
    assert "inflates to" in refused(bombs.xlsx_giant_cell(2000), ".xlsx")


def test_an_xlsx_value_beyond_column_60_is_refused():
    assert "column 16384" in refused(bombs.xlsx_wide_row(), ".xlsx")


def test_a_csv_of_blank_lines_is_refused_at_the_physical_line_limit():
    message = refused(bombs.csv_blank_lines(limits.MAX_LINES + 1), ".csv")
    assert "blank lines count" in message


def test_a_csv_cell_over_50_000_characters_is_refused():
    data = (bombs.HEADER + "\n" + "a" * 50_001 + "\n").encode()
    assert "cell A2 holds more than 50,000" in refused(data, ".csv")


def test_a_csv_quoted_field_that_never_ends_is_refused_as_too_long():
    data = (bombs.HEADER + '\n"' + "a" * 200_000).encode()
    assert "more than 50,000" in refused(data, ".csv")


def test_an_ods_row_repeated_10_000_000_times_is_refused():
    assert "has data in row 100,002" in refused(bombs.ods_repeated_row(), ".ods")


def test_an_ods_data_row_after_10_000_000_empty_rows_is_refused():
    assert "has data in row 10,000,000" in refused(bombs.ods_sparse_row(), ".ods")


def test_an_ods_cell_repeated_across_16384_columns_is_refused():
    data = bombs.ods(f"<table:table-row>{bombs.ods_cell('x', 16384)}</table:table-row>")
    assert "at most 60 columns" in refused(data, ".ods")


def test_an_ods_cell_over_50_000_characters_is_refused():
    data = bombs.ods(f"<table:table-row>{bombs.ods_cell('a' * 50_001)}</table:table-row>")
    assert "holds more than 50,000" in refused(data, ".ods")


def test_an_ods_part_that_inflates_like_a_zip_bomb_is_refused():
    data = bombs.ods(f"<table:table-row>{bombs.ods_cell('a' * 20_000_000)}</table:table-row>")
    assert "zip bomb" in refused(data, ".ods")


def test_empty_repeated_rows_and_columns_make_no_filler():
    data = bombs.ods(
        f"<table:table-row>{bombs.ods_cell('email_address')}"
        '<table:table-cell table:number-columns-repeated="16000"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048575"><table:table-cell '
        'table:number-columns-repeated="16384"/></table:table-row>'
    )
    assert workbook.read_bytes(data, ".ods", "r.ods").rows == [["email_address"]]


def test_an_ods_as_repetitive_as_libreoffice_writes_them_is_not_taken_for_a_bomb():
    cell = (
        '<table:table-cell office:value-type="string" calcext:value-type="string">'
        "<text:p>female</text:p></table:table-cell>"
    )
    rows = f'<table:table-row table:style-name="ro1">{cell * 6}</table:table-row>' * 50_000
    data = bombs.ods(rows)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        part = archive.getinfo("content.xml")
    assert part.file_size > limits.MAX_RATIO * part.compress_size  # past the XLSX ratio
    assert len(workbook.read_bytes(data, ".ods", "r.ods").rows) == 50_000
