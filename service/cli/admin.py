"""`roster` commands for an organisation's set-up and import history (SPEC §8): organisations,
members, tags, attributes, linked sheets and link codes, `imports list|show|undo`. Thin wrappers
over service.admin's use cases, acting as the operator (whoever holds the database is trusted
with every organisation)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

import click

from .. import organisations
from ..admin import history, linking, setup
from ..admin.access import MAX_PER_PAGE, OPERATOR, Page, Paging
from ..api.admin_schemas import RowOutcomeSchema, RunSchema
from ..config import Settings
from ..roster.organisation import ATTRIBUTE_TYPES
from ..roster.wording import plural
from ..sources import links
from .common import database, echo_json, friendly, main, option_format, option_org

T = TypeVar("T")


def _everything(fetch: Callable[[Paging], Page[T]]) -> list[T]:
    """Every item of a paged list, page after page."""
    items: list[T] = []
    page = 1
    while True:
        got = fetch(Paging(page, MAX_PER_PAGE))
        items.extend(got.items)
        if page * MAX_PER_PAGE >= got.total or not got.items:
            return items
        page += 1


def _when(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "-"


# --- organisations ---------------------------------------------------------------------------


@main.group()
def orgs() -> None:
    """Organisations."""


@orgs.command(name="create")
@click.argument("slug")
@click.option("--name", help="The organisation's name as people read it (default: SLUG).")
@friendly
def orgs_create(slug: str, name: str | None) -> None:
    """Create an organisation SLUG (lowercase letters, digits and dashes)."""
    with database(Settings.from_env()) as db:
        setup.create_organisation(db, slug, name)
    click.echo(f"Organisation {slug} created.")


@orgs.command(name="list")
@friendly
def orgs_list() -> None:
    """List every organisation."""
    with database(Settings.from_env()) as db:
        for found in setup.list_organisations(db, OPERATOR):
            click.echo(f"{found.slug}  {found.name}")


# --- tags ------------------------------------------------------------------------------------


@main.group()
def tags() -> None:
    """Tags clients can carry."""


@tags.command(name="add")
@click.argument("names", nargs=-1, required=True)
@option_org
@friendly
def tags_add(names: tuple[str, ...], org: str | None) -> None:
    """Add the tags NAMES that the organisation does not have yet."""
    with database(Settings.from_env()) as db:
        organisation = organisations.resolve(db, slug=org)
        added = setup.add_tags(db, OPERATOR, organisation.slug, list(names))
    click.echo(f"{plural(len(added), 'tag')} added to {organisation.slug}.")


@tags.command(name="list")
@option_org
@friendly
def tags_list(org: str | None) -> None:
    """List the organisation's tags, with how many clients carry each."""
    with database(Settings.from_env()) as db:
        found = _everything(lambda p: setup.list_tags(db, OPERATOR, org, p))
    for tag in found:
        click.echo(f"{tag.name}  ({plural(tag.clients, 'client')})")
    click.echo(plural(len(found), "tag") + ".")


@tags.command(name="remove")
@click.argument("name")
@option_org
@friendly
def tags_remove(name: str, org: str | None) -> None:
    """Remove a tag that no client carries."""
    with database(Settings.from_env()) as db:
        setup.remove_tag(db, OPERATOR, org, name)
    click.echo(f"Tag {name} removed.")


# --- attributes ------------------------------------------------------------------------------


@main.group()
def attributes() -> None:
    """Attribute definitions (attribute:<Name> columns)."""


@attributes.command(name="add")
@click.argument("name")
@click.option(
    "--type",
    "type_",
    required=True,
    type=click.Choice(ATTRIBUTE_TYPES),
)
@click.option("--choices", help="Comma-separated choices, for --type choice.")
@option_org
@friendly
def attributes_add(name: str, type_: str, choices: str | None, org: str | None) -> None:
    """Define the attribute NAME, read from `attribute:NAME` columns."""
    with database(Settings.from_env()) as db:
        organisation = organisations.resolve(db, slug=org)
        setup.add_attribute(
            db, OPERATOR, organisation.slug, name, type_, choices.split(",") if choices else None
        )
    click.echo(f"Attribute {name} ({type_}) added to {organisation.slug}.")


