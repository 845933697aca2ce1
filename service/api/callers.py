"""Who is calling the API, and whether their token's audience may act on what they ask for.

A configured audience (the add-on's) is valid for every linked sheet. A connected bound
script's audience is valid only for the spreadsheet it was connected to (SPEC §6), and for the
imports of that spreadsheet; the organisation routes take configured audiences only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import request

from .. import extensions, organisations
from ..admin import linking
from ..admin.access import Actor, Page, Paging, organisation_for
from ..auth import Authenticator, Caller
from ..imports.runs import get_run
from ..roster.organisation import OrgRef
from . import bodies


def _authenticator() -> Authenticator:
    return extensions.authenticator()


def _header() -> str | None:
    return request.headers.get("Authorization")


def org_actor() -> Actor:
    """The caller of an organisation route: only configured audiences are accepted."""
    return Actor(_authenticator().verify(_header()).email)


def sheet_caller(spreadsheet_id: str) -> Caller:
    """The caller of a sheet route: a configured audience, or one connected to this sheet."""
    return sheet_caller_of(lambda: spreadsheet_id)


def sheet_member(spreadsheet_id: str) -> tuple[Caller, OrgRef]:
    """The caller of a sheet route and the organisation that owns the sheet, if the caller is one
    of its members: only then may the request's body be read (bodies.authorised)."""
    who = sheet_caller(spreadsheet_id)
    found = organisations.resolve(extensions.db(), spreadsheet_id=spreadsheet_id, member=who.email)
    bodies.authorised()
    return who, found


def sheet_caller_of(spreadsheet: Callable[[], str]) -> Caller:
    """The caller of a route about something of one sheet (an import, a validation job): a
    configured audience, or one connected to that sheet, looked up only when needed."""
    authenticator = _authenticator()
    who = authenticator.identify(_header())
    if not authenticator.accepts(who.audience):
        linking.require_sheet_audience(extensions.db(), spreadsheet(), who.audience)
    return who


def run_caller(run_id: str) -> Caller:
    """The caller of an import route: a configured audience, or one connected to its sheet."""
    return sheet_caller_of(lambda: get_run(extensions.db(), run_id).source)


def connect_caller() -> Caller:
    """The caller of `connect`: any audience, since connecting is how an audience is recorded."""
    return _authenticator().identify(_header())


def admin_body(actor: Actor, slug: str, schema: Any, doing: str) -> dict[str, Any]:
    """The body of an organisation write, read only once the actor is one of its admins."""
    organisation_for(extensions.db(), actor, slug, admin=True, doing=doing)
    bodies.authorised()
    return bodies.json_body(schema)


def page_of(schema: Any, key: str, page: Page[Any]) -> dict[str, Any]:
    """A page of a list dumped by its schema: the items under `key`, and where the page is."""
    return schema.dump(
        {key: page.items, "page": page.page, "per_page": page.per_page, "total": page.total}
    )


def query(schema: Any) -> dict[str, Any]:
    return schema.load(request.args.to_dict())


def paging(data: dict[str, Any]) -> Paging:
    return Paging(data["page"], data["per_page"])
