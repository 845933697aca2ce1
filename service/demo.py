"""A demo organisation, so a first run on a fresh machine has tags, attributes and a member."""

from __future__ import annotations

from contextlib import suppress

from . import organisations
from .db import Database
from .errors import Conflict
from .roster.organisation import OrgRef

DEMO_TAGS = ["Diabetes", "Prenatal", "Weight loss", "VIP"]
DEMO_ATTRIBUTES = [
    ("Height", "number", None),
    ("Plan", "choice", ["Gold", "Silver", "Bronze"]),
    ("Consent", "boolean", None),
    ("Start date", "date", None),
]


def seed_demo(db: Database, member_email: str) -> OrgRef:
    """Fill the default organisation with the demo's tags and attributes (idempotent)."""
    organisations.ensure_default(db)
    organisation = organisations.resolve(db, slug=organisations.DEFAULT_SLUG)
    organisations.add_tags(db, organisation, DEMO_TAGS)
    for name, type_, choices in DEMO_ATTRIBUTES:
        with suppress(Conflict):  # seeded before
            organisations.add_attribute(db, organisation, name, type_, choices)
    with suppress(Conflict):
        organisations.add_member(db, organisation, member_email, "admin")
    return organisation