@attributes.command(name="list")
@option_org
@friendly
def attributes_list(org: str | None) -> None:
    """List the organisation's attribute definitions, with their type and choices."""
    with database(Settings.from_env()) as db:
        found = _everything(lambda p: setup.list_attributes(db, OPERATOR, org, p))
    for attribute in found:
        choices = f": {', '.join(attribute.choices)}" if attribute.choices else ""
        click.echo(f"{attribute.name}  ({attribute.type}){choices}")
    click.echo(plural(len(found), "attribute") + ".")


@attributes.command(name="add-choices")
@click.argument("name")
@click.argument("choices", nargs=-1, required=True)
@option_org
@friendly
def attributes_add_choices(name: str, choices: tuple[str, ...], org: str | None) -> None:
    """Add CHOICES to the choice attribute NAME (each a separate argument, or A,B,C)."""
    given = [c for value in choices for c in value.split(",")]
    with database(Settings.from_env()) as db:
        changed = setup.add_choices(db, OPERATOR, org, name, given)
    click.echo(f"{changed.name} now has the choices: {', '.join(changed.choices)}.")


@attributes.command(name="remove")
@click.argument("name")
@option_org
@friendly
def attributes_remove(name: str, org: str | None) -> None:
    """Remove an attribute definition no client holds a value for."""
    with database(Settings.from_env()) as db:
        setup.remove_attribute(db, OPERATOR, org, name)
    click.echo(f"Attribute {name} removed.")


# --- members ---------------------------------------------------------------------------------


@main.group()
def members() -> None:
    """Members (pros and admins) of an organisation."""


@members.command(name="add")
@click.argument("email")
@option_org
@click.option("--role", type=click.Choice(organisations.ROLES), default="pro", show_default=True)
@friendly
def members_add(email: str, org: str | None, role: str) -> None:
    """Make EMAIL a member of the organisation: a pro (validate, import) or an admin."""
    with database(Settings.from_env()) as db:
        organisation = organisations.resolve(db, slug=org)
        setup.add_member(db, OPERATOR, organisation.slug, email, role)
    click.echo(f"{email.lower()} added to {organisation.slug} as {role}.")


@members.command(name="list")
@option_org
@friendly
def members_list(org: str | None) -> None:
    """List the organisation's members and their roles."""
    with database(Settings.from_env()) as db:
        found = _everything(lambda p: setup.list_members(db, OPERATOR, org, p))
    for member in found:
        click.echo(f"{member.email}  {member.role}")
    click.echo(plural(len(found), "member") + ".")


@members.command(name="remove")
@click.argument("email")
@option_org
@friendly
def members_remove(email: str, org: str | None) -> None:
    """Remove a member (the organisation's last admin stays)."""
    with database(Settings.from_env()) as db:
        setup.remove_member(db, OPERATOR, org, email)
    click.echo(f"{email.strip().lower()} removed.")


