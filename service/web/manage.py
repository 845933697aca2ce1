"""The console's pages over the admin use cases: clients, import history and undo, set-up.

Each view calls one use case of service/admin/ with the signed-in member as the actor, so the
console, the API and the CLI share the same rules (who may write, the last admin stays, …).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import g, make_response, redirect, render_template, request, session, url_for

from .. import extensions
from ..admin import clients as admin_clients
from ..admin import history, linking, setup
from ..admin.access import Actor, Paging
from ..errors import NotFound, RosterError
from ..imports.jobs import NO_INVITATIONS
from ..roster.organisation import ATTRIBUTE_TYPES
from ..sources import links
from .pages import bp
from .present import imports_chart

PER_PAGE = 50


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def actor() -> Actor:
    return Actor(g.caller.email)


def paging() -> Paging:
    """The `page` asked for in the query string (from 1)."""
    text = request.args.get("page", "1")
    if not text.isdigit() or int(text) < 1:
        raise RosterError("page counts from 1.")
    return Paging(int(text), PER_PAGE)


@bp.get("/o/<slug>/clients")
def clients(slug: str) -> str:
    q = request.args.get("q", "")
    found = admin_clients.search_clients(extensions.db(), actor(), slug, q, paging())
    return render_template("clients.html", page="clients", page_of=found, q=q)


@bp.get("/o/<slug>/imports")
def imports(slug: str) -> str:
    db = extensions.db()
    listed = history.list_imports(db, actor(), slug, paging())
    recent = history.list_imports(db, actor(), slug, Paging(1, 500))
    today = dt.datetime.now(dt.UTC).date()
    chart = imports_chart([(r.started_at.date(), r.created) for r in recent.items], today)
    return render_template("imports.html", page="imports", page_of=listed, chart=chart)


@bp.get("/o/<slug>/imports/<import_id>")
def import_result(slug: str, import_id: str) -> str:
    db = extensions.db()
    run = history.get_import(db, actor(), import_id)
    if run.organisation != slug:
        raise NotFound(f"There is no import {import_id} in {slug}.")
    rows = history.import_rows(db, actor(), import_id, paging())
    undo_url = None
    if g.membership.role == "admin" and run.status in ("succeeded", "failed"):
        undo_url = url_for("web.undo_import", slug=slug, import_id=import_id)
    return render_template(
        "import.html",
        page="imports",
        run=run,
        page_of=rows,
        no_invitations=NO_INVITATIONS,
        undo_url=undo_url,
        flash=session.pop("flash", None),
    )


@bp.post("/o/<slug>/imports/<import_id>/undo")
def undo_import(slug: str, import_id: str) -> Any:
    undone = history.undo_import(extensions.db(), actor(), import_id)
    session["flash"] = (
        "This import was already undone."
        if undone.already_undone
        else f"Undone: {_count(undone.removed, 'client')} removed, "
        f"{_count(undone.reverted, 'profile')} put back."
    )
    return redirect(url_for("web.import_result", slug=slug, import_id=import_id))


# --- the organisation's set-up (admins) ------------------------------------------------------


@bp.get("/o/<slug>/organisation")
def organisation(slug: str) -> str:
    return _organisation_page(slug)


def _organisation_page(slug: str, link_code: linking.IssuedCode | None = None) -> str:
    db, who, everything = extensions.db(), actor(), Paging(1, 500)
    return render_template(
        "organisation.html",
        page="organisation",
        flash=session.pop("flash", None),
        link_code=link_code,
        tags=setup.list_tags(db, who, slug, everything).items,
        attributes=setup.list_attributes(db, who, slug, everything).items,
        members=setup.list_members(db, who, slug, everything).items,
        sheets=setup.list_sheets(db, who, slug, everything).items,
        attribute_types=ATTRIBUTE_TYPES,
    )


def _done(message: str) -> Any:
    session["flash"] = message
    return redirect(url_for("web.organisation", slug=g.membership.slug))


def _field(name: str) -> str:
    return request.form.get(name, "").strip()


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


@bp.post("/o/<slug>/organisation/tags")
def add_tag(slug: str) -> Any:
    tag = setup.add_tag(extensions.db(), actor(), slug, _field("name"))
    return _done(f'Tag "{tag.name}" added.')


@bp.post("/o/<slug>/organisation/tags/remove")
def remove_tag(slug: str) -> Any:
    setup.remove_tag(extensions.db(), actor(), slug, _field("name"))
    return _done(f'Tag "{_field("name")}" removed.')


@bp.post("/o/<slug>/organisation/attributes")
def add_attribute(slug: str) -> Any:
    added = setup.add_attribute(
        extensions.db(), actor(), slug, _field("name"), _field("type"), _names(_field("choices"))
    )
    return _done(f'Attribute "{added.name}" ({added.type}) added.')


@bp.post("/o/<slug>/organisation/attributes/choices")
def add_choices(slug: str) -> Any:
    changed = setup.add_choices(
        extensions.db(), actor(), slug, _field("name"), _names(_field("choices"))
    )
    return _done(f'"{changed.name}" now offers {", ".join(changed.choices)}.')


@bp.post("/o/<slug>/organisation/members")
def add_member(slug: str) -> Any:
    member = setup.add_member(extensions.db(), actor(), slug, _field("email"), _field("role"))
    return _done(f"{member.email} added as {member.role}.")


@bp.post("/o/<slug>/organisation/members/remove")
def remove_member(slug: str) -> Any:
    setup.remove_member(extensions.db(), actor(), slug, _field("email"))
    return _done(f"{_field('email')} removed.")


@bp.post("/o/<slug>/organisation/sheets")
def link_sheet(slug: str) -> Any:
    spreadsheet_id = links.spreadsheet_id(_field("spreadsheet_id"))
    if spreadsheet_id is None:
        raise RosterError("Paste a Google spreadsheet's URL or id.")
    setup.link_sheet(extensions.db(), actor(), slug, spreadsheet_id)
    return _done(f"Spreadsheet {spreadsheet_id} linked.")


@bp.post("/o/<slug>/organisation/sheets/remove")
def unlink_sheet(slug: str) -> Any:
    setup.unlink_sheet(extensions.db(), actor(), slug, _field("spreadsheet_id"))
    return _done(f"Spreadsheet {_field('spreadsheet_id')} unlinked.")


@bp.post("/o/<slug>/organisation/link-codes")
def create_link_code(slug: str) -> Any:
    issued = linking.create_link_code(extensions.db(), actor(), slug)
    # shown once, in this answer (not kept in the session cookie): the database keeps its hash
    response = make_response(_organisation_page(slug, issued), 201)
    response.headers["Cache-Control"] = "no-store"
    return response
