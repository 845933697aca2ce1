"""The database tables, as typed SQLAlchemy models."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, overload

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> dt.datetime:
    """Now in UTC, naive, as the database columns hold it."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@overload
def as_utc(value: dt.datetime) -> dt.datetime: ...
@overload
def as_utc(value: None) -> None: ...
def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    """A column's naive UTC time as an aware one, for everything outside persistence."""
    return value.replace(tzinfo=dt.UTC) if value is not None else None


class Base(DeclarativeBase):
    """The declarative base of every table."""

    pass


class Organisation(Base):
    """A health-coaching organisation: the unit of membership and of clients."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))


class Member(Base):
    """A pro or admin allowed to validate and import for the organisation."""

    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("organisation_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(16), default="pro")


class Tag(Base):
    """A tag an organisation's clients may carry."""

    __tablename__ = "tags"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))


class AttributeDefinition(Base):
    """An attribute an organisation defines, read from `attribute:<Name>` columns."""

    __tablename__ = "attribute_definitions"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    type: Mapped[str] = mapped_column(String(16))
    choices: Mapped[list[str]] = mapped_column(JSON, default=list)


class LinkedSheet(Base):
    """A Google spreadsheet registered to one organisation: its members may work on it."""

    __tablename__ = "linked_sheets"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    spreadsheet_id: Mapped[str] = mapped_column(String(200), unique=True)


class SheetAudience(Base):
    """An ID-token audience accepted for one linked sheet only: a connected bound script's.

    Deleted with its sheet's link, so unlinking a sheet also forgets the scripts connected to it.
    """

    __tablename__ = "sheet_audiences"
    __table_args__ = (UniqueConstraint("linked_sheet_id", "audience"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    linked_sheet_id: Mapped[int] = mapped_column(
        ForeignKey("linked_sheets.id", ondelete="CASCADE"), index=True
    )
    audience: Mapped[str] = mapped_column(String(255))
    connected_by: Mapped[str] = mapped_column(String(254))
    connected_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class LinkCode(Base):
    """A one-time code an admin hands out to connect a bound script's sheet.

    Only the code's SHA-256 is kept: whoever reads the database cannot connect a sheet with it.
    """

    __tablename__ = "link_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    used_by: Mapped[str | None] = mapped_column(String(254))
    used_for: Mapped[str | None] = mapped_column(String(200))  # the spreadsheet it connected


client_tags = Table(
    "client_tags",
    Base.metadata,
    Column("client_id", ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)


class Client(Base):
    """A client account; (organisation, email) and (organisation, external_id) are unique."""

    __tablename__ = "clients"
    __table_args__ = (
        UniqueConstraint("organisation_id", "email"),
        UniqueConstraint("organisation_id", "external_id"),
        # the clients list pages through an organisation's clients in name order
        Index("ix_clients_organisation_name", "organisation_id", "last_name", "first_name", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    birthdate: Mapped[dt.date] = mapped_column(Date)
    gender: Mapped[str] = mapped_column(String(6))
    external_id: Mapped[str | None] = mapped_column(String(255))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    password_hash: Mapped[str] = mapped_column(String(255))
    must_change_password: Mapped[bool] = mapped_column(default=True)
    import_run_id: Mapped[str | None] = mapped_column(ForeignKey("import_runs.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    tags: Mapped[list[Tag]] = relationship(secondary=client_tags, lazy="selectin")


class ImportRun(Base):
    """One import: who, when, which sheet, counts, status.

    `active_key` is set while the run is queued or running and cleared when it ends; being
    unique, it lets the database itself refuse a second concurrent run of the same sheet.
    """

    __tablename__ = "import_runs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    source: Mapped[str] = mapped_column(String(500))  # spreadsheet id or file path
    worksheet_id: Mapped[int | None] = mapped_column(Integer)
    worksheet_title: Mapped[str | None] = mapped_column(String(200))
    mode: Mapped[str] = mapped_column(String(20), default="all_or_nothing")
    update_existing: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(12), default="queued")
    active_key: Mapped[str | None] = mapped_column(String(600), unique=True)
    total: Mapped[int] = mapped_column(default=0)
    processed: Mapped[int] = mapped_column(default=0)
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
    failed_rows: Mapped[int] = mapped_column(default=0)
    started_by: Mapped[str] = mapped_column(String(254))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    heartbeat_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    lease: Mapped[str | None] = mapped_column(String(36))  # the worker now processing it
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    message: Mapped[str | None] = mapped_column(Text)
    undone_by: Mapped[str | None] = mapped_column(String(254))
    undone_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class ImportRowResult(Base):
    """What an import did with one row; written in the same transaction as the row itself.

    `outcome` is created | updated | unchanged | skipped | failed, `reason` says why for the
    last three. `client_id` and `previous` (the profile before an update, and the tags the
    update added) are what undo needs. (run, email) is unique among the rows the run wrote, not
    among failed rows: a repeated or invalid address fails on every row that holds it.
    """

    __tablename__ = "import_row_results"
    __table_args__ = (
        Index(
            "uq_import_row_results_run_email",
            "import_run_id",
            "email",
            unique=True,
            sqlite_where=text("outcome <> 'failed'"),
            postgresql_where=text("outcome <> 'failed'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    import_run_id: Mapped[str] = mapped_column(
        ForeignKey("import_runs.id", ondelete="CASCADE"), index=True
    )
    row: Mapped[int] = mapped_column()
    email: Mapped[str] = mapped_column(String(254))
    outcome: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    client_id: Mapped[int | None] = mapped_column(
        ForeignKey("clients.id", ondelete="SET NULL"), index=True
    )
    previous: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))


class ValidationJob(Base):
    """One validation run in the background: who, which sheet, status, and the result."""

    __tablename__ = "validation_jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    spreadsheet_id: Mapped[str] = mapped_column(String(200), index=True)
    worksheet_id: Mapped[int | None] = mapped_column(Integer)
    worksheet_title: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12), default="queued")
    started_by: Mapped[str] = mapped_column(String(254))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    message: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
