"""An organisation's set-up: its tags, attribute definitions, members and linked sheets.

Members may list them; only admins may change them. The last admin cannot be removed, a tag
cannot be removed while clients carry it, and no two tags (or two choices) differ only in case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from .. import organisations
from ..db import Database
from ..errors import Conflict, NotFound, RosterError
from ..models import (
    AttributeDefinition,
    Client,
    LinkedSheet,
    Member,
    Organisation,
    SheetAudience,
    Tag,
    client_tags,
)
from ..roster.organisation import OrgRef
from .access import Actor, Page, Paging, organisation_for, paged, role_of


@dataclass(frozen=True)
class OrganisationInfo:
    slug: str
    name: str
    role: str  # the caller's role in it: admin or pro


@dataclass(frozen=True)
class TagInfo:
    name: str
    clients: int  # how many clients carry it


@dataclass(frozen=True)
class AttributeInfo:
    name: str
    type: str
    choices: list[str]


@dataclass(frozen=True)
class MemberInfo:
    email: str
    role: str


@dataclass(frozen=True)
class SheetInfo:
    spreadsheet_id: str
    connected_scripts: int  # bound scripts connected with a link code (their audiences)


@dataclass(frozen=True)
class SheetSchema:
    """What *Set up template* needs: the organisation's tags and attribute definitions."""

    organisation: str
    tags: list[str]
    attributes: list[AttributeInfo]


# --- organisations ---------------------------------------------------------------------------


def list_organisations(db: Database, actor: Actor) -> list[OrganisationInfo]:
    """The actor's organisations with their role (the operator sees every one, as admin)."""
    with db.session() as session:
        if actor.email is None:
            every = session.execute(
                select(Organisation.slug, Organisation.name).order_by(Organisation.slug)
            ).all()
            return [OrganisationInfo(slug, name, "admin") for slug, name in every]
        rows = session.execute(
            select(Organisation.slug, Organisation.name, Member.role)
            .join(Member, Member.organisation_id == Organisation.id)
            .where(Member.email == actor.email.lower())
            .order_by(Organisation.slug)
        ).all()
        return [OrganisationInfo(slug, name, role) for slug, name, role in rows]


def create_organisation(
    db: Database, slug: str, name: str | None = None, first_admin: str | None = None
) -> OrganisationInfo:
    """A new organisation, optionally with its first admin (the CLI's `orgs create`)."""
    organisation = organisations.create_organisation(db, slug, name)
    if first_admin:
        organisations.add_member(db, organisation, first_admin, "admin")
    return OrganisationInfo(organisation.slug, organisation.name, "admin")


# --- tags ------------------------------------------------------------------------------------


def list_tags(db: Database, actor: Actor, slug: str | None, paging: Paging) -> Page[TagInfo]:
    organisation = organisation_for(db, actor, slug)
    with db.session() as session:
        carried = (
            select(func.count())
            .select_from(client_tags)
            .where(client_tags.c.tag_id == Tag.id)
            .scalar_subquery()
        )
        query = (
            select(Tag.name, carried)
            .where(Tag.organisation_id == organisation.id)
            .order_by(Tag.name, Tag.id)
        )
        rows, total = paged(session, query, paging)
        return Page(
            [TagInfo(name, count) for name, count in rows], paging.page, paging.per_page, total
        )


def add_tags(db: Database, actor: Actor, slug: str | None, names: list[str]) -> list[TagInfo]:
    """Add the tags that do not exist yet (an exact existing name is left alone)."""
    organisation = organisation_for(db, actor, slug, admin=True, doing="add tags")
    return [TagInfo(name, 0) for name in organisations.add_tags(db, organisation, names)]


def add_tag(db: Database, actor: Actor, slug: str | None, name: str) -> TagInfo:
    """Add one tag; 409 when it exists already."""
    organisation = organisation_for(db, actor, slug, admin=True, doing="add tags")
    added = organisations.add_tags(db, organisation, [name])
    if not added:
        raise Conflict(f'The tag "{name.strip()}" already exists in {organisation.slug}.')
    return TagInfo(added[0], 0)


def remove_tag(db: Database, actor: Actor, slug: str | None, name: str) -> None:
    """Remove a tag no client carries."""
    organisation = organisation_for(db, actor, slug, admin=True, doing="remove tags")
    with db.session() as session:
        tag = session.scalar(
            select(Tag).where(Tag.organisation_id == organisation.id, Tag.name == name)
        )
        if tag is None:
            raise NotFound(f'{organisation.slug} has no tag "{name}".')
        carried = session.scalar(
            select(func.count()).select_from(client_tags).where(client_tags.c.tag_id == tag.id)
        )
        if carried:
            raise Conflict(
                f'{carried} client{"s carry" if carried != 1 else " carries"} the tag "{name}": '
                "it stays while any client carries it."
            )
        session.delete(tag)


# --- attributes ------------------------------------------------------------------------------


