"""The message-quality table: one row per kind of mistake a pro makes, and what Roster says.

Read it as a specification: for each mistake, the value typed in the cell, the issue's code,
the exact message the pro reads, the fix Roster offers ("—" when none is obvious) and whether
it blocks the import. The organisation is the one in builders.py: tags "VIP" and "Diabetes
type 2", attributes Weight (number), Started (date), Consented (boolean), Plan (choice of Basic
or Premium) and Notes (text); old@example.com is already a client and holds the id EXT-1.
"""

from __future__ import annotations

from typing import NamedTuple

import pytest

from service.roster.columns import REQUIRED
from service.roster.organisation import AttributeDefinition, OrgSnapshot

from .builders import check_value, client, issues_at, validate

NONE = None  # no fix: more than one correction is possible, or none is safe


class Kind(NamedTuple):
    mistake: str
    column: str
    value: str
    code: str
    message: str
    fix: str | None
    severity: str = "error"


CHECK = "Check the address with the client."

KINDS = [
    # --- email_address -------------------------------------------------------------------
    Kind("capitals", "email_address", "Ann@Example.com", "email.not_lowercase",
         "Email addresses must be all lowercase.", "ann@example.com"),
    Kind("no @ at all", "email_address", "ann.example.com", "email.no_at",
         "There is no @ in this address: write it as name@example.com.", NONE),
    Kind("two @ signs", "email_address", "ana@lopez@gmail.com", "email.several_at",
         "The address has 2 @ signs: an address has exactly one, between the name and the "
         "domain. " + CHECK, NONE),
    Kind("a doubled @", "email_address", "ana.perez@@gmail.com", "email.doubled_at",
         "The address has @@ where it needs one @: remove one.", "ana.perez@gmail.com"),
    Kind("nothing before the @", "email_address", "@gmail.com", "email.nothing_before_at",
         "Nothing comes before the @: add the name part, as in name@example.com.", NONE),
    Kind("nothing after the @", "email_address", "ann@", "email.nothing_after_at",
         "Nothing comes after the @: add the domain, as in name@example.com.", NONE),
    Kind("no dot in the domain", "email_address", "ana.notld@gmail", "email.domain_without_dot",
         'The domain "gmail" has no dot: it needs its ending, as in gmail.com or clinic.org. '
         + CHECK, NONE),
    Kind("a domain that starts with a dot", "email_address", "ana@.gmail.com",
         "email.domain_starts_with_dot", "The domain starts with a dot: remove it.",
         "ana@gmail.com"),
    Kind("a space", "email_address", "ana lopez@gmail.com", "email.space",
         "The address contains a space, and addresses have none: remove it (or ask the client "
         "whether it should be a dot or a dash).", NONE),
    Kind("two dots in a row", "email_address", "ana@gmail..com", "email.consecutive_dots",
         "The address has two dots in a row: remove one.", "ana@gmail.com"),
    Kind("a character not allowed", "email_address", "ann@exa_mple.com",
         "email.character_not_allowed",
         'The domain (after the @) contains "_", which an address cannot hold: check the '
         "address with the client.", NONE),
    Kind("an accented letter", "email_address", "ánn@example.com", "email.accented_letter",
         'The address contains "á": addresses use plain letters a-z (such as a), digits and '
         ". _ + -. " + CHECK, NONE),
    Kind("full-width letters", "email_address", "ａｎｎ@example.com", "email.full_width",
         "This email address is typed in full-width characters (as some keyboards type them): "
         "retype it in plain letters, or use the fix.", "ann@example.com"),
    Kind("mailto: in front", "email_address", "mailto:ana.gil@gmail.com", "email.mailto",
         'Remove "mailto:" from the start: the cell holds only the address.',
         "ana.gil@gmail.com"),
    Kind("a display name around it", "email_address", "Ana Gil <ana.gil2@gmail.com>",
         "email.display_name",
         "This cell holds a name and an address: keep only the address between < and >.",
         "ana.gil2@gmail.com"),
    Kind("angle brackets around it", "email_address", "<ana@gmail.com>",
         "email.angle_brackets", "Remove the < and > around the address.", "ana@gmail.com"),
    Kind("quotation marks around it", "email_address", '"ana@gmail.com"', "email.quoted",
         "Remove the quotation marks around the address.", "ana@gmail.com"),
    Kind("punctuation stuck to the end", "email_address", "ana.rios@gmail.com,",
         "email.trailing_punctuation",
         'The address ends with ",", which is not part of it: remove the ",".',
         "ana.rios@gmail.com"),
    Kind("a comma for a dot in the domain", "email_address", "ana@gmail,com",
         "email.comma_in_domain",
         "The domain has a comma where a dot belongs: write a dot (as in gmail.com).",
         "ana@gmail.com"),
    Kind("two addresses in one cell", "email_address", "ann@example.com, bob@example.com",
         "email.several_addresses",
         "This cell holds 2 email addresses: keep one (one client per row).", NONE),
    Kind("a dot before the @", "email_address", "ann.@example.com", "email.dot_at_edge",
         "The part before the @ ends with a dot: remove it, or check the address with the "
         "client.", NONE),
    Kind("a dash at the edge of the domain", "email_address", "ann@-example.com",
         "email.domain_dash",
         "A part of the domain starts or ends with a dash: " + CHECK[0].lower() + CHECK[1:],
         NONE),
    Kind("an ending that is no ending", "email_address", "ana@gmail.c", "email.domain_ending",
         'The domain ends with ".c", which is not a real ending (such as .com or .org): check '
         "the address with the client.", NONE),
    Kind("a name part too long", "email_address", "a" * 65 + "@example.com",
         "email.name_part_too_long",
         "The part before the @ has 65 characters; at most 64 are allowed: check the address.",
         NONE),
    Kind("invisible characters inside", "email_address", "an\u200bn@example.com",
         "email.invisible_characters",
         "This email address contains invisible characters (such as zero-width or no-break "
         "spaces): retype it.", NONE),
    Kind("a space at the start", "email_address", " ann@example.com", "email.surrounding_spaces",
         "The email address starts or ends with spaces or line breaks: remove them.",
         "ann@example.com"),
    Kind("an empty cell", "email_address", "", "email.required",
         "The email address is required: fill in this cell.", NONE),
    Kind("already a client", "email_address", "old@example.com", "email.already_client",
         "Already a client of your organisation: an import skips this row, or updates the "
         "client's profile when asked to update existing clients.", NONE, "warning"),
    # --- initial_password (never repeated in a message, never fixed) ---------------------
    Kind("too short", "initial_password", "Sh0rt!", "password.length",
         "The password must be 8 to 128 characters long (it has 6).", NONE),
    Kind("no symbol, but spaces", "initial_password", "Sunny Day 42", "password.too_weak",
         "The password needs a symbol (such as ! # - or *): spaces count as neither letters, "
         "digits nor symbols.", NONE),
    Kind("no capital and no symbol", "initial_password", "sunnyday42", "password.too_weak",
         "The password needs an uppercase letter and a symbol (such as ! # - or *).", NONE),
    Kind("no lowercase letter", "initial_password", "ALLUPPER1!", "password.too_weak",
         "The password needs a lowercase letter.", NONE),
    Kind("a space at the start", "initial_password", " Leading1!",
         "password.surrounding_whitespace",
         "The password starts or ends with a space: remove it.", NONE),
    Kind("an invisible character at the end", "initial_password", "Trailing1!\u200b",
         "password.invisible_characters",
         "The password starts or ends with an invisible character (such as a zero-width "
         "space): retype it.", NONE),
    Kind("a control character", "initial_password", "Abcdef1!\x00",
         "password.control_characters",
         "The password contains hidden control characters that nobody can type: choose "
         "another.", NONE),
    # --- first_name, last_name -----------------------------------------------------------
    Kind("too long", "first_name", "A" * 101, "first_name.too_long",
         "The first name is 101 characters long: shorten it to 100 at most.", NONE),
    Kind("a tab inside", "first_name", "Ann\tMarie", "first_name.control_characters",
         "The first name contains hidden control characters (line breaks or tabs): retype it "
         "on one line.", "Ann Marie"),
    Kind("a right-to-left override", "first_name", "Ana\u202eairaM", "first_name.text_direction",
         'The first name contains hidden text-direction marks: it shows as "AnaMaria" but is '
         "stored in another order. Retype it, or use the fix (the name as shown).", "AnaMaria"),
    Kind("text-direction marks around Arabic", "first_name", "\u202eمحمد",
         "first_name.text_direction",
         "The first name contains hidden text-direction marks, so what the sheet shows is not "
         "what would be imported: retype it as the client writes it.", NONE),
    Kind("a no-break space at the end", "last_name", "Lee\u00a0", "last_name.invisible_characters",
         "The last name starts or ends with invisible characters (zero-width or no-break "
         "spaces): "
         "remove them.", "Lee"),
    # --- birthdate -----------------------------------------------------------------------
    Kind("a date written with dashes", "birthdate", "1992-11-23", "birthdate.format",
         'Write the birthdate as YYYYMMDD: "1992-11-23" becomes 19921123 (23 November 1992).',
         "19921123"),
    Kind("a date written in words", "birthdate", "14 Mar 1985", "birthdate.format",
         'Write the birthdate as YYYYMMDD: "14 Mar 1985" becomes 19850314 (14 March 1985).',
         "19850314"),
    Kind("day and month that could swap", "birthdate", "03/04/1985", "birthdate.format",
         '"03/04/1985" could be 4 March 1985 or 3 April 1985: write the birthdate as YYYYMMDD '
         "(19850304 or 19850403).", NONE),
    Kind("a two-digit year", "birthdate", "14/03/85", "birthdate.format",
         '"14/03/85" has a two-digit year: write the birthdate as YYYYMMDD, with the whole '
         "year, for example 19850314.", NONE),
    Kind("30 February", "birthdate", "19880230", "birthdate.not_a_date",
         "19880230 is not a real date: February 1988 has 29 days. Check the day and the "
         "month.", NONE),
    Kind("month 13", "birthdate", "19851300", "birthdate.not_a_date",
         "19851300 is not a real date: there is no month 13. Check the month.", NONE),
    Kind("day, month, year run together", "birthdate", "31121985", "birthdate.not_a_date",
         "31121985 is not a real date when read as YYYYMMDD. If it is day, month, year "
         "(31 December 1985), write 19851231.", NONE),
    Kind("before 1900", "birthdate", "18991231", "birthdate.too_early",
         "The birthdate 18991231 is before 19000101: check the year.", NONE),
    Kind("in the future", "birthdate", "29991231", "birthdate.in_future",
         "The birthdate 29991231 is in the future: check the year.", NONE),
    # --- gender --------------------------------------------------------------------------
    Kind("a capital", "gender", "Male", "gender.invalid",
         'Write the gender in lowercase: "male".', "male"),
    Kind("an abbreviation", "gender", "F", "gender.invalid",
         '"F" is short for "female": write the whole word.', "female"),
    Kind("something else", "gender", "other", "gender.invalid",
         'The gender must be exactly "male" or "female".', NONE),
    # --- tag -----------------------------------------------------------------------------
    Kind("a tag in the wrong case", "tag", "vip", "tag.wrong_case",
         'Tags are case-sensitive: write "VIP".', "VIP"),
    Kind("a tag spaced differently", "tag", "Diabetes-type 2", "tag.spelled_differently",
         'Write the tag exactly as your organisation spells it: "Diabetes type 2".',
         "Diabetes type 2"),
    Kind("a tag one typo away", "tag", "VIPP", "tag.unknown",
         '"VIPP" is not a tag of your organisation. Did you mean "VIP"? Use an existing tag or '
         "ask an admin to create it.", NONE),
    Kind("a different word", "tag", "Evening Group", "tag.unknown",
         '"Evening Group" is not a tag of your organisation. Use an existing tag or ask an '
         "admin to create it.", NONE),
    # --- external_id ---------------------------------------------------------------------
    Kind("too long", "external_id", "x" * 256, "external_id.too_long",
         "The external id is 256 characters long: shorten it to 255 at most.", NONE),
    Kind("another client's id", "external_id", "EXT-1", "external_id.taken",
         "This external id already belongs to another client (old@example.com): use a "
         "different one.", NONE),
    # --- attribute:<Name> ----------------------------------------------------------------
    Kind("a unit after a number", "attribute:Weight", "72 kg", "attribute.not_a_number",
         'The attribute "Weight" must be a plain number, without "kg": write the number '
         "alone, in the unit your organisation uses.", NONE),
    Kind("a decimal comma", "attribute:Weight", "72,5", "attribute.not_a_number",
         'The attribute "Weight" uses a decimal comma: write "72.5", with a point.', "72.5"),
    Kind("a thousands separator", "attribute:Weight", "1,000", "attribute.not_a_number",
         'The attribute "Weight" has a comma in "1,000": write a decimal point (such as 72.5) '
         "and no thousands separators.", NONE),
    Kind("words for a number", "attribute:Weight", "about seventy", "attribute.not_a_number",
         'The attribute "Weight" must be a number: digits with an optional sign and one '
         "decimal point, such as 72.5 (no units, no thousands separators).", NONE),
    Kind("yes for a checkbox", "attribute:Consented", "yes", "attribute.not_a_boolean",
         'The attribute "Consented" must be TRUE or FALSE (a checkbox).', NONE),
    Kind("a choice in the wrong case", "attribute:Plan", "premium", "attribute.not_a_choice",
         'Write the attribute "Plan" exactly as the choice is spelled: "Premium".', "Premium"),
    Kind("a choice one typo away", "attribute:Plan", "Basik", "attribute.not_a_choice",
         'The attribute "Plan" must be exactly "Basic" or "Premium". Did you mean "Basic"?',
         NONE),
    Kind("a choice that does not exist", "attribute:Plan", "Gold", "attribute.not_a_choice",
         'The attribute "Plan" must be exactly "Basic" or "Premium".', NONE),
    Kind("day and month swapped in a date", "attribute:Started", "20241707",
         "attribute.not_a_date",
         "20241707 is not a real date: its month would be 17. If 17 is the day, write "
         "20240717.", NONE),
    Kind("a date written another way", "attribute:Started", "31/01/2024", "attribute.format",
         'Write the attribute "Started" as YYYYMMDD: "31/01/2024" becomes 20240131 '
         "(31 January 2024).", "20240131"),
    Kind("text too long", "attribute:Notes", "x" * 1001, "attribute.too_long",
         'The attribute "Notes" is 1001 characters long: shorten it to 1000 at most.', NONE),
]  # fmt: skip


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: f"{kind.column}: {kind.mistake}")
def test_each_mistake_gets_its_own_message_and_its_obvious_fix(kind):
    _, issues = check_value(kind.column, kind.value)
    assert [(i.code, i.message, i.fix, i.severity) for i in issues] == [
        (kind.code, kind.message, kind.fix, kind.severity)
    ]


