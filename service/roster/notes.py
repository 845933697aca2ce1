"""Cell notes: Roster's text for a cell's issues, and which notes to write or clear."""

from __future__ import annotations

from collections import defaultdict

from .issues import Issue

MARK = "Roster:"
# where the suggested fixes can be applied: the menu in a sheet; the CLI or console for a file
SHEET_FIX_PATH = "Roster > Fix what can be fixed"
FILE_FIX_PATH = "roster fix FILE -o FIXED, or Download fixed copy in the console"


def is_roster_note(text: str) -> bool:
    return text.startswith(MARK)


def note_text(issues: list[Issue], fix_path: str = SHEET_FIX_PATH) -> str:
    """One note for one cell: the mark line, then one line per message, then the fix."""
    lines = [MARK] + [f"• {issue.message}" for issue in issues]
    fix = next((issue.fix for issue in issues if issue.fix is not None), None)
    if fix is not None:
        lines.append(f'Suggested value: "{fix}" ({fix_path})')
    return "\n".join(lines)


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
        if current and not is_roster_note(current):
            hidden.extend(cell_issues)
            continue
        text = note_text(cell_issues)
        if text != current:
            changes[cell] = text
    for cell, current in existing.items():
        if cell not in by_cell and is_roster_note(current):
            changes[cell] = ""
    return changes, hidden
