"""Import history: an organisation's runs, each run's per-row outcomes, and undo (SPEC §5).

Undo removes the clients a run created and puts back the profiles it updated (and takes off the
tags it added), in one transaction, unless a later run changed one of those clients since.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from ..db import Database
from ..errors import Conflict, NotFound
from ..imports.runs import ImportStatus, status_of
from ..models import (
    Client,
    ImportRowResult,
    ImportRun,
    Organisation,
    Tag,
    as_utc,
    client_tags,
    utcnow,
)
from ..roster.organisation import OrgRef
from .access import Actor, Page, Paging, organisation_for, paged, require_role

UNDOABLE = ("succeeded", "failed")  # a failed run keeps the chunks it committed


@dataclass(frozen=True)
class RunInfo(ImportStatus):
    """One import as history shows it (api/admin_schemas.RunSchema): the run as it stands, with
    its organisation's slug, how many rows it left unchanged, and who undid it."""

    organisation: str
    unchanged: int  # rows already as the sheet says; the run's `skipped` includes them
    undone_by: str | None
    undone_at: dt.datetime | None  # aware, UTC
    invitations_sent: int = 0  # SPEC §5: no invitation is ever sent

    @property
    def worksheet_name(self) -> str | None:
        """The worksheet as people read it: its title, else its gid."""
        if self.worksheet_title:
            return self.worksheet_title
        return str(self.worksheet_id) if self.worksheet_id is not None else None


@dataclass(frozen=True)
class RowOutcome:
    row: int
    email: str
    outcome: str  # created | updated | unchanged | skipped | failed
    reason: str | None


@dataclass(frozen=True)
class UndoResult:
    run: RunInfo
    removed: int  # clients deleted
    reverted: int  # profiles put back
    already_undone: bool


def _run_info(run: ImportRun, slug: str, unchanged: int) -> RunInfo:
    return RunInfo(
        **vars(status_of(run)),
        organisation=slug,
        unchanged=unchanged,
        undone_by=run.undone_by,
        undone_at=as_utc(run.undone_at),
    )


def _unchanged_counts(session: Session, run_ids: list[str]) -> dict[str, int]:
    if not run_ids:
        return {}
    rows = session.execute(
        select(ImportRowResult.import_run_id, func.count())
        .where(ImportRowResult.import_run_id.in_(run_ids), ImportRowResult.outcome == "unchanged")
        .group_by(ImportRowResult.import_run_id)
    )
    return {run_id: count for run_id, count in rows}


def list_imports(db: Database, actor: Actor, slug: str | None, paging: Paging) -> Page[RunInfo]:
    """The organisation's imports, newest first."""
    organisation = organisation_for(db, actor, slug)
    with db.session() as session:
        query = (
            select(ImportRun)
            .where(ImportRun.organisation_id == organisation.id)
            .order_by(ImportRun.started_at.desc(), ImportRun.id)
        )
        rows, total = paged(session, query, paging)
        runs = [r[0] for r in rows]
        unchanged = _unchanged_counts(session, [r.id for r in runs])
        items = [_run_info(r, organisation.slug, unchanged.get(r.id, 0)) for r in runs]
        return Page(items, paging.page, paging.per_page, total)


def _run_for(
    session: Session, actor: Actor, run_id: str, *, admin: bool = False, doing: str = ""
) -> tuple[ImportRun, OrgRef]:
    run = session.get(ImportRun, run_id)
    if run is None:
        raise NotFound(f"There is no import {run_id}.")
    found = session.get(Organisation, run.organisation_id)
    assert found is not None
    organisation = OrgRef(found.id, found.slug, found.name)
    require_role(session, organisation, actor, admin=admin, doing=doing)
    return run, organisation


def get_import(db: Database, actor: Actor, run_id: str) -> RunInfo:
    with db.session() as session:
        run, organisation = _run_for(session, actor, run_id)
        return _run_info(
            run, organisation.slug, _unchanged_counts(session, [run.id]).get(run.id, 0)
        )


def import_rows(
    db: Database, actor: Actor, run_id: str, paging: Paging, outcome: str | None = None
) -> Page[RowOutcome]:
    """A run's per-row outcomes in sheet order, optionally only one kind."""
    with db.session() as session:
        run, _ = _run_for(session, actor, run_id)
        query = select(
            ImportRowResult.row,
            ImportRowResult.email,
            ImportRowResult.outcome,
            ImportRowResult.reason,
        ).where(ImportRowResult.import_run_id == run.id)
        if outcome:
            query = query.where(ImportRowResult.outcome == outcome)
        rows, total = paged(
            session, query.order_by(ImportRowResult.row, ImportRowResult.id), paging
        )
        items = [RowOutcome(row, email, kind, reason) for row, email, kind, reason in rows]
        return Page(items, paging.page, paging.per_page, total)


