"""Client accounts and what an import did to them: each chunk written in one transaction
(clients inserted without duplicates or updated in place, their tags, each row's outcome, the
run's counters), and the clients listed.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ..db import Database
from ..errors import Conflict
from ..models import Client, ImportRowResult, Tag, client_tags, utcnow
from ..roster.engine import ClientRow
from . import runs
from .outcomes import (
    ADDED_MEANWHILE,
    ALREADY_A_CLIENT,
    NOTHING_TO_UPDATE,
    REMOVED_MEANWHILE,
    FailedRow,
)
from .plan import Step
from .runs import ImportStatus


def write_chunk(
    db: Database,
    run: ImportStatus,
    lease: str,
    steps: list[Step],
    hashes: dict[str, str],
    tag_ids: dict[str, int],
) -> ImportStatus:
    """One transaction: the clients, their tags, each row's outcome and the run's counters.

    Nothing is written unless `lease` still holds the run (runs.LeaseLost otherwise).
    """
    with db.session() as session:
        runs.hold(session, run.id, lease)
        creates = [s.client for s in steps if s.action == "create"]
        updates = [s.client for s in steps if s.action == "update"]
        created = _insert_clients(session, run, creates, hashes, tag_ids)
        updated = _update_clients(session, run.organisation_id, updates, tag_ids)
        results = [_outcome(run.id, s, created, updated) for s in steps]
        session.execute(insert(ImportRowResult), results)
        changed = sum(1 for r in results if r["outcome"] == "updated")
        return runs.count(
            session, run.id, len(created), changed, len(steps) - len(created) - changed
        )


def _outcome(
    run_id: str, step: Step, created: dict[str, int], updated: dict[str, Updated]
) -> dict[str, Any]:
    """One row's result: its outcome, why, and what undo needs. Every result has every key, so
    that the chunk's results are one executemany."""
    email = step.client.email_address
    result: dict[str, Any] = {
        "import_run_id": run_id,
        "row": step.client.row,
        "email": email,
        "outcome": "skipped",
        "reason": None,
        "client_id": None,
        "previous": None,
    }
    if email in created:
        return {**result, "outcome": "created", "client_id": created[email]}
    if email in updated:
        change = updated[email]
        if change.previous is None:
            return {
                **result,
                "outcome": "unchanged",
                "reason": NOTHING_TO_UPDATE,
                "client_id": change.client_id,
            }
        return {
            **result,
            "outcome": "updated",
            "client_id": change.client_id,
            "previous": change.previous,
        }
    # a row planned for creation whose email turned up meanwhile is skipped, not failed
    reason = {"create": ADDED_MEANWHILE, "update": REMOVED_MEANWHILE}.get(
        step.action, ALREADY_A_CLIENT
    )
    return {**result, "reason": reason}


def open_run(
    db: Database,
    organisation_id: int,
    request: runs.ImportRequest,
    total: int,
    failed: Sequence[FailedRow],
    stale_after: dt.timedelta = runs.STALE_AFTER,
) -> ImportStatus:
    """Open the run (runs.open_in) and record the rows errors keep out of it, in one transaction.

    A run that finishes while we look frees the sheet, so we simply try again.
    """
    for _ in range(5):
        with db.session() as session:
            opened = runs.open_in(
                session, organisation_id, request, total, len(failed), stale_after
            )
            if opened is not None:
                record_failed(session, opened.id, failed)
                return opened
    raise Conflict("This sheet's imports are changing hands too fast: import again.")


def record_failed(session: Session, run_id: str, failed: Sequence[FailedRow]) -> None:
    """The rows errors keep out of a run, replacing those of the run it takes over."""
    session.execute(
        delete(ImportRowResult).where(
            ImportRowResult.import_run_id == run_id, ImportRowResult.outcome == "failed"
        )
    )
    if failed:
        session.execute(
            insert(ImportRowResult),
            [
                {
                    "import_run_id": run_id,
                    "row": f.row,
                    "email": f.email,
                    "outcome": "failed",
                    "reason": f.reason,
                }
                for f in failed
            ],
        )


def recorded_emails(db: Database, run_id: str) -> set[str]:
    """The emails of the rows the run has already written or skipped (to resume after them)."""
    with db.session() as session:
        return set(
            session.scalars(
                select(ImportRowResult.email).where(
                    ImportRowResult.import_run_id == run_id, ImportRowResult.outcome != "failed"
                )
            )
        )


def outcomes(db: Database, run_id: str) -> list[tuple[int, str, str]]:
    """(row, email, outcome) for every row the run wrote or skipped, in sheet order (failed rows
    have their validation notes)."""
    with db.session() as session:
        rows = session.execute(
            select(ImportRowResult.row, ImportRowResult.email, ImportRowResult.outcome)
            .where(ImportRowResult.import_run_id == run_id, ImportRowResult.outcome != "failed")
            .order_by(ImportRowResult.row)
        )
        return [(row, email, outcome) for row, email, outcome in rows]


def tag_ids(db: Database, organisation_id: int) -> dict[str, int]:
    """The organisation's tags by name."""
    with db.session() as session:
        return {
            name: tag_id
            for name, tag_id in session.execute(
                select(Tag.name, Tag.id).where(Tag.organisation_id == organisation_id)
            )
        }


@dataclass(frozen=True)
class ClientAccount:
    """A client as Roster shows it (SPEC §8): never a password or hash."""

    email_address: str
    first_name: str
    last_name: str
    birthdate: dt.date
    gender: str
    external_id: str | None
    tags: list[str]
    attributes: dict[str, Any]
    must_change_password: bool


def list_clients(db: Database, organisation_id: int) -> list[ClientAccount]:
    """The organisation's clients, by email."""
    with db.session() as session:
        found = session.scalars(
            select(Client).where(Client.organisation_id == organisation_id).order_by(Client.email)
        )
        return [
            ClientAccount(
                email_address=client.email,
                first_name=client.first_name,
                last_name=client.last_name,
                birthdate=client.birthdate,
                gender=client.gender,
                external_id=client.external_id,
                tags=sorted(t.name for t in client.tags),
                attributes=client.attributes or {},
                must_change_password=client.must_change_password,
            )
            for client in found
        ]


def _dialect_insert(session: Session) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def _insert_clients(
    session: Session,
    run: ImportStatus,
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


def _update_clients(
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
