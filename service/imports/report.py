"""What an import says when it is done or blocked: counts, the rows left out and why, advice.

Pure functions of plain values, so that the CLI, the API and the console say the same thing
and tests can read every sentence. The advice fits the source (notes in a sheet; `--annotate`
and `roster fix` for a file) and the options given (no "skip invalid rows" when it was asked).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from ..roster.engine import Validation
from ..roster.issues import Issue
from ..roster.wording import ROWS_NAMED, plural, rows_named

ALREADY_CLIENTS = "already clients (skipped)"


@dataclass(frozen=True)
class LeftOut:
    """Rows an import leaves out for one reason: the first few are named, all are counted."""

    reason: str
    rows: tuple[int, ...]

    @property
    def count(self) -> int:
        return len(self.rows)

    def line(self) -> str:
        return f"{self.reason}: {rows_named(self.rows)}"

    def to_dict(self) -> dict[str, Any]:
        return {"reason": self.reason, "rows": list(self.rows[:ROWS_NAMED]), "count": self.count}


def field_label(field: str | None) -> str:
    """How a column is named in a report: `email address`, `attribute "Plan"`."""
    if field is None:
        return "a cell outside the columns"
    if field.startswith("attribute:"):
        return f'attribute "{field.split(":", 1)[1]}"'
    return {"initial_password": "password", "external_id": "external id"}.get(
        field, field.replace("_", " ")
    )


# what each kind of error means in a report's reason, by the last part of its code
REASONS = {
    "gender.invalid": "not male or female",
    "duplicate": "also in another row",
    "not_lowercase": "not all lowercase",
    "required": "empty",
    "surrounding_spaces": "with spaces around it",
    "invisible_characters": "with invisible characters",
    "control_characters": "with hidden control characters",
    "text_direction": "with hidden text-direction marks",
    "too_long": "too long",
    "length": "too short or too long",
    "too_weak": "too weak",
    "surrounding_whitespace": "with spaces around it",
    "format": "not written YYYYMMDD",
    "not_a_date": "not a real date",
    "too_early": "before 1900",
    "in_future": "in the future",
    "invalid": "not allowed",
    "wrong_case": "in the wrong case",
    "spelled_differently": "spelled differently",
    "unknown": "not one of your organisation's",
    "taken": "belongs to another client",
    "not_a_number": "not a number",
    "not_a_boolean": "not TRUE or FALSE",
    "not_a_choice": "not one of the choices",
    "formula": "a formula",
    "error_value": "an error value",
    "extra": "outside the columns",
}


def reason(issue: Issue) -> str:
    """`email address also in another row`, `birthdate not a real date`."""
    kind = issue.code if issue.code in REASONS else issue.code.rsplit(".", 1)[-1]
    if issue.field is None:
        return f"a cell {REASONS.get(kind, kind.replace('_', ' '))}"
    if issue.field == "email_address" and kind not in REASONS:
        return "email address not valid"
    return f"{field_label(issue.field)} {REASONS.get(kind, kind.replace('_', ' '))}"


def left_out(validation: Validation, update_existing: bool = False) -> list[LeftOut]:
    """The rows with errors, grouped by reason (a row may have several) in column order; then
    the existing clients an import skips."""
    by_reason: dict[str, set[int]] = {}
    order: dict[str, tuple[int, int]] = {}
    skipped: set[int] = set()
    for issue in validation.issues:
        if issue.row is None or issue.row == 1:
            continue
        if issue.is_error:
            why = reason(issue)
            by_reason.setdefault(why, set()).add(issue.row)
            order[why] = min(
                order.get(why, (issue.column or 0, issue.row)), (issue.column or 0, issue.row)
            )
        elif issue.code == "email.already_client" and not update_existing:
            skipped.add(issue.row)
    groups = [
        LeftOut(why, tuple(sorted(rows)))
        for why, rows in sorted(by_reason.items(), key=lambda item: order[item[0]])
    ]
    blocked = validation.blocked_rows
    skipped -= blocked
    if skipped:
        groups.append(LeftOut(ALREADY_CLIENTS, tuple(sorted(skipped))))
    return groups


def where_to_look(source: str, is_file: bool, via_cli: bool, can_fix: bool = True) -> str:
    """Where a pro sees each cell's message and applies the fixes, for this kind of source.

    `can_fix`: whether this CLI has `roster fix` for files (never advise a missing command).
    """
    if not is_file:
        return (
            "Each cell with an error has a Roster note in the sheet; Roster > Fix what can be "
            "fixed applies the suggested fixes."
        )
    if via_cli:
        see = (
            f"See each cell's message with `roster validate {source}` (add --annotate "
            "annotated.xlsx for a copy with comments)"
        )
        if not can_fix:
            return see + "."
        fixed = "fixed" + (PurePath(source).suffix or ".csv")
        return f"{see}; `roster fix {source} -o {fixed}` applies the suggested fixes."
    return "Each cell's message is listed with the issues."


def blocked_message(
    validation: Validation,
    source: str,
    is_file: bool,
    skip_invalid: bool,
    via_cli: bool,
    dry_run: bool = False,
    update_existing: bool = False,
    can_fix: bool = True,
) -> str:
    """Why nothing was (or, in a dry run, would be) imported, and what to do next."""
    errors = validation.summary["errors"]
    header = validation.sheet_errors
    nothing = "Dry run: this import would be blocked" if dry_run else "Nothing was imported"
    opening = f"{nothing}: the roster has {plural(errors, 'error')}."
    if header:
        return (
            f"{opening} Its header row has {plural(len(header), 'error')}, which stop every "
            "row: fix row 1 first. " + where_to_look(source, is_file, via_cli, can_fix)
        )
    rows = len(validation.blocked_rows)
    clean = sum(1 for client in validation.clients if update_existing or not client.existing)
    advice = where_to_look(source, is_file, via_cli, can_fix)
    if skip_invalid or not clean:  # never suggest the option that was given, or an empty import
        return f"{opening} {advice}"
    skip = "add --skip-invalid" if via_cli else "choose to skip invalid rows"
    return (
        f"{opening} {advice} Or {skip} to import the {plural(clean, 'row')} without errors "
        f"and leave out the {plural(rows, 'row')} with errors."
    )


def plan_line(plan: dict[str, int]) -> str:
    """`Plan: 2 to create, 0 to update, 1 already a client, 5 rows with errors.`"""
    return (
        f"Plan: {plan['create']:,} to create, {plan['update']:,} to update, "
        f"{plural(plan['skip'], 'already a client', 'already clients')}, "
        f"{plural(plan['blocked'], 'row')} with errors."
    )


def result_lines(
    result: dict[str, Any],
    groups: list[LeftOut],
    *,
    source: str,
    is_file: bool,
    update_existing: bool,
    via_cli: bool = True,
    can_fix: bool = True,
) -> list[str]:
    """The sentences that close an import: counts, what was left out and why, what to do.

    The run's own message (no invitations; for an update, that passwords are never changed and
    tags only added: `outcomes.UPDATE_RULES`) follows these lines.
    """
    counts = [f"{result['created']:,} created", f"{result['updated']:,} updated"]
    skipped = result["skipped"]
    if update_existing:  # the run counts the unchanged among the skipped: say them apart
        unchanged = result.get("unchanged", 0)
        counts.append(f"{unchanged:,} unchanged")
        skipped -= unchanged
    counts.append(f"{skipped:,} skipped")
    lines = [f"Import {result['status']}: {', '.join(counts)}."]
    failed = result["failed_rows"]
    if failed:
        lines.append(f"Left out {plural(failed, 'row')} with errors:")
    elif groups:
        lines.append("Left out:")
    lines += [f"  {group.line()}" for group in groups]
    if failed:
        lines.append(where_to_look(source, is_file, via_cli, can_fix))
    return lines


def report_dict(groups: list[LeftOut]) -> list[dict[str, Any]]:
    return [group.to_dict() for group in groups]
