"""The organisation registry: organisations, members, tags, attributes and linked sheets."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .errors import Conflict, Forbidden, NotFound, RosterError
from .models import AttributeDefinition, Client, LinkedSheet, Member, Organisation, Tag
from .roster import organisation as domain
from .roster.organisation import ATTRIBUTE_TYPES, OrgSnapshot

DEFAULT_SLUG = "default"
ROLES = ("admin", "pro")
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")


def ensure_default(session: Session) -> None:
    """A fresh database has a `default` organisation, so a first run needs no set-up."""
    if session.scalar(select(func.count()).select_from(Organisation)) == 0:
        try:
            with session.begin_nested():
                session.add(Organisation(slug=DEFAULT_SLUG, name="Default organisation"))
        except IntegrityError:
            pass  # another process starting at the same moment created it


def create_organisation(session: Session, slug: str, name: str | None = None) -> Organisation:
    if not _SLUG.fullmatch(slug):
        raise RosterError(
            f'"{slug}" is not a valid organisation slug: use lowercase letters, digits and dashes.'
        )
    if session.scalar(select(Organisation).where(Organisation.slug == slug)):
        raise Conflict(f'The organisation "{slug}" already exists.')
    organisation = Organisation(slug=slug, name=name or slug)
    session.add(organisation)
    session.flush()
    return organisation


def find_organisation(session: Session, slug: str | None) -> Organisation:
    """The organisation named by slug, or the only one when no slug is given."""
    if slug:
        found = session.scalar(select(Organisation).where(Organisation.slug == slug))
        if found is None:
            raise NotFound(
                f'There is no organisation "{slug}": create it with `roster orgs create {slug}`.'
            )
        return found
    organisations = session.scalars(select(Organisation).limit(2)).all()
    if len(organisations) != 1:
        raise RosterError("There are several organisations: name one with --org SLUG.")
    return organisations[0]


def add_member(session: Session, organisation: Organisation, email: str, role: str) -> Member:
    email = email.strip().lower()
    if role not in ROLES:
        raise RosterError(f'"{role}" is not a role: use admin or pro.')
    if "@" not in email:
        raise RosterError(f'"{email}" is not an email address.')
    member = Member(organisation_id=organisation.id, email=email, role=role)
    _insert_unique(session, member, f"{email} is already a member of {organisation.slug}.")
    return member


def add_tags(session: Session, organisation: Organisation, names: list[str]) -> list[str]:
    """Add the tags that do not exist yet; return the ones added."""
    existing = set(session.scalars(select(Tag.name).where(Tag.organisation_id == organisation.id)))
    added = []
    for name in dict.fromkeys(n.strip() for n in names):
        if not name or len(name) > 100:
            raise RosterError(f'"{name}" is not a valid tag name (1 to 100 characters).')
        if name not in existing:
            session.add(Tag(organisation_id=organisation.id, name=name))
            added.append(name)
    session.flush()
    return added


def add_attribute(
    session: Session,
    organisation: Organisation,
    name: str,
    type_: str,
    choices: list[str] | None = None,
) -> AttributeDefinition:
    name = name.strip()
    if type_ not in ATTRIBUTE_TYPES:
        raise RosterError(f'"{type_}" is not an attribute type: use {", ".join(ATTRIBUTE_TYPES)}.')
    if not name or len(name) > 100 or ":" in name:
        raise RosterError(f'"{name}" is not a valid attribute name (1 to 100 characters, no ":").')
    cleaned = [c.strip() for c in choices or [] if c.strip()]
    if type_ == "choice" and not cleaned:
        raise RosterError("A choice attribute needs its choices: --choices A,B,C.")
    definition = AttributeDefinition(
        organisation_id=organisation.id,
        name=name,
        type=type_,
        choices=cleaned if type_ == "choice" else [],
    )
    _insert_unique(
        session, definition, f'The attribute "{name}" already exists in {organisation.slug}.'
    )
    return definition


def link_sheet(session: Session, organisation: Organisation, spreadsheet_id: str) -> LinkedSheet:
    owner = session.scalar(select(LinkedSheet).where(LinkedSheet.spreadsheet_id == spreadsheet_id))
    if owner is not None:
        if owner.organisation_id == organisation.id:
            return owner
        raise Conflict("This spreadsheet is already linked to another organisation.")
    sheet = LinkedSheet(organisation_id=organisation.id, spreadsheet_id=spreadsheet_id)
    session.add(sheet)
    session.flush()
    return sheet


def organisation_of_sheet(session: Session, spreadsheet_id: str, email: str) -> Organisation:
    """The organisation that linked the sheet, if the caller is one of its members."""
    organisation = linked_organisation(session, spreadsheet_id)
    if organisation is None:
        raise NotFound(
            "This spreadsheet is not linked to a Roster organisation: ask an admin "
            "to run `roster sheets link` for it."
        )
    require_member(
        session,
        organisation.id,
        email,
        f"{email} is not a member of the organisation that owns this sheet: "
        "ask its admin to add you.",
    )
    return organisation


def require_member(session: Session, organisation_id: int, email: str, refusal: str) -> None:
    """Raise Forbidden with `refusal` unless the email belongs to a member."""
    if (
        session.scalar(
            select(Member.id).where(
                Member.organisation_id == organisation_id, Member.email == email.lower()
            )
        )
        is None
    ):
        raise Forbidden(refusal)


def linked_organisation(session: Session, spreadsheet_id: str) -> Organisation | None:
    """The organisation a spreadsheet is linked to, if any."""
    sheet = session.scalar(select(LinkedSheet).where(LinkedSheet.spreadsheet_id == spreadsheet_id))
    return session.get(Organisation, sheet.organisation_id) if sheet is not None else None


def organisation_of_member(session: Session, email: str, slug: str | None) -> Organisation:
    """The organisation a member works in: the one named, or their only one."""
    query = (
        select(Organisation)
        .join(Member, Member.organisation_id == Organisation.id)
        .where(Member.email == email.lower())
    )
    if slug:
        query = query.where(Organisation.slug == slug)
    found = session.scalars(query.limit(2)).all()
    if not found:
        raise Forbidden(
            f"{email} is not a member of {slug or 'any organisation'}: ask an admin to add you."
        )
    if len(found) > 1:
        raise RosterError("You are a member of several organisations: choose one.")
    return found[0]


def snapshot(session: Session, organisation: Organisation) -> OrgSnapshot:
    """What the rules need to know, read once per validation."""
    org_id = organisation.id
    tags = frozenset(session.scalars(select(Tag.name).where(Tag.organisation_id == org_id)))
    attributes = {
        a.name: domain.AttributeDefinition(a.name, a.type, tuple(a.choices or ()))
        for a in session.scalars(
            select(AttributeDefinition).where(AttributeDefinition.organisation_id == org_id)
        )
    }
    emails: set[str] = set()
    external_ids: dict[str, str] = {}
    rows = session.execute(
        select(Client.email, Client.external_id).where(Client.organisation_id == org_id)
    )
    for email, external_id in rows:
        emails.add(email)
        if external_id:
            external_ids[external_id] = email
    return OrgSnapshot(tags, attributes, frozenset(emails), external_ids)


def _insert_unique(session: Session, row: object, message: str) -> None:
    """Insert a row; a clash with a unique constraint becomes a Conflict that names it."""
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError as error:
        raise Conflict(message) from error


@dataclass(frozen=True)
class Membership:
    """One organisation a person works in, and their role there."""

    organisation_id: int
    slug: str
    name: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def memberships(session: Session, email: str) -> list[Membership]:
    """Every organisation the email is a member of, by slug."""
    rows = session.execute(
        select(Organisation.id, Organisation.slug, Organisation.name, Member.role)
        .join(Member, Member.organisation_id == Organisation.id)
        .where(Member.email == email.lower())
        .order_by(Organisation.slug)
    )
    return [Membership(*row) for row in rows]


def search_clients(session: Session, organisation_id: int, q: str, limit: int = 50) -> list[dict]:
    """Clients whose name, email or external id contains `q`; never a password or hash."""
    query = select(Client).where(Client.organisation_id == organisation_id)
    if q.strip():
        like = f"%{q.strip().lower()}%"
        query = query.where(
            func.lower(Client.email).like(like)
            | func.lower(Client.first_name + " " + Client.last_name).like(like)
            | func.lower(func.coalesce(Client.external_id, "")).like(like)
        )
    found = session.scalars(query.order_by(Client.last_name, Client.email).limit(limit))
    return [
        {
            "email_address": c.email,
            "first_name": c.first_name,
            "last_name": c.last_name,
            "birthdate": c.birthdate.strftime("%Y%m%d"),
            "gender": c.gender,
            "external_id": c.external_id,
            "tags": sorted(t.name for t in c.tags),
            "must_change_password": c.must_change_password,
        }
        for c in found
    ]
