"""The column rules of SPEC §2, one table per column: failing values with their code and fix,
passing values with no issue at all."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from service.roster.organisation import AttributeDefinition, OrgSnapshot

from .builders import (
    HEADER,
    TODAY,
    cell_of,
    check_value,
    client,
    codes_at,
    issues_at,
    validate,
)

TOMORROW = TODAY + dt.timedelta(days=1)


def assert_wrong(field: str, value: str, codes: set[str], fix: str | None) -> None:
    """The cell, and only it, has errors with these codes, each carrying `fix`; a fix is clean."""
    validation, issues = check_value(field, value)
    assert {issue.code for issue in issues} == codes
    assert all(issue.severity == "error" for issue in issues)
    assert all(issue.field == field for issue in issues)
    assert all(issue.fix == fix for issue in issues)
    assert {issue.cell for issue in validation.issues} == {cell_of(field)}
    assert validation.clients == []
    if fix is not None:
        fixed, issues = check_value(field, fix)
        assert fixed.issues == []
        assert [c.row for c in fixed.clients] == [2]


def assert_right(field: str, value: str) -> None:
    validation, _ = check_value(field, value)
    assert validation.issues == []
    assert [c.row for c in validation.clients] == [2]


# --- email_address -------------------------------------------------------------------------

WRONG_EMAILS = [
    ("Ann@Example.com", {"email.not_lowercase"}, "ann@example.com"),
    ("ANN@EXAMPLE.COM", {"email.not_lowercase"}, "ann@example.com"),
    ("ａｎｎ@example.com", {"email.full_width"}, "ann@example.com"),
    ("ＡＮＮ@ｅｘａｍｐｌｅ.com", {"email.full_width", "email.not_lowercase"}, "ann@example.com"),
    ("ann＠example．com", {"email.full_width"}, "ann@example.com"),
    ("ann@example.com\u200b", {"email.invisible_characters"}, "ann@example.com"),
    ("\u200bann@example.com", {"email.invisible_characters"}, "ann@example.com"),
    ("ann@example.com\u00a0", {"email.invisible_characters"}, "ann@example.com"),
    ("\ufeffann@example.com", {"email.invisible_characters"}, "ann@example.com"),
    (
        "ANN@example.com\u00a0",
        {"email.invisible_characters", "email.not_lowercase"},
        "ann@example.com",
    ),
    (" ann@example.com ", {"email.surrounding_spaces"}, "ann@example.com"),
    ("ann@example.com\n", {"email.surrounding_spaces"}, "ann@example.com"),
    ("\u3000ann@example.com", {"email.surrounding_spaces"}, "ann@example.com"),
    ("an\u200bn@example.com", {"email.invisible_characters"}, None),
    ("ann\u00a0lee@example.com", {"email.invisible_characters"}, None),
    ("ann@exam\u200cple.com", {"email.invisible_characters"}, None),
    ("\u200ban\u200bn@example.com", {"email.invisible_characters"}, None),
    ("ann.example.com", {"email.no_at"}, None),
    ("ann@", {"email.nothing_after_at"}, None),
    ("@example.com", {"email.nothing_before_at"}, None),
    ("ann@@example.com", {"email.doubled_at"}, "ann@example.com"),
    ("ann@example", {"email.domain_without_dot"}, None),
    ("ann..lee@example.com", {"email.consecutive_dots"}, "ann.lee@example.com"),
    (".ann@example.com", {"email.dot_at_edge"}, None),
    ("ann@-example.com", {"email.domain_dash"}, None),
    ("ann@exa_mple.com", {"email.character_not_allowed"}, None),
    ("ann lee@example.com", {"email.space"}, None),
    ("ann@example.com, bob@example.com", {"email.several_addresses"}, None),
    ("ánn@example.com", {"email.accented_letter"}, None),
    ("a" * 65 + "@example.com", {"email.name_part_too_long"}, None),
    (
        "ann@" + "a" * 63 + "." + "b" * 63 + "." + "c" * 63 + "." + "d" * 61 + ".com",
        {"email.too_long"},
        None,
    ),
]


@pytest.mark.parametrize(("value", "codes", "fix"), WRONG_EMAILS, ids=repr)
def test_a_wrong_email_is_an_error_with_a_fix_only_when_unambiguous(value, codes, fix):
    assert_wrong("email_address", value, codes, fix)


def test_invisible_characters_at_the_ends_and_inside_an_email_make_one_message():
    _, [issue] = check_value("email_address", "\u200ban\u200bn@example.com")
    assert issue.message.startswith("This email address contains invisible characters")


def test_uppercase_email_gets_a_lowercase_fix():
    _, [issue] = check_value("email_address", "Ann.Lee@Example.COM")
    assert (issue.code, issue.fix, issue.cell) == (
        "email.not_lowercase",
        "ann.lee@example.com",
        "A2",
    )


@pytest.mark.parametrize(
    "value",
    [
        "ann@example.com",
        "ann.lee+coach@example.co.uk",
        "a_b-c@sub.example.org",
        "o'brien@example.ie",
        "=ann@example.com",
        "x@example.io",
        "a" * 64 + "@example.com",
        "ann@xn--bcher-kva.example",
        "1@2.example",
    ],
    ids=repr,
)
def test_a_valid_lowercase_email_passes(value):
    assert_right("email_address", value)


@pytest.mark.parametrize("value", ["", " ", "\u200b", "\u00a0 \u200b"], ids=repr)
def test_a_blank_email_is_required(value):
    _, [issue] = check_value("email_address", value)
    assert (issue.code, issue.fix, issue.severity) == ("email.required", None, "error")


def test_emails_differing_only_in_case_are_flagged_on_every_occurrence_naming_the_others():
    validation = validate(
        client(email_address="ann@example.com"),
        client(email_address="bob@example.com"),
        client(email_address="Ann@Example.com"),
        client(email_address="ANN@example.com "),
    )
    duplicates = [i for i in validation.issues if i.code == "email.duplicate"]
    assert [(i.cell, i.severity) for i in duplicates] == [
        ("A2", "error"),
        ("A4", "error"),
        ("A5", "error"),
    ]
    assert "rows 4, 5" in duplicates[0].message
    assert "rows 2, 5" in duplicates[1].message
    assert "rows 2, 4" in duplicates[2].message
    assert codes_at(validation, "A3") == set()
    assert [c.row for c in validation.clients] == [3]


def test_two_rows_with_one_email_name_each_other():
    validation = validate(client(), client())
    assert [(i.cell, i.message) for i in validation.issues] == [
        ("A2", "This email address is also in row 3: each client needs their own."),
        ("A3", "This email address is also in row 2: each client needs their own."),
    ]


def test_a_duplicate_email_repeated_thousands_of_times_names_a_few_rows_and_counts_the_rest():
    validation = validate(*[client() for _ in range(2000)])
    messages = {i.message for i in validation.issues if i.cell == "A2"}
    assert messages == {
        "This email address is also in rows 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 "
        "and 1,989 more: each client needs their own."
    }


# --- initial_password ----------------------------------------------------------------------

WRONG_PASSWORDS = [
    ("Sh0rt!", "password.length"),
    ("Aa1!aaa", "password.length"),
    ("Aa1!" + "a" * 125, "password.length"),
    ("alllower1!", "password.too_weak"),
    ("ALLUPPER1!", "password.too_weak"),
    ("NoDigits!!", "password.too_weak"),
    ("NoSymbol11", "password.too_weak"),
    ("Spaced out1", "password.too_weak"),
    ("aaaaaaaaaa", "password.too_weak"),
    (" Leading1!", "password.surrounding_whitespace"),
    ("Trailing1! ", "password.surrounding_whitespace"),
    ("Trailing1!\t", "password.surrounding_whitespace"),
    ("Trailing1!\u00a0", "password.surrounding_whitespace"),
    ("Trailing1!\u200b", "password.invisible_characters"),
    ("\ufeffLeading1!", "password.invisible_characters"),
    ("", "password.required"),
    ("   ", "password.required"),
]


@pytest.mark.parametrize(("value", "code"), WRONG_PASSWORDS, ids=repr)
def test_a_wrong_password_is_an_error_without_a_fix_or_the_password_in_the_message(value, code):
    validation, issues = check_value("initial_password", value)
    assert [(i.code, i.severity, i.fix) for i in issues] == [(code, "error", None)]
    assert validation.clients == []
    for issue in validation.issues:
        assert value.strip() not in issue.message or not value.strip()
        assert issue.fix is None


def test_a_weak_password_message_says_everything_it_lacks():
    _, [issue] = check_value("initial_password", "aaaaaaaaaa")
    assert issue.message == (
        "The password needs an uppercase letter, a digit and a symbol (such as ! # - or *)."
    )


@pytest.mark.parametrize(
    "value",
    [
        "Aa1!aaaa",
        "Corr3ct-horse",
        "Aa1!" + "a" * 124,
        "Pass word1!",
        "Pässwörd1€",
        "Ünïcode9_",
        "Tab\tinside1!",
        "Emoji🙂Pass1",
        "Comb\u0301ined1",
    ],
    ids=repr,
)
def test_a_strong_password_passes(value):
    assert_right("initial_password", value)


# --- first_name and last_name --------------------------------------------------------------

BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]

WRONG_NAMES = [
    ("", "{}.required", None),
    ("   ", "{}.required", None),
    ("\u00a0\u200b", "{}.required", None),
    ("A" * 101, "{}.too_long", None),
    ("Ann\x07", "{}.control_characters", "Ann"),
    ("Ann\u200b\x07", "{}.control_characters", "Ann"),
    ("Ann\x00Lee", "{}.control_characters", "AnnLee"),
    ("Ann\nMarie", "{}.control_characters", "Ann Marie"),
    ("Ann\tMarie", "{}.control_characters", "Ann Marie"),
    ("Ann\r\nMarie", "{}.control_characters", "Ann Marie"),
    ("\u2066Ann\u2069", "{}.text_direction", "Ann"),
    ("A" * 101 + "\x07", "{}.control_characters", None),
    (" Ann", "{}.surrounding_spaces", "Ann"),
    ("Ann\n", "{}.surrounding_spaces", "Ann"),
    ("Ann\u00a0", "{}.invisible_characters", "Ann"),
    ("\u200bAnn", "{}.invisible_characters", "Ann"),
    *[(f"An{mark}n", "{}.text_direction", "Ann") for mark in BIDI],
    ("Ana\u202eairaM", "{}.text_direction", "AnaMaria"),
    ("Ana\u202e(airaM)", "{}.text_direction", None),
    ("\u202bAnn \u202c", "{}.text_direction", None),
    ("\u202eمحمد", "{}.text_direction", None),
    ("Ann\u202e\u202dLee", "{}.text_direction", None),
]


@pytest.mark.parametrize("field", ["first_name", "last_name"])
@pytest.mark.parametrize(("value", "code", "fix"), WRONG_NAMES, ids=repr)
def test_a_wrong_name_is_an_error_with_a_fix_when_one_is_clear(field, value, code, fix):
    assert_wrong(field, value, {code.format(field)}, fix)


@pytest.mark.parametrize("field", ["first_name", "last_name"])
@pytest.mark.parametrize(
    "value",
    [
        "Ann",
        "A",
        "A" * 100,
        "José",
        "Jose\u0301",
        "Anne-Marie",
        "O'Brien",
        "Zoë Lee",
        "李",
        "محمد",
        "Ann  Marie",
        "=Ann",
    ],
    ids=repr,
)
def test_a_plain_name_passes(field, value):
    assert_right(field, value)


# --- birthdate ------------------------------------------------------------------------------

WRONG_BIRTHDATES = [
    ("19000229", "birthdate.not_a_date", None),
    ("20230229", "birthdate.not_a_date", None),
    ("19851332", "birthdate.not_a_date", None),
    ("19850431", "birthdate.not_a_date", None),
    ("00000000", "birthdate.not_a_date", None),
    ("18991231", "birthdate.too_early", None),
    (TOMORROW.strftime("%Y%m%d"), "birthdate.in_future", None),
    ("29991231", "birthdate.in_future", None),
    ("1985-03-14", "birthdate.format", "19850314"),
    ("1985/03/14", "birthdate.format", "19850314"),
    ("1985-3-4", "birthdate.format", "19850304"),
    ("1985-03-14 00:00:00", "birthdate.format", "19850314"),
    ("14/03/1985", "birthdate.format", "19850314"),
    ("14.03.1985", "birthdate.format", "19850314"),
    ("14-03-1985", "birthdate.format", "19850314"),
    ("3/14/1985", "birthdate.format", "19850314"),
    ("04/04/1985", "birthdate.format", "19850404"),
    ("14 Mar 1985", "birthdate.format", "19850314"),
    ("14 March 1985", "birthdate.format", "19850314"),
    ("March 14, 1985", "birthdate.format", "19850314"),
    ("29/02/2000", "birthdate.format", "20000229"),
    ("１９８５０３１４", "birthdate.format", "19850314"),
    ("١٩٨٥٠٣١٤", "birthdate.format", "19850314"),
    ("03/04/1985", "birthdate.format", None),
    ("12/11/1985", "birthdate.format", None),
    ("29/02/2001", "birthdate.format", None),
    ("1985-02-29", "birthdate.format", None),
    ("1899-12-31", "birthdate.format", None),
    (TOMORROW.isoformat(), "birthdate.format", None),
    ("14/03/85", "birthdate.format", None),
    ("1985314", "birthdate.format", None),
    ("198503140", "birthdate.format", None),
    ("yesterday", "birthdate.format", None),
    ("31121985", "birthdate.not_a_date", None),
    ("", "birthdate.required", None),
    (" 19850314", "birthdate.surrounding_spaces", "19850314"),
    ("19850314\u200b", "birthdate.invisible_characters", "19850314"),
]


@pytest.mark.parametrize(("value", "code", "fix"), WRONG_BIRTHDATES, ids=repr)
def test_a_wrong_birthdate_is_an_error_fixed_only_when_the_date_is_certain(value, code, fix):
    assert_wrong("birthdate", value, {code}, fix)


@pytest.mark.parametrize(
    "value",
    [
        "19850314",
        "20000229",
        "19960229",
        "19000101",
        "19000102",
        TODAY.strftime("%Y%m%d"),
        (TODAY - dt.timedelta(days=1)).strftime("%Y%m%d"),
    ],
    ids=repr,
)
def test_a_real_past_birthdate_written_yyyymmdd_passes(value):
    assert_right("birthdate", value)


def test_a_birthdate_is_loaded_as_a_date():
    [row] = validate(client(birthdate="20000229")).clients
    assert row.birthdate == dt.date(2000, 2, 29)


def test_a_birthdate_typed_as_a_date_gets_the_yyyymmdd_fix():
    _, [issue] = check_value("birthdate", "1985-03-14")
    assert (issue.cell, issue.code, issue.fix) == ("E2", "birthdate.format", "19850314")


def test_an_ambiguous_day_and_month_gets_no_fix():
    _, [issue] = check_value("birthdate", "03/04/1985")
    assert (issue.code, issue.fix) == ("birthdate.format", None)


# --- gender ---------------------------------------------------------------------------------

WRONG_GENDERS = [
    ("Male", "gender.invalid", "male"),
    ("FEMALE", "gender.invalid", "female"),
    ("Female", "gender.invalid", "female"),
    (" male", "gender.surrounding_spaces", "male"),
    ("female\u00a0", "gender.invisible_characters", "female"),
    ("m", "gender.invalid", "male"),
    ("f", "gender.invalid", "female"),
    ("M", "gender.invalid", "male"),
    ("F.", "gender.invalid", "female"),
    ("man", "gender.invalid", None),
    ("other", "gender.invalid", None),
    ("fem ale", "gender.invalid", None),
    ("", "gender.required", None),
]


@pytest.mark.parametrize(("value", "code", "fix"), WRONG_GENDERS, ids=repr)
def test_a_gender_other_than_male_or_female_is_an_error(value, code, fix):
    assert_wrong("gender", value, {code}, fix)


@pytest.mark.parametrize("value", ["male", "female"])
def test_male_and_female_pass(value):
    assert_right("gender", value)


def test_capitalised_male_and_m_get_the_fix_male_with_their_own_messages():
    _, [capital] = check_value("gender", "Male")
    _, [letter] = check_value("gender", "m")
    assert (capital.fix, letter.fix) == ("male", "male")
    assert capital.message == 'Write the gender in lowercase: "male".'
    assert letter.message == '"m" is short for "male": write the whole word.'


# --- tag ------------------------------------------------------------------------------------

WRONG_TAGS = [
    ("vip", {"tag.wrong_case"}, "VIP"),
    ("Vip", {"tag.wrong_case"}, "VIP"),
    ("DIABETES TYPE 2", {"tag.wrong_case"}, "Diabetes type 2"),
    (" VIP", {"tag.surrounding_spaces"}, "VIP"),
    ("VIP\u200b", {"tag.invisible_characters"}, "VIP"),
    (" vip", {"tag.surrounding_spaces", "tag.wrong_case"}, "VIP"),
    ("Gold", {"tag.unknown"}, None),
    ("VIP, Diabetes type 2", {"tag.unknown"}, None),
    ("VlP", {"tag.unknown"}, None),
]


@pytest.mark.parametrize(("value", "codes", "fix"), WRONG_TAGS, ids=repr)
def test_a_tag_that_is_not_the_organisations_is_an_error(value, codes, fix):
    assert_wrong("tag", value, codes, fix)


@pytest.mark.parametrize("value", ["VIP", "Diabetes type 2", "", "  ", "\u200b"], ids=repr)
def test_an_existing_tag_or_an_empty_cell_passes(value):
    assert_right("tag", value)


def test_a_tag_in_the_wrong_case_gets_the_exact_name_as_fix():
    _, [issue] = check_value("tag", "diabetes Type 2")
    assert (issue.cell, issue.code, issue.fix) == ("G2", "tag.wrong_case", "Diabetes type 2")
    assert '"Diabetes type 2"' in issue.message


def test_an_unknown_tag_close_to_an_existing_one_is_suggested_in_words_only():
    _, [issue] = check_value("tag", "VIPP")
    assert (issue.code, issue.fix) == ("tag.unknown", None)
    assert 'Did you mean "VIP"?' in issue.message


def test_every_tag_column_is_checked_and_the_tags_are_loaded_once_each():
    second = HEADER.index("tag") + 1
    row = client(tag="VIP")
    row[second] = "Diabetes type 2"
    wrong = client(email_address="bob@example.com", tag="VIP")
    wrong[second] = "gold"
    same = client(email_address="cy@example.com", tag="VIP")
    same[second] = "VIP"
    validation = validate(row, wrong, same)
    assert [(i.cell, i.code) for i in validation.issues] == [("H3", "tag.unknown")]
    assert {c.row: c.tags for c in validation.clients} == {
        2: ("VIP", "Diabetes type 2"),
        4: ("VIP",),
    }


# --- external_id ----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["", "A-1", "x" * 255, "ext-1", "=1"], ids=repr)
def test_a_short_unused_external_id_passes(value):
    assert_right("external_id", value)


@pytest.mark.parametrize(
    ("value", "codes", "fix"),
    [
        ("x" * 256, {"external_id.too_long"}, None),
        (" A-1", {"external_id.surrounding_spaces"}, "A-1"),
        ("A-1\u200b", {"external_id.invisible_characters"}, "A-1"),
        ("EXT-1", {"external_id.taken"}, None),
        (" EXT-1", {"external_id.surrounding_spaces", "external_id.taken"}, "EXT-1"),
    ],
    ids=repr,
)
def test_a_wrong_external_id_is_an_error(value, codes, fix):
    validation, issues = check_value("external_id", value)
    assert {i.code for i in issues} == codes
    assert {i.fix for i in issues if i.code != "external_id.taken"} <= {fix}
    assert validation.clients == []


def test_an_external_id_used_twice_in_the_sheet_is_flagged_on_both_rows():
    validation = validate(
        client(external_id="A-1"),
        client(email_address="bob@example.com", external_id="A-1"),
        client(email_address="cy@example.com", external_id="a-1"),
    )
    assert [(i.cell, i.code, i.message) for i in validation.issues] == [
        (
            "I2",
            "external_id.duplicate",
            "This external id is also in row 3: each client needs their own.",
        ),
        (
            "I3",
            "external_id.duplicate",
            "This external id is also in row 2: each client needs their own.",
        ),
    ]


def test_an_external_id_of_another_client_of_the_organisation_is_an_error():
    _, [issue] = check_value("external_id", "EXT-1")
    assert (issue.cell, issue.code, issue.severity) == ("I2", "external_id.taken", "error")
    assert "old@example.com" in issue.message


def test_an_external_id_held_by_the_same_clients_email_is_fine():
    validation = validate(client(email_address="old@example.com", external_id="EXT-1"))
    assert [(i.cell, i.code, i.severity) for i in validation.issues] == [
        ("A2", "email.already_client", "warning")
    ]


def test_an_external_id_of_another_client_is_reported_even_when_the_row_has_other_errors():
    validation = validate(client(gender="Male", external_id="EXT-1"))
    assert [(i.cell, i.code) for i in validation.issues] == [
        ("F2", "gender.invalid"),
        ("I2", "external_id.taken"),
    ]


def test_an_external_id_is_compared_with_the_email_as_it_will_be_once_fixed():
    validation = validate(client(email_address="OLD@example.com", external_id="EXT-1"))
    assert codes_at(validation, "I2") == set()


# --- attribute:<Name> -----------------------------------------------------------------------

WRONG_ATTRIBUTES = [
    ("attribute:Notes", "x" * 1001, {"attribute.too_long"}, None),
    ("attribute:Weight", "1,000", {"attribute.not_a_number"}, None),
    ("attribute:Weight", "72 kg", {"attribute.not_a_number"}, None),
    ("attribute:Weight", "1.2.3", {"attribute.not_a_number"}, None),
    ("attribute:Weight", "--1", {"attribute.not_a_number"}, None),
    ("attribute:Weight", "+", {"attribute.not_a_number"}, None),
    ("attribute:Weight", ".", {"attribute.not_a_number"}, None),
    ("attribute:Weight", "1e5", {"attribute.not_a_number"}, None),
    ("attribute:Weight", "NaN", {"attribute.not_a_number"}, None),
    ("attribute:Weight", "Infinity", {"attribute.not_a_number"}, None),
    ("attribute:Weight", "٧٢", {"attribute.not_a_number"}, None),
    ("attribute:Weight", "１２", {"attribute.not_a_number"}, None),
    ("attribute:Weight", " 72", {"attribute.surrounding_spaces"}, "72"),
    ("attribute:Started", "20240230", {"attribute.not_a_date"}, None),
    ("attribute:Started", "2024-01-31", {"attribute.format"}, "20240131"),
    ("attribute:Started", "31/01/2024", {"attribute.format"}, "20240131"),
    ("attribute:Started", "01/02/2024", {"attribute.format"}, None),
    ("attribute:Started", "soon", {"attribute.format"}, None),
    ("attribute:Consented", "yes", {"attribute.not_a_boolean"}, None),
    ("attribute:Consented", "1", {"attribute.not_a_boolean"}, None),
    ("attribute:Consented", "0", {"attribute.not_a_boolean"}, None),
    ("attribute:Consented", "Y", {"attribute.not_a_boolean"}, None),
    ("attribute:Consented", "checked", {"attribute.not_a_boolean"}, None),
    ("attribute:Consented", " TRUE", {"attribute.surrounding_spaces"}, "TRUE"),
    ("attribute:Plan", "basic", {"attribute.not_a_choice"}, "Basic"),
    ("attribute:Plan", "PREMIUM", {"attribute.not_a_choice"}, "Premium"),
    ("attribute:Plan", "Gold", {"attribute.not_a_choice"}, None),
    ("attribute:Plan", "Basic Premium", {"attribute.not_a_choice"}, None),
]


@pytest.mark.parametrize(("field", "value", "codes", "fix"), WRONG_ATTRIBUTES, ids=repr)
def test_an_attribute_value_that_does_not_fit_its_type_is_an_error(field, value, codes, fix):
    assert_wrong(field, value, codes, fix)


RIGHT_ATTRIBUTES = [
    ("attribute:Notes", "x" * 1000, "x" * 1000),
    ("attribute:Notes", "Line one\nline two =SUM(A1)", "Line one\nline two =SUM(A1)"),
    ("attribute:Weight", "72", Decimal("72")),
    ("attribute:Weight", "+1", Decimal("1")),
    ("attribute:Weight", "-2.5", Decimal("-2.5")),
    ("attribute:Weight", ".5", Decimal("0.5")),
    ("attribute:Weight", "0", Decimal("0")),
    ("attribute:Weight", "007.250", Decimal("7.25")),
    ("attribute:Started", "20240131", dt.date(2024, 1, 31)),
    ("attribute:Started", "20240229", dt.date(2024, 2, 29)),
    ("attribute:Consented", "TRUE", True),
    ("attribute:Consented", "FALSE", False),
    ("attribute:Consented", "true", True),
    ("attribute:Consented", "False", False),
    ("attribute:Consented", "tRuE", True),
    ("attribute:Plan", "Basic", "Basic"),
    ("attribute:Plan", "Premium", "Premium"),
]


@pytest.mark.parametrize(("field", "value", "loaded"), RIGHT_ATTRIBUTES, ids=repr)
def test_an_attribute_value_that_fits_its_type_passes_and_is_loaded(field, value, loaded):
    validation, _ = check_value(field, value)
    assert validation.issues == []
    [row] = validation.clients
    assert row.attributes[field.split(":")[1]] == loaded


@pytest.mark.parametrize("field", [h for h in HEADER if h.startswith("attribute:")])
def test_an_empty_attribute_cell_passes_and_is_not_loaded(field):
    validation, _ = check_value(field, "")
    assert validation.issues == []
    assert validation.clients[0].attributes == {}


def test_a_choice_attribute_with_no_choices_defined_is_an_error_not_a_crash():
    org = OrgSnapshot(attributes={"Level": AttributeDefinition("Level", "choice")})
    header = [*HEADER[:6], "attribute:Level"]
    validation = validate(client(header, **{"attribute:Level": "High"}), header=header, org=org)
    [issue] = validation.issues
    assert (issue.cell, issue.code, issue.fix) == ("G2", "attribute.not_a_choice", None)
    assert "no choices" in issue.message


def test_a_choice_in_the_wrong_case_gets_the_exact_choice_as_fix():
    _, [issue] = check_value("attribute:Plan", "premium")
    assert (issue.cell, issue.fix) == ("M2", "Premium")
    assert (
        issue.message == 'Write the attribute "Plan" exactly as the choice is spelled: "Premium".'
    )


def test_the_organisations_attributes_are_what_an_attribute_column_is_checked_against():
    org = OrgSnapshot(attributes={"Plan": AttributeDefinition("Plan", "choice", ("Gold",))})
    header = [*HEADER[:6], "attribute:Plan"]
    validation = validate(client(header, **{"attribute:Plan": "Basic"}), header=header, org=org)
    assert [(i.cell, i.code) for i in validation.issues] == [("G2", "attribute.not_a_choice")]
    assert issues_at(validation, "G2")[0].fix is None


@pytest.mark.parametrize(
    ("column", "value", "code", "fix"),
    [
        ("external_id", "EXT\x00-1", "external_id.control_characters", "EXT-1"),
        ("initial_password", "Abcdef1!\x00", "password.control_characters", None),
    ],
)
def test_control_characters_that_postgresql_cannot_store_are_errors(column, value, code, fix):
    from service.roster.engine import validate_grid
    from service.roster.grid import Grid
    from service.roster.organisation import OrgSnapshot

    header = [
        "email_address",
        "initial_password",
        "first_name",
        "last_name",
        "birthdate",
        "gender",
        "external_id",
    ]
    row = ["ann@example.com", "Abcdef1!x", "Ann", "Lee", "19800101", "female", "EXT-1"]
    row[header.index(column)] = value
    issues = validate_grid(Grid([header, row]), OrgSnapshot()).issues
    assert [(i.code, i.fix) for i in issues] == [(code, fix)]
    assert all("\x00" not in i.message for i in issues)


def test_tags_that_differ_only_in_case_make_a_case_fix_ambiguous():
    from service.roster.engine import validate_grid
    from service.roster.grid import Grid
    from service.roster.organisation import OrgSnapshot

    header = [
        "email_address",
        "initial_password",
        "first_name",
        "last_name",
        "birthdate",
        "gender",
        "tag",
    ]
    row = ["ann@example.com", "Abcdef1!x", "Ann", "Lee", "19800101", "female", "Vip"]
    issues = validate_grid(Grid([header, row]), OrgSnapshot(tags=frozenset({"VIP", "vip"}))).issues
    assert [(i.code, i.fix) for i in issues] == [("tag.wrong_case", None)]
    assert issues[0].message == 'Tags are case-sensitive: write "VIP" or "vip".'
