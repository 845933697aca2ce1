"""Client accounts written by an import: inserted without duplicates, or updated in place."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ..models import Client, ImportRun, client_tags, utcnow
from ..roster.engine import ClientRow


def _dialect_insert(session: Session) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def insert_clients(
    session: Session,
    run: ImportRun,
    clients: list[ClientRow],
    hashes: dict[str, str],
    tag_ids: dict[str, int],
) -> set[str]:
    """Insert new clients; a row whose email or external id exists is left out, not failed."""
    if not clients:
        return set()
    now = utcnow()
    values = [
        {
            "organisation_id": run.organisation_id,
            "email": c.email_address,
            "first_name": c.first_name,
            "last_name": c.last_name,
            "birthdate": c.birthdate,
            "gender": c.gender,
            "external_id": c.external_id,
            "attributes": _json_attributes(c.attributes),
            "password_hash": hashes[c.email_address],
            "must_change_password": True,
            "import_run_id": run.id,
            "created_at": now,
            "updated_at": now,
        }
        for c in clients
    ]
    statement = (
        _dialect_insert(session)(Client)
        .values(values)
        .on_conflict_do_nothing()
        .returning(Client.id, Client.email)
    )
    inserted = {email: client_id for client_id, email in session.execute(statement)}
    by_email = {c.email_address: c for c in clients}
    _add_tags(session, [(inserted[e], by_email[e].tags) for e in inserted], tag_ids)
    return set(inserted)


def update_clients(
    session: Session, organisation_id: int, clients: list[ClientRow], tag_ids: dict[str, int]
) -> set[str]:
    """Update profile fields of existing clients; never their password."""
    updated = set()
    for c in clients:
        client = session.scalar(
            select(Client).where(
                Client.organisation_id == organisation_id, Client.email == c.email_address
            )
        )
        if client is None:
            continue
        client.first_name, client.last_name = c.first_name, c.last_name
        client.birthdate, client.gender = c.birthdate, c.gender
        if c.external_id is not None:
            client.external_id = c.external_id
        client.attributes = {**(client.attributes or {}), **_json_attributes(c.attributes)}
        client.updated_at = utcnow()
        session.flush()
        have = {t.name for t in client.tags}
        _add_tags(session, [(client.id, tuple(t for t in c.tags if t not in have))], tag_ids)
        updated.add(c.email_address)
    return updated


def _add_tags(
    session: Session, pairs: Iterable[tuple[int, tuple[str, ...]]], tag_ids: dict[str, int]
) -> None:
    rows = [
        {"client_id": client_id, "tag_id": tag_ids[name]}
        for client_id, names in pairs
        for name in names
        if name in tag_ids
    ]
    if rows:
        session.execute(client_tags.insert(), rows)


def _json_attributes(attributes: dict[str, Any]) -> dict[str, Any]:
    """Attribute values as JSON: numbers stay numbers, dates become ISO strings."""
    out: dict[str, Any] = {}
    for name, value in attributes.items():
        if isinstance(value, decimal.Decimal):
            out[name] = int(value) if value == value.to_integral_value() else float(value)
        elif isinstance(value, dt.date):
            out[name] = value.isoformat()
        else:
            out[name] = value
    return out
