"""Client accounts written by an import: inserted without duplicates, or updated in place."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from dataclasses import dataclass
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
) -> dict[str, int]:
    """Insert new clients; a row whose email or external id exists is left out, not failed.

    Returns the new clients' ids by email.
    """
    if not clients:
        return {}
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
    return inserted


@dataclass(frozen=True)
class Updated:
    """What *update existing* did to one client: `previous` is None when nothing changed."""

    client_id: int
    previous: dict[str, Any] | None  # the profile before, and the tags added: what undo needs


def profile_of(client: Client) -> dict[str, Any]:
    """The fields an update may change, as JSON."""
    return {
        "first_name": client.first_name,
        "last_name": client.last_name,
        "birthdate": client.birthdate.isoformat(),
        "gender": client.gender,
        "external_id": client.external_id,
        "attributes": dict(client.attributes or {}),
    }


def update_clients(
    session: Session, organisation_id: int, clients: list[ClientRow], tag_ids: dict[str, int]
) -> dict[str, Updated]:
    """Update profile fields of existing clients; never their password; tags are only added.

    A client whose stored profile would not change is left untouched (reported `unchanged`).
    """
    results: dict[str, Updated] = {}
    for c in clients:
        client = session.scalar(
            select(Client).where(
                Client.organisation_id == organisation_id, Client.email == c.email_address
            )
        )
        if client is None:
            continue
        before = profile_of(client)
        have = {t.name for t in client.tags}
        added = tuple(t for t in dict.fromkeys(c.tags) if t not in have and t in tag_ids)
        after: dict[str, Any] = {
            "first_name": c.first_name,
            "last_name": c.last_name,
            "birthdate": c.birthdate.isoformat(),
            "gender": c.gender,
            "external_id": c.external_id if c.external_id is not None else client.external_id,
            "attributes": {**before["attributes"], **_json_attributes(c.attributes)},
        }
        if after == before and not added:
            results[c.email_address] = Updated(client.id, None)
            continue
        stamp = client.updated_at
        client.first_name, client.last_name = c.first_name, c.last_name
        client.birthdate, client.gender = c.birthdate, c.gender
        client.external_id = after["external_id"]
        client.attributes = after["attributes"]
        client.updated_at = utcnow()
        session.flush()
        _add_tags(session, [(client.id, added)], tag_ids)
        previous = {**before, "added_tags": list(added), "updated_at": stamp.isoformat()}
        results[c.email_address] = Updated(client.id, previous)
    return results


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
