"""A demo organisation, so a first run on a fresh machine has tags, attributes and a member."""

from __future__ import annotations

from contextlib import suppress

from . import organisations
from .admin import setup
from .admin.access import OPERATOR
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
    """Fill the default organisation with the demo's tags and attributes (idempotent), through
    the same set-up use cases as the API, acting as the operator."""
    organisations.ensure_default(db)
    organisation = organisations.resolve(db, slug=organisations.DEFAULT_SLUG)
    setup.add_tags(db, OPERATOR, organisation.slug, DEMO_TAGS)
    for name, type_, choices in DEMO_ATTRIBUTES:
        with suppress(Conflict):  # seeded before
            setup.add_attribute(db, OPERATOR, organisation.slug, name, type_, choices)
    with suppress(Conflict):
        setup.add_member(db, OPERATOR, organisation.slug, member_email, "admin")
    return organisation
