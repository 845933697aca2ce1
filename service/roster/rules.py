"""The column rules of SPEC §2, declared as marshmallow fields and small named validators.

Each validator raises `ValidationError(Problem(code, message))`; marshmallow's `And` gathers
every problem of a cell. A field's `metadata["fix"]` suggests a replacement value; the engine
offers it only when the replacement passes the same field.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from marshmallow import Schema, ValidationError, fields

from .issues import Problem
from .organisation import AttributeDefinition, OrgSnapshot

INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00a0\u202f\u2007\u180e"
BLANK = "".join(chr(code) for code in range(0x3001) if chr(code).isspace()) + INVISIBLE
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
EARLIEST_BIRTHDATE = dt.date(1900, 1, 1)
NAME_MAX = 100
TEXT_MAX = 1000
EXTERNAL_ID_MAX = 255
PASSWORD_MIN, PASSWORD_MAX = 8, 128

_EMAIL = re.compile(
    r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]"
)
# ASCII digits only: \d would also accept Arabic-Indic or full-width digits
_COMPACT_DATE = re.compile(r"[0-9]{8}")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def is_blank(value: str) -> bool:
    """Empty to the eye: nothing but spaces, line breaks and invisible characters."""
    return not value.strip(BLANK)


def fail(code: str, message: str) -> ValidationError:
    """The one way a rule reports a problem."""
    return ValidationError(Problem(code, message))


# --- fixes: pure functions from a value to the value a pro most likely meant --------------


def fix_email(value: str) -> str:
    """Full-width letters and capitals are unambiguous to repair.

    Invisible characters are removed only at the ends (the engine does it before calling this):
    inside an address one may stand for a dot, a dash or nothing (SPEC §2: an error, no fix).
    """
    return unicodedata.normalize("NFKC", value).strip().lower()


def fix_names(value: str) -> str:
    without = "".join(
        " " if ch in "\t\n\r" else ch
        for ch in value
        if ch not in BIDI_CONTROLS and (ch in "\t\n\r" or unicodedata.category(ch) != "Cc")
    )
    return " ".join(without.split())


def fix_gender(value: str) -> str:
    return value.strip().lower()


_DATE_FORMATS = ("%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%b %d %Y", "%B %d %Y")


def parse_loose_date(value: str) -> dt.date | None:
    """A date written another way, when its reading is unambiguous; else None."""
    text = value.strip()
    if match := re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text):  # YYYYMMDD in other digits
        year, month, day = (int(part) for part in match.groups())
        return _date_or_none(year, month, day)
    if match := re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]0?0:00(?::00)?)?", text):
        year, month, day = (int(part) for part in match.groups())
        return _date_or_none(year, month, day)
    if match := re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", text):
        first, second, year = (int(part) for part in match.groups())
        if first > 12 >= second:
            return _date_or_none(year, second, first)
        if second > 12 >= first:
            return _date_or_none(year, first, second)
        if first == second:
            return _date_or_none(year, first, second)
        return None
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _date_or_none(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def fix_date(value: str) -> str | None:
    parsed = parse_loose_date(value)
    return parsed.strftime("%Y%m%d") if parsed else None


def fix_exact(names: frozenset[str] | tuple[str, ...]) -> Callable[[str], str | None]:
    """A value that differs from a known name only in letter case: the name itself.

    Names that differ from each other only in case (VIP and vip) make the fix ambiguous: none.
    """
    by_key: dict[str, str | None] = {}
    for name in names:
        by_key[name.casefold()] = None if name.casefold() in by_key else name
    return lambda value: by_key.get(value.casefold())


# --- validators ------------------------------------------------------------------------------


def email_lowercase(value: str) -> None:
    if value != value.lower():
        raise fail("email.not_lowercase", "Email addresses must be all lowercase.")


def email_syntax(value: str) -> None:
    if not value.isascii():  # checked first: it is cheap, and invisible characters are not ASCII
        if any(ch in INVISIBLE for ch in value):
            raise fail(
                "email.invisible_characters",
                "This email address contains invisible characters (such as zero-width "
                "or no-break spaces): retype it.",
            )
        raise fail(
            "email.invalid",
            "This email address contains characters that are not allowed (accents or "
            "full-width letters): use plain letters a-z, digits and . _ + -.",
        )
    if len(value) > 254 or not _EMAIL.fullmatch(value.lower()) or len(value.split("@")[0]) > 64:
        raise fail(
            "email.invalid", "This is not a valid email address: write it as name@example.com."
        )


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
        raise fail("password.too_weak", f"The password needs {_and(missing)}.")


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


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def name_rules(prefix: str) -> Callable[[str], None]:
    label = prefix.replace("_", " ")

    def name_is_clean(value: str) -> None:
        if not value.strip():
            raise fail(f"{prefix}.blank", f"The {label} is blank: fill it in.")
        if any(ch in BIDI_CONTROLS or unicodedata.category(ch) == "Cc" for ch in value):
            raise fail(
                f"{prefix}.control_characters",
                f"The {label} contains hidden control characters (line breaks, tabs or "
                "text-direction marks): retype it on one line.",
            )
        if len(value) > NAME_MAX:
            raise fail(
                f"{prefix}.too_long",
                f"The {label} is {len(value)} characters long: shorten it to {NAME_MAX} at most.",
            )

    return name_is_clean


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


def one_of(code: str, allowed: tuple[str, ...], label: str) -> Callable[[str], None]:
    def allowed_value(value: str) -> None:
        if not allowed:
            raise fail(
                code,
                f"The {label} has no choices defined yet: ask an admin to add "
                "them, or leave the cell empty.",
            )
        if value not in allowed:
            raise fail(code, f"The {label} must be exactly {_or(allowed)}.")

    return allowed_value


def _or(options: tuple[str, ...]) -> str:
    quoted = [f'"{option}"' for option in options]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def known_tag(tags: frozenset[str]) -> Callable[[str], None]:
    by_key: dict[str, list[str]] = {}
    for tag in sorted(tags):
        by_key.setdefault(tag.casefold(), []).append(tag)

    def tag_exists(value: str) -> None:
        if value in tags:
            return
        exact = by_key.get(value.casefold())
        if exact is not None:
            raise fail("tag.wrong_case", f"Tags are case-sensitive: write {_or(tuple(exact))}.")
        close = difflib.get_close_matches(value, list(tags), n=1, cutoff=0.75)
        hint = f' Did you mean "{close[0]}"?' if close else ""
        raise fail(
            "tag.unknown",
            f'"{value}" is not a tag of your organisation.{hint} Use an existing tag or '
            "ask an admin to create it.",
        )

    return tag_exists


# --- fields --------------------------------------------------------------------------------


class CompactDate(fields.Field):
    """A date written YYYYMMDD, loaded as `datetime.date`."""

    def __init__(self, code: str, label: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.code, self.label = code, label

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> dt.date:
        if not isinstance(value, str) or not _COMPACT_DATE.fullmatch(value):
            raise fail(
                f"{self.code}.format", f"Write the {self.label} as YYYYMMDD, for example 19850314."
            )
        parsed = _date_or_none(int(value[:4]), int(value[4:6]), int(value[6:]))
        if parsed is None:
            raise fail(
                f"{self.code}.not_a_date",
                f"{value} is not a real calendar date: check the month and the day.",
            )
        return parsed


def birthdate_in_range(value: dt.date) -> None:
    if value < EARLIEST_BIRTHDATE:
        raise fail("birthdate.too_early", "The birthdate is before 19000101: check the year.")
    if value > dt.date.today():
        raise fail("birthdate.in_future", "The birthdate is in the future: check the year.")


class Number(fields.Field):
    """Digits with an optional sign and one decimal point, loaded as `Decimal`."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Decimal:
        if not isinstance(value, str) or not _NUMBER.fullmatch(value):
            raise fail(
                "attribute.not_a_number",
                "This must be a number: digits with an optional sign and one decimal "
                "point, such as 72.5 (no units, no thousands separators).",
            )
        try:
            return Decimal(value)
        except InvalidOperation as error:  # pragma: no cover - the pattern rules this out
            raise fail("attribute.not_a_number", "This must be a number.") from error


