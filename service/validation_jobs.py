"""Validation jobs: a validate of a large sheet recorded in the database, so the sheet's sidebar
can poll it from any instance instead of holding one UrlFetch open past Apps Script's ~60 s.

A job does exactly what POST …/validate does (one Sheets read, one write of notes) in a worker;
its row keeps the summary, the issues grouped by column and message, and the first issues. A job
whose worker died (the instance stopped) is reported failed once it is older than STALE_AFTER,
so the sidebar never waits forever.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from .db import Database
from .errors import NotFound, RosterError
from .models import ValidationJob, as_utc, utcnow
from .roster.issues import column_letter

# A validate of SPEC §9's largest sheet takes about 20 s; a worker silent for this long is dead.
STALE_AFTER = dt.timedelta(minutes=5)
KEPT_ISSUES = 1000  # the sidebar lists groups; the first issues are for scripts and the console
KEPT_GROUPS = 500
GROUP_CELLS = 20  # cells named per group; the count covers them all


@dataclass(frozen=True)
class JobInfo:
    """A validation job as the API shows it (api/sheet_jobs.ValidationJobSchema); times in UTC."""

    id: str
    status: str  # queued | running | succeeded | failed
    spreadsheet_id: str
    worksheet_id: int | None
    worksheet: str | None  # the worksheet's title, when it was asked for by title
    started_by: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    message: str | None
    result: dict[str, Any] | None  # `compact`'s summary of the validate answer


@dataclass(frozen=True)
class JobStart:
    """The job that answers a request: a new one, or the one already checking that worksheet."""

    job: JobInfo
    created: bool


def start_job(
    db: Database,
    organisation_id: int,
    spreadsheet_id: str,
    worksheet: str | int | None,
    started_by: str,
) -> JobStart:
    """Record a queued job, unless a live one checks the same worksheet (one read, not two)."""
    worksheet_id = worksheet if isinstance(worksheet, int) else None
    title = worksheet if isinstance(worksheet, str) else None
    with db.session() as session:
        live = session.scalars(
            select(ValidationJob).where(
                ValidationJob.spreadsheet_id == spreadsheet_id,
                ValidationJob.worksheet_id.is_(None)
                if worksheet_id is None
                else ValidationJob.worksheet_id == worksheet_id,
                ValidationJob.worksheet_title.is_(None)
                if title is None
                else ValidationJob.worksheet_title == title,
                ValidationJob.status.in_(("queued", "running")),
                ValidationJob.started_at > utcnow() - STALE_AFTER,
            )
        ).first()
        if live is not None:
            return JobStart(_info(live), created=False)
        job = ValidationJob(
            organisation_id=organisation_id,
            spreadsheet_id=spreadsheet_id,
            worksheet_id=worksheet_id,
            worksheet_title=title,
            started_by=started_by,
        )
        session.add(job)
        session.flush()
        return JobStart(_info(job), created=True)


def run_job(db: Database, job_id: str, validate: Callable[[], dict[str, Any]]) -> JobInfo:
    """Run `validate` (which returns the validate answer of SPEC §6) and keep its result."""
    _update(db, job_id, status="running")
    try:
        answer = validate()
    except Exception as error:  # the sidebar shows the message; a RosterError's is for users
        message = (
            str(error)
            if isinstance(error, RosterError)
            else "Roster's server had a problem while checking the sheet; it has been logged. "
            "Validate again, or tell your admin."
        )
        _update(db, job_id, status="failed", message=message, finished_at=utcnow())
        if not isinstance(error, RosterError):
            raise
        return get_job(db, job_id)
    _update(db, job_id, status="succeeded", result=compact(answer), finished_at=utcnow())
    return get_job(db, job_id)


def get_job(db: Database, job_id: str) -> JobInfo:
    """The job as the API shows it; a job whose worker died reads as failed."""
    with db.session() as session:
        job = session.get(ValidationJob, job_id)
        if job is None:
            raise NotFound(f"There is no validation {job_id}.")
        if job.status in ("queued", "running") and job.started_at < utcnow() - STALE_AFTER:
            job.status = "failed"
            job.finished_at = utcnow()
            job.message = (
                "Roster's server stopped before it finished checking the sheet. Validate again."
            )
        return _info(job)


def organisation_of_job(db: Database, job_id: str) -> int:
    with db.session() as session:
        organisation_id = session.scalar(
            select(ValidationJob.organisation_id).where(ValidationJob.id == job_id)
        )
    if organisation_id is None:
        raise NotFound(f"There is no validation {job_id}.")
    return organisation_id


def _info(job: ValidationJob) -> JobInfo:
    return JobInfo(
        id=job.id,
        status=job.status,
        spreadsheet_id=job.spreadsheet_id,
        worksheet_id=job.worksheet_id,
        worksheet=job.worksheet_title,
        started_by=job.started_by,
        started_at=as_utc(job.started_at),
        finished_at=as_utc(job.finished_at),
        message=job.message,
        result=job.result,
    )


def compact(answer: dict[str, Any]) -> dict[str, Any]:
    """The validate answer with every issue counted in groups and only the first ones listed."""
    issues = answer["issues"]
    return {
        "summary": answer["summary"],
        "notes": answer.get("notes"),
        "groups": group_issues(issues)[:KEPT_GROUPS],
        "issues": issues[:KEPT_ISSUES],
        "issues_total": len(issues),
    }


def group_issues(issues: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Issues with the same column, severity and message, counted; errors first, then by size.

    The same grouping as the sidebar's (apps_script/src/Groups.js), so a job's groups and a
    small sheet's read alike.
    """
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    for issue in issues:
        column = issue.get("column")
        key = (column, issue["severity"], issue["message"])
        group = groups.get(key)
        if group is None:
            group = groups[key] = {
                "field": issue.get("field"),
                "column": column_letter(column) if column else None,
                "severity": issue["severity"],
                "code": issue["code"],
                "message": issue["message"],
                "count": 0,
                "fixable": 0,
                "cells": [],
            }
        group["count"] += 1
        if issue.get("fix") is not None:
            group["fixable"] += 1
        if len(group["cells"]) < GROUP_CELLS:
            group["cells"].append(issue.get("cell") or "A1")
    return sorted(groups.values(), key=lambda g: (g["severity"] != "error", -g["count"]))


def _update(db: Database, job_id: str, **values: Any) -> None:
    with db.session() as session:
        job = session.get(ValidationJob, job_id)
        if job is None:
            raise NotFound(f"There is no validation {job_id}.")
        for name, value in values.items():
            setattr(job, name, value)
