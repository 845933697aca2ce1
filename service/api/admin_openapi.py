"""The admin API's part of the OpenAPI document: its paths, from its marshmallow schemas."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from apispec import APISpec

from . import admin_schemas

Problems = Callable[..., dict[str, Any]]
SECURITY: list[dict[str, list[str]]] = [{"idToken": []}]
_ALL = (400, 401, 403, 404, 409, 413, 422, 500, 503)


def _path(name: str, pattern: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": 254}
    if pattern:
        schema = {"type": "string", "pattern": pattern}
    return {"name": name, "in": "path", "required": True, "schema": schema}


SLUG = _path("slug", "^[a-z0-9][a-z0-9-]{0,62}$")
SHEET = _path("spreadsheet_id", "^[A-Za-z0-9_-]{20,200}$")
IMPORT = _path("import_id")


def _json(schema: str) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _operation(
    summary: str,
    problems: Problems,
    params: list[dict[str, Any]],
    status: int,
    result: str | None,
    body: str | None = None,
    query: str | None = None,
) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": summary}
    if result:
        answer["content"] = _json(result)
    operation: dict[str, Any] = {
        "summary": summary,
        "parameters": [*params, *([{"in": "query", "schema": query}] if query else [])],
        "security": SECURITY,
        "responses": {str(status): answer, **problems(*_ALL)},
    }
    if body:
        operation["requestBody"] = {"required": True, "content": _json(body)}
    return operation


def add_paths(spec: APISpec, problems: Problems) -> None:
    for name in admin_schemas.NAMES:
        spec.components.schema(name, schema=getattr(admin_schemas, name))

    def op(*args: Any, **kwargs: Any) -> dict[str, Any]:
        return _operation(args[0], problems, *args[1:], **kwargs)

    v1 = "/api/v1"
    spec.path(
        path=f"{v1}/orgs",
        operations={
            "get": op(
                "Your organisations, with your role",
                [],
                200,
                "OrganisationsResult",
                query="PagingQuery",
            )
        },
    )
    collections = [
        ("tags", "TagsResult", "TagBody", "TagResult", "a tag"),
        ("attributes", "AttributesResult", "AttributeBody", "AttributeResult", "an attribute"),
        ("members", "MembersResult", "MemberBody", "MemberResult", "a member"),
        ("sheets", "SheetsResult", "SheetBody", "SheetResult", "a spreadsheet (link it)"),
    ]
    for name, listed, body, added, what in collections:
        spec.path(
            path=f"{v1}/orgs/{{slug}}/{name}",
            operations={
                "get": op(f"The organisation's {name}", [SLUG], 200, listed, query="PagingQuery"),
                "post": op(f"Add {what} (admins)", [SLUG], 201, added, body=body),
            },
        )
    spec.path(
        path=f"{v1}/orgs/{{slug}}/tags/{{name}}",
        operations={
            "delete": op(
                "Remove a tag no client carries (admins)", [SLUG, _path("name")], 204, None
            )
        },
    )
    spec.path(
        path=f"{v1}/orgs/{{slug}}/attributes/{{name}}",
        operations={
            "patch": op(
                "Add choices to a choice attribute (admins)",
                [SLUG, _path("name")],
                200,
                "AttributeResult",
                body="ChoicesBody",
            ),
            "delete": op(
                "Remove an attribute no client holds a value for (admins)",
                [SLUG, _path("name")],
                204,
                None,
            ),
        },
    )
    spec.path(
        path=f"{v1}/orgs/{{slug}}/members/{{email}}",
        operations={
            "patch": op(
                "Make a member an admin or a pro; the last admin stays (admins)",
                [SLUG, _path("email")],
                200,
                "MemberResult",
                body="RoleBody",
            ),
            "delete": op(
                "Remove a member; the last admin stays (admins)", [SLUG, _path("email")], 204, None
            ),
        },
    )
    spec.path(
        path=f"{v1}/orgs/{{slug}}/sheets/{{spreadsheet_id}}",
        operations={"delete": op("Unlink a spreadsheet (admins)", [SLUG, SHEET], 204, None)},
    )
    spec.path(
        path=f"{v1}/orgs/{{slug}}/link-codes",
        operations={
            "post": op(
                "A one-time code, valid 24 hours, to connect a bound script's sheet (admins)",
                [SLUG],
                201,
                "LinkCodeResult",
            )
        },
    )
    spec.path(
        path=f"{v1}/orgs/{{slug}}/clients",
        operations={
            "get": op(
                "Clients, searched by name, email or external id (never a password or hash)",
                [SLUG],
                200,
                "ClientsResult",
                query="ClientsQuery",
            )
        },
    )
    spec.path(
        path=f"{v1}/orgs/{{slug}}/imports",
        operations={
            "get": op(
                "Import history, newest first", [SLUG], 200, "ImportsResult", query="PagingQuery"
            )
        },
    )
    spec.path(
        path=f"{v1}/imports/{{import_id}}/rows",
        operations={
            "get": op("A run's per-row outcomes", [IMPORT], 200, "RowsResult", query="RowsQuery")
        },
    )
    spec.path(
        path=f"{v1}/imports/{{import_id}}/undo",
        operations={
            "post": op(
                "Undo a finished run: remove the clients it created, revert its updates (admins)",
                [IMPORT],
                200,
                "UndoResult",
            )
        },
    )
    spec.path(
        path=f"{v1}/sheets/{{spreadsheet_id}}/connect",
        operations={
            "post": op(
                "Connect a bound script's sheet with a link code",
                [SHEET],
                200,
                "ConnectResult",
                body="ConnectBody",
            )
        },
    )
    spec.path(
        path=f"{v1}/sheets/{{spreadsheet_id}}/schema",
        operations={
            "get": op(
                "The organisation's tags and attributes, for Set up template",
                [SHEET],
                200,
                "TemplateSchema",
            )
        },
    )
