"""Planning: what an import will do with each row, decided once before anything is written."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..roster.engine import ClientRow, Validation

MODES = ("all_or_nothing", "skip_invalid")


@dataclass(frozen=True, slots=True)
class Step:
    """One row's part in an import: `create` it, `update` it, or `skip` it (already a client)."""

    client: ClientRow
    action: str


@dataclass
class ImportPlan:
    """Rows to create or update, rows skipped as existing clients, rows blocked by errors."""

    create: list[ClientRow] = field(default_factory=list)
    update: list[ClientRow] = field(default_factory=list)
    skip: list[ClientRow] = field(default_factory=list)
    blocked: list[int] = field(default_factory=list)  # sheet rows with errors
    blocked_whole: bool = False  # errors stop the whole import

    def counts(self) -> dict[str, int]:
        """How many rows go each way: the dry run's answer."""
        return {
            "create": len(self.create),
            "update": len(self.update),
            "skip": len(self.skip),
            "blocked": len(self.blocked),
        }

    def steps(self, done: set[str]) -> list[Step]:
        """What is left to do, in sheet order: every planned row whose email is not in `done`."""
        steps = [Step(c, "create") for c in self.create]
        steps += [Step(c, "update") for c in self.update]
        steps += [Step(c, "skip") for c in self.skip]
        return sorted(
            (s for s in steps if s.client.email_address not in done), key=lambda s: s.client.row
        )


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
