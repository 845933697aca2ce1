"""Import runs: at most one per sheet at a time, processed in chunks, each chunk a transaction.

A run is a row in `import_runs`. Its `active_key` (unique) is the per-sheet lock; its `lease`
and `heartbeat_at` say which worker is processing it. A worker that dies leaves a stale
heartbeat: after STALE_AFTER the next import of the sheet resumes the run where its last
committed chunk ended. Clients are inserted with ON CONFLICT DO NOTHING against the
(organisation, email) constraint, so racing workers can never create a duplicate.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..db import Database
from ..errors import Conflict, NotFound, RosterError
from ..models import ImportRowResult, ImportRun, Tag, utcnow
from ..roster.engine import ClientRow, Validation
from ..sources.locate import is_file
from .clients import insert_clients, update_clients
from .passwords import PasswordHashing
from .plan import plan_import
from .report import blocked_message

STALE_AFTER = dt.timedelta(seconds=60)
NO_INVITATIONS = "No invitations were sent: give each client their temporary password yourself."


class ImportBlocked(RosterError):
    """Errors in the roster stop the import; nothing was written."""

    status = 422
    title = "The roster has errors"

    def __init__(
        self, validation: Validation, source: str = "", mode: str = "", update: bool = False
    ) -> None:
        super().__init__(
            blocked_message(
                validation,
                source,
                is_file(source),
                mode == "skip_invalid",
                via_cli=False,
                update_existing=update,
            )
        )
        self.validation = validation
        self.source, self.mode = source, mode

    def problem_extra(self) -> dict[str, Any]:
        return {"issues": [issue.to_dict() for issue in self.validation.issues]}


class ImportRunning(Conflict):
    """Another import of the same sheet is in progress.

    It keeps plain values, not the run: the session that found the run is rolled back as this
    error leaves it, which would empty the run's attributes.
    """

    def __init__(self, run: ImportRun) -> None:
        self.started_by, self.started_at, self.import_id = run.started_by, run.started_at, run.id
        since = self.started_at.strftime("%Y-%m-%d %H:%M UTC")
        super().__init__(
            f"{self.started_by} is already importing this sheet (since {since}). "
            "Wait for it to finish, then import again."
        )

    def problem_extra(self) -> dict[str, Any]:
        return {
            "started_by": self.started_by,
            "started_at": self.started_at.replace(tzinfo=dt.UTC).isoformat(),
            "import_id": self.import_id,
        }


@dataclass(frozen=True)
class ImportRequest:
    """What someone asked to import."""

    source: str  # spreadsheet id or file path
    worksheet_id: int | None
    worksheet_title: str | None
    started_by: str
    mode: str = "all_or_nothing"
    update_existing: bool = False


def lock_key(organisation_id: int, request: ImportRequest) -> str:
    sheet = request.worksheet_id if request.worksheet_id is not None else request.worksheet_title
    return f"{organisation_id}:{request.source}:{sheet or ''}"


def run_to_dict(run: ImportRun) -> dict[str, Any]:
    """The shape of SPEC §6 for GET /api/v1/imports/{id}."""

    def stamp(value: dt.datetime | None) -> str | None:
        return value.replace(tzinfo=dt.UTC).isoformat() if value else None

    return {
        "id": run.id,
        "status": run.status,
        "total": run.total,
        "processed": run.processed,
        "created": run.created,
        "updated": run.updated,
        "skipped": run.skipped,
        "failed_rows": run.failed_rows,
        "started_by": run.started_by,
        "started_at": stamp(run.started_at),
        "finished_at": stamp(run.finished_at),
        "mode": run.mode,
        "message": run.message,
        "invitations_sent": 0,
    }


def open_run(
    db: Database,
    organisation_id: int,
    request: ImportRequest,
    validation: Validation,
    stale_after: dt.timedelta = STALE_AFTER,
) -> ImportRun:
    """Record a new run, or take over a stale one; refuse when errors block or one is running.

    The unique `active_key` decides who gets the sheet. A run that finishes while we look is
    gone from the key, so we simply try again.
    """
    plan = plan_import(validation, request.mode, request.update_existing)
    if plan.blocked_whole:
        raise ImportBlocked(validation, request.source, request.mode, request.update_existing)
    key = lock_key(organisation_id, request)
    for _ in range(5):
        with db.session() as session:
            try:
                with session.begin_nested():
                    run = ImportRun(
                        organisation_id=organisation_id,
                        source=request.source,
                        worksheet_id=request.worksheet_id,
                        worksheet_title=request.worksheet_title,
                        mode=request.mode,
                        update_existing=request.update_existing,
                        status="queued",
                        active_key=key,
                        total=validation.rows,
                        processed=len(plan.blocked),
                        failed_rows=len(plan.blocked),
                        started_by=request.started_by,
                    )
                    session.add(run)
                return run
            except IntegrityError:
                pass
            current = session.scalar(select(ImportRun).where(ImportRun.active_key == key))
            if current is None:
                continue  # it finished between our insert and this read: try again
            if current.heartbeat_at > utcnow() - stale_after:
                raise ImportRunning(current)
            if _take_over(session, current, request, len(plan.blocked)):
                return session.get(ImportRun, current.id)  # type: ignore[return-value]
            session.refresh(current)
            raise ImportRunning(current)
    raise Conflict("This sheet's imports are changing hands too fast: import again.")


def _take_over(session: Session, run: ImportRun, request: ImportRequest, blocked: int) -> bool:
    """Make a dead run ours, with our request's options; only one of two takers wins."""
    taken = session.execute(
        update(ImportRun)
        .where(ImportRun.id == run.id, ImportRun.heartbeat_at == run.heartbeat_at)
        .values(
            mode=request.mode,
            update_existing=request.update_existing,
            started_by=request.started_by,
            heartbeat_at=utcnow(),
            lease=None,
            processed=ImportRun.processed - ImportRun.failed_rows + blocked,
            failed_rows=blocked,
        )
    )
    session.expire(run)
    return taken.rowcount == 1  # type: ignore[attr-defined]


