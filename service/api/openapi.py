"""The OpenAPI 3 document, generated from the API's marshmallow schemas."""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from . import admin_openapi, bp, files, schemas

_PROBLEM = {"application/problem+json": {"schema": "Problem"}}


def _problems(*codes: int) -> dict[str, Any]:
    reasons = {
        401: "No valid Google ID token",
        403: "Not a member of the organisation, not one of its admins, or a bad link code",
        400: "A request Roster cannot act on (the detail says why)",
        404: "Unknown sheet, import or organisation resource",
        409: "An import of this sheet is running, or the change conflicts with what exists",
        413: "Body or sheet too large",
        422: "Invalid body, or errors block the import",
        503: "Google Sheets or sign-in unavailable",
        500: "Unexpected error",
    }
    return {str(c): {"description": reasons[c], "content": _PROBLEM} for c in codes}


def _json(schema: str) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def build_spec() -> dict[str, Any]:
    """The OpenAPI 3 document, built from the schemas the responses are dumped with."""
    spec = APISpec(
        title="Roster API",
        version="1.0.0",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "Validate and import a client roster kept in a Google Sheet."},
    )
    for name in (
        "ValidateBody",
        "ImportBody",
        "FixBody",
        "ValidationResult",
        "PlanResult",
        "ImportResult",
        "FixResult",
        "Problem",
    ):
        spec.components.schema(name, schema=getattr(schemas, name))
    spec.components.security_scheme(
        "idToken", {"type": "http", "scheme": "bearer", "bearerFormat": "Google ID token"}
    )
    sheet = {
        "name": "spreadsheet_id",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{20,200}$"},
    }
    common = _problems(401, 403, 404, 413, 422, 500, 503)
    spec.path(
        path="/api/v1/sheets/{spreadsheet_id}/validate",
        operations={
            "post": {
                "summary": "Validate a worksheet and write notes into its cells",
                "parameters": [sheet],
                "security": [{"idToken": []}],
                "requestBody": {"required": False, "content": _json("ValidateBody")},
                "responses": {
                    "200": {
                        "description": "Summary and issues",
                        "content": _json("ValidationResult"),
                    },
                    **common,
                },
            }
        },
    )
    spec.path(
        path="/api/v1/sheets/{spreadsheet_id}/imports",
        operations={
            "post": {
                "summary": "Import the worksheet's valid rows (or preview with dry_run)",
                "parameters": [sheet],
                "security": [{"idToken": []}],
                "requestBody": {"required": False, "content": _json("ImportBody")},
                "responses": {
                    "200": {"description": "Dry-run plan", "content": _json("PlanResult")},
                    "202": {
                        "description": "Import started",
                        "content": _json("ImportResult"),
                        "headers": {"Location": {"schema": {"type": "string"}}},
                    },
                    **common,
                    **_problems(409),
                },
            }
        },
    )
    spec.path(
        path="/api/v1/imports/{import_id}",
        operations={
            "get": {
                "summary": "Progress and result of an import",
                "parameters": [
                    {
                        "name": "import_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
                "security": [{"idToken": []}],
                "responses": {
                    "200": {"description": "The import", "content": _json("ImportResult")},
                    **_problems(401, 403, 404, 500, 503),
                },
            }
        },
    )
    spec.path(
        path="/api/v1/sheets/{spreadsheet_id}/fix",
        operations={
            "post": {
                "summary": "Apply every unambiguous suggested fix",
                "parameters": [sheet],
                "security": [{"idToken": []}],
                "requestBody": {"required": False, "content": _json("FixBody")},
                "responses": {
                    "200": {"description": "What changed", "content": _json("FixResult")},
                    **common,
                },
            }
        },
    )
    files.document(spec, _problems, _json)
    from .sheet_jobs import document

    document(spec, _problems, _json, sheet)
    admin_openapi.add_paths(spec, _problems)
    return spec.to_dict()


@bp.get("/openapi.json")
def spec_view() -> dict[str, Any]:
    """The OpenAPI document, for tools and the fuzz test."""
    return build_spec()
