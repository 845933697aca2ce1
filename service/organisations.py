"""The organisation registry: organisations, members, tags, attributes, linked sheets, and which
organisation a request means.

Every function takes the `Database` and returns plain values (`OrgRef`, `OrgSnapshot`, names):
no session or ORM row leaves this module.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .db import Database
from .errors import Conflict, Forbidden, NotFound, RosterError
from .models import AttributeDefinition, Client, LinkedSheet, Member, Organisation, Tag
from .roster import organisation as domain
from .roster.organisation import ATTRIBUTE_TYPES, OrgRef, OrgSnapshot
from .sources.links import SHEET_ID

DEFAULT_SLUG = "default"
ROLES = ("admin", "pro")
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")


def ensure_default(db: Database) -> None:
    """A fresh database has a `default` organisation, so a first run needs no set-up."""
    with db.session() as session:
        if session.scalar(select(func.count()).select_from(Organisation)) == 0:
            try:
                with session.begin_nested():
                    session.add(Organisation(slug=DEFAULT_SLUG, name="Default organisation"))
            except IntegrityError:
                pass  # another process starting at the same moment created it


def resolve(
    db: Database,
    *,
    slug: str | None = None,
    spreadsheet_id: str | None = None,
    member: str | None = None,
) -> OrgRef:
    """The one answer to "which organisation?", for the API, the console and the CLI.

    A linked spreadsheet means the organisation it is linked to (a different `slug` is
    refused); `spreadsheet_id` may be any source, as a file's path is never linked. Otherwise
    `slug` names it, or, when none is named, the only one there is (the only one `member`
    belongs to). A `member` must belong to it, and may not use an unlinked sheet: only the
    CLI, run on the database itself, may validate an unlinked sheet against --org.
    """
    with db.session() as session:
        linked = _linked(session, spreadsheet_id) if spreadsheet_id else None
        if linked is not None:
            if slug and slug != linked.slug:
                raise RosterError(f"This spreadsheet is linked to {linked.slug}, not {slug}.")
            organisation, what = linked, "the organisation that owns this sheet"
        elif spreadsheet_id and member is not None:
            raise NotFound(
                "This spreadsheet is not linked to a Roster organisation: ask an admin "
                "to run `roster sheets link` for it."
            )
        elif slug:
            organisation, what = _by_slug(session, slug), slug
        else:
            organisation, what = _the_only_one(session, member), "it"
        if member is not None:
            _require_member(
                session,
                organisation.id,
                member,
                f"{member} is not a member of {what}: ask its admin to add you.",
            )
        return _ref(organisation)


def require_member(db: Database, organisation_id: int, email: str, refusal: str) -> None:
    """Raise Forbidden with `refusal` unless the email belongs to a member."""
    with db.session() as session:
        _require_member(session, organisation_id, email, refusal)


def snapshot(db: Database, organisation_id: int) -> OrgSnapshot:
    """What the rules need to know about an organisation, read once per validation."""
    with db.session() as session:
        tags = frozenset(
            session.scalars(select(Tag.name).where(Tag.organisation_id == organisation_id))
        )
        attributes = {
            a.name: domain.AttributeDefinition(a.name, a.type, tuple(a.choices or ()))
            for a in session.scalars(
                select(AttributeDefinition).where(
                    AttributeDefinition.organisation_id == organisation_id
                )
            )
        }
        emails: set[str] = set()
        external_ids: dict[str, str] = {}
        rows = session.execute(
            select(Client.email, Client.external_id).where(
                Client.organisation_id == organisation_id
            )
        )
        for email, external_id in rows:
            emails.add(email)
            if external_id:
                external_ids[external_id] = email
    return OrgSnapshot(tags, attributes, frozenset(emails), external_ids)


def create_organisation(db: Database, slug: str, name: str | None = None) -> OrgRef:
    """A new organisation with a slug nobody has taken yet."""
    if not _SLUG.fullmatch(slug):
        raise RosterError(
            f'"{slug}" is not a valid organisation slug: use lowercase letters, digits and dashes.'
        )
    with db.session() as session:
        if session.scalar(select(Organisation).where(Organisation.slug == slug)):
            raise Conflict(f'The organisation "{slug}" already exists.')
        organisation = Organisation(slug=slug, name=name or slug)
        session.add(organisation)
        session.flush()
        return _ref(organisation)


def add_member(db: Database, organisation: OrgRef, email: str, role: str) -> str:
    """Make someone a member (admin or pro); returns the email as stored (lowercase)."""
    email = email.strip().lower()
    if role not in ROLES:
        raise RosterError(f'"{role}" is not a role: use admin or pro.')
    if "@" not in email:
        raise RosterError(f'"{email}" is not an email address.')
    with db.session() as session:
        _insert_unique(
            session,
            Member(organisation_id=organisation.id, email=email, role=role),
            f"{email} is already a member of {organisation.slug}.",
        )
    return email


def add_tags(db: Database, organisation: OrgRef, names: list[str]) -> list[str]:
    """Add the tags that do not exist yet; return the ones added. A case-only twin is refused."""
    with db.session() as session:
        existing = {
            name.lower(): name
            for name in session.scalars(
                select(Tag.name).where(Tag.organisation_id == organisation.id)
            )
        }
        added = []
        for name in dict.fromkeys(n.strip() for n in names):
            if not name or len(name) > 100:
                raise RosterError(f'"{name}" is not a valid tag name (1 to 100 characters).')
            twin = existing.get(name.lower())
            if twin is not None and twin != name:  # `vip` next to `VIP` makes both ambiguous
                raise Conflict(
                    f'"{name}" differs from the tag "{twin}" only in letter case: use "{twin}".'
                )
            if twin is None:
                session.add(Tag(organisation_id=organisation.id, name=name))
                existing[name.lower()] = name
                added.append(name)
    return added


def add_attribute(
    db: Database,
    organisation: OrgRef,
    name: str,
    type_: str,
    choices: list[str] | None = None,
) -> None:
    """Define an attribute (an `attribute:<Name>` column) of one of ATTRIBUTE_TYPES."""
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
    with db.session() as session:
        _insert_unique(
            session, definition, f'The attribute "{name}" already exists in {organisation.slug}.'
        )


def link_sheet(db: Database, organisation: OrgRef, spreadsheet_id: str) -> None:
    """Link a spreadsheet to the organisation; linking it again is a no-op.

    Only a real spreadsheet id is linked, so a linked source is never read as a file.
    """
    if not SHEET_ID.fullmatch(spreadsheet_id):
        raise RosterError(f'"{spreadsheet_id}" is not a Google spreadsheet id.')
    with db.session() as session:
        owner = session.scalar(
            select(LinkedSheet).where(LinkedSheet.spreadsheet_id == spreadsheet_id)
        )
        if owner is not None:
            if owner.organisation_id == organisation.id:
                return
            raise Conflict("This spreadsheet is already linked to another organisation.")
        session.add(LinkedSheet(organisation_id=organisation.id, spreadsheet_id=spreadsheet_id))


def _ref(organisation: Organisation) -> OrgRef:
    return OrgRef(organisation.id, organisation.slug, organisation.name)


def _linked(session: Session, spreadsheet_id: str) -> Organisation | None:
    sheet = session.scalar(select(LinkedSheet).where(LinkedSheet.spreadsheet_id == spreadsheet_id))
    return session.get(Organisation, sheet.organisation_id) if sheet is not None else None


def _by_slug(session: Session, slug: str) -> Organisation:
    found = session.scalar(select(Organisation).where(Organisation.slug == slug))
    if found is None:
        raise NotFound(
            f'There is no organisation "{slug}": create it with `roster orgs create {slug}`.'
        )
    return found


def _the_only_one(session: Session, member: str | None) -> Organisation:
    """With no slug: the only organisation, or the only one a member belongs to."""
    query = select(Organisation)
    if member is not None:
        query = query.join(Member, Member.organisation_id == Organisation.id).where(
            Member.email == member.lower()
        )
    found = session.scalars(query.limit(2)).all()
    if member is not None and not found:
        raise Forbidden(f"{member} is not a member of any organisation: ask an admin to add you.")
    if len(found) != 1:
        raise RosterError("There are several organisations: name one with --org SLUG.")
    return found[0]


def _require_member(session: Session, organisation_id: int, email: str, refusal: str) -> None:
    found = session.scalar(
        select(Member.id).where(
            Member.organisation_id == organisation_id, Member.email == email.lower()
        )
    )
    if found is None:
        raise Forbidden(refusal)


def _insert_unique(session: Session, row: object, message: str) -> None:
    """Insert a row; a clash with a unique constraint becomes a Conflict that names it."""
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError as error:
        raise Conflict(message) from error
