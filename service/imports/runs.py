"""Import runs as a state machine: the per-sheet lock, the worker's lease, its heartbeat.

A run is a row in `import_runs`. Its `active_key` (unique) is the per-sheet lock; its `lease`
and `heartbeat_at` say which worker is processing it. A worker that dies leaves a stale
heartbeat: after STALE_AFTER the next import of the sheet takes the run over and resumes it
where its last committed chunk ended.

    open_in -> queued --claim--> running --finish--> succeeded | failed
                                  running --release--> running, no lease (the next task claims it)
                                  running --abandon--> running, stale at once (Ctrl+C)

`imports.jobs` drives the transitions; `imports.clients` opens a run with its failed rows and
writes each chunk inside `hold`, each in its own transaction. Nothing here calls back up.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..db import Database
from ..errors import ImportRunning, NotFound
from ..models import ImportRun, as_utc, utcnow
from ..sources import locate

STALE_AFTER = dt.timedelta(seconds=60)


class LeaseLost(Exception):
    """Another worker took the run over (ours looked dead): stop without writing."""


@dataclass(frozen=True)
class ImportRequest:
    """What someone asked to import."""

    source: str  # spreadsheet id or file path
    worksheet_id: int | None
    worksheet_title: str | None
    started_by: str
    mode: str = "all_or_nothing"
    update_existing: bool = False


@dataclass(frozen=True)
class ImportStatus:
    """A run as it stands: what the API, the console and the CLI show (times in UTC)."""

    id: str
    organisation_id: int
    source: str
    worksheet_id: int | None
    worksheet_title: str | None
    mode: str
    update_existing: bool
    status: str
    total: int
    processed: int
    created: int
    updated: int
    skipped: int
    failed_rows: int
    started_by: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    message: str | None
    active_key: str | None  # the sheet's lock while queued or running; None once it ended
    lease: str | None  # the worker processing it now, if any

    @property
    def worksheet(self) -> str | int | None:
        """The worksheet as the run keeps it: its gid, else its title."""
        return self.worksheet_id if self.worksheet_id is not None else self.worksheet_title


def lock_key(organisation_id: int, request: ImportRequest) -> str:
    """What makes two runs "the same sheet": organisation, source and worksheet."""
    sheet = request.worksheet_id if request.worksheet_id is not None else request.worksheet_title
    return f"{organisation_id}:{source_key(request.source)}:{sheet or ''}"


def source_key(source: str) -> str:
    """A file as its resolved absolute path (`r.csv`, `./r.csv` and `/abs/r.csv` are one file,
    a symbolic link is its target); a spreadsheet id as it is (docs/decisions.md)."""
    return str(Path(source).resolve()) if locate.is_file(source) else source


def open_in(
    session: Session,
    organisation_id: int,
    request: ImportRequest,
    total: int,
    blocked: int,
    stale_after: dt.timedelta = STALE_AFTER,
) -> ImportStatus | None:
    """Inside the caller's transaction: record a new run, or take over a stale one.

    `blocked` rows (errors, in skip-invalid mode) count as processed and failed from the start.
    The unique `active_key` decides who gets the sheet: ImportRunning when a live run holds it,
    None when the run that held it finished while we looked (open again, in a new transaction).
    """
    key = lock_key(organisation_id, request)
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
                total=total,
                processed=blocked,
                failed_rows=blocked,
                started_by=request.started_by,
            )
            session.add(run)
            session.flush()
        return status_of(run)
    except IntegrityError:
        pass
    current = session.scalar(select(ImportRun).where(ImportRun.active_key == key))
    if current is None:
        return None
    if current.heartbeat_at > utcnow() - stale_after:
        raise _running(current)
    if _take_over(session, current, request, blocked):
        return status_of(_get(session, current.id))
    session.refresh(current)
    raise _running(current)


def get_run(db: Database, run_id: str) -> ImportStatus:
    """The run as it stands; NotFound when there is none."""
    with db.session() as session:
        return status_of(_get(session, run_id))


def active_run(
    db: Database, organisation_id: int, spreadsheet_id: str, worksheet_id: int | None
) -> ImportStatus | None:
    """The sheet's newest queued or running run (of that worksheet, when one is named): how the
    sidebar finds a run whose start timed out."""
    query = select(ImportRun).where(
        ImportRun.organisation_id == organisation_id,
        ImportRun.source == spreadsheet_id,
        ImportRun.active_key.is_not(None),
    )
    if worksheet_id is not None:
        query = query.where(ImportRun.worksheet_id == worksheet_id)
    with db.session() as session:
        run = session.scalars(query.order_by(ImportRun.started_at.desc())).first()
        return status_of(run) if run is not None else None


def claim(db: Database, run_id: str, stale_after: dt.timedelta = STALE_AFTER) -> str | None:
    """Become the run's worker: a new lease, or None when another holds it or it is over."""
    lease = str(uuid.uuid4())
    now = utcnow()
    with db.session() as session:
        claimed = session.execute(
            update(ImportRun)
            .where(
                ImportRun.id == run_id,
                ImportRun.status.in_(("queued", "running")),
                (ImportRun.lease.is_(None)) | (ImportRun.heartbeat_at < now - stale_after),
            )
            .values(lease=lease, status="running", heartbeat_at=now)
        )
        return lease if claimed.rowcount == 1 else None  # type: ignore[attr-defined]


