"""Fixed copies keep everything but the fixed cells: CSV bytes, ODS repeats split around a fix."""

from __future__ import annotations

import codecs

from service.sources import workbook
from service.sources.csv_file import fixed_copy as csv_fixed_copy
from service.sources.fixed_copy import fixed_copy
from tests.sources import bombs


def test_a_csv_copy_keeps_its_byte_order_mark_line_endings_and_quoting():
    data = codecs.BOM_UTF8 + b'email_address,note\r\n"Ann@x.com","two\r\nlines"\r\nb@x.com,,\r\n'
    fixed = csv_fixed_copy(data, {(1, 0): "ann@x.com", (2, 0): "bob@x.com"})
    assert fixed == codecs.BOM_UTF8 + (
        b'email_address,note\r\n"ann@x.com","two\r\nlines"\r\nbob@x.com,,\r\n'
    )


def test_a_csv_fix_that_needs_quotes_gets_them():
    fixed = csv_fixed_copy(b"a;b\nx;y\n", {(1, 1): "1;2"})
    assert fixed == b'a;b\nx;"1;2"\n'


def test_an_ods_repeated_row_and_cell_are_split_around_the_fixed_cell():
    data = bombs.ods(
        "<table:table-row>"
        + bombs.ods_cell("email_address")
        + bombs.ods_cell("tag", columns=2)
        + '</table:table-row><table:table-row table:number-rows-repeated="3">'
        + bombs.ods_cell("ann@example.com")
        + bombs.ods_cell("vip", columns=2)
        + "</table:table-row>"
    )
    fixed = fixed_copy(data, ".ods", "Roster", {(2, 2): "VIP"})
    grid = workbook.read_bytes(fixed, ".ods", "fixed.ods")
    assert grid.rows[1:] == [
        ["ann@example.com", "vip", "vip"],
        ["ann@example.com", "vip", "VIP"],
        ["ann@example.com", "vip", "vip"],
    ]


def test_the_fix_file_use_case_takes_bytes_and_writes_to_a_stream():
    import io
    from pathlib import Path

    from service.fixes import fix_file
    from service.roster.organisation import AttributeDefinition, OrgSnapshot

    org = OrgSnapshot(attributes={"Height": AttributeDefinition("Height", "number")})
    data = (Path(__file__).parents[1] / "data" / "files" / "formats.ods").read_bytes()
    out = io.BytesIO()
    result = fix_file(data, "formats.ods", org, out)
    assert result["worksheet"] == "Roster" and result["fixable_left"] == 0
    assert [c["cell"] for c in result["changed"]] == ["E3", "E4", "F4", "E6"]
    fixed = workbook.read_bytes(out.getvalue(), ".ods", "fixed.ods")
    assert fixed.value(2, 4) == "19850302"
