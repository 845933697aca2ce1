"""The column rules of SPEC §2, declared as marshmallow fields and small named validators.

Each validator raises `ValidationError(Problem(code, message))`; marshmallow's `And` gathers
every problem of a cell. A field's `metadata["fix"]` suggests a replacement value; the engine
offers it only when the replacement passes the same field. Emails (`emails`), dates (`dates`),
near misses (`similar`) and text-direction controls (`bidi`) have modules of their own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from marshmallow import Schema, ValidationError, fields

from . import emails
from .bidi import displayed
from .characters import BIDI_CONTROLS, BLANK, INVISIBLE, is_blank
from .dates import CompactDate, birthdate_in_range, fix_date
from .issues import Problem
from .organisation import AttributeDefinition, OrgSnapshot
from .similar import Spellings
from .wording import and_list, or_quoted

__all__ = ["BLANK", "INVISIBLE", "build_row_schema", "is_blank"]

NAME_MAX = 100
TEXT_MAX = 1000
EXTERNAL_ID_MAX = 255
PASSWORD_MIN, PASSWORD_MAX = 8, 128
GENDERS = ("male", "female")
_GENDER_ABBREVIATIONS = {"m": "male", "f": "female"}
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def fail(code: str, message: str) -> ValidationError:
    """The one way a rule reports a problem."""
    return ValidationError(Problem(code, message))


# --- fixes: pure functions from a value to the value a pro most likely meant --------------


def fix_email(value: str) -> str:
    """Full-width letters, capitals, wrappers, trailing punctuation, doubled @ or dots.

    Invisible characters are removed only at the ends (the engine does it before calling this):
    inside an address one may stand for a dot, a dash or nothing (SPEC §2: an error, no fix).
    """
    return emails.repair(value)


def fix_names(value: str) -> str | None:
    """Line breaks and tabs become spaces; text-direction controls give the text as shown."""
    if any(ch in BIDI_CONTROLS for ch in value):
        shown = displayed(value)
        if shown is None:
            return None
        value = shown
    without = "".join(
        " " if ch in "\t\n\r" else ch
        for ch in value
        if ch in "\t\n\r" or unicodedata.category(ch) != "Cc"
    )
    return " ".join(without.split())


def fix_gender(value: str) -> str:
    lowered = value.strip().lower()
    return _GENDER_ABBREVIATIONS.get(lowered.rstrip("."), lowered)


def fix_spelling(names: frozenset[str] | tuple[str, ...]) -> Callable[[str], str | None]:
    """A value that differs from a known name only in case, spacing or punctuation: the name.

    Names that differ from each other only that way (VIP and vip) make the fix ambiguous: none.
    """
    return Spellings(names).fix


# --- validators ------------------------------------------------------------------------------


def email_lowercase(value: str) -> None:
    # "Ana Gil <ana@x.com>": the name around it is not the address, so its capitals are fine
    if value != value.lower() and (emails.is_valid(value) or _has_capitals(emails.bare(value))):
        raise fail("email.not_lowercase", "Email addresses must be all lowercase.")


def _has_capitals(value: str) -> bool:
    return value != value.lower()


def email_syntax(value: str) -> None:
    if emails.is_valid(value):  # nearly every address: one pattern match, no diagnosis
        return
    raise ValidationError(list(emails.diagnose(value)))


def password_rules(value: str) -> None:
    if value != value.strip():
        raise fail(
            "password.surrounding_whitespace",
            "The password starts or ends with a space: remove it.",
        )
    if value != value.strip(INVISIBLE):
        # the client could never type it: a password gets no fix, so say where to look
        raise fail(
            "password.invisible_characters",
            "The password starts or ends with an invisible character (such as a "
            "zero-width space): retype it.",
        )
    # whitespace inside is allowed (SPEC §2); other control characters, NUL first, are not
    if not value.isprintable() and any(
        unicodedata.category(ch) == "Cc" and not ch.isspace() for ch in value
    ):
        raise fail(
            "password.control_characters",
            "The password contains hidden control characters that nobody can type: choose another.",
        )
    if not PASSWORD_MIN <= len(value) <= PASSWORD_MAX:
        raise fail(
            "password.length",
            f"The password must be {PASSWORD_MIN} to {PASSWORD_MAX} characters long "
            f"(it has {len(value)}).",
        )
    missing = [
        label
        for label, present in zip(_CLASSES, _character_classes(value), strict=True)
        if not present
    ]
    if missing:
        spaces = (
            ": spaces count as neither letters, digits nor symbols"
            if any(ch.isspace() for ch in value)
            else ""
        )
        symbol = " (such as ! # - or *)" if missing[-1] == "a symbol" else ""
        raise fail("password.too_weak", f"The password needs {and_list(missing)}{symbol}{spaces}.")


_CLASSES = ("an uppercase letter", "a lowercase letter", "a digit", "a symbol")
# for ASCII text these patterns agree with str.isupper/islower/isdigit/isalnum/isspace
_ASCII_CLASSES = tuple(
    re.compile(p).search for p in (r"[A-Z]", r"[a-z]", r"[0-9]", r"[^A-Za-z0-9\s]")
)


def _character_classes(value: str) -> tuple[bool, bool, bool, bool]:
    """Whether the value has an uppercase letter, a lowercase letter, a digit, a symbol."""
    if value.isascii():  # nearly every password: four regex scans instead of four Python loops
        upper, lower, digit, symbol = (bool(search(value)) for search in _ASCII_CLASSES)
        return upper, lower, digit, symbol
    return (
        any(ch.isupper() for ch in value),
        any(ch.islower() for ch in value),
        any(ch.isdigit() for ch in value),
        any(not ch.isalnum() and not ch.isspace() for ch in value),
    )


def name_rules(prefix: str) -> Callable[[str], None]:
    label = prefix.replace("_", " ")

    def name_is_clean(value: str) -> None:
        if not value.strip():
            raise fail(f"{prefix}.blank", f"The {label} is blank: fill it in.")
        if any(ch in BIDI_CONTROLS for ch in value):
            raise fail(f"{prefix}.text_direction", _text_direction_message(label, value))
        if any(unicodedata.category(ch) == "Cc" for ch in value):
            raise fail(
                f"{prefix}.control_characters",
                f"The {label} contains hidden control characters (line breaks or tabs): "
                "retype it on one line.",
            )
        if len(value) > NAME_MAX:
            raise fail(
                f"{prefix}.too_long",
                f"The {label} is {len(value)} characters long: shorten it to {NAME_MAX} at most.",
            )

    return name_is_clean


def _text_direction_message(label: str, value: str) -> str:
    shown = displayed(value)
    if shown is None or len(shown) > NAME_MAX or not shown.strip():
        return (
            f"The {label} contains hidden text-direction marks, so what the sheet shows is not "
            "what would be imported: retype it as the client writes it."
        )
    return (
        f'The {label} contains hidden text-direction marks: it shows as "{shown.strip()}" but '
        "is stored in another order. Retype it, or use the fix (the name as shown)."
    )


def no_control_characters(code: str, label: str, allowed: str = "") -> Callable[[str], None]:
    """Control characters (NUL above all, which PostgreSQL refuses) cannot be typed or stored."""

    def printable(value: str) -> None:
        if not value.isprintable() and any(
            unicodedata.category(ch) == "Cc" and ch not in allowed for ch in value
        ):
            raise fail(code, f"The {label} contains hidden control characters: retype it.")

    return printable


def without_control_characters(allowed: str = "") -> Callable[[str], str]:
    return lambda value: "".join(
        ch for ch in value if ch in allowed or unicodedata.category(ch) != "Cc"
    )


def max_length(code: str, limit: int, label: str) -> Callable[[str], None]:
    def short_enough(value: str) -> None:
        if len(value) > limit:
            raise fail(
                code, f"The {label} is {len(value)} characters long: shorten it to {limit} at most."
            )

    return short_enough


def known_gender(value: str) -> None:
    if value in GENDERS:
        return
    meant = fix_gender(value)
    if meant in GENDERS and value.strip().lower() == meant:
        raise fail("gender.invalid", f'Write the gender in lowercase: "{meant}".')
    if meant in GENDERS:
        raise fail("gender.invalid", f'"{value}" is short for "{meant}": write the whole word.')
    raise fail("gender.invalid", f"The gender must be exactly {or_quoted(GENDERS)}.")


def one_of(code: str, allowed: tuple[str, ...], label: str) -> Callable[[str], None]:
    """A choice attribute: exactly one of the defined choices; close misses named."""
    spellings = Spellings(allowed)

    def allowed_value(value: str) -> None:
        if not allowed:
            raise fail(
                code,
                f"The {label} has no choices defined yet: ask an admin to add "
                "them, or leave the cell empty.",
            )
        if value in allowed:
            return
        meant = spellings.fix(value)
        if meant is not None:
            raise fail(code, f'Write the {label} exactly as the choice is spelled: "{meant}".')
        close = spellings.near_miss(value)
        hint = f' Did you mean "{close}"?' if close else ""
        raise fail(code, f"The {label} must be exactly {or_quoted(allowed)}.{hint}")

    return allowed_value


def known_tag(tags: frozenset[str]) -> Callable[[str], None]:
    spellings = Spellings(tags)

    def tag_exists(value: str) -> None:
        if value in tags:
            return
        exact = spellings.differing_in_case(value)
        if exact:
            raise fail("tag.wrong_case", f"Tags are case-sensitive: write {or_quoted(exact)}.")
        respelled = spellings.spelled_differently(value)
        if respelled:
            raise fail(
                "tag.spelled_differently",
                f"Write the tag exactly as your organisation spells it: {or_quoted(respelled)}.",
            )
        close = spellings.near_miss(value)
        hint = f' Did you mean "{close}"?' if close else ""
        shown = f'"{value}"' if len(value) <= 60 else "This tag"
        raise fail(
            "tag.unknown",
            f"{shown} is not a tag of your organisation.{hint} Use an existing tag or "
            "ask an admin to create it.",
        )

    return tag_exists


# --- fields --------------------------------------------------------------------------------


_COMMA_NUMBER = re.compile(r"[+-]?[0-9]+(?:,[0-9]+)+")
# one comma not followed by exactly three digits: 72,5 is 72.5; 1,000 may be a thousand
_DECIMAL_COMMA = re.compile(r"[+-]?[0-9]+,(?:[0-9]{1,2}|[0-9]{4,})")


def fix_decimal_comma(value: str) -> str | None:
    """`72,5` -> `72.5`, as European spreadsheets write it; None when the comma may group."""
    return value.replace(",", ".") if _DECIMAL_COMMA.fullmatch(value) else None


_WITH_UNIT = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?\s*([^\s0-9.,+-][^0-9]{0,9})")


class Number(fields.Field):
    """Digits with an optional sign and one decimal point, loaded as `Decimal`."""

    def __init__(self, label: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.label = label

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Decimal:
        if not isinstance(value, str) or not _NUMBER.fullmatch(value):
            unit = _WITH_UNIT.fullmatch(value) if isinstance(value, str) else None
            if isinstance(value, str) and (point := fix_decimal_comma(value)):
                raise fail(
                    "attribute.not_a_number",
                    f'The {self.label} uses a decimal comma: write "{point}", with a point.',
                )
            if isinstance(value, str) and _COMMA_NUMBER.fullmatch(value):
                raise fail(
                    "attribute.not_a_number",
                    f'The {self.label} has a comma in "{value}": write a decimal point (such '
                    "as 72.5) and no thousands separators.",
                )
            if unit:
                raise fail(
                    "attribute.not_a_number",
                    f'The {self.label} must be a plain number, without "{unit[1]}": write the '
                    "number alone, in the unit your organisation uses.",
                )
            raise fail(
                "attribute.not_a_number",
                f"The {self.label} must be a number: digits with an optional sign and one "
                "decimal point, such as 72.5 (no units, no thousands separators).",
            )
        try:
            return Decimal(value)
        except InvalidOperation as error:  # pragma: no cover - the pattern rules this out
            raise fail("attribute.not_a_number", "This must be a number.") from error


class Flag(fields.Field):
    """TRUE or FALSE in any letter case, as a Sheets checkbox holds."""

    def __init__(self, label: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.label = label

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if isinstance(value, str) and value.upper() in ("TRUE", "FALSE"):
            return value.upper() == "TRUE"
        raise fail(
            "attribute.not_a_boolean", f"The {self.label} must be TRUE or FALSE (a checkbox)."
        )


def _fix_boolean(value: str) -> str | None:
    return value.upper() if value.upper() in ("TRUE", "FALSE") else None


def fix_any_decimal_comma(value: str) -> str | None:
    """72,5 and 1,500 -> 72.5 and 1.500, for a file that writes every number with a decimal comma
    (a `;` CSV), where a comma never groups thousands."""
    return value.replace(",", ".") if re.fullmatch(r"[+-]?\d+,\d+", value) else None


def attribute_field(definition: AttributeDefinition, decimal_comma: bool = False) -> fields.Field:
    """The field for one `attribute:<Name>` column, by the attribute's type."""
    label = f'attribute "{definition.name}"'
    if definition.type == "number":
        fix = fix_any_decimal_comma if decimal_comma else fix_decimal_comma
        return Number(label, metadata={"fix": fix})
    if definition.type == "date":
        return CompactDate("attribute", label, metadata={"fix": fix_date})
    if definition.type == "boolean":
        return Flag(label, metadata={"fix": _fix_boolean})
    if definition.type == "choice":
        return fields.String(
            validate=one_of("attribute.not_a_choice", definition.choices, label),
            metadata={"fix": fix_spelling(definition.choices)},
        )
    return fields.String(
        validate=[
            no_control_characters("attribute.control_characters", label, "\n\t"),
            max_length("attribute.too_long", TEXT_MAX, label),
        ],
        metadata={"fix": without_control_characters("\n\t")},
    )