def get_run(db: Database, run_id: str) -> ImportRun:
    with db.session() as session:
        run = session.get(ImportRun, run_id)
        if run is None:
            raise NotFound(f"There is no import {run_id}.")
        return run


Progress = Callable[[ImportRun], None]


def process_run(
    db: Database,
    run_id: str,
    load: Callable[[], Validation],
    hashing: PasswordHashing,
    chunk_size: int = 500,
    progress: Progress | None = None,
    budget_seconds: float | None = None,
    stale_after: dt.timedelta = STALE_AFTER,
    report: Callable[[str], str | None] | None = None,
) -> ImportRun:
    """Do what is left of a run, chunk by chunk; safe to call again after a crash.

    With a budget (a Cloud Tasks request has 10 minutes), it stops after the chunk that
    exhausts it and hands the lease back, leaving the run `running` for the next call.
    `report` shows the results where the roster lives before the run is marked done, so that
    whoever polls sees them together; what it returns is added to the run's message.
    """
    deadline = None if budget_seconds is None else time.monotonic() + budget_seconds
    lease = str(uuid.uuid4())
    if not _claim(db, run_id, lease, stale_after):
        return get_run(db, run_id)  # another worker holds it, or it is over
    try:
        run = get_run(db, run_id)
        validation = load()
        plan = plan_import(validation, run.mode, run.update_existing)
        if plan.blocked_whole:
            return _finish(
                db,
                run_id,
                "failed",
                "The roster changed since the import started "
                "and now has errors: validate it and import "
                "again.",
            )
        with db.session() as session:
            done = set(
                session.scalars(
                    select(ImportRowResult.email).where(ImportRowResult.import_run_id == run_id)
                )
            )
            tag_ids = {
                name: tag_id
                for name, tag_id in session.execute(
                    select(Tag.name, Tag.id).where(Tag.organisation_id == run.organisation_id)
                )
            }
        actions = {id(c): "create" for c in plan.create}
        actions.update({id(c): "update" for c in plan.update})
        todo = sorted(
            (c for c in plan.create + plan.update + plan.skip if c.email_address not in done),
            key=lambda c: c.row,
        )
        for start in range(0, len(todo), chunk_size):
            chunk = todo[start : start + chunk_size]
            creates = [c for c in chunk if actions.get(id(c)) == "create"]
            hashes = hashing.hash_many([c.initial_password for c in creates])
            run = _write_chunk(
                db,
                run_id,
                lease,
                chunk,
                actions,
                dict(zip((c.email_address for c in creates), hashes, strict=True)),
                tag_ids,
            )
            if progress is not None:
                progress(run)
            if (
                deadline is not None
                and time.monotonic() > deadline
                and start + chunk_size < len(todo)
            ):
                return _release(db, run_id, lease)
        reported = report(run_id) if report is not None else None
        return _finish(db, run_id, "succeeded", " ".join(filter(None, [NO_INVITATIONS, reported])))
    except LeaseLost:
        return get_run(db, run_id)
    except Exception as error:
        message = (
            str(error)
            if isinstance(error, RosterError)
            else (
                "The import stopped on an unexpected error; what was imported is kept. "
                "Import again to finish it."
            )
        )
        _finish(db, run_id, "failed", message)
        raise
    except BaseException:  # Ctrl+C or shutdown: let the next import take over at once
        _abandon(db, run_id, lease)
        raise


