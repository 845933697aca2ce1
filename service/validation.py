"""The validate use case: which organisation -> source -> grid -> issues -> notes in the sheet."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import organisations
from .db import Database
from .roster.engine import Validation, validate_grid
from .roster.grid import Grid
from .roster.issues import Issue
from .roster.notes import plan_notes
from .sources.locate import read_source

if TYPE_CHECKING:  # the one Sheets adapter; gspread loads only where a sheet is read
    from .sources.google_sheets import GoogleSheets


@dataclass
class SheetValidation:
    """A validation of a file or a Google Sheet, with what happened to the sheet's notes."""

    validation: Validation
    grid: Grid
    in_sheet: bool = True  # False for a file: nothing was written anywhere
    notes_written: int = 0
    notes_cleared: int = 0
    hidden: list[Issue] = field(default_factory=list)  # cells that keep a person's note

    @property
    def summary(self) -> dict[str, int]:
        """Rows read, errors and warnings found."""
        return self.validation.summary

    @property
    def worksheet(self) -> str:
        """The tab read (a CSV file's name): output always names it (SPEC §2 Files)."""
        return self.grid.title

    @property
    def issues(self) -> list[Issue]:
        """Every issue, sorted by cell."""
        return self.validation.issues

    @property
    def notes(self) -> dict[str, int] | None:
        """What happened to the sheet's notes; None for a file."""
        if not self.in_sheet:
            return None
        return {
            "written": self.notes_written,
            "cleared": self.notes_cleared,
            "kept_personal": len({i.cell for i in self.hidden}),
        }


def validate_source(
    db: Database,
    sheets: GoogleSheets,
    source: str,
    worksheet: str | int | None,
    organisation_id: int,
) -> SheetValidation:
    """Validate a file or a spreadsheet for its organisation; a spreadsheet also gets every note
    change in one write.

    The caller resolved the organisation (organisations.resolve: the API before it reads the
    body, the CLI from --org), so the source is read once, by someone allowed to, before
    anything is written.
    """
    snapshot = organisations.snapshot(db, organisation_id)
    grid = read_source(sheets, source, worksheet)
    validation = validate_grid(grid, snapshot)
    if grid.sheet_id is None:
        return SheetValidation(validation, grid, in_sheet=False)
    changes, hidden = plan_notes(grid.notes, validation.issues)
    if changes:
        sheets.write_notes(source, grid.sheet_id, changes)
    cleared = sum(1 for text in changes.values() if not text)
    return SheetValidation(validation, grid, True, len(changes) - cleared, cleared, hidden)
