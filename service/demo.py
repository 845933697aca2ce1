"""A demo organisation, so a first run on a fresh machine has tags, attributes and a member."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import directory
from .models import AttributeDefinition, Member, Organisation

DEMO_TAGS = ["Diabetes", "Prenatal", "Weight loss", "VIP"]
DEMO_ATTRIBUTES = [
    ("Height", "number", None),
    ("Plan", "choice", ["Gold", "Silver", "Bronze"]),
    ("Consent", "boolean", None),
    ("Start date", "date", None),
]


def seed_demo(session: Session, member_email: str) -> Organisation:
    """Fill the default organisation with the demo's tags and attributes (idempotent)."""
    directory.ensure_default(session)
    organisation = directory.find_organisation(session, directory.DEFAULT_SLUG)
    directory.add_tags(session, organisation, DEMO_TAGS)
    existing = set(
        session.scalars(
            select(AttributeDefinition.name).where(
                AttributeDefinition.organisation_id == organisation.id
            )
        )
    )
    for name, type_, choices in DEMO_ATTRIBUTES:
        if name not in existing:
            directory.add_attribute(session, organisation, name, type_, choices)
    if (
        session.scalar(
            select(Member).where(
                Member.organisation_id == organisation.id, Member.email == member_email
            )
        )
        is None
    ):
        directory.add_member(session, organisation, member_email, "admin")
    return organisation
