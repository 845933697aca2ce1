"""The API's routes: each one authenticates, parses, calls one use case and dumps the result."""

from __future__ import annotations

import logging
import threading
from typing import Any

from flask import url_for

from .. import extensions, organisations
from ..config import Settings
from ..db import Database
from ..fixes import apply_fixes
from ..imports import jobs
from ..imports.passwords import PasswordHashing
from ..imports.runs import get_run
from ..sources.google_sheets import GoogleSheets
from ..validation import validate_source
from . import bodies, bp
from .callers import run_caller, sheet_member
from .schemas import (
    FixBody,
    FixResult,
    ImportBody,
    ImportResult,
    PlanResult,
    ValidateBody,
    ValidationResult,
    worksheet_of,
)

log = logging.getLogger("roster.api")


@bp.post("/sheets/<spreadsheet_id>/validate")
def validate(spreadsheet_id: str) -> tuple[Any, int]:
    """Read the sheet, validate it, write its notes; answer the summary and the issues."""
    _, organisation = sheet_member(spreadsheet_id)
    data = bodies.json_body(ValidateBody())
    checked = validate_source(
        extensions.db(),
        extensions.sheets(),
        spreadsheet_id,
        worksheet_of(data),
        organisation.id,
    )
    log.info(
        "validated sheet=%s rows=%d errors=%d",
        spreadsheet_id,
        checked.summary["rows"],
        checked.summary["errors"],
    )
    return ValidationResult().dump(checked), 200


@bp.post("/sheets/<spreadsheet_id>/imports")
def start_import(spreadsheet_id: str) -> Any:
    """Start an import (202 and where to poll it), or answer a dry run's plan (200)."""
    who, organisation = sheet_member(spreadsheet_id)
    data = bodies.json_body(ImportBody())
    settings, db, sheets = extensions.settings(), extensions.db(), extensions.sheets()
    started = jobs.start_import(
        db,
        sheets,
        settings,
        spreadsheet_id,
        worksheet_of(data),
        who.email,
        organisation_id=organisation.id,
        mode=data["mode"],
        update_existing=data["update_existing"],
        dry_run=data["dry_run"],
    )
    if started.run is None:
        return PlanResult().dump({"plan": started.plan}), 200
    dispatch(settings, db, sheets, extensions.hashing(), started.run.id, started.prepared)
    location = url_for("api.import_status", import_id=started.run.id)
    return ImportResult().dump({"import_": started.run}), 202, {"Location": location}


def dispatch(
    settings: Settings,
    db: Database,
    sheets: GoogleSheets,
    hashing: PasswordHashing,
    run_id: str,
    prepared: jobs.Prepared | None = None,
    in_process: bool = False,
) -> None:
    """Hand the run to a worker: a thread here (carrying the plan), or Cloud Tasks.

    An uploaded file's run is always `in_process`: its bytes live only in this request's
    memory (docs/decisions.md), so no other instance could read them.
    """
    if settings.tasks == "cloud-tasks" and not in_process:
        from ..imports.cloud_tasks import enqueue

        enqueue(settings, run_id)
        return

    def work() -> None:
        """The worker thread: a failure is logged, and the run records it."""
        try:
            jobs.work(db, sheets, hashing, settings, run_id, prepared=prepared)
        except Exception:
            log.exception("import %s failed", run_id)

    threading.Thread(target=work, name=f"import-{run_id}", daemon=True).start()


@bp.get("/imports/<import_id>")
def import_status(import_id: str) -> tuple[Any, int]:
    """An import's progress and result, for members of its organisation."""
    who = run_caller(import_id)
    run = get_run(extensions.db(), import_id)
    organisations.require_member(
        extensions.db(),
        run.organisation_id,
        who.email,
        "You are not a member of the organisation this import belongs to.",
    )
    return ImportResult().dump({"import_": run}), 200


@bp.post("/sheets/<spreadsheet_id>/fix")
def fix(spreadsheet_id: str) -> tuple[Any, int]:
    """Write every unambiguous fix in one request; answer what changed and what is left."""
    _, organisation = sheet_member(spreadsheet_id)
    data = bodies.json_body(FixBody())
    fixed = apply_fixes(
        extensions.db(),
        extensions.sheets(),
        spreadsheet_id,
        worksheet_of(data),
        organisation.id,
    )
    return FixResult().dump(fixed), 200
