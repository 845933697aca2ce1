"""An organisation's clients as members see them: searched, paged, never a password or hash."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ..db import Database
from ..models import Client, as_utc
from .access import DEFAULT_PAGING, Actor, Page, Paging, organisation_for, paged


@dataclass(frozen=True)
class ClientInfo:
    """A client as SPEC §8 lists it; the dataclass has no field a password could hide in."""

    email_address: str
    first_name: str
    last_name: str
    birthdate: str  # YYYYMMDD, as the roster holds it
    gender: str
    external_id: str | None
    tags: list[str]
    attributes: dict[str, Any] = field(default_factory=dict)
    must_change_password: bool = True
    created_at: dt.datetime | None = None  # aware, UTC
    import_id: str | None = None  # the run that created it


def _client_info(client: Client) -> ClientInfo:
    return ClientInfo(
        email_address=client.email,
        first_name=client.first_name,
        last_name=client.last_name,
        birthdate=client.birthdate.strftime("%Y%m%d"),
        gender=client.gender,
        external_id=client.external_id,
        tags=sorted(t.name for t in client.tags),
        attributes=dict(client.attributes or {}),
        must_change_password=client.must_change_password,
        created_at=as_utc(client.created_at),
        import_id=client.import_run_id,
    )


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_clients(
    db: Database, actor: Actor, slug: str | None, q: str = "", paging: Paging = DEFAULT_PAGING
) -> Page[ClientInfo]:
    """Clients whose name, email or external id contains `q` (any case), by last name."""
    organisation = organisation_for(db, actor, slug)
    with db.session() as session:
        query = select(Client).where(Client.organisation_id == organisation.id)
        for word in q.split():
            pattern = _like(word)
            query = query.where(
                or_(
                    Client.email.ilike(pattern, escape="\\"),
                    Client.first_name.ilike(pattern, escape="\\"),
                    Client.last_name.ilike(pattern, escape="\\"),
                    Client.external_id.ilike(pattern, escape="\\"),
                )
            )
        query = query.options(selectinload(Client.tags)).order_by(
            Client.last_name, Client.first_name, Client.id
        )
        rows, total = paged(session, query, paging)
        return Page([_client_info(r[0]) for r in rows], paging.page, paging.per_page, total)
