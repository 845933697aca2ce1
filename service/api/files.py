"""The `files/validate` and `files/imports` routes: a roster file sent as multipart field `file`.

Same use cases as the sheet routes (service/uploads.py). The caller is authenticated and found
to be a member of the organisation before the multipart body is read.
"""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from marshmallow import RAISE, Schema, fields, validate

from .. import extensions, organisations
from ..errors import BadBody
from ..roster.organisation import OrgSnapshot
from ..sources import links
from ..uploads import Upload, import_upload, validate_upload
from . import bodies, bp
from .callers import org_actor
from .schemas import ImportResult, PlanResult, ValidationResult
from .views import dispatch

NO_FILE = "Send the roster as the multipart form field `file` (.csv, .xlsx or .ods)."


class FileValidateForm(Schema):
    """The form fields beside `file`: which worksheet of a workbook (a title, or digits)."""

    class Meta:
        unknown = RAISE

    worksheet = fields.String(validate=validate.Length(min=1, max=200))


class FileImportForm(FileValidateForm):
    mode = fields.String(
        load_default="all_or_nothing", validate=validate.OneOf(["all_or_nothing", "skip_invalid"])
    )
    update_existing = fields.Boolean(load_default=False)
    dry_run = fields.Boolean(load_default=False)


def _member_organisation(slug: str) -> tuple[str, int, OrgSnapshot]:
    """Authenticate and authorise from the headers and the path alone, before the body.

    An organisation route: only configured audiences are accepted, as for the admin routes.
    """
    email = org_actor().email
    assert email is not None  # a verified caller always has one
    organisation = organisations.resolve(extensions.db(), slug=slug, member=email)
    bodies.authorised(upload=True)  # a member: the file may be read, up to the upload limit
    return email, organisation.id, organisations.snapshot(extensions.db(), organisation.id)


def _upload(schema: Schema) -> tuple[Upload, dict[str, Any]]:
    """The multipart body: the file and its form fields, loaded by their schema."""
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        raise BadBody(NO_FILE)
    form = schema.load(request.form.to_dict())
    return Upload(sent.filename, sent.read()), form


@bp.post("/orgs/<slug>/files/validate")
def validate_file(slug: str) -> tuple[dict[str, Any], int]:
    _, _, snapshot = _member_organisation(slug)
    upload, form = _upload(FileValidateForm())
    checked = validate_upload(upload, links.worksheet_ref(form.get("worksheet")), snapshot)
    return ValidationResult().dump(checked), 200


@bp.post("/orgs/<slug>/files/imports")
def import_file(slug: str) -> Any:
    email, organisation_id, snapshot = _member_organisation(slug)
    upload, form = _upload(FileImportForm())
    checked = validate_upload(upload, links.worksheet_ref(form.get("worksheet")), snapshot)
    started = import_upload(
        extensions.db(),
        extensions.sheets(),
        extensions.settings(),
        organisation_id,
        upload,
        checked,
        email,
        mode=form["mode"],
        update_existing=form["update_existing"],
        dry_run=form["dry_run"],
    )
    if started.run is None:
        return PlanResult().dump({"plan": started.plan}), 200
    dispatch(
        extensions.settings(),
        extensions.db(),
        extensions.sheets(),
        extensions.hashing(),
        started.run.id,
        started.prepared,
        in_process=True,
    )
    location = url_for("api.import_status", import_id=started.run.id)
    return ImportResult().dump({"import_": started.run}), 202, {"Location": location}


def document(spec: Any, problems: Any, json: Any) -> None:
    """Add the two routes to the OpenAPI document."""
    converter = next(p for p in spec.plugins if hasattr(p, "converter")).converter
    org = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}

    def multipart(form: Schema) -> dict[str, Any]:
        """The form schema's fields beside the required binary `file`."""
        fields_schema = converter.schema2jsonschema(form)
        fields_schema["properties"]["file"] = {"type": "string", "format": "binary"}
        fields_schema["required"] = ["file"]
        return {"required": True, "content": {"multipart/form-data": {"schema": fields_schema}}}

    common = problems(401, 403, 404, 413, 422, 500, 503)
    spec.path(
        path="/api/v1/orgs/{slug}/files/validate",
        operations={
            "post": {
                "summary": "Validate a roster file (.csv, .xlsx, .ods); nothing is stored",
                "parameters": [org],
                "security": [{"idToken": []}],
                "requestBody": multipart(FileValidateForm()),
                "responses": {
                    "200": {
                        "description": "Summary and issues",
                        "content": json("ValidationResult"),
                    },
                    **common,
                },
            }
        },
    )
    spec.path(
        path="/api/v1/orgs/{slug}/files/imports",
        operations={
            "post": {
                "summary": "Import a roster file's valid rows (or preview with dry_run)",
                "parameters": [org],
                "security": [{"idToken": []}],
                "requestBody": multipart(FileImportForm()),
                "responses": {
                    "200": {"description": "Dry-run plan", "content": json("PlanResult")},
                    "202": {
                        "description": "Import started",
                        "content": json("ImportResult"),
                        "headers": {"Location": {"schema": {"type": "string"}}},
                    },
                    **common,
                    **problems(409),
                },
            }
        },
    )
