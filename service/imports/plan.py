"""Planning: what an import would do with each row, before anything is written."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..roster.engine import ClientRow, Validation

MODES = ("all_or_nothing", "skip_invalid")


@dataclass
class ImportPlan:
    """Rows to create or update, rows skipped as existing clients, rows blocked by errors."""

    create: list[ClientRow] = field(default_factory=list)
    update: list[ClientRow] = field(default_factory=list)
    skip: list[ClientRow] = field(default_factory=list)
    blocked: list[int] = field(default_factory=list)  # sheet rows with errors
    blocked_whole: bool = False  # errors stop the whole import

    def counts(self) -> dict[str, int]:
        return {
            "create": len(self.create),
            "update": len(self.update),
            "skip": len(self.skip),
            "blocked": len(self.blocked),
        }


def plan_import(validation: Validation, mode: str, update_existing: bool) -> ImportPlan:
    """Decide each row. All-or-nothing blocks everything on any error; header errors always do."""
    if mode not in MODES:
        raise ValueError(mode)
    blocked = sorted(validation.blocked_rows)
    plan = ImportPlan(blocked=blocked)
    plan.blocked_whole = bool(validation.sheet_errors) or (
        mode == "all_or_nothing" and bool(blocked)
    )
    if plan.blocked_whole:
        return plan
    for client in validation.clients:
        if not client.existing:
            plan.create.append(client)
        elif update_existing:
            plan.update.append(client)
        else:
            plan.skip.append(client)
    return plan
