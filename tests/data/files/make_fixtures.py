"""Write the flat-XML (.fods) sources of the file fixtures, then have LibreOffice save each one.

    python tests/data/files/make_fixtures.py        # needs LibreOffice (`soffice`) on PATH

The .fods sources say exactly which cells are numbers, dates, text or formulas and with which
number format; LibreOffice (headless `soffice --convert-to`) writes the .xlsx, .ods and .csv
files the tests read, as it would for a pro. Both the sources and LibreOffice's files are
committed: the tests and CI read them and never need LibreOffice.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

HERE = Path(__file__).parent
HEADER = [
    "email_address",
    "initial_password",
    "first_name",
    "last_name",
    "birthdate",
    "gender",
    "external_id",
    "attribute:Height",
]

# number styles, by name: (the ODF data style, as LibreOffice writes it)
STYLES = {
    "zero5": '<number:number-style style:name="zero5"><number:number number:decimal-places="0" '
    'number:min-integer-digits="5"/></number:number-style>',
    "yyyymmdd": '<number:date-style style:name="yyyymmdd"><number:year number:style="long"/>'
    '<number:month number:style="long"/><number:day number:style="long"/></number:date-style>',
    "iso": '<number:date-style style:name="iso"><number:year number:style="long"/>'
    '<number:text>-</number:text><number:month number:style="long"/><number:text>-</number:text>'
    '<number:day number:style="long"/></number:date-style>',
    "us": '<number:date-style style:name="us"><number:month number:style="long"/>'
    '<number:text>/</number:text><number:day number:style="long"/><number:text>/</number:text>'
    '<number:year number:style="long"/></number:date-style>',
    "dmonyyyy": '<number:date-style style:name="dmonyyyy"><number:day/><number:text> </number:text>'
    '<number:month number:textual="true"/><number:text> </number:text>'
    '<number:year number:style="long"/></number:date-style>',
    "dec1": '<number:number-style style:name="dec1"><number:number number:decimal-places="1" '
    'number:min-integer-digits="1"/></number:number-style>',
    "dec1_de": '<number:number-style style:name="dec1_de" number:language="de" '
    'number:country="DE"><number:number number:decimal-places="1" number:min-integer-digits="1"/>'
    "</number:number-style>",
    "dotted": '<number:date-style style:name="dotted"><number:day number:style="long"/>'
    '<number:text>.</number:text><number:month number:style="long"/><number:text>.</number:text>'
    '<number:year number:style="long"/></number:date-style>',
    "text": '<number:text-style style:name="text"><number:text-content/></number:text-style>',
}


def s(text: str) -> tuple[str, str, str | None]:
    return ("string", text, None)


def n(value: float | int, style: str | None = None) -> tuple[str, str, str | None]:
    return ("float", repr(value), style)


def d(iso: str, style: str) -> tuple[str, str, str | None]:
    return ("date", iso, style)


def f(formula: str) -> tuple[str, str, str | None]:
    return ("formula", formula, None)


Cell = tuple[str, str, str | None] | str | None

FORMATS: list[list[Cell]] = [
    HEADER,
    # shown 19900714 and 00123: clean
    [
        "ann@example.com",
        "Abcdef1!x",
        "Ann",
        "Lee",
        d("1990-07-14", "yyyymmdd"),
        "female",
        n(123, "zero5"),
        n(72.5, "dec1"),
    ],
    # an ISO-formatted date (fix 19850302); a 19-digit id shown in scientific notation
    [
        "bob@example.com",
        "Abcdef1!y",
        "Bob",
        "Ray",
        d("1985-03-02", "iso"),
        "male",
        n(4111111111111110144),
        n(80),
    ],
    # a US-formatted date (fix 19791120); Female (fix female)
    ["cai@example.com", "Abcdef1!z", "Cai", "Wu", d("1979-11-20", "us"), "Female", "A-7", None],
    # a password typed as =Spring2024! became a formula; a number formatted as text
    [
        "dee@example.com",
        f("of:=Spring2024!"),
        "Dee",
        "Ng",
        "19920101",
        "female",
        n(42, "text"),
        None,
    ],
    # a date shown with a month name (fix 20010203)
    [
        "eli@example.com",
        "Abcdef1!w",
        "Eli",
        "Roe",
        d("2001-02-03", "dmonyyyy"),
        "male",
        None,
        n(65.25, "dec1"),
    ],
]

ROSTER_CLEAN: list[list[Cell]] = [
    HEADER[:6],
    ["ann@example.com", "Abcdef1!x", "Ann", "Lee", "19900714", "female"],
    ["bob@example.com", "Abcdef1!y", "Bob", "Ray", "19850302", "male"],
]

INSTRUCTIONS: list[list[Cell]] = [
    ["How to fill in the roster"],
    ["One client per row on the Roster tab; birthdates as YYYYMMDD."],
]


def european(style: str) -> list[list[Cell]]:
    """The same roster for a German and an English locale: only Height's display differs."""
    return [
        HEADER,
        ["ann@example.com", "Abcdef1!x", "Ann", "Lee", "19900714", "female", "A-1", n(72.5, style)],
        ["bob@example.com", "Abcdef1!y", "Bob", "Ray", "1985-03-02", "Male", "A-2", n(80, style)],
    ]


