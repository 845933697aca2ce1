"""Request and response shapes of the JSON API (SPEC §6), as marshmallow schemas.

These are the wire: requests are loaded and responses dumped through them (and the CLI's
`--format json` too), and the OpenAPI document is built from them.
"""

from __future__ import annotations

from typing import Any

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_dump,
    validate,
    validates_schema,
)


def worksheet_of(data: dict[str, Any]) -> str | int | None:
    """The worksheet a loaded body names: its gid, else its title, else None (the first)."""
    return data.get("worksheet_id", data.get("worksheet"))


class WorksheetBody(Schema):
    """Which worksheet: a title or a gid, not both; the first one when neither."""

    class Meta:
        """Unknown fields are refused, not ignored."""

        unknown = RAISE

    worksheet = fields.String(validate=validate.Length(min=1, max=200))
    worksheet_id = fields.Integer(validate=validate.Range(min=0, max=2**31 - 1))

    @validates_schema
    def one_worksheet(self, data: dict[str, Any], **kwargs: Any) -> None:
        """A title or a gid, not both."""
        if "worksheet" in data and "worksheet_id" in data:
            raise ValidationError("Give worksheet or worksheet_id, not both.")


class ValidateBody(WorksheetBody):
    """The body of POST …/validate."""


class ImportBody(WorksheetBody):
    """The body of POST …/imports."""

    mode = fields.String(
        load_default="all_or_nothing", validate=validate.OneOf(["all_or_nothing", "skip_invalid"])
    )
    update_existing = fields.Boolean(load_default=False)
    dry_run = fields.Boolean(load_default=False)


class FixBody(WorksheetBody):
    """The body of POST …/fix."""


class IssueSchema(Schema):
    """One issue (SPEC §3)."""

    row = fields.Integer(allow_none=True)
    column = fields.Integer(allow_none=True)
    cell = fields.String(allow_none=True)
    field = fields.String(allow_none=True)
    code = fields.String()
    severity = fields.String(validate=validate.OneOf(["error", "warning"]))
    message = fields.String()
    fix = fields.String(allow_none=True)


class SummarySchema(Schema):
    """Rows read, errors and warnings found."""

    rows = fields.Integer()
    errors = fields.Integer()
    warnings = fields.Integer()


class NotesSchema(Schema):
    """What a validate did to the sheet's notes."""

    written = fields.Integer()
    cleared = fields.Integer()
    kept_personal = fields.Integer()


class ValidationResult(Schema):
    """A validation; `notes` only for a spreadsheet (a file is written nowhere)."""

    worksheet = fields.String(metadata={"description": "the tab read (a CSV file's name)"})
    summary = fields.Nested(SummarySchema)
    issues = fields.List(fields.Nested(IssueSchema))
    notes = fields.Nested(NotesSchema, allow_none=True)

    @post_dump
    def drop_missing_notes(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """A file's validation has no `notes` member at all."""
        if data.get("notes") is None:
            data.pop("notes", None)
        return data


class PlanSchema(Schema):
    """What an import would do: rows to create, update, skip, and rows blocked by errors."""

    create = fields.Integer()
    update = fields.Integer()
    skip = fields.Integer()
    blocked = fields.Integer()


class PlanResult(Schema):
    """A dry run's answer."""

    plan = fields.Nested(PlanSchema)


class ImportSchema(Schema):
    """An import run as it stands (SPEC §6 GET /api/v1/imports/{id}); times in UTC."""

    id = fields.String()
    status = fields.String(
        validate=validate.OneOf(["queued", "running", "succeeded", "failed", "undone"])
    )
    total = fields.Integer()
    processed = fields.Integer()
    created = fields.Integer()
    updated = fields.Integer()
    skipped = fields.Integer()
    failed_rows = fields.Integer()
    started_by = fields.String()
    started_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
    mode = fields.String()
    message = fields.String(allow_none=True)
    invitations_sent = fields.Constant(0)  # SPEC §5: no invitation is ever sent


class ImportResult(Schema):
    """An import, or none (the task handler's answer for an unknown run)."""

    import_ = fields.Nested(ImportSchema, data_key="import", allow_none=True)
    detail = fields.String()


class ChangeSchema(Schema):
    """One cell "Fix what can be fixed" changed."""

    cell = fields.String()
    field = fields.String(allow_none=True)
    value = fields.String()


class FixResult(Schema):
    """What a fix changed, and what is left."""

    changed = fields.List(fields.Nested(ChangeSchema))
    summary = fields.Nested(SummarySchema)


class WriteProgress(Schema):
    """How much of a write went in before Google stopped answering (errors.WriteIncomplete)."""

    written = fields.Integer()
    total = fields.Integer()


class Problem(Schema):
    """An RFC 9457 problem document, with the members Roster's errors declare
    (`RosterError.problem_fields`): the issues that block an import, who is importing."""

    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    issues = fields.List(fields.Nested(IssueSchema))
    started_by = fields.String()
    started_at = fields.DateTime()
    import_id = fields.String()
    notes = fields.Nested(WriteProgress)
    fixes = fields.Nested(WriteProgress)


class ClientSchema(Schema):
    """A client as `roster clients list` shows it (SPEC §8): never a password or hash."""

    email_address = fields.String()
    first_name = fields.String()
    last_name = fields.String()
    birthdate = fields.Date(format="%Y%m%d")
    gender = fields.String()
    external_id = fields.String(allow_none=True)
    tags = fields.List(fields.String())
    attributes = fields.Dict()
    must_change_password = fields.Boolean()


class ClientList(Schema):
    """The clients of an organisation."""

    clients = fields.List(fields.Nested(ClientSchema))