class Flag(fields.Field):
    """TRUE or FALSE in any letter case, as a Sheets checkbox holds."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if isinstance(value, str) and value.upper() in ("TRUE", "FALSE"):
            return value.upper() == "TRUE"
        raise fail("attribute.not_a_boolean", "This must be TRUE or FALSE (a checkbox).")


def _fix_boolean(value: str) -> str | None:
    return value.upper() if value.upper() in ("TRUE", "FALSE") else None


def fix_decimal_comma(value: str) -> str | None:
    """72,5 -> 72.5, for a file that writes numbers with a decimal comma (a `;` CSV)."""
    return value.replace(",", ".") if re.fullmatch(r"[+-]?\d+,\d+", value) else None


def attribute_field(definition: AttributeDefinition, decimal_comma: bool = False) -> fields.Field:
    """The field for one `attribute:<Name>` column, by the attribute's type."""
    label = f'attribute "{definition.name}"'
    if definition.type == "number":
        return Number(metadata={"fix": fix_decimal_comma}) if decimal_comma else Number()
    if definition.type == "date":
        return CompactDate("attribute", label, metadata={"fix": fix_date})
    if definition.type == "boolean":
        return Flag(metadata={"fix": _fix_boolean})
    if definition.type == "choice":
        return fields.String(
            validate=one_of("attribute.not_a_choice", definition.choices, label),
            metadata={"fix": fix_exact(definition.choices)},
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
            validate=one_of("gender.invalid", ("male", "female"), "gender"),
            metadata={"fix": fix_gender},
        ),
        "tag": fields.String(validate=known_tag(org.tags), metadata={"fix": fix_exact(org.tags)}),
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