# dates whose shown text has no one reading (3 April or 4 March?): the value the cell holds decides
AMBIGUOUS_DATES: list[list[Cell]] = [
    HEADER[:6],
    ["ann@example.com", "Abcdef1!x", "Ann", "Lee", d("1990-03-04", "us"), "female"],
    ["bob@example.com", "Abcdef1!y", "Bob", "Ray", d("1985-02-01", "dotted"), "male"],
]

LATIN = [HEADER[:6], ["zoe@example.com", "Abcdef1!x", "Zoë", "Lee", "19800101", "female"]]

# file stem -> tabs; and which formats LibreOffice writes for it
FIXTURES: dict[str, tuple[dict[str, list[list[Cell]]], tuple[str, ...]]] = {
    "formats": ({"Roster": FORMATS}, ("xlsx", "ods", "csv")),
    "instructions_first": (
        {"Instructions": INSTRUCTIONS, "Roster": ROSTER_CLEAN},
        ("xlsx", "ods"),
    ),
    "no_roster_tab": (
        {"Instructions": INSTRUCTIONS, "Notes": [["Nothing here yet"]]},
        ("xlsx", "ods"),
    ),
    "european_de": ({"Roster": european("dec1_de")}, ("csv_semicolon",)),
    "european_en": ({"Roster": european("dec1")}, ("csv",)),
    "ambiguous_dates": ({"Roster": AMBIGUOUS_DATES}, ("xlsx", "ods", "csv")),
    "latin": ({"Roster": LATIN}, ("csv_windows1252", "csv_utf16")),
}

# LibreOffice's CSV filter options: delimiter, quote, character set, first line
# (https://help.libreoffice.org/latest/en-US/text/shared/guide/csv_params.html)
CSV_FILTERS = {
    "csv": ("csv", "44,34,76,1"),  # comma, UTF-8: Excel's "CSV UTF-8", Google Sheets' download
    "csv_semicolon": ("csv", "59,34,76,1"),  # semicolon: a European-locale Excel or LibreOffice
    "csv_windows1252": ("csv", "44,34,1,1"),  # Windows-1252: Excel's plain "CSV" on Windows
    "csv_utf16": ("txt", "9,34,65535,1"),  # UTF-16, tabs: Excel's "Unicode Text"
}


def fods(tabs: dict[str, list[list[Cell]]]) -> str:
    used = sorted(
        {c[2] for rows in tabs.values() for r in rows for c in r if isinstance(c, tuple) and c[2]}
    )
    styles = "".join(STYLES[name] for name in used) + "".join(
        f'<style:style style:name="c_{name}" style:family="table-cell" '
        f'style:parent-style-name="Default" style:data-style-name="{name}"/>'
        for name in used
    )
    tables = []
    for title, rows in tabs.items():
        body = "".join(
            "<table:table-row>" + "".join(_cell(c) for c in row) + "</table:table-row>"
            for row in rows
        )
        tables.append(f"<table:table table:name={quoteattr(title)}>{body}</table:table>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
        'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" office:version="1.3" '
        'office:mimetype="application/vnd.oasis.opendocument.spreadsheet">\n'
        f"<office:automatic-styles>{styles}</office:automatic-styles>\n"
        "<office:body><office:spreadsheet>\n" + "\n".join(tables) + "\n"
        "</office:spreadsheet></office:body></office:document>\n"
    )


def _cell(cell: Cell) -> str:
    if cell is None:
        return "<table:table-cell/>"
    if isinstance(cell, str):
        cell = s(cell)
    kind, value, style = cell
    styled = f' table:style-name="c_{style}"' if style else ""
    if kind == "string":
        return (
            f'<table:table-cell office:value-type="string"{styled}>'
            f"<text:p>{escape(value)}</text:p></table:table-cell>"
        )
    if kind == "float":
        return f'<table:table-cell office:value-type="float" office:value="{value}"{styled}/>'
    if kind == "date":
        return f'<table:table-cell office:value-type="date" office:date-value="{value}"{styled}/>'
    return f"<table:table-cell table:formula={quoteattr(value)}/>"


def convert(soffice: str, source: Path, target: str) -> None:
    """Have LibreOffice save `source` as `target` (xlsx, ods or one of CSV_FILTERS)."""
    with tempfile.TemporaryDirectory() as out:
        if target in CSV_FILTERS:
            extension, options = CSV_FILTERS[target]
            spec = f"{extension}:Text - txt - csv (StarCalc):{options}"
            name = f"{source.stem}.csv" if target == "csv" else f"{source.stem}_{target[4:]}.csv"
        else:
            spec, extension, name = target, target, f"{source.stem}.{target}"
        subprocess.run(
            [soffice, "--headless", "--convert-to", spec, "--outdir", out, str(source)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        shutil.move(str(Path(out) / f"{source.stem}.{extension}"), HERE / name)


def main() -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        sys.exit("LibreOffice (soffice) is needed: apt-get install libreoffice-calc-nogui")
    for stem, (tabs, targets) in FIXTURES.items():
        source = HERE / f"{stem}.fods"
        source.write_text(fods(tabs), encoding="utf-8")
        for target in targets:
            convert(soffice, source, target)
    version = subprocess.run([soffice, "--version"], capture_output=True, text=True).stdout
    (HERE / "LIBREOFFICE_VERSION").write_text(version.strip() + "\n")


if __name__ == "__main__":
    main()
