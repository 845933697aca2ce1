"""Request and response shapes of the JSON API (SPEC §6), as marshmallow schemas."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema


class WorksheetBody(Schema):
    """Which worksheet: a title or a gid, not both; the first one when neither."""

    class Meta:
        unknown = RAISE

    worksheet = fields.String(validate=validate.Length(min=1, max=200))
    worksheet_id = fields.Integer(validate=validate.Range(min=0, max=2**31 - 1))

    @validates_schema
    def one_worksheet(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "worksheet" in data and "worksheet_id" in data:
            raise ValidationError("Give worksheet or worksheet_id, not both.")


class ValidateBody(WorksheetBody):
    pass


class ImportBody(WorksheetBody):
    mode = fields.String(
        load_default="all_or_nothing", validate=validate.OneOf(["all_or_nothing", "skip_invalid"])
    )
    update_existing = fields.Boolean(load_default=False)
    dry_run = fields.Boolean(load_default=False)


class FixBody(WorksheetBody):
    pass


class IssueSchema(Schema):
    row = fields.Integer(allow_none=True)
    column = fields.Integer(allow_none=True)
    cell = fields.String(allow_none=True)
    field = fields.String(allow_none=True)
    code = fields.String()
    severity = fields.String(validate=validate.OneOf(["error", "warning"]))
    message = fields.String()
    fix = fields.String(allow_none=True)


class SummarySchema(Schema):
    rows = fields.Integer()
    errors = fields.Integer()
    warnings = fields.Integer()


class NotesSchema(Schema):
    written = fields.Integer()
    cleared = fields.Integer()
    kept_personal = fields.Integer()


class ValidationResult(Schema):
    summary = fields.Nested(SummarySchema)
    issues = fields.List(fields.Nested(IssueSchema))
    notes = fields.Nested(NotesSchema)


class PlanSchema(Schema):
    create = fields.Integer()
    update = fields.Integer()
    skip = fields.Integer()
    blocked = fields.Integer()


class PlanResult(Schema):
    plan = fields.Nested(PlanSchema)


class ImportSchema(Schema):
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
    started_at = fields.String()
    finished_at = fields.String(allow_none=True)
    mode = fields.String()
    message = fields.String(allow_none=True)
    invitations_sent = fields.Integer()


class ImportResult(Schema):
    import_ = fields.Nested(ImportSchema, data_key="import")


class ChangeSchema(Schema):
    cell = fields.String()
    field = fields.String(allow_none=True)
    value = fields.String()


class FixResult(Schema):
    changed = fields.List(fields.Nested(ChangeSchema))
    summary = fields.Nested(SummarySchema)


class Problem(Schema):
    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    issues = fields.List(fields.Nested(IssueSchema))
    started_by = fields.String()
    started_at = fields.String()