def _attribute_info(definition: AttributeDefinition) -> AttributeInfo:
    return AttributeInfo(definition.name, definition.type, list(definition.choices or []))


def list_attributes(
    db: Database, actor: Actor, slug: str | None, paging: Paging
) -> Page[AttributeInfo]:
    organisation = organisation_for(db, actor, slug)
    with db.session() as session:
        query = (
            select(AttributeDefinition)
            .where(AttributeDefinition.organisation_id == organisation.id)
            .order_by(AttributeDefinition.name, AttributeDefinition.id)
        )
        rows, total = paged(session, query, paging)
        return Page([_attribute_info(r[0]) for r in rows], paging.page, paging.per_page, total)


def add_attribute(
    db: Database,
    actor: Actor,
    slug: str | None,
    name: str,
    type_: str,
    choices: list[str] | None = None,
) -> AttributeInfo:
    organisation = organisation_for(db, actor, slug, admin=True, doing="add attributes")
    with db.session() as session:
        existing = session.scalar(
            select(AttributeDefinition.name).where(
                AttributeDefinition.organisation_id == organisation.id,
                func.lower(AttributeDefinition.name) == name.strip().lower(),
            )
        )
        if existing is not None and existing != name.strip():
            raise Conflict(
                f'"{name.strip()}" differs from the attribute "{existing}" only in letter case: '
                f'use "{existing}".'
            )
    _refuse_case_twins([c.strip() for c in choices or []], [], "choice")
    organisations.add_attribute(db, organisation, name, type_, choices)
    with db.session() as session:
        return _attribute_info(_attribute(session, organisation, name.strip()))


def add_choices(
    db: Database, actor: Actor, slug: str | None, name: str, choices: list[str]
) -> AttributeInfo:
    """Add choices to a choice attribute; a choice it has already is left alone."""
    organisation = organisation_for(db, actor, slug, admin=True, doing="change attributes")
    with db.session() as session:
        definition = _attribute(session, organisation, name)
        if definition.type != "choice":
            raise RosterError(
                f'"{name}" is a {definition.type} attribute: only choice attributes have choices.'
            )
        have = list(definition.choices or [])
        given = list(dict.fromkeys(c.strip() for c in choices if c.strip()))
        if not given:
            raise RosterError("Give at least one choice to add.")
        new = [c for c in given if c not in have]
        _refuse_case_twins(new, have, "choice")
        definition.choices = have + new
        session.flush()
        return _attribute_info(definition)


def remove_attribute(db: Database, actor: Actor, slug: str | None, name: str) -> None:
    """Remove an attribute definition no client holds a value for."""
    organisation = organisation_for(db, actor, slug, admin=True, doing="remove attributes")
    with db.session() as session:
        definition = _attribute(session, organisation, name)
        holders = sum(
            1
            for values in session.scalars(
                select(Client.attributes)
                .where(Client.organisation_id == organisation.id)
                .execution_options(yield_per=1000)
            )
            if (values or {}).get(name) not in (None, "")
        )
        if holders:
            raise Conflict(
                f'{holders} client{"s hold" if holders != 1 else " holds"} a value for "{name}": '
                "it stays while any client does."
            )
        session.delete(definition)


def _attribute(session: Session, organisation: OrgRef, name: str) -> AttributeDefinition:
    definition = session.scalar(
        select(AttributeDefinition).where(
            AttributeDefinition.organisation_id == organisation.id,
            AttributeDefinition.name == name,
        )
    )
    if definition is None:
        raise NotFound(f'{organisation.slug} has no attribute "{name}".')
    return definition


def _refuse_case_twins(new: list[str], have: list[str], what: str) -> None:
    """Two names that differ only in letter case would make every near-miss ambiguous."""
    seen = {h.lower(): h for h in have}
    for name in new:
        twin = seen.get(name.lower())
        if twin is not None and twin != name:
            raise Conflict(
                f'"{name}" differs from the {what} "{twin}" only in letter case: use "{twin}".'
            )
        seen[name.lower()] = name


# --- members ---------------------------------------------------------------------------------


def list_members(db: Database, actor: Actor, slug: str | None, paging: Paging) -> Page[MemberInfo]:
    organisation = organisation_for(db, actor, slug)
    with db.session() as session:
        query = (
            select(Member.email, Member.role)
            .where(Member.organisation_id == organisation.id)
            .order_by(Member.email)
        )
        rows, total = paged(session, query, paging)
        return Page(
            [MemberInfo(email, role) for email, role in rows], paging.page, paging.per_page, total
        )


def add_member(db: Database, actor: Actor, slug: str | None, email: str, role: str) -> MemberInfo:
    organisation = organisation_for(db, actor, slug, admin=True, doing="add members")
    return MemberInfo(organisations.add_member(db, organisation, email, role), role)


