"""The "Fix what can be fixed" use cases: a sheet fixed in place, a file fixed into a copy."""

from __future__ import annotations

from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from . import organisations
from .db import Database
from .roster.engine import validate_grid
from .roster.grid import Grid
from .roster.issues import a1
from .roster.notes import cell_of
from .roster.organisation import OrgSnapshot
from .sources import workbook
from .sources.fixed_copy import fixed_copy

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
    organisation_id: int,
) -> dict[str, Any]:
    """Read the sheet once, fix it in one write, and say what changed and what is left."""
    org = organisations.snapshot(db, organisation_id)
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


def fix_file(
    data: bytes,
    name: str,
    org: OrgSnapshot,
    out: IO[bytes],
    worksheet: str | int | None = None,
) -> dict[str, Any]:
    """Write to `out` a copy of the file `name` (same format) with every unambiguous fix.

    The same rule as the sheet's menu (suggested_values); every other cell is left as it was.
    Returns what changed, what is left, and the tab that was fixed.
    """
    suffix = workbook.check_suffix(name)
    grid = workbook.read_bytes(data, suffix, Path(name).name, worksheet)
    changes = suggested_values(grid, org)
    out.write(
        fixed_copy(data, suffix, grid.title, {cell: value for cell, (_, value) in changes.items()})
        if changes
        else data
    )
    for (row, column), (_, value) in changes.items():
        grid.rows[row][column] = value
    left = validate_grid(grid, org)
    return {
        "worksheet": grid.title,
        "changed": [
            {"cell": a1(r + 1, c + 1), "field": f, "value": v}
            for (r, c), (f, v) in sorted(changes.items())
        ],
        "summary": left.summary,
        "fixable_left": sum(1 for issue in left.issues if issue.fix is not None),
    }
