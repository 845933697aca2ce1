"""Small files that inflate (issue 9): built in a few milliseconds, for the tests and benchmarks."""

from __future__ import annotations

import io
import zipfile

HEADER = "email_address,initial_password,first_name,last_name,birthdate,gender"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def xlsx(rows_xml: str, shared: list[str] | None = None) -> bytes:
    """A minimal valid XLSX whose only sheet holds `rows_xml` inside <sheetData>."""
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = (
                    f'<worksheet xmlns="{_MAIN}"><sheetData>{rows_xml}</sheetData></worksheet>'
                ).encode()
            target.writestr(item.filename, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def xlsx_sparse_row(row: int = 10_000_000) -> bytes:
    """A header and one data row declared at `row`: 5 KB that used to inflate to 878 MB."""
    return xlsx(
        f'<row r="1">{inline("A1", "email_address")}</row>'
        f'<row r="{row}">{inline(f"A{row}", "x")}</row>'
    )


def xlsx_giant_cell(chars: int) -> bytes:
    """One cell of `chars` characters (100 MB of them compress to about 100 KB)."""
    return xlsx(f'<row r="1">{inline("A1", "a" * chars)}</row>')


def xlsx_wide_row(column: str = "XFD") -> bytes:
    return xlsx(f'<row r="1">{inline("A1", "email_address")}{inline(f"{column}1", "x")}</row>')


def csv_blank_lines(lines: int) -> bytes:
    return HEADER.encode() + b"\n" * lines


def ods(table_xml: str) -> bytes:
    """A minimal ODS whose only table holds `table_xml`."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" '
        'office:version="1.3">'
        f'<office:body><office:spreadsheet><table:table table:name="Roster">{table_xml}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        target.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        target.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def ods_cell(text: str, columns: int = 1) -> str:
    repeat = f' table:number-columns-repeated="{columns}"' if columns > 1 else ""
    return (
        f'<table:table-cell office:value-type="string"{repeat}>'
        f"<text:p>{text}</text:p></table:table-cell>"
    )


def ods_repeated_row(rows: int = 10_000_000) -> bytes:
    return ods(
        f"<table:table-row>{ods_cell('email_address')}</table:table-row>"
        f'<table:table-row table:number-rows-repeated="{rows}">{ods_cell("x")}'
        "</table:table-row>"
    )


def ods_sparse_row(row: int = 10_000_000) -> bytes:
    """Empty rows repeated up to `row`, then a data row: no filler may be made for them."""
    return ods(
        f"<table:table-row>{ods_cell('email_address')}</table:table-row>"
        f'<table:table-row table:number-rows-repeated="{row - 2}"><table:table-cell/>'
        f"</table:table-row><table:table-row>{ods_cell('x')}</table:table-row>"
    )
