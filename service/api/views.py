"""The API's routes: each one authenticates, parses, calls one use case and dumps the result."""

from __future__ import annotations

import logging
import threading
from typing import Any

from flask import request, url_for

from .. import extensions, organisations
from ..auth import Caller
from ..config import Settings
from ..db import Database
from ..errors import BadBody, NotFound
from ..fixes import apply_fixes
from ..imports import jobs
from ..imports.passwords import PasswordHashing
from ..imports.runs import get_run, run_to_dict
from ..roster.engine import Validation
from ..roster.organisation import OrgRef, OrgSnapshot
from ..sources import locate
from ..sources.google_sheets import GoogleSheets
from ..validation import validate_source
from . import bp
from .schemas import FixBody, ImportBody, ValidateBody

log = logging.getLogger("roster.api")


def caller() -> Caller:
    """Who is calling, from the request's Authorization header."""
    return extensions.authenticator().verify(request.headers.get("Authorization"))


def body(schema: Any) -> dict[str, Any]:
    """The JSON body loaded by its schema; an empty body means every default."""
    if not request.get_data(cache=True):  # chunked bodies have no Content-Length: read them
        return schema.load({})
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadBody('The request body must be a JSON object, such as {"worksheet_id": 0}.')
    return schema.load(data)


def worksheet_of(data: dict[str, Any]) -> str | int | None:
    return data.get("worksheet_id", data.get("worksheet"))


def sheet_organisation(spreadsheet_id: str, who: Caller) -> OrgRef:
    """The organisation that owns the sheet, if the caller is one of its members."""
    if locate.spreadsheet_id(spreadsheet_id) != spreadsheet_id:
        raise NotFound("This is not a Google spreadsheet id.")
    return organisations.resolve(extensions.db(), spreadsheet_id=spreadsheet_id, member=who.email)


def sheet_snapshot(spreadsheet_id: str, who: Caller) -> OrgSnapshot:
    """What the rules need to know about the organisation that owns the sheet."""
    return organisations.snapshot(extensions.db(), sheet_organisation(spreadsheet_id, who).id)


@bp.post("/sheets/<spreadsheet_id>/validate")
def validate(spreadsheet_id: str) -> tuple[dict[str, Any], int]:
    who = caller()
    data = body(ValidateBody())
    snapshot = sheet_snapshot(spreadsheet_id, who)
    checked = validate_source(extensions.sheets(), spreadsheet_id, worksheet_of(data), snapshot)
    log.info(
        "validated sheet=%s rows=%d errors=%d",
        spreadsheet_id,
        checked.validation.rows,
        checked.validation.summary["errors"],
    )
    return checked.to_dict(), 200


@bp.post("/sheets/<spreadsheet_id>/imports")
def start_import(spreadsheet_id: str) -> Any:
    who = caller()
    data = body(ImportBody())
    organisation = sheet_organisation(spreadsheet_id, who)
    started = jobs.start_import(
        extensions.db(),
        extensions.sheets(),
        extensions.settings(),
        organisation.id,
        spreadsheet_id,
        worksheet_of(data),
        who.email,
        mode=data["mode"],
        update_existing=data["update_existing"],
        dry_run=data["dry_run"],
    )
    if started.run is None:
        return {"plan": started.plan}, 200
    dispatch(
        extensions.settings(),
        extensions.db(),
        extensions.sheets(),
        extensions.hashing(),
        started.run.id,
        started.validation,
    )
    location = url_for("api.import_status", import_id=started.run.id)
    return {"import": run_to_dict(started.run)}, 202, {"Location": location}


def dispatch(
    settings: Settings,
    db: Database,
    sheets: GoogleSheets,
    hashing: PasswordHashing,
    run_id: str,
    validation: Validation | None = None,
) -> None:
    """Hand the run to a worker: a thread here (reusing the validation), or Cloud Tasks."""
    if settings.tasks == "cloud-tasks":
        from ..imports.cloud_tasks import enqueue

        enqueue(settings, run_id)
        return

    def work() -> None:
        try:
            jobs.work(db, sheets, hashing, settings, run_id, validation=validation)
        except Exception:
            log.exception("import %s failed", run_id)

    threading.Thread(target=work, name=f"import-{run_id}", daemon=True).start()


@bp.get("/imports/<import_id>")
def import_status(import_id: str) -> tuple[dict[str, Any], int]:
    who = caller()
    run = get_run(extensions.db(), import_id)
    organisations.require_member(
        extensions.db(),
        run.organisation_id,
        who.email,
        "You are not a member of the organisation this import belongs to.",
    )
    return {"import": run_to_dict(run)}, 200


@bp.post("/sheets/<spreadsheet_id>/fix")
def fix(spreadsheet_id: str) -> tuple[dict[str, Any], int]:
    who = caller()
    data = body(FixBody())
    snapshot = sheet_snapshot(spreadsheet_id, who)
    return apply_fixes(extensions.sheets(), spreadsheet_id, worksheet_of(data), snapshot), 200