@members.command(name="set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(["admin", "pro"]))
@option_org
@friendly
def members_set_role(email: str, role: str, org: str | None) -> None:
    """Make a member an admin or a pro (the organisation's last admin stays an admin)."""
    with database(Settings.from_env()) as db:
        changed = setup.change_role(db, OPERATOR, org, email, role)
    click.echo(f"{changed.email} is now {changed.role}.")


# --- sheets ----------------------------------------------------------------------------------


@main.group()
def sheets() -> None:
    """Google spreadsheets linked to an organisation."""


@sheets.command(name="link")
@click.argument("spreadsheet")
@option_org
@friendly
def sheets_link(spreadsheet: str, org: str | None) -> None:
    """Link SPREADSHEET (an id or a link) to the organisation, so its members may use it."""
    spreadsheet_id = links.require_spreadsheet_id(spreadsheet)
    with database(Settings.from_env()) as db:
        organisation = organisations.resolve(db, slug=org)
        setup.link_sheet(db, OPERATOR, organisation.slug, spreadsheet_id)
    click.echo(f"Spreadsheet {spreadsheet_id} linked to {organisation.slug}.")


@sheets.command(name="list")
@option_org
@friendly
def sheets_list(org: str | None) -> None:
    """List the spreadsheets linked to the organisation."""
    with database(Settings.from_env()) as db:
        found = _everything(lambda p: setup.list_sheets(db, OPERATOR, org, p))
    for sheet in found:
        connected = (
            f"  ({sheet.connected_scripts} connected scripts)" if sheet.connected_scripts else ""
        )
        click.echo(f"{sheet.spreadsheet_id}{connected}")
    click.echo(plural(len(found), "sheet") + ".")


@sheets.command(name="remove")
@click.argument("spreadsheet")
@option_org
@friendly
def sheets_remove(spreadsheet: str, org: str | None) -> None:
    """Unlink a spreadsheet (id or URL); the scripts connected to it are forgotten too."""
    spreadsheet_id = links.require_spreadsheet_id(spreadsheet)
    with database(Settings.from_env()) as db:
        setup.unlink_sheet(db, OPERATOR, org, spreadsheet_id)
    click.echo(f"Spreadsheet {spreadsheet_id} unlinked.")


@sheets.command(name="link-code")
@option_org
@friendly
def sheets_link_code(org: str | None) -> None:
    """Print a one-time code (24 hours) for Roster → Connect to Roster… in a bound sheet."""
    with database(Settings.from_env()) as db:
        issued = linking.create_link_code(db, OPERATOR, org)
    click.echo(issued.code)
    click.echo(
        f"Enter it in the sheet with Roster → Connect to Roster…; it connects one sheet to "
        f"{issued.organisation}, once, until {_when(issued.expires_at)}.",
        err=True,
    )


# --- import history --------------------------------------------------------------------------


@main.group()
def imports() -> None:
    """Import history: list the runs, show one's per-row outcomes, undo one."""


@imports.command(name="list")
@option_org
@option_format
@friendly
def imports_list(org: str | None, fmt: str) -> None:
    """List the organisation's imports, newest first."""
    with database(Settings.from_env()) as db:
        found = _everything(lambda p: history.list_imports(db, OPERATOR, org, p))
    if fmt == "json":
        echo_json({"imports": RunSchema(many=True).dump(found)})
        return
    for run in found:
        click.echo(
            f"{run.id}  {_when(run.started_at)}  {run.status:<9}  {run.started_by}  "
            f"{run.created} created, {run.updated} updated, {run.unchanged} unchanged, "
            f"{run.skipped - run.unchanged} skipped, {run.failed_rows} failed  {run.source}"
        )
    click.echo(plural(len(found), "import") + ".")


@imports.command(name="show")
@click.argument("import_id")
@option_format
@friendly
def imports_show(import_id: str, fmt: str) -> None:
    """Show one import and the outcome of each of its rows."""
    with database(Settings.from_env()) as db:
        run = history.get_import(db, OPERATOR, import_id)
        rows = _everything(lambda p: history.import_rows(db, OPERATOR, import_id, p))
    if fmt == "json":
        echo_json({"import": RunSchema().dump(run), "rows": RowOutcomeSchema(many=True).dump(rows)})
        return
    click.echo(
        f"Import {run.id} of {run.source} by {run.started_by}, {_when(run.started_at)}: "
        f"{run.status}."
    )
    if run.undone_at:
        click.echo(f"Undone by {run.undone_by}, {_when(run.undone_at)}.")
    for row in rows:
        reason = f": {row.reason}" if row.reason else ""
        click.echo(f"row {row.row}  {row.email or '-'}  {row.outcome}{reason}")
    if run.message:
        click.echo(run.message)


@imports.command(name="undo")
@click.argument("import_id")
@friendly
def imports_undo(import_id: str) -> None:
    """Undo an import: remove the clients it created and put back the profiles it updated."""
    with database(Settings.from_env()) as db:
        undone = history.undo_import(db, OPERATOR, import_id)
    if undone.already_undone:
        click.echo(f"Import {import_id} was already undone; nothing changed.")
        return
    click.echo(
        f"Import {import_id} undone: {undone.removed} clients removed, "
        f"{undone.reverted} profiles put back."
    )
