"""The import a sheet is running now, if any: how the sidebar finds a run whose start timed out."""

from __future__ import annotations

from sqlalchemy import select

from ..db import Database
from ..models import ImportRun


def active_run(
    db: Database, organisation_id: int, spreadsheet_id: str, worksheet_id: int | None
) -> ImportRun | None:
    """The newest queued or running run of the sheet (of that worksheet, when one is named)."""
    query = select(ImportRun).where(
        ImportRun.organisation_id == organisation_id,
        ImportRun.source == spreadsheet_id,
        ImportRun.active_key.is_not(None),
    )
    if worksheet_id is not None:
        query = query.where(ImportRun.worksheet_id == worksheet_id)
    with db.session() as session:
        return session.scalars(query.order_by(ImportRun.started_at.desc())).first()
