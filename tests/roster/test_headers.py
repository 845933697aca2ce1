"""Row 1: which column holds which field, and what is wrong with the headers (SPEC §2)."""

from __future__ import annotations

import pytest

from service.api.schemas import IssueSchema
from service.roster.columns import REQUIRED, read_header

from .builders import GOOD, HEADER, ORG, client, codes_at, issues_at, validate

REQUIRED_HEADER = list(REQUIRED)


@pytest.mark.parametrize(
    "spelling",
    [
        ["EMAIL_ADDRESS", "Initial_Password", "First_Name", "LAST_NAME", "Birthdate", "Gender"],
        [
            "  email_address ",
            "\tinitial_password",
            "first_name\u00a0",
            "last_name",
            " birthdate",
            "gender  ",
        ],
        ["email_address", "initial_password", "first_name", "last_name", "birthdate", "GENDER\n"],
    ],
    ids=["any case", "surrounding spaces", "trailing line break"],
)
def test_headers_match_case_insensitively_after_trimming(spelling):
    validation = validate(client(REQUIRED_HEADER), header=spelling)
    assert validation.issues == []
    [row] = validation.clients
    assert row.email_address == GOOD["email_address"]


@pytest.mark.parametrize(
    "header",
    [
        "attribute:Weight",
        "attributes:Weight",
        "ATTRIBUTE:weight",
        "Attributes: WEIGHT ",
        "attribute: Weight",
    ],
)
def test_an_attribute_header_names_a_defined_attribute_in_any_case(header):
    validation = validate([*client(REQUIRED_HEADER), "72"], header=[*REQUIRED_HEADER, header])
    assert validation.issues == []
    assert validation.clients[0].attributes == {"Weight": 72}


UNKNOWN_HEADERS = [
    # header, code, suggestion in the message, fix
    ("Email", "header.unknown", "email_address", "email_address"),
    ("E-mail", "header.unknown", "email_address", "email_address"),
    ("First Name", "header.unknown", "first_name", "first_name"),
    ("first-name", "header.unknown", "first_name", "first_name"),
    ("Date of birth", "header.unknown", "birthdate", "birthdate"),
    ("Sex", "header.unknown", "gender", "gender"),
    ("Tags", "header.unknown", "tag", "tag"),
    ("External ID", "header.unknown", "external_id", "external_id"),
    ("Notes", "header.unknown", "attribute:Notes", "attribute:Notes"),
    ("external_id\u200b", "header.unknown", "external_id", "external_id"),
    ("Emial", "header.unknown", "email_address", None),
    ("externl_id", "header.unknown", "external_id", None),
    ("Colour", "header.unknown", "attribute:<Name>", None),
    ("attribute:Wieght", "header.unknown_attribute", "Weight", None),
    ("attribute:weight_", "header.unknown_attribute", "Weight", "attribute:Weight"),
    ("attributes:Blood type", "header.unknown_attribute", "Consented", None),
    ("attribute:", "header.unknown_attribute", "ask an admin", None),
]


@pytest.mark.parametrize(("header", "code", "suggestion", "fix"), UNKNOWN_HEADERS, ids=repr)
def test_an_unknown_header_is_an_error_on_its_cell_suggesting_the_closest_known_one(
    header, code, suggestion, fix
):
    # alone in row 1, so that a fix can never repeat a column that is already there
    validation = validate(header=[header])
    [issue] = issues_at(validation, "A1")
    assert (issue.row, issue.column, issue.field) == (1, 1, None)
    assert (issue.code, issue.severity, issue.fix) == (code, "error", fix)
    assert suggestion in issue.message


def test_an_unknown_header_with_no_close_match_lists_the_known_ones():
    [issue] = validate(header=[*REQUIRED_HEADER, "Colour"]).issues
    assert issue.message.startswith(
        '"Colour" is not a Roster column: rename it to one of email_address, initial_password'
    )


def test_a_header_fix_that_would_repeat_an_existing_column_is_not_offered():
    validation = validate(header=[*REQUIRED_HEADER, "Email"])
    [issue] = validation.issues
    assert (issue.cell, issue.code, issue.fix) == ("G1", "header.unknown", None)
    assert 'did you mean "email_address"?' in issue.message


def test_two_headers_that_would_be_fixed_to_the_same_column_get_no_fix():
    header = ["Email", "E-mail", *REQUIRED_HEADER[1:]]
    validation = validate(header=header)
    assert [(i.cell, i.code, i.fix) for i in validation.issues] == [
        (None, "header.missing_required", None),
        ("A1", "header.unknown", None),
        ("B1", "header.unknown", None),
    ]