@pytest.mark.parametrize(
    "kind", [k for k in KINDS if k.fix is not None], ids=lambda kind: kind.mistake
)
def test_every_fix_in_the_table_passes_the_same_rules(kind):
    _, issues = check_value(kind.column, kind.fix)
    assert issues == []


HEADER_KINDS = [
    # header typed in row 1, code, message, fix
    ("E-mail", "header.unknown", '"E-mail" is not a Roster column: did you mean '
     '"email_address"?', "email_address"),
    ("Emial", "header.unknown", '"Emial" is not a Roster column: did you mean '
     '"email_address"?', NONE),
    ("Set", "header.unknown", '"Set" is not a Roster column: rename it to one of '
     "email_address, initial_password, first_name, last_name, birthdate, gender, tag, "
     "external_id or attribute:<Name>, or delete the column.", NONE),
    ("Colour", "header.unknown", '"Colour" is not a Roster column: rename it to one of '
     "email_address, initial_password, first_name, last_name, birthdate, gender, tag, "
     "external_id or attribute:<Name>, or delete the column.", NONE),
    ("attribute:Wieght", "header.unknown_attribute", '"Wieght" is not an attribute of your '
     'organisation: did you mean "Weight"?', NONE),
    ("attribute:Blood type", "header.unknown_attribute", '"Blood type" is not an attribute '
     "of your organisation (defined: Consented, Notes, Plan, Started, Weight): ask an admin "
     "to add it, or delete the column.", NONE),
]  # fmt: skip


