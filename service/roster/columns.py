"""Headers: which column holds which field, and what is wrong with the header row."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from .characters import INVISIBLE, is_blank
from .issues import ERROR, Issue
from .organisation import OrgSnapshot
from .similar import one_edit_apart

REQUIRED = ("email_address", "initial_password", "first_name", "last_name", "birthdate", "gender")
OPTIONAL = ("tag", "external_id")
REPEATABLE = frozenset({"tag"})
ATTRIBUTE_PREFIXES = ("attribute:", "attributes:")


@dataclass(frozen=True, slots=True)
class Column:
    """A recognised header: its 0-based index and the canonical field it holds."""

    index: int
    field: str  # canonical name: "email_address", "tag", "attribute:<Name>"
    attribute: str | None = None  # the attribute's defined name for attribute columns


@dataclass(frozen=True, slots=True)
class Layout:
    """The result of reading the header row.

    `columns` also holds the columns under a wrong header that has a fix, read as the fixed
    header: their cells get their messages now, not only once the header is fixed.
    """

    columns: list[Column]
    width: int  # number of columns that have a header, counted to the last one
    issues: list[Issue]

    def index_of(self, field: str) -> int | None:
        """The 0-based index of the first column that holds `field`, if any."""
        return next((c.index for c in self.columns if c.field == field), None)


def read_header(header: list[str], org: OrgSnapshot) -> Layout:
    """Map headers to fields and report unknown, duplicate and missing ones."""
    known = REQUIRED + OPTIONAL
    attributes_by_key = {name.casefold(): name for name in org.attributes}
    columns: list[Column] = []
    issues: list[Issue] = []
    seen: dict[str, int] = {}
    guesses: list[tuple[int, int]] = []  # (position in issues, column index) of fixable headers
    width = 0
    for index, raw in enumerate(header):
        if is_blank(raw):
            continue
        name = raw.strip()
        width = index + 1
        column_number = index + 1
        key = name.casefold()
        prefix = next((p for p in ATTRIBUTE_PREFIXES if key.startswith(p)), None)
        if prefix is not None:
            wanted = name[len(prefix) :].strip()
            defined = attributes_by_key.get(wanted.casefold())
            if defined is None:
                guesses.append((len(issues), index))
                issues.append(_unknown_attribute(column_number, name, wanted, org))
                continue
            field = f"attribute:{defined}"
            column = Column(index, field, defined)
        elif key in known:
            field = key
            column = Column(index, field)
        else:
            guesses.append((len(issues), index))
            issues.append(_unknown_header(column_number, name, known, org))
            continue
        if field in seen and field not in REPEATABLE:
            first = seen[field] + 1
            issues.append(
                Issue(
                    1,
                    column_number,
                    field,
                    "header.duplicate",
                    ERROR,
                    f'The column "{field}" appears twice (also in column {first}): '
                    "delete or rename this one.",
                )
            )
            continue
        seen.setdefault(field, index)
        columns.append(column)
    _keep_safe_fixes(issues, guesses, seen, columns)
    for field in REQUIRED:
        if field not in seen:
            issues.append(
                Issue(
                    None,
                    None,
                    None,
                    "header.missing_required",
                    ERROR,
                    f'The required column "{field}" is missing: add a header "{field}" to row 1.',
                )
            )
    return Layout(columns, width, issues)


def _keep_safe_fixes(
    issues: list[Issue], guesses: list[tuple[int, int]], seen: dict[str, int], columns: list[Column]
) -> None:
    """A header fix that would duplicate a column is no fix; the others' columns are read."""
    targets = Counter(issues[position].fix for position, _ in guesses)
    for position, index in guesses:
        target = issues[position].fix
        if target is None:
            continue
        if target not in REPEATABLE and (target in seen or targets[target] > 1):
            issues[position] = replace(issues[position], fix=None)
            continue
        attribute = target.split(":", 1)[1] if target.startswith("attribute:") else None
        columns.append(Column(index, target, attribute))
    columns.sort(key=lambda column: column.index)


# what people commonly write instead of a Roster header, compared without spaces, _ or -
ALIASES = {
    "email": "email_address",
    "emailaddress": "email_address",
    "mail": "email_address",
    "password": "initial_password",
    "initialpassword": "initial_password",
    "temporarypassword": "initial_password",
    "firstname": "first_name",
    "givenname": "first_name",
    "lastname": "last_name",
    "surname": "last_name",
    "familyname": "last_name",
    "dateofbirth": "birthdate",
    "dob": "birthdate",
    "birthday": "birthdate",
    "sex": "gender",
    "tags": "tag",
    "externalid": "external_id",
    "id": "external_id",
}


def _squash(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch not in " _-" + INVISIBLE)


def _close(key: str, candidates: list[str]) -> list[str]:
    """The one candidate a typo away (compared squashed), or none: never a different word."""
    # short aliases (id, dob, sex) are one edit from many unrelated words (is, job, set)
    close = [c for c in candidates if len(c) >= 4 and len(key) >= 4 and one_edit_apart(key, c)]
    return close if len(close) == 1 else []


def _unknown_header(column: int, name: str, known: tuple[str, ...], org: OrgSnapshot) -> Issue:
    candidates = dict(ALIASES)
    candidates.update({_squash(k): k for k in known})
    candidates.update({_squash(a): f"attribute:{a}" for a in org.attributes})
    exact = candidates.get(_squash(name))
    close = {candidates[c] for c in _close(_squash(name), list(candidates))}
    match = [exact] if exact else sorted(close) if len(close) == 1 else []
    if exact and any(ch in INVISIBLE for ch in name):
        message = (
            f"This header contains invisible characters (zero-width or no-break spaces): "
            f'retype it as "{exact}".'
        )
    elif match:
        message = f'"{name}" is not a Roster column: did you mean "{match[0]}"?'
    else:
        message = (
            f'"{name}" is not a Roster column: rename it to one of '
            f"{', '.join(known)} or attribute:<Name>, or delete the column."
        )
    # only a header that is the same but for case, spaces and dashes, or a common alias of a
    # Roster header, is fixed without asking; a merely close one is suggested in words
    return Issue(1, column, None, "header.unknown", ERROR, message, exact)


def _unknown_attribute(column: int, header: str, wanted: str, org: OrgSnapshot) -> Issue:
    same = [name for name in org.attributes if _squash(name) == _squash(wanted)]
    by_key = {_squash(name): name for name in org.attributes}
    match = same or [by_key[c] for c in _close(_squash(wanted), list(by_key))]
    fix: str | None = None
    if match:
        message = f'"{wanted}" is not an attribute of your organisation: did you mean "{match[0]}"?'
        # a typo's closest name is a guess: fix only what differs in case, spaces and dashes
        fix = f"attribute:{same[0]}" if len(same) == 1 else None
    else:
        defined = ", ".join(sorted(org.attributes)) or "none yet"
        message = (
            f'"{wanted}" is not an attribute of your organisation '
            f"(defined: {defined}): ask an admin to add it, or delete the column."
        )
        fix = None
    return Issue(1, column, None, "header.unknown_attribute", ERROR, message, fix)