def remove_member(db: Database, actor: Actor, slug: str | None, email: str) -> None:
    """Remove a member; the organisation's last admin stays."""
    email = email.strip().lower()
    organisation = organisation_for(db, actor, slug, admin=True, doing="remove members")
    with db.session() as session:
        _keep_an_admin(session, organisation, email, "remove")
        session.execute(
            delete(Member).where(Member.organisation_id == organisation.id, Member.email == email)
        )


def change_role(db: Database, actor: Actor, slug: str | None, email: str, role: str) -> MemberInfo:
    """Make a member an admin or a pro; the organisation's last admin stays an admin."""
    email = email.strip().lower()
    if role not in organisations.ROLES:
        raise RosterError(f'"{role}" is not a role: use admin or pro.')
    organisation = organisation_for(db, actor, slug, admin=True, doing="change roles")
    with db.session() as session:
        if role != "admin":
            _keep_an_admin(session, organisation, email, "make a pro")
        elif role_of(session, organisation.id, email) is None:
            raise NotFound(f"{email} is not a member of {organisation.slug}.")
        session.execute(
            update(Member)
            .where(Member.organisation_id == organisation.id, Member.email == email)
            .values(role=role)
        )
        return MemberInfo(email, role)


def _keep_an_admin(session: Session, organisation: OrgRef, email: str, doing: str) -> None:
    """NotFound for a non-member; Conflict when `email` is the organisation's last admin."""
    role = role_of(session, organisation.id, email)
    if role is None:
        raise NotFound(f"{email} is not a member of {organisation.slug}.")
    if role != "admin":
        return
    # lock the admins' rows, so two admins removing each other cannot both succeed
    admins = session.scalars(
        select(Member.id)
        .where(Member.organisation_id == organisation.id, Member.role == "admin")
        .with_for_update()
    ).all()
    if len(admins) <= 1:
        raise Conflict(
            f"{email} is the last admin of {organisation.slug}: make another member an admin "
            f"before you {doing} them."
        )


# --- linked sheets ---------------------------------------------------------------------------


def _connected(sheet_id_column: Any) -> Any:
    return (
        select(func.count())
        .select_from(SheetAudience)
        .where(SheetAudience.linked_sheet_id == sheet_id_column)
        .scalar_subquery()
    )


def list_sheets(db: Database, actor: Actor, slug: str | None, paging: Paging) -> Page[SheetInfo]:
    organisation = organisation_for(db, actor, slug)
    with db.session() as session:
        query = (
            select(LinkedSheet.spreadsheet_id, _connected(LinkedSheet.id))
            .where(LinkedSheet.organisation_id == organisation.id)
            .order_by(LinkedSheet.spreadsheet_id)
        )
        rows, total = paged(session, query, paging)
        return Page(
            [SheetInfo(sheet, count) for sheet, count in rows], paging.page, paging.per_page, total
        )


def link_sheet(db: Database, actor: Actor, slug: str | None, spreadsheet_id: str) -> SheetInfo:
    """Link a spreadsheet (linking it again to the same organisation changes nothing)."""
    organisation = organisation_for(db, actor, slug, admin=True, doing="link sheets")
    organisations.link_sheet(db, organisation, spreadsheet_id)
    with db.session() as session:
        count = session.scalar(
            select(_connected(LinkedSheet.id)).where(LinkedSheet.spreadsheet_id == spreadsheet_id)
        )
        return SheetInfo(spreadsheet_id, count or 0)


def unlink_sheet(db: Database, actor: Actor, slug: str | None, spreadsheet_id: str) -> None:
    """Unlink a spreadsheet; the scripts connected to it are forgotten with it."""
    organisation = organisation_for(db, actor, slug, admin=True, doing="unlink sheets")
    with db.session() as session:
        sheet = session.scalar(
            select(LinkedSheet).where(
                LinkedSheet.organisation_id == organisation.id,
                LinkedSheet.spreadsheet_id == spreadsheet_id,
            )
        )
        if sheet is None:
            raise NotFound(
                f"The spreadsheet {spreadsheet_id} is not linked to {organisation.slug}."
            )
        session.execute(delete(SheetAudience).where(SheetAudience.linked_sheet_id == sheet.id))
        session.delete(sheet)


def sheet_schema(db: Database, email: str, spreadsheet_id: str) -> SheetSchema:
    """The tags and attributes of the organisation that owns the sheet, for its template."""
    organisation = organisations.resolve(db, spreadsheet_id=spreadsheet_id, member=email)
    with db.session() as session:
        tags = list(
            session.scalars(
                select(Tag.name).where(Tag.organisation_id == organisation.id).order_by(Tag.name)
            )
        )
        attributes = [
            _attribute_info(a)
            for a in session.scalars(
                select(AttributeDefinition)
                .where(AttributeDefinition.organisation_id == organisation.id)
                .order_by(AttributeDefinition.name)
            )
        ]
        return SheetSchema(organisation.slug, tags, attributes)