def test_two_headers_fixed_to_the_repeatable_tag_both_keep_their_fix():
    validation = validate(header=[*REQUIRED_HEADER, "Tags", "TAGS "])
    assert [(i.cell, i.fix) for i in validation.issues] == [("G1", "tag"), ("H1", "tag")]


def test_cells_under_a_header_that_has_a_fix_are_checked_as_that_column_already():
    header = ["Email", *REQUIRED_HEADER[1:], "Tags"]
    validation = validate(client(header, Email="ANN@example.com", Tags="vip"), header=header)
    assert [(i.cell, i.code, i.fix) for i in validation.issues] == [
        (None, "header.missing_required", None),
        ("A1", "header.unknown", "email_address"),
        ("G1", "header.unknown", "tag"),
        ("A2", "email.not_lowercase", "ann@example.com"),
        ("G2", "tag.wrong_case", "VIP"),
    ]
    assert validation.clients == []


def test_cells_under_a_header_without_a_fix_are_neither_checked_nor_extra():
    validation = validate(
        [*client(REQUIRED_HEADER), "anything"], header=[*REQUIRED_HEADER, "Colour"]
    )
    assert [i.cell for i in validation.issues] == ["G1"]


@pytest.mark.parametrize(
    ("extra", "field", "first"),
    [
        (["gender"], "gender", 6),
        ([" EMAIL_ADDRESS"], "email_address", 1),
        (["external_id", "External_ID"], "external_id", 7),
        (["attribute:Weight", "attributes:weight"], "attribute:Weight", 7),
    ],
    ids=repr,
)
def test_a_non_repeatable_header_that_appears_twice_is_an_error_on_the_second(extra, field, first):
    header = [*REQUIRED_HEADER, *extra]
    [issue] = validate(header=header).issues
    assert (issue.row, issue.column, issue.cell) == (1, len(header), f"{chr(64 + len(header))}1")
    assert (issue.code, issue.field, issue.severity) == ("header.duplicate", field, "error")
    assert f"also in column {first}" in issue.message


def test_the_first_of_two_identical_headers_is_the_column_that_is_read():
    header = [*REQUIRED_HEADER, "gender"]
    validation = validate([*client(REQUIRED_HEADER), "nonsense"], header=header)
    assert [i.code for i in validation.issues] == ["header.duplicate"]
    assert validation.clients[0].gender == "female"


def test_a_repeated_tag_header_is_allowed():
    validation = validate(
        [*client(REQUIRED_HEADER), "VIP", "Diabetes type 2", "VIP"],
        header=[*REQUIRED_HEADER, "tag", "Tag", "TAG"],
    )
    assert validation.issues == []
    assert validation.clients[0].tags == ("VIP", "Diabetes type 2")


@pytest.mark.parametrize("missing", REQUIRED)
def test_a_missing_required_header_is_an_error_of_the_whole_sheet(missing):
    header = [h for h in REQUIRED_HEADER if h != missing]
    validation = validate(client(header), header=header)
    [issue] = validation.issues
    assert (issue.row, issue.column, issue.cell, issue.field) == (None, None, None, None)
    assert (issue.code, issue.severity, issue.fix) == ("header.missing_required", "error", None)
    assert f'"{missing}"' in issue.message
    assert validation.clients == []
    assert IssueSchema().dump(issue)["cell"] is None


def test_an_empty_sheet_misses_every_required_header():
    validation = validate(header=[])
    assert [i.code for i in validation.issues] == ["header.missing_required"] * 6
    assert issues_at(validation, None) == validation.issues
    assert validation.summary == {"rows": 0, "errors": 6, "warnings": 0}


def test_optional_headers_may_be_absent():
    validation = validate(client(REQUIRED_HEADER), header=REQUIRED_HEADER)
    assert validation.issues == []


def test_headers_may_come_in_any_order():
    header = list(reversed(HEADER))
    validation = validate(client(header), header=header)
    assert validation.issues == []
    assert codes_at(validate(client(header, gender="Male"), header=header), "I2") == {
        "gender.invalid"
    }


def test_read_header_reports_the_width_to_the_last_header():
    layout = read_header(["email_address", "", "gender", " ", ""], ORG)
    assert layout.width == 3
    assert [c.field for c in layout.columns] == ["email_address", "gender"]


def test_a_header_of_invisible_characters_only_is_no_header():
    validation = validate([*client(REQUIRED_HEADER), "x"], header=[*REQUIRED_HEADER, "\u200b"])
    assert [(i.cell, i.code) for i in validation.issues] == [("G2", "cell.extra")]