@pytest.mark.parametrize(("header", "code", "message", "fix"), HEADER_KINDS)
def test_each_wrong_header_gets_its_own_message(header, code, message, fix):
    [issue] = issues_at(validate(header=[header]), "A1")
    assert (issue.code, issue.message, issue.fix) == (code, message, fix)


def test_the_table_covers_at_least_forty_kinds_of_mistake():
    assert len(KINDS) + len(HEADER_KINDS) >= 40
    assert len({(k.column, k.mistake) for k in KINDS}) == len(KINDS)


def test_wrappers_inside_wrappers_are_all_named_and_all_removed_by_the_fix():
    _, issues = check_value("email_address", "Ann Lee <mailto:ann@example.com>")
    assert [(i.code, i.fix) for i in issues] == [
        ("email.display_name", "ann@example.com"),
        ("email.mailto", "ann@example.com"),
    ]


def test_the_four_classic_email_mistakes_get_four_different_messages():
    values = ["ana@lopez@gmail.com", "ana.notld@gmail", "@gmail.com", "ana lopez@gmail.com"]
    messages = {check_value("email_address", value)[1][0].message for value in values}
    assert len(messages) == 4


def test_evening_group_is_not_taken_for_morning_group_as_a_tag_a_choice_or_an_attribute():
    org = OrgSnapshot(
        tags=frozenset({"Morning Group"}),
        attributes={
            "Morning Group": AttributeDefinition("Morning Group", "text"),
            "Group": AttributeDefinition("Group", "choice", ("Morning Group",)),
        },
    )
    header = [*REQUIRED, "tag", "attribute:Group", "attribute:Evening Group"]
    row = client(header, tag="Evening Group", **{"attribute:Group": "Evening Group"})
    issues = validate(row, header=header, org=org).issues
    assert [i.code for i in issues] == [
        "header.unknown_attribute",
        "tag.unknown",
        "attribute.not_a_choice",
    ]
    assert not any("Did you mean" in i.message or "did you mean" in i.message for i in issues)
    assert all(i.fix is None for i in issues)


