"""Who may do what in an organisation (members read, admins write), and paging of lists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from .. import organisations
from ..db import Database
from ..errors import Forbidden, RosterError
from ..models import Member
from ..roster.organisation import OrgRef

T = TypeVar("T")
MAX_PER_PAGE = 500


@dataclass(frozen=True)
class Actor:
    """Who asks: a signed-in member, or (email None) the operator at a terminal running the CLI.

    The operator already holds the database, so the CLI acts as an admin of every organisation.
    """

    email: str | None

    @property
    def label(self) -> str:
        """How the actor is recorded (who made a link code, who undid a run)."""
        return self.email or "cli"


OPERATOR = Actor(None)


@dataclass(frozen=True)
class Paging:
    """Which page of a list: `page` from 1, at most MAX_PER_PAGE items a page."""

    page: int = 1
    per_page: int = 50

    def __post_init__(self) -> None:
        if self.page < 1:
            raise RosterError("page counts from 1.")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise RosterError(f"per_page must be between 1 and {MAX_PER_PAGE}.")


DEFAULT_PAGING = Paging()
EVERYTHING = Paging(1, MAX_PER_PAGE)


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list, with the total so a caller can show how many pages there are."""

    items: list[T]
    page: int
    per_page: int
    total: int


def paged(session: Session, query: Select, paging: Paging) -> tuple[Sequence, int]:
    """The page's rows and the total count of the (ordered) query."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = session.execute(
        query.limit(paging.per_page).offset((paging.page - 1) * paging.per_page)
    ).all()
    return rows, total or 0


def role_of(session: Session, organisation_id: int, email: str) -> str | None:
    return session.scalar(
        select(Member.role).where(
            Member.organisation_id == organisation_id, Member.email == email.lower()
        )
    )


def organisation_for(
    db: Database, actor: Actor, slug: str | None, *, admin: bool = False, doing: str = ""
) -> OrgRef:
    """The organisation named (or the actor's only one), if the actor may read it, or write when
    `admin`. `doing` finishes the sentence "Only admins of … can …" in a refusal."""
    if actor.email is None:
        return organisations.resolve(db, slug=slug)
    organisation = organisations.resolve(db, slug=slug, member=actor.email)
    if admin:
        with db.session() as session:
            require_role(session, organisation, actor, admin=True, doing=doing)
    return organisation


def require_role(
    session: Session, organisation: OrgRef, actor: Actor, *, admin: bool, doing: str = ""
) -> None:
    """Forbidden unless the actor is a member (an admin, when `admin`) of the organisation."""
    if actor.email is None:
        return
    role = role_of(session, organisation.id, actor.email)
    if role is None:
        raise Forbidden(
            f"{actor.email} is not a member of {organisation.slug}: ask one of its admins to add "
            "you."
        )
    if admin and role != "admin":
        raise Forbidden(
            f"Only admins of {organisation.slug} can {doing or 'do this'}; {actor.email} is a "
            "pro: ask an admin."
        )
