"""The import use case, which drives a run from request to results in the sheet.

start_import: read and validate the source once (notes written to a sheet), plan once, open a
run. work: claim the run, write the plan chunk by chunk, show each row's outcome in the sheet,
finish. The plan travels from one to the other (`Prepared`); only a worker in another process
(Cloud Tasks) reads the source again.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import organisations
from ..config import Settings
from ..db import Database
from ..errors import ImportBlocked, RosterError
from ..roster.engine import Validation, validate_grid
from ..roster.notes import plan_result_notes
from ..roster.wording import plural
from ..sources.locate import read_source
from ..validation import SheetValidation, validate_source
from . import clients, runs
from .outcomes import UPDATE_RULES, failed_rows
from .passwords import PasswordHashing
from .plan import ImportPlan, plan_import
from .report import blocked_message
from .runs import ImportRequest, ImportStatus

if TYPE_CHECKING:  # gspread is imported only where a spreadsheet is read
    from ..sources.google_sheets import GoogleSheets

NO_INVITATIONS = "No invitations were sent: give each client their temporary password yourself."
CHANGED_SINCE = (
    "The roster changed since the import started and now has errors: validate it and import again."
)
UNEXPECTED = (
    "The import stopped on an unexpected error; what was imported is kept. "
    "Import again to finish it."
)

Progress = Callable[[ImportStatus], None]


@dataclass(frozen=True)
class Prepared:
    """A roster read, validated and planned once, carried to the worker that writes it."""

    validation: Validation
    plan: ImportPlan
    sheet_id: int | None  # the worksheet's gid in a spreadsheet; None for a file


@dataclass(frozen=True)
class Started:
    """The answer to an import request: a dry run's plan, or the run that was opened."""

    plan: dict[str, int]
    prepared: Prepared
    run: ImportStatus | None = None
    blocked: bool = False  # errors stop the whole import


def start_import(
    db: Database,
    sheets: GoogleSheets,
    settings: Settings,
    source: str,
    worksheet: str | int | None,
    started_by: str,
    *,
    organisation_id: int | None = None,
    slug: str | None = None,
    member: str | None = None,
    mode: str = "all_or_nothing",
    update_existing: bool = False,
    dry_run: bool = False,
    checked: SheetValidation | None = None,
) -> Started:
    """Validate (writing notes to a sheet), then plan, then open a run unless it is a dry run.

    `organisation_id` is the one the caller resolved; without it `slug` and `member` choose it
    (organisations.resolve). An uploaded file arrives already read and validated as `checked`.
    """
    if organisation_id is None:
        organisation_id = organisations.resolve(
            db, slug=slug, spreadsheet_id=source, member=member
        ).id
    if checked is None:
        checked = validate_source(db, sheets, source, worksheet, organisation_id)
    plan = plan_import(checked.validation, mode, update_existing)
    prepared = Prepared(checked.validation, plan, checked.grid.sheet_id)
    if dry_run:
        return Started(plan.counts(), prepared, blocked=plan.blocked_whole)
    if plan.blocked_whole:
        is_file = checked.grid.sheet_id is None
        raise ImportBlocked(
            checked.validation,
            blocked_message(
                checked.validation,
                source,
                is_file,
                mode == "skip_invalid",
                via_cli=False,
                update_existing=update_existing,
            ),
        )
    request = ImportRequest(
        source=source,
        worksheet_id=checked.grid.sheet_id,
        worksheet_title=checked.grid.title or None,
        started_by=started_by,
        mode=mode,
        update_existing=update_existing,
    )
    run = clients.open_run(
        db,
        organisation_id,
        request,
        checked.validation.rows,
        failed_rows(checked.grid, checked.validation, plan.blocked),
        _stale(settings),
    )
    return Started(plan.counts(), prepared, run)


