"""A read-only snapshot of what the rules need to know about an organisation."""

from __future__ import annotations

from dataclasses import dataclass, field

ATTRIBUTE_TYPES = ("text", "number", "date", "boolean", "choice")


@dataclass(frozen=True, slots=True)
class AttributeDefinition:
    """An attribute as the rules see it: its name, type and choices."""

    name: str
    type: str
    choices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class OrgSnapshot:
    """Tags, attributes and existing clients, taken once per validation."""

    tags: frozenset[str] = frozenset()
    attributes: dict[str, AttributeDefinition] = field(default_factory=dict)
    client_emails: frozenset[str] = frozenset()
    external_ids: dict[str, str] = field(default_factory=dict)  # external_id -> owner's email


@dataclass(frozen=True, slots=True)
class OrgRef:
    """Which organisation a request is about: what callers above the registry may hold."""

    id: int
    slug: str
    name: str
