"""API routes a sheet's script calls besides validate and import: `connect` and `schema`."""

from __future__ import annotations

from typing import Any

from .. import extensions
from ..admin import linking, setup
from ..errors import NotFound
from ..sources import links
from . import admin_schemas as s
from . import bodies, bp
from .callers import connect_caller, sheet_caller

GENDERS = ["male", "female"]


def _spreadsheet(spreadsheet_id: str) -> str:
    if links.spreadsheet_id(spreadsheet_id) != spreadsheet_id:
        raise NotFound("This is not a Google spreadsheet id.")
    return spreadsheet_id


@bp.post("/sheets/<spreadsheet_id>/connect")
def sheet_connect(spreadsheet_id: str) -> Any:
    who = connect_caller()
    # the link code in the body is what authorises connecting: it is checked by the use case
    # (the body is small JSON, within the API's limit and depth, bodies.py)
    bodies.authorised()
    data = bodies.json_body(s.ConnectBody())
    connected = linking.connect_sheet(
        extensions.db(),
        who.email,
        who.audience,
        _spreadsheet(spreadsheet_id),
        data["code"],
        audience_configured=extensions.authenticator().accepts(who.audience),
    )
    return s.ConnectResult().dump(connected), 200


@bp.get("/sheets/<spreadsheet_id>/schema")
def sheet_template(spreadsheet_id: str) -> Any:
    who = sheet_caller(spreadsheet_id)
    found = setup.sheet_schema(extensions.db(), who.email, _spreadsheet(spreadsheet_id))
    return s.TemplateSchema().dump({**vars(found), "gender": GENDERS}), 200