def hold(session: Session, run_id: str, lease: str) -> None:
    """Inside a chunk's transaction: beat the heart, or raise LeaseLost if the run was taken."""
    held = session.execute(
        update(ImportRun)
        .where(ImportRun.id == run_id, ImportRun.lease == lease)
        .values(heartbeat_at=utcnow())
    )
    if held.rowcount != 1:  # type: ignore[attr-defined]
        raise LeaseLost()


def count(session: Session, run_id: str, created: int, updated: int, skipped: int) -> ImportStatus:
    """Inside a chunk's transaction: add the chunk's outcomes to the run's counters."""
    run = _get(session, run_id)
    run.created += created
    run.updated += updated
    run.skipped += skipped
    run.processed += created + updated + skipped
    session.flush()
    return status_of(run)


def release(db: Database, run_id: str, lease: str) -> ImportStatus:
    """Hand the run back unfinished, so the next worker call can claim it at once."""
    return _set(db, run_id, lease, lease=None, heartbeat_at=utcnow())


def abandon(db: Database, run_id: str, lease: str) -> ImportStatus:
    """Leave the run as a dead worker would, but already stale, so the sheet is not blocked."""
    return _set(db, run_id, lease, lease=None, heartbeat_at=dt.datetime(2000, 1, 1))


def finish(db: Database, run_id: str, status: str, message: str) -> ImportStatus:
    """End the run (succeeded or failed) and free its sheet."""
    return _set(
        db,
        run_id,
        None,
        status=status,
        message=message,
        finished_at=utcnow(),
        active_key=None,
        lease=None,
    )


def _set(db: Database, run_id: str, held_by: str | None, **values: object) -> ImportStatus:
    """Change the run; with `held_by`, only while that lease still holds it."""
    with db.session() as session:
        statement = update(ImportRun).where(ImportRun.id == run_id)
        if held_by is not None:
            statement = statement.where(ImportRun.lease == held_by)
        session.execute(statement.values(**values))
        return status_of(_get(session, run_id))


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


def _get(session: Session, run_id: str) -> ImportRun:
    run = session.get(ImportRun, run_id, populate_existing=True)
    if run is None:
        raise NotFound(f"There is no import {run_id}.")
    return run


def _running(run: ImportRun) -> ImportRunning:
    return ImportRunning(run.started_by, as_utc(run.started_at), run.id)


def status_of(run: ImportRun) -> ImportStatus:
    """The run row as a plain value (for the modules that own runs' persistence)."""
    return ImportStatus(
        id=run.id,
        organisation_id=run.organisation_id,
        source=run.source,
        worksheet_id=run.worksheet_id,
        worksheet_title=run.worksheet_title,
        mode=run.mode,
        update_existing=run.update_existing,
        status=run.status,
        total=run.total,
        processed=run.processed,
        created=run.created,
        updated=run.updated,
        skipped=run.skipped,
        failed_rows=run.failed_rows,
        started_by=run.started_by,
        started_at=as_utc(run.started_at),
        finished_at=as_utc(run.finished_at),
        message=run.message,
        active_key=run.active_key,
        lease=run.lease,
    )