def build_row_schema(org: OrgSnapshot, decimal_comma: bool = False) -> Schema:
    """One client row's schema, for this organisation's tags and attributes.

    `decimal_comma`: the source writes numbers as 72,5 (a semicolon CSV), so a point is the fix.
    """
    declared: dict[str, fields.Field] = {
        "email_address": fields.String(
            validate=[email_syntax, email_lowercase], metadata={"fix": fix_email}
        ),
        "initial_password": fields.String(validate=password_rules, metadata={"secret": True}),
        "first_name": fields.String(validate=name_rules("first_name"), metadata={"fix": fix_names}),
        "last_name": fields.String(validate=name_rules("last_name"), metadata={"fix": fix_names}),
        "birthdate": CompactDate(
            "birthdate", "birthdate", validate=birthdate_in_range, metadata={"fix": fix_date}
        ),
        "gender": fields.String(
            validate=known_gender,
            metadata={"fix": fix_gender},
        ),
        "tag": fields.String(
            validate=known_tag(org.tags), metadata={"fix": fix_spelling(org.tags)}
        ),
        "external_id": fields.String(
            validate=[
                no_control_characters("external_id.control_characters", "external id"),
                max_length("external_id.too_long", EXTERNAL_ID_MAX, "external id"),
            ],
            metadata={"fix": without_control_characters()},
        ),
    }
    for definition in org.attributes.values():
        declared[f"attribute:{definition.name}"] = attribute_field(definition, decimal_comma)
    return Schema.from_dict(declared, name="ClientRowSchema")()