def test_a_tag_one_typo_away_is_suggested_in_words_but_not_fixed():
    org = OrgSnapshot(tags=frozenset({"Morning Group"}))
    header = [*REQUIRED, "tag"]
    [issue] = validate(client(header, tag="Morning Gruop"), header=header, org=org).issues
    assert 'Did you mean "Morning Group"?' in issue.message and issue.fix is None


def test_a_password_is_never_repeated_in_its_message():
    for kind in (k for k in KINDS if k.column == "initial_password"):
        assert kind.value.strip() not in kind.message


def test_a_repeated_column_and_a_missing_one_and_an_extra_cell_say_where():
    repeated = validate(header=[*REQUIRED, "gender"]).issues
    missing = validate(header=list(REQUIRED[1:])).issues
    extra = validate([*client(list(REQUIRED)), "", "x"], header=list(REQUIRED)).issues
    assert [i.message for i in repeated] == [
        'The column "gender" appears twice (also in column 6): delete or rename this one.'
    ]
    assert [i.message for i in missing] == [
        'The required column "email_address" is missing: add a header "email_address" to row 1.'
    ]
    assert [(i.cell, i.message) for i in extra] == [
        (
            "H2",
            "This cell has no column header: move the value under a Roster column or delete it "
            "(H1 is empty).",
        )
    ]


def test_a_three_letter_word_one_letter_from_a_tag_is_not_taken_for_it():
    _, [issue] = check_value("tag", "VIA")
    assert "Did you mean" not in issue.message