def undo_import(db: Database, actor: Actor, run_id: str) -> UndoResult:
    """Undo a finished run in one transaction; undoing it again changes nothing.

    Sets, not lists, of ids go to the database (subqueries), so a 100,000-row run stays within
    the drivers' limits on bound parameters.
    """
    with db.session() as session:
        run, organisation = _run_for(session, actor, run_id, admin=True, doing="undo imports")
        if run.status == "undone":
            return UndoResult(_run_info(run, organisation.slug, 0), 0, 0, already_undone=True)
        if run.status not in UNDOABLE:
            raise Conflict("This import is still running: wait for it to finish, then undo it.")
        _refuse_if_touched_later(session, run)
        unchanged = _unchanged_counts(session, [run.id]).get(run.id, 0)
        reverted = _revert(session, run)
        # the clients it created carry its id; their tags and row links go with them (FKs)
        removed = session.execute(delete(Client).where(Client.import_run_id == run.id)).rowcount  # type: ignore[attr-defined]
        run.status, run.undone_by, run.undone_at = "undone", actor.label, utcnow()
        try:
            session.flush()
        except IntegrityError as error:  # an external id it puts back is another client's now
            raise Conflict(
                "This import cannot be undone: an external id it would put back now belongs to "
                "another client."
            ) from error
        return UndoResult(_run_info(run, organisation.slug, unchanged), removed, reverted, False)


def _written_by(run: ImportRun) -> Select:
    """The ids of the clients the run created or updated."""
    return select(ImportRowResult.client_id).where(
        ImportRowResult.import_run_id == run.id,
        ImportRowResult.outcome.in_(("created", "updated")),
        ImportRowResult.client_id.is_not(None),
    )


def _refuse_if_touched_later(session: Session, run: ImportRun) -> None:
    """A later run that updated one of the clients (and was not undone) forbids the undo, and so
    does any change to one of them after the run finished."""
    later = aliased(ImportRowResult)
    by_later_runs = (
        select(later.client_id)
        .join(ImportRun, ImportRun.id == later.import_run_id)
        .where(
            later.client_id.in_(_written_by(run)),
            later.import_run_id != run.id,
            later.outcome == "updated",
            ImportRun.status != "undone",
            ImportRun.started_at >= run.started_at,
        )
    )
    changed_since = select(Client.id).where(
        Client.id.in_(_written_by(run)), Client.updated_at > (run.finished_at or utcnow())
    )
    touched = select(Client.email).where(
        or_(Client.id.in_(by_later_runs), Client.id.in_(changed_since))
    )
    count = session.scalar(select(func.count()).select_from(touched.subquery())) or 0
    if not count:
        return
    emails = list(session.scalars(touched.order_by(Client.email).limit(10)))
    shown = ", ".join(emails) + (f" and {count - 10} more" if count > 10 else "")
    raise Conflict(
        f"This import cannot be undone: a later import changed {count} of its clients "
        f"({shown}). Undo that import first."
    )


def _revert(session: Session, run: ImportRun, batch: int = 500) -> int:
    """Put back each updated client's profile and take off the tags the run added."""
    tag_ids = {
        name: tag_id
        for name, tag_id in session.execute(
            select(Tag.name, Tag.id).where(Tag.organisation_id == run.organisation_id)
        )
    }
    updates = session.execute(
        select(ImportRowResult.client_id, ImportRowResult.previous).where(
            ImportRowResult.import_run_id == run.id,
            ImportRowResult.outcome == "updated",
            ImportRowResult.client_id.is_not(None),
        )
    ).all()
    for start in range(0, len(updates), batch):
        previous_of = {client_id: prev or {} for client_id, prev in updates[start : start + batch]}
        for client in session.scalars(select(Client).where(Client.id.in_(list(previous_of)))):
            _put_back(session, client, previous_of[client.id], tag_ids)
        session.flush()
    return len(updates)


def _put_back(
    session: Session, client: Client, previous: dict[str, Any], tag_ids: dict[str, int]
) -> None:
    client.first_name = previous.get("first_name", client.first_name)
    client.last_name = previous.get("last_name", client.last_name)
    if previous.get("birthdate"):
        client.birthdate = dt.date.fromisoformat(previous["birthdate"])
    client.gender = previous.get("gender", client.gender)
    client.external_id = previous.get("external_id", client.external_id)
    client.attributes = previous.get("attributes", client.attributes)
    if previous.get("updated_at"):  # as it was: undoing an earlier run must not see a change
        client.updated_at = dt.datetime.fromisoformat(previous["updated_at"])
    added = [tag_ids[n] for n in previous.get("added_tags", []) if n in tag_ids]
    if added:
        session.execute(
            delete(client_tags).where(
                client_tags.c.client_id == client.id, client_tags.c.tag_id.in_(added)
            )
        )
