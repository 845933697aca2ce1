"""The same column rules in plain Python, written for speed: the yardstick for the engine."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

from service.roster.grid import Grid
from service.roster.organisation import OrgSnapshot

EMAIL = re.compile(
    r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]"
)
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
DATE = re.compile(r"\d{8}")
STRIP = " \t\u200b\u200c\u200d\u2060\ufeff\u00a0\u202f\u2007"


def email(v: str) -> bool:
    return v == v.strip(STRIP) and v.isascii() and v == v.lower() and bool(EMAIL.fullmatch(v))


def password(v: str) -> bool:
    return (
        v == v.strip()
        and 8 <= len(v) <= 128
        and any(c.isupper() for c in v)
        and any(c.islower() for c in v)
        and any(c.isdigit() for c in v)
        and any(not c.isalnum() and not c.isspace() for c in v)
    )


def name(v: str) -> bool:
    return v == v.strip(STRIP) and 0 < len(v) <= 100 and v.isprintable()


def birthdate(v: str) -> bool:
    if not DATE.fullmatch(v):
        return False
    try:
        day = dt.date(int(v[:4]), int(v[4:6]), int(v[6:]))
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= day <= dt.date.today()


def validate(grid: Grid, org: OrgSnapshot) -> int:
    """Count the bad cells of a grid with the benchmark's header."""
    plans = org.attributes["Plan"].choices
    checks = [
        email,
        password,
        name,
        name,
        birthdate,
        lambda v: v in ("male", "female"),
        lambda v: not v or v in org.tags,
        lambda v: not v or v in org.tags,
        lambda v: len(v) <= 255,
        lambda v: not v or bool(NUMBER.fullmatch(v)),
        lambda v: not v or v in plans,
        lambda v: not v or v.upper() in ("TRUE", "FALSE"),
    ]
    bad = 0
    seen: dict[str, list[int]] = defaultdict(list)
    for index, row in enumerate(grid.rows[1:], start=2):
        for check, value in zip(checks, row, strict=False):
            if not check(value):
                bad += 1
        seen[row[0].casefold()].append(index)
    return bad + sum(len(rows) for rows in seen.values() if len(rows) > 1)
