"""Connecting a bound script's sheet (SPEC §6): one-time link codes and per-sheet audiences.

A bound script's ID tokens carry its own OAuth client ID as audience, which no configuration
lists. An admin makes a link code; a member enters it in the sheet; `connect` then records the
token's audience for that one spreadsheet. Only the code's SHA-256 is stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..db import Database
from ..errors import Conflict, Forbidden, Unauthorized
from ..models import LinkCode, LinkedSheet, Organisation, SheetAudience, as_utc, utcnow
from .access import Actor, organisation_for, role_of

CODE_LIFETIME = dt.timedelta(hours=24)
# no 0/O, 1/I/L: a code is read off a screen and typed into a prompt
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_GROUPS, _GROUP_LENGTH = 3, 4  # 12 characters, about 59 bits

NOT_CONNECTED = (
    "This script is not connected to Roster for this spreadsheet: an admin makes a link code "
    "(console, or `roster sheets link-code`) and you enter it with Roster → Connect to Roster…."
)
CONNECTED_ELSEWHERE = (
    "This script is connected to Roster for another spreadsheet, not this one: connect this "
    "sheet with its own link code (Roster → Connect to Roster…)."
)


@dataclass(frozen=True)
class IssuedCode:
    """A new link code: shown once, never stored in clear."""

    code: str
    organisation: str
    expires_at: dt.datetime  # aware, UTC


@dataclass(frozen=True)
class Connected:
    organisation: str
    spreadsheet_id: str
    audience_recorded: bool  # False for an add-on audience, which every linked sheet accepts


def _digest(code: str) -> str:
    """Codes compare without case, dashes or spaces, as people type them."""
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(cleaned.encode()).hexdigest()


def _new_code() -> str:
    groups = (
        "".join(secrets.choice(_ALPHABET) for _ in range(_GROUP_LENGTH)) for _ in range(_GROUPS)
    )
    return "-".join(groups)


def create_link_code(
    db: Database, actor: Actor, slug: str | None, now: dt.datetime | None = None
) -> IssuedCode:
    """A one-time code, valid 24 hours, for connecting one bound script's sheet."""
    now = now or utcnow()
    code = _new_code()
    organisation = organisation_for(db, actor, slug, admin=True, doing="make link codes")
    with db.session() as session:
        session.add(
            LinkCode(
                organisation_id=organisation.id,
                code_hash=_digest(code),
                created_by=actor.label,
                created_at=now,
                expires_at=now + CODE_LIFETIME,
            )
        )
        return IssuedCode(code, organisation.slug, as_utc(now + CODE_LIFETIME))


def connect_sheet(
    db: Database,
    email: str,
    audience: str | None,
    spreadsheet_id: str,
    code: str,
    *,
    audience_configured: bool,
    now: dt.datetime | None = None,
) -> Connected:
    """Spend a link code: link the sheet to the code's organisation and accept the caller's
    audience for that sheet only. A wrong, used or expired code is a 403 that says which."""
    now = now or utcnow()
    with db.session() as session:
        link = session.scalar(select(LinkCode).where(LinkCode.code_hash == _digest(code)))
        if link is None:
            raise Forbidden(
                "This link code is wrong: check it for typos, or ask your admin for a new one."
            )
        if link.used_at is not None:
            raise Forbidden(
                f"This link code was already used ({link.used_at:%Y-%m-%d %H:%M} UTC): each code "
                "connects one sheet once; ask your admin for a new one."
            )
        if link.expires_at <= now:
            raise Forbidden(
                f"This link code expired at {link.expires_at:%Y-%m-%d %H:%M} UTC (codes last 24 "
                "hours): ask your admin for a new one."
            )
        organisation = session.get(Organisation, link.organisation_id)
        assert organisation is not None
        if role_of(session, organisation.id, email) is None:
            raise Forbidden(
                f"{email} is not a member of {organisation.slug}, whose admin made this code: "
                "ask them to add you first."
            )
        sheet = session.scalar(
            select(LinkedSheet).where(LinkedSheet.spreadsheet_id == spreadsheet_id)
        )
        if sheet is not None and sheet.organisation_id != organisation.id:
            raise Conflict(
                "This spreadsheet is linked to another organisation: its admin must unlink it "
                "first."
            )
        spent = session.execute(
            update(LinkCode)
            .where(LinkCode.id == link.id, LinkCode.used_at.is_(None))
            .values(used_at=now, used_by=email, used_for=spreadsheet_id)
        )
        if spent.rowcount != 1:  # type: ignore[attr-defined]  # a teammate's click won the race
            raise Forbidden("This link code was just used: ask your admin for a new one.")
        if sheet is None:
            sheet = LinkedSheet(organisation_id=organisation.id, spreadsheet_id=spreadsheet_id)
            session.add(sheet)
            session.flush()  # a sheet linked meanwhile fails the transaction: nothing is spent
        record = bool(audience) and not audience_configured
        if record and not _recorded(session, sheet.id, audience or ""):
            session.add(
                SheetAudience(
                    linked_sheet_id=sheet.id,
                    audience=audience,
                    connected_by=email,
                    connected_at=now,
                )
            )
        return Connected(organisation.slug, spreadsheet_id, record)


def _recorded(session: Session, linked_sheet_id: int, audience: str) -> bool:
    return (
        session.scalar(
            select(SheetAudience.id).where(
                SheetAudience.linked_sheet_id == linked_sheet_id,
                SheetAudience.audience == audience,
            )
        )
        is not None
    )


def require_sheet_audience(db: Database, spreadsheet_id: str, audience: str | None) -> None:
    """401 unless a connected bound script's audience was recorded for this spreadsheet."""
    with db.session() as session:
        sheets = set(
            session.scalars(
                select(LinkedSheet.spreadsheet_id)
                .join(SheetAudience, SheetAudience.linked_sheet_id == LinkedSheet.id)
                .where(SheetAudience.audience == (audience or ""))
            )
        )
    if spreadsheet_id in sheets:
        return
    raise Unauthorized(CONNECTED_ELSEWHERE if sheets else NOT_CONNECTED)
