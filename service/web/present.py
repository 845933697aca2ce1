"""How the console shows a validation: issues grouped by message and column, with counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..roster.issues import Issue

MAX_CELLS_SHOWN = 12


@dataclass
class IssueGroup:
    """One message in one column, and every cell that has it."""

    severity: str
    column: str  # the header as the file has it, or "whole file"
    message: str
    cells: list[str] = field(default_factory=list)
    fixes: int = 0  # how many of the cells have a suggested value

    @property
    def count(self) -> int:
        return len(self.cells)

    @property
    def cells_shown(self) -> str:
        shown = ", ".join(self.cells[:MAX_CELLS_SHOWN])
        more = self.count - MAX_CELLS_SHOWN
        return f"{shown} and {more} more" if more > 0 else shown


def group_issues(issues: list[Issue], header: list[str]) -> list[IssueGroup]:
    """Errors first, then by how many cells share the message; each group names its cells."""
    groups: dict[tuple[str, str, str], IssueGroup] = {}
    for issue in issues:
        if issue.column is None:
            column = "whole file"
        elif issue.column <= len(header) and header[issue.column - 1].strip():
            column = header[issue.column - 1].strip()
        else:
            column = f"column {issue.column}"
        key = (issue.severity, column, issue.message)
        group = groups.setdefault(key, IssueGroup(issue.severity, column, issue.message))
        group.cells.append(issue.cell or "—")
        group.fixes += issue.fix is not None
    return sorted(groups.values(), key=lambda g: (g.severity != "error", -g.count, g.column))
