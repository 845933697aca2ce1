"""The "Fix what can be fixed" use case: write every unambiguous suggested value."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import organisations
from .db import Database
from .roster.engine import validate_grid
from .roster.grid import Grid
from .roster.issues import a1
from .roster.notes import cell_of
from .roster.organisation import OrgRef, OrgSnapshot

if TYPE_CHECKING:  # the one Sheets adapter; gspread loads only where a sheet is read
    from .sources.google_sheets import GoogleSheets


def suggested_values(grid: Grid, org: OrgSnapshot) -> dict[tuple[int, int], tuple[str | None, str]]:
    """Cell -> (field, value) for every cell whose issues agree on one fix."""
    fixes: dict[tuple[int, int], set[str]] = {}
    fields: dict[tuple[int, int], str | None] = {}
    for issue in validate_grid(grid, org).issues:
        if issue.row is None:
            continue
        cell = cell_of(issue)
        fields[cell] = issue.field
        if issue.fix is not None:
            fixes.setdefault(cell, set()).add(issue.fix)
    return {
        cell: (fields[cell], values.pop()) for cell, values in fixes.items() if len(values) == 1
    }


def apply_fixes(
    db: Database,
    sheets: GoogleSheets,
    spreadsheet_id: str,
    worksheet: str | int | None,
    organisation: OrgRef,
) -> dict[str, Any]:
    """Read the sheet once, fix it in one write, and say what changed and what is left."""
    org = organisations.snapshot(db, organisation.id)
    grid = sheets.read(spreadsheet_id, worksheet)
    changes = suggested_values(grid, org)
    if changes:
        assert grid.sheet_id is not None
        sheets.write_values(
            spreadsheet_id, grid.sheet_id, {cell: value for cell, (_, value) in changes.items()}
        )
        for (row, column), (_, value) in changes.items():
            while len(grid.rows[row]) <= column:
                grid.rows[row].append("")
            grid.rows[row][column] = value
    left = validate_grid(grid, org)
    return {
        "changed": [
            {"cell": a1(r + 1, c + 1), "field": f, "value": v}
            for (r, c), (f, v) in sorted(changes.items())
        ],
        "summary": left.summary,
    }
