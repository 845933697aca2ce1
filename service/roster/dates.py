"""Dates written YYYYMMDD: the field, what a wrong one most likely meant, and saying so.

A fix is offered only for a date written another way that has one reading (`1992-11-23`,
`23/11/1992`, `14 Mar 1985`). Eight digits that are not a real date (`20241707`) get the likely
reading in words only: a swapped day and month and a mistyped month are two readings, not one.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from typing import Any

from marshmallow import ValidationError, fields

from .issues import Problem

EARLIEST_BIRTHDATE = dt.date(1900, 1, 1)
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
QUOTED_AT_MOST = 30  # longer values are not repeated in a message
# ASCII digits only: \d would also accept Arabic-Indic or full-width digits
_COMPACT = re.compile(r"[0-9]{8}")
_DATE_FORMATS = ("%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%b %d %Y", "%B %d %Y")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_TWO_DIGIT_YEAR = re.compile(r"\d{1,2}[-/.]\d{1,2}[-/.]\d{2}")


def _date_or_none(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


@functools.lru_cache(maxsize=4096)
def readings(value: str) -> tuple[dt.date, ...]:
    """The real dates a value written another way may mean (none, one, or two).

    Cached: the fix and the message of one wrong cell both ask.
    """
    text = value.strip()
    if match := re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text):  # YYYYMMDD in other digits
        year, month, day = (int(part) for part in match.groups())
        return (d,) if (d := _date_or_none(year, month, day)) else ()
    if match := re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]0?0:00(?::00)?)?", text):
        year, month, day = (int(part) for part in match.groups())
        return (d,) if (d := _date_or_none(year, month, day)) else ()
    if match := _DAY_MONTH_YEAR.fullmatch(text):
        first, second, year = (int(part) for part in match.groups())
        found = {_date_or_none(year, second, first), _date_or_none(year, first, second)}
        return tuple(sorted(d for d in found if d is not None))
    for fmt in _DATE_FORMATS:
        try:
            return (dt.datetime.strptime(text, fmt).date(),)
        except ValueError:
            continue
    return ()


def parse_loose_date(value: str) -> dt.date | None:
    """A date written another way, when its reading is unambiguous; else None."""
    found = readings(value)
    return found[0] if len(found) == 1 else None


def fix_date(value: str) -> str | None:
    parsed = parse_loose_date(value)
    return parsed.strftime("%Y%m%d") if parsed else None


def spoken(day: dt.date) -> str:
    """23 November 1992: no locale, no ambiguity."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _format_message(value: str, label: str) -> str:
    shown = value.strip()
    if len(shown) > QUOTED_AT_MOST:
        return f"Write the {label} as YYYYMMDD, for example 19850314."
    found = readings(shown)
    if len(found) == 1:
        return f'Write the {label} as YYYYMMDD: "{shown}" becomes {found[0]:%Y%m%d}' + (
            "." if spoken(found[0]) == shown else f" ({spoken(found[0])})."
        )
    if len(found) == 2:
        first, second = found
        return (
            f'"{shown}" could be {spoken(first)} or {spoken(second)}: write the {label} as '
            f"YYYYMMDD ({first:%Y%m%d} or {second:%Y%m%d})."
        )
    if _TWO_DIGIT_YEAR.fullmatch(shown):
        return (
            f'"{shown}" has a two-digit year: write the {label} as YYYYMMDD, with the whole '
            "year, for example 19850314."
        )
    return f"Write the {label} as YYYYMMDD, for example 19850314."


def not_a_date_message(value: str) -> str:
    """Why eight digits are no calendar date, and the likely reading in words."""
    year, month, day = int(value[:4]), int(value[4:6]), int(value[6:])
    if not 1 <= month <= 12:
        if 1 <= day <= 12 and _date_or_none(year, day, month):
            return (
                f"{value} is not a real date: its month would be {month}. If {month} is the "
                f"day, write {value[:4]}{value[6:]}{value[4:6]}."
            )
        flipped = _date_or_none(int(value[4:]), int(value[2:4]), int(value[:2]))
        if flipped is not None:
            return (
                f"{value} is not a real date when read as YYYYMMDD. If it is day, month, "
                f"year ({spoken(flipped)}), write {flipped:%Y%m%d}."
            )
        return f"{value} is not a real date: there is no month {value[4:6]}. Check the month."
    if year == 0:
        return f"{value} is not a real date: there is no year 0000. Check the year."
    days = calendar.monthrange(year, month)[1]
    if day == 0:
        return f"{value} is not a real date: there is no day 00. Check the day."
    return (
        f"{value} is not a real date: {MONTHS[month - 1]} {year} has {days} days. Check the day "
        "and the month."
    )


class CompactDate(fields.Field):
    """A date written YYYYMMDD, loaded as `datetime.date`."""

    def __init__(self, code: str, label: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.code, self.label = code, label

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> dt.date:
        if not isinstance(value, str) or not _COMPACT.fullmatch(value):
            message = _format_message(value if isinstance(value, str) else "", self.label)
            raise ValidationError(Problem(f"{self.code}.format", message))
        parsed = _date_or_none(int(value[:4]), int(value[4:6]), int(value[6:]))
        if parsed is None:
            raise ValidationError(Problem(f"{self.code}.not_a_date", not_a_date_message(value)))
        return parsed


def birthdate_in_range(value: dt.date) -> None:
    if value < EARLIEST_BIRTHDATE:
        raise ValidationError(
            Problem(
                "birthdate.too_early",
                f"The birthdate {value:%Y%m%d} is before 19000101: check the year.",
            )
        )
    if value > dt.date.today():
        raise ValidationError(
            Problem(
                "birthdate.in_future",
                f"The birthdate {value:%Y%m%d} is in the future: check the year.",
            )
        )