class LeaseLost(Exception):
    """Another worker took the run over (ours looked dead): stop without writing."""


def _claim(db: Database, run_id: str, lease: str, stale_after: dt.timedelta) -> bool:
    now = utcnow()
    with db.session() as session:
        claimed = session.execute(
            update(ImportRun)
            .where(
                ImportRun.id == run_id,
                ImportRun.status.in_(("queued", "running")),
                or_(ImportRun.lease.is_(None), ImportRun.heartbeat_at < now - stale_after),
            )
            .values(lease=lease, status="running", heartbeat_at=now)
        )
        return claimed.rowcount == 1  # type: ignore[attr-defined]


def _write_chunk(
    db: Database,
    run_id: str,
    lease: str,
    chunk: list[ClientRow],
    actions: dict[int, str],
    hashes: dict[str, str],
    tag_ids: dict[str, int],
) -> ImportRun:
    """One transaction: the clients, their tags, the row results and the run's counters."""
    with db.session() as session:
        held = session.execute(
            update(ImportRun)
            .where(ImportRun.id == run_id, ImportRun.lease == lease)
            .values(heartbeat_at=utcnow())
        )
        if held.rowcount != 1:  # type: ignore[attr-defined]
            raise LeaseLost()
        run = session.get(ImportRun, run_id)
        assert run is not None
        created = insert_clients(
            session, run, [c for c in chunk if c.email_address in hashes], hashes, tag_ids
        )
        updated = update_clients(
            session,
            run.organisation_id,
            [c for c in chunk if actions.get(id(c)) == "update"],
            tag_ids,
        )
        results = []
        for client in chunk:
            email = client.email_address
            outcome = (
                "created" if email in created else "updated" if email in updated else "skipped"
            )
            results.append(
                {"import_run_id": run_id, "row": client.row, "email": email, "outcome": outcome}
            )
        session.execute(insert(ImportRowResult), results)
        run.created += len(created)
        run.updated += len(updated)
        run.skipped += len(chunk) - len(created) - len(updated)
        run.processed += len(chunk)
        return run


def _abandon(db: Database, run_id: str, lease: str) -> None:
    """Leave the run as a dead worker would, but already stale, so the sheet is not blocked."""
    with db.session() as session:
        session.execute(
            update(ImportRun)
            .where(ImportRun.id == run_id, ImportRun.lease == lease)
            .values(lease=None, heartbeat_at=dt.datetime(2000, 1, 1))
        )


def _release(db: Database, run_id: str, lease: str) -> ImportRun:
    """Hand the run back unfinished, so the next worker call can claim it at once."""
    with db.session() as session:
        session.execute(
            update(ImportRun)
            .where(ImportRun.id == run_id, ImportRun.lease == lease)
            .values(lease=None, heartbeat_at=utcnow())
        )
    return get_run(db, run_id)


def _finish(db: Database, run_id: str, status: str, message: str) -> ImportRun:
    with db.session() as session:
        session.execute(
            update(ImportRun)
            .where(ImportRun.id == run_id)
            .values(
                status=status, message=message, finished_at=utcnow(), active_key=None, lease=None
            )
        )
    return get_run(db, run_id)


def results_of(db: Database, run_id: str) -> list[tuple[int, str, str]]:
    """(row, email, outcome) for every row the run wrote or skipped."""
    with db.session() as session:
        rows = session.execute(
            select(ImportRowResult.row, ImportRowResult.email, ImportRowResult.outcome)
            .where(ImportRowResult.import_run_id == run_id)
            .order_by(ImportRowResult.row)
        )
        return [(row, email, outcome) for row, email, outcome in rows]
