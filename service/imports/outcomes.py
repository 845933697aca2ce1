"""Per-row outcomes of an import (SPEC §5): what each is called, and why a row failed."""

from __future__ import annotations

from dataclasses import dataclass

from ..roster.engine import Validation
from ..roster.grid import Grid

OUTCOMES = ("created", "updated", "unchanged", "skipped", "failed")

ALREADY_A_CLIENT = "already a client"
NOTHING_TO_UPDATE = "already a client, and the roster changes nothing in the profile"
ADDED_MEANWHILE = "a client with this email or external id was added meanwhile"
REMOVED_MEANWHILE = "the client was removed meanwhile"
UPDATE_RULES = "Passwords are never changed by an update, and tags are only added, never removed."


@dataclass(frozen=True)
class FailedRow:
    """A row an import could not take: it has errors (its notes say which)."""

    row: int
    email: str
    reason: str


def failed_rows(grid: Grid, validation: Validation, blocked: list[int]) -> list[FailedRow]:
    """The blocked rows with the address they hold and their errors, cell by cell."""
    column = validation.layout.index_of("email_address")  # the header as validation read it
    wanted = set(blocked)
    errors: dict[int, list[str]] = {}
    for issue in validation.issues:
        if issue.is_error and issue.row is not None and issue.row in wanted:
            errors.setdefault(issue.row, []).append(f"{issue.cell}: {issue.message}")
    out = []
    for row in blocked:
        email = grid.value(row - 1, column).strip()[:254] if column is not None else ""
        reasons = errors.get(row, ["the row has errors"])
        more = f" (and {len(reasons) - 3} more)" if len(reasons) > 3 else ""
        out.append(FailedRow(row, email, " ".join(reasons[:3]) + more))
    return out
