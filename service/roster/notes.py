"""Cell notes: the one format of Roster's notes (a validation's or an import's), the one rule
that a person's note is never touched, and which notes to write or clear."""

from __future__ import annotations

from collections import defaultdict

from .grid import Grid
from .issues import Issue

MARK = "Roster:"
# where the suggested fixes can be applied: the menu in a sheet; the CLI or console for a file
SHEET_FIX_PATH = "Roster > Fix what can be fixed"
FILE_FIX_PATH = "roster fix FILE -o FIXED, or Download fixed copy in the console"
OUTCOME_TEXT = {
    "created": "imported as a new client",
    "updated": "updated an existing client",
    "unchanged": "already a client; nothing to update",
    "skipped": "skipped: already a client",
}


def is_roster_note(text: str) -> bool:
    """Roster wrote this note: its first line is the mark."""
    return text.startswith(MARK)


def may_write(current: str) -> bool:
    """A cell's note is Roster's to change only when it is empty or Roster's own."""
    return not current or is_roster_note(current)


def roster_note(lines: list[str], footer: str | None = None) -> str:
    """The mark line, one bullet per line, then an optional footer."""
    return "\n".join([MARK, *(f"• {line}" for line in lines), *([footer] if footer else [])])


def note_text(issues: list[Issue], fix_path: str = SHEET_FIX_PATH) -> str:
    """One note for one cell: its messages, then the suggested value if there is one.

    `fix_path` names where the fix can be applied: the sheet's menu, or `roster fix` for a file.
    """
    fix = next((issue.fix for issue in issues if issue.fix is not None), None)
    footer = f'Suggested value: "{fix}" ({fix_path})' if fix is not None else None
    return roster_note([issue.message for issue in issues], footer)


def cell_of(issue: Issue) -> tuple[int, int]:
    """0-based (row, column) of the cell that carries an issue; A1 for the whole sheet."""
    if issue.row is None or issue.column is None:
        return (0, 0)
    return (issue.row - 1, issue.column - 1)


def plan_notes(
    existing: dict[tuple[int, int], str], issues: list[Issue]
) -> tuple[dict[tuple[int, int], str], list[Issue]]:
    """The note changes to make, and the issues left out because a person's note is there.

    Roster writes a note where a cell has issues, clears its own stale notes, leaves
    unchanged notes alone, and never touches a note it did not write.
    """
    by_cell: dict[tuple[int, int], list[Issue]] = defaultdict(list)
    for issue in issues:
        by_cell[cell_of(issue)].append(issue)
    changes: dict[tuple[int, int], str] = {}
    hidden: list[Issue] = []
    for cell, cell_issues in by_cell.items():
        current = existing.get(cell, "")
        if not may_write(current):
            hidden.extend(cell_issues)
            continue
        text = note_text(cell_issues)
        if text != current:
            changes[cell] = text
    for cell, current in existing.items():
        if cell not in by_cell and is_roster_note(current):
            changes[cell] = ""
    return changes, hidden


def plan_result_notes(
    grid: Grid,
    email_column: int | None,
    outcomes: list[tuple[int, str, str]],
    started_by: str,
    day: str,
) -> tuple[dict[tuple[int, int], str], int]:
    """A note of each row's outcome on its email cell, and how many rows could not get one.

    A row gets its note only where the sheet, read now, still holds the same email in the
    column the import read it from (a teammate may have sorted or inserted rows), and only
    where the cell carries no person's note.
    """
    if email_column is None:
        return {}, len(outcomes)
    notes: dict[tuple[int, int], str] = {}
    misplaced = 0
    for row, email, outcome in outcomes:
        cell = (row - 1, email_column)
        shown = grid.value(*cell).strip().lower()
        if shown != email or not may_write(grid.notes.get(cell, "")):
            misplaced += 1
            continue
        notes[cell] = roster_note([f"Import {day}: {OUTCOME_TEXT[outcome]} (by {started_by})."])
    return notes, misplaced
