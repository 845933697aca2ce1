"""The import use case end to end: validate the source, open a run, work it, report back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .. import organisations
from ..config import Settings
from ..db import Database
from ..errors import RosterError
from ..models import ImportRun, utcnow
from ..roster.columns import read_header
from ..roster.engine import Validation, validate_grid
from ..roster.grid import Grid
from ..roster.notes import MARK, is_roster_note
from ..roster.organisation import OrgSnapshot
from ..sources import locate
from ..sources.google_sheets import GoogleSheets
from ..sources.locate import read_source
from ..validation import validate_source
from .passwords import PasswordHashing
from .plan import plan_import
from .runs import ImportRequest, Progress, get_run, open_run, process_run, results_of


@dataclass
class Started:
    """The answer to an import request: a dry-run plan, or the run that was opened.

    The validation travels with it so that an in-process worker need not read the sheet again.
    """

    plan: dict[str, int]
    validation: Validation
    run: ImportRun | None = None
    blocked: bool = False  # errors stop the whole import


def _stale_after(settings: Settings) -> dt.timedelta:
    return dt.timedelta(seconds=settings.import_stale_seconds)


def start_import(
    db: Database,
    sheets: GoogleSheets,
    settings: Settings,
    organisation_id: int,
    source: str,
    worksheet: str | int | None,
    started_by: str,
    *,
    mode: str = "all_or_nothing",
    update_existing: bool = False,
    dry_run: bool = False,
) -> Started:
    """Validate (writing notes to a sheet), then plan, then open a run unless it is a dry run."""
    checked = validate_source(
        sheets, source, worksheet, organisations.snapshot(db, organisation_id)
    )
    grid, validation = checked.grid, checked.validation
    plan = plan_import(validation, mode, update_existing)
    counts = plan.counts()
    if dry_run:
        return Started(counts, validation, blocked=plan.blocked_whole)
    request = ImportRequest(
        source=source,
        worksheet_id=grid.sheet_id,
        worksheet_title=grid.title or None,
        started_by=started_by,
        mode=mode,
        update_existing=update_existing,
    )
    run = open_run(db, organisation_id, request, validation, _stale_after(settings))
    return Started(counts, validation, run)


def work(
    db: Database,
    sheets: GoogleSheets,
    hashing: PasswordHashing,
    settings: Settings,
    run_id: str,
    progress: Progress | None = None,
    validation: Validation | None = None,
    budget_seconds: float | None = None,
) -> ImportRun:
    """Process a run to its end (or resume it) and show the results in the sheet."""
    run = get_run(db, run_id)
    worksheet = run.worksheet_id if run.worksheet_id is not None else run.worksheet_title

    def load() -> Validation:
        if validation is not None:
            return validation
        return validate_grid(
            read_source(sheets, run.source, worksheet),
            organisations.snapshot(db, run.organisation_id),
        )

    report = None if locate.is_file(run.source) else lambda ran: report_to_sheet(db, sheets, ran)
    return process_run(
        db,
        run_id,
        load,
        hashing,
        settings.import_chunk_size,
        progress,
        budget_seconds,
        _stale_after(settings),
        report,
    )


OUTCOME_TEXT = {
    "created": "imported as a new client",
    "updated": "updated an existing client",
    "skipped": "skipped: already a client",
}


def report_to_sheet(db: Database, sheets: GoogleSheets, run_id: str) -> str | None:
    """A note on each row's email cell, where the row still holds the same email.

    Returns a sentence about the rows whose result could not be placed, if any.
    """
    run = get_run(db, run_id)
    try:
        grid = sheets.read(run.source, run.worksheet_id)
        notes, misplaced = result_notes(grid, results_of(db, run.id), run)
        if notes:
            assert grid.sheet_id is not None
            sheets.write_notes(run.source, grid.sheet_id, notes)
    except RosterError as error:
        return f"The clients are imported, but the results could not be shown in the sheet: {error}"
    if misplaced:
        return (
            f"{misplaced} rows moved or changed during the import, or carry a person's note "
            "on their email cell: their results are counted here but not noted in the sheet."
        )
    return None


def result_notes(
    grid: Grid, results: list[tuple[int, str, str]], run: ImportRun
) -> tuple[dict[tuple[int, int], str], int]:
    """The notes that show each row's outcome; rows that moved are counted, not misplaced."""
    layout = read_header(grid.header, OrgSnapshot())
    column = next((c.index for c in layout.columns if c.field == "email_address"), None)
    if column is None:
        return {}, len(results)
    when = utcnow().strftime("%Y-%m-%d")
    notes: dict[tuple[int, int], str] = {}
    misplaced = 0
    for row, email, outcome in results:
        cell = (row - 1, column)
        shown = grid.value(row - 1, column).strip().lower()
        current = grid.notes.get(cell, "")
        if shown != email or (current and not is_roster_note(current)):
            misplaced += 1
            continue
        notes[cell] = f"{MARK}\n• Import {when}: {OUTCOME_TEXT[outcome]} (by {run.started_by})."
    return notes, misplaced
