"""Routes the sidebar polls: validation jobs for large sheets, and the sheet's active import.

Apps Script gives up on a UrlFetch after about 60 s and a sidebar should not wait half that,
so the script validates a large sheet by starting a job here and polling it; a start whose
answer was lost (a timeout) is recovered by asking for the sheet's active import, not by
starting again.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from flask import request, url_for
from marshmallow import Schema, fields

from .. import extensions, organisations, validation_jobs
from ..db import Database
from ..imports.runs import active_run
from ..roster.organisation import OrgRef
from ..sources.google_sheets import GoogleSheets
from ..validation import validate_source
from . import bodies, bp
from .callers import sheet_caller_of, sheet_member
from .schemas import (
    ImportSchema,
    IssueSchema,
    SummarySchema,
    ValidateBody,
    ValidationResult,
    worksheet_of,
)

log = logging.getLogger("roster.api")


class GroupSchema(Schema):
    field = fields.String(allow_none=True)
    column = fields.String(allow_none=True)
    severity = fields.String()
    code = fields.String()
    message = fields.String()
    count = fields.Integer()
    fixable = fields.Integer()
    cells = fields.List(fields.String())


class JobResultSchema(Schema):
    summary = fields.Nested(SummarySchema)
    groups = fields.List(fields.Nested(GroupSchema))
    issues = fields.List(fields.Nested(IssueSchema))
    issues_total = fields.Integer()
    notes = fields.Dict(allow_none=True)


class ValidationJobSchema(Schema):
    """A validation job (validation_jobs.JobInfo); times in UTC."""

    id = fields.String()
    status = fields.String()
    spreadsheet_id = fields.String()
    worksheet_id = fields.Integer(allow_none=True)
    worksheet = fields.String(allow_none=True)
    started_by = fields.String()
    started_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
    message = fields.String(allow_none=True)
    result = fields.Nested(JobResultSchema, allow_none=True)


class ValidationJobResult(Schema):
    validation = fields.Nested(ValidationJobSchema)


class ActiveImportResult(Schema):
    import_ = fields.Nested(ImportSchema, data_key="import", allow_none=True)


@bp.post("/sheets/<spreadsheet_id>/validations")
def start_validation(spreadsheet_id: str) -> Any:
    """202 with the job (a new one, or the one already checking that worksheet)."""
    who, organisation = sheet_member(spreadsheet_id)
    data = bodies.json_body(ValidateBody())
    worksheet = worksheet_of(data)
    db = extensions.db()
    started = validation_jobs.start_job(db, organisation.id, spreadsheet_id, worksheet, who.email)
    if started.created:
        _work(db, extensions.sheets(), started.job.id, organisation, spreadsheet_id, worksheet)
    location = url_for("api.validation_status", job_id=started.job.id)
    dumped = ValidationJobResult().dump({"validation": started.job})
    return dumped, 202, {"Location": location}


@bp.get("/validations/<job_id>")
def validation_status(job_id: str) -> tuple[dict[str, Any], int]:
    db = extensions.db()
    who = sheet_caller_of(lambda: validation_jobs.get_job(db, job_id).spreadsheet_id)
    organisations.require_member(
        db,
        validation_jobs.organisation_of_job(db, job_id),
        who.email,
        "You are not a member of the organisation this validation belongs to.",
    )
    job = validation_jobs.get_job(db, job_id)
    return ValidationJobResult().dump({"validation": job}), 200


@bp.get("/sheets/<spreadsheet_id>/imports/active")
def active_import(spreadsheet_id: str) -> tuple[dict[str, Any], int]:
    """The sheet's queued or running import (of `?worksheet_id=`), or null."""
    _, organisation = sheet_member(spreadsheet_id)
    worksheet_id = request.args.get("worksheet_id", type=int)
    run = active_run(extensions.db(), organisation.id, spreadsheet_id, worksheet_id)
    return ActiveImportResult().dump({"import_": run}), 200


def _work(
    db: Database,
    sheets: GoogleSheets,
    job_id: str,
    organisation: OrgRef,
    spreadsheet_id: str,
    worksheet: str | int | None,
) -> None:
    """Validate in a thread of this instance; the result goes to the database for any instance."""

    def validate() -> dict[str, Any]:
        checked = validate_source(db, sheets, spreadsheet_id, worksheet, organisation.id)
        result: dict[str, Any] = ValidationResult().dump(checked)
        return result

    def work() -> None:
        try:
            validation_jobs.run_job(db, job_id, validate)
        except Exception:
            log.exception("validation %s failed", job_id)

    threading.Thread(target=work, name=f"validation-{job_id}", daemon=True).start()


def document(spec: Any, problems: Any, json: Any, sheet: dict[str, Any]) -> None:
    """This module's paths in the OpenAPI document (called by openapi.build_spec)."""
    for name, schema in (
        ("ValidationJobResult", ValidationJobResult),
        ("ActiveImportResult", ActiveImportResult),
    ):
        spec.components.schema(name, schema=schema)
    job = {"name": "job_id", "in": "path", "required": True, "schema": {"type": "string"}}
    spec.path(
        path="/api/v1/sheets/{spreadsheet_id}/validations",
        operations={
            "post": {
                "summary": "Validate a large worksheet in the background; poll the job",
                "parameters": [sheet],
                "security": [{"idToken": []}],
                "requestBody": {"required": False, "content": json("ValidateBody")},
                "responses": {
                    "202": {
                        "description": "The job (the running one, if that worksheet is checked)",
                        "content": json("ValidationJobResult"),
                        "headers": {"Location": {"schema": {"type": "string"}}},
                    },
                    **problems(401, 403, 404, 413, 422, 500, 503),
                },
            }
        },
    )
    spec.path(
        path="/api/v1/validations/{job_id}",
        operations={
            "get": {
                "summary": "Status and result of a validation job",
                "parameters": [job],
                "security": [{"idToken": []}],
                "responses": {
                    "200": {"description": "The job", "content": json("ValidationJobResult")},
                    **problems(401, 403, 404, 500, 503),
                },
            }
        },
    )
    spec.path(
        path="/api/v1/sheets/{spreadsheet_id}/imports/active",
        operations={
            "get": {
                "summary": "The sheet's queued or running import, or null",
                "parameters": [
                    sheet,
                    {"name": "worksheet_id", "in": "query", "schema": {"type": "integer"}},
                ],
                "security": [{"idToken": []}],
                "responses": {
                    "200": {"description": "The import", "content": json("ActiveImportResult")},
                    **problems(401, 403, 404, 500, 503),
                },
            }
        },
    )
