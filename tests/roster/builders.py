"""Grids, an organisation and a valid client row for the roster tests."""

from __future__ import annotations

import datetime as dt

from service.roster.engine import Validation, validate_grid
from service.roster.grid import CellKind, Grid
from service.roster.issues import Issue, a1
from service.roster.organisation import AttributeDefinition, OrgSnapshot

HEADER = [
    "email_address",
    "initial_password",
    "first_name",
    "last_name",
    "birthdate",
    "gender",
    "tag",
    "tag",
    "external_id",
    "attribute:Weight",
    "attribute:Started",
    "attribute:Consented",
    "attribute:Plan",
    "attribute:Notes",
]

GOOD = {
    "email_address": "ann@example.com",
    "initial_password": "Corr3ct-horse",
    "first_name": "Ann",
    "last_name": "Lee",
    "birthdate": "19850314",
    "gender": "female",
}

ORG = OrgSnapshot(
    tags=frozenset({"VIP", "Diabetes type 2"}),
    attributes={
        "Weight": AttributeDefinition("Weight", "number"),
        "Started": AttributeDefinition("Started", "date"),
        "Consented": AttributeDefinition("Consented", "boolean"),
        "Plan": AttributeDefinition("Plan", "choice", ("Basic", "Premium")),
        "Notes": AttributeDefinition("Notes", "text"),
    },
    client_emails=frozenset({"old@example.com"}),
    external_ids={"EXT-1": "old@example.com"},
)

TODAY = dt.date.today()


def column_of(field: str, header: list[str] = HEADER) -> int:
    """1-based column of the first header equal to `field`."""
    return header.index(field) + 1


def cell_of(field: str, row: int = 2, header: list[str] = HEADER) -> str:
    """A1 notation of `field`'s cell in `row`."""
    return a1(row, column_of(field, header))


def client(header: list[str] = HEADER, **values: str) -> list[str]:
    """A valid client row in `header`'s order, with some values replaced."""
    merged = {**GOOD, **values}
    cells = []
    for index, name in enumerate(header):
        first = header.index(name) == index  # a repeated column (tag) starts empty
        cells.append(merged.get(name, "") if first else "")
    return cells


def validate(
    *rows: list[str],
    header: list[str] = HEADER,
    org: OrgSnapshot = ORG,
    kinds: dict[tuple[int, int], CellKind] | None = None,
) -> Validation:
    """Validate a grid made of `header` and `rows`."""
    return validate_grid(Grid([list(header), *map(list, rows)], kinds=kinds or {}), org)


def issues_at(validation: Validation, cell: str | None) -> list[Issue]:
    """The issues of one cell (None: of the whole sheet)."""
    return [issue for issue in validation.issues if issue.cell == cell]


def codes_at(validation: Validation, cell: str | None) -> set[str]:
    return {issue.code for issue in issues_at(validation, cell)}


def check_value(field: str, value: str, **others: str) -> tuple[Validation, list[Issue]]:
    """Validate one client whose `field` holds `value`; return the run and that cell's issues."""
    validation = validate(client(**{field: value}, **others))
    return validation, issues_at(validation, cell_of(field))


def fixes_of(issues: list[Issue]) -> set[str | None]:
    return {issue.fix for issue in issues}