def work(
    db: Database,
    sheets: GoogleSheets,
    hashing: PasswordHashing,
    settings: Settings,
    run_id: str,
    progress: Progress | None = None,
    prepared: Prepared | None = None,
    budget_seconds: float | None = None,
) -> ImportStatus:
    """Do what is left of a run, chunk by chunk, then show the results; safe to call again.

    With a budget (a Cloud Tasks request has 10 minutes), it stops after the chunk that
    exhausts it and hands the lease back, leaving the run `running` for the next call.
    """
    deadline = None if budget_seconds is None else time.monotonic() + budget_seconds
    lease = runs.claim(db, run_id, _stale(settings))
    if lease is None:
        return runs.get_run(db, run_id)  # another worker holds it, or it is over
    try:
        run = runs.get_run(db, run_id)
        prepared = prepared or _prepare(db, sheets, run)
        if prepared.plan.blocked_whole:
            return runs.finish(db, run_id, "failed", CHANGED_SINCE)
        steps = prepared.plan.steps(done=clients.recorded_emails(db, run_id))
        tags = clients.tag_ids(db, run.organisation_id)
        size = settings.import_chunk_size
        for start in range(0, len(steps), size):
            chunk = steps[start : start + size]
            creates = [s.client for s in chunk if s.action == "create"]
            hashes = hashing.hash_many([c.initial_password for c in creates])
            by_email = dict(zip((c.email_address for c in creates), hashes, strict=True))
            status = clients.write_chunk(db, run, lease, chunk, by_email, tags)
            if progress is not None:
                progress(status)
            out_of_time = deadline is not None and time.monotonic() > deadline
            if out_of_time and start + size < len(steps):
                return runs.release(db, run_id, lease)
        # shown before the run is marked done, so whoever polls sees them together
        email_column = prepared.validation.layout.index_of("email_address")
        shown = _show_results(db, sheets, run, prepared.sheet_id, email_column)
        rules = UPDATE_RULES if run.update_existing else None
        message = " ".join(filter(None, [NO_INVITATIONS, rules, shown]))
        return runs.finish(db, run_id, "succeeded", message)
    except runs.LeaseLost:
        return runs.get_run(db, run_id)
    except Exception as error:
        runs.finish(
            db, run_id, "failed", str(error) if isinstance(error, RosterError) else UNEXPECTED
        )
        raise
    except BaseException:  # Ctrl+C or shutdown: let the next import take over at once
        runs.abandon(db, run_id, lease)
        raise


def _prepare(db: Database, sheets: GoogleSheets, run: ImportStatus) -> Prepared:
    """For a worker that did not start the run: read, validate and plan as the request did."""
    grid = read_source(sheets, run.source, run.worksheet)
    validation = validate_grid(grid, organisations.snapshot(db, run.organisation_id))
    return Prepared(
        validation, plan_import(validation, run.mode, run.update_existing), grid.sheet_id
    )


def _show_results(
    db: Database,
    sheets: GoogleSheets,
    run: ImportStatus,
    sheet_id: int | None,
    email_column: int | None,
) -> str | None:
    """A note on each row's email cell, where the row still holds the same email.

    Returns a sentence about the rows whose result could not be placed, if any. A file has no
    notes to write: its results are in the counts.
    """
    if sheet_id is None:
        return None
    try:
        grid = sheets.read(run.source, sheet_id)
        notes, misplaced = plan_result_notes(
            grid,
            email_column,
            clients.outcomes(db, run.id),
            run.started_by,
            dt.datetime.now(dt.UTC).strftime("%Y-%m-%d"),
        )
        if notes:
            sheets.write_notes(run.source, sheet_id, notes)
    except RosterError as error:
        return f"The clients are imported, but the results could not be shown in the sheet: {error}"
    if misplaced:
        return (
            f"{plural(misplaced, 'row')} moved or changed during the import, or had a person's "
            "note on the email cell: their results are counted here but not noted in the sheet."
        )
    return None


def _stale(settings: Settings) -> dt.timedelta:
    return dt.timedelta(seconds=settings.import_stale_seconds)
