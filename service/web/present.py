"""How the console shows a validation: issues grouped by message and column, with counts."""

from __future__ import annotations

import datetime as dt
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


@dataclass(frozen=True)
class Bar:
    """One day of the imports chart, in SVG units."""

    day: str  # YYYY-MM-DD
    imports: int
    clients: int
    x: float
    y: float
    height: float


@dataclass(frozen=True)
class Chart:
    """Imports per day over the last `days` days, sized for an inline SVG."""

    bars: list[Bar]
    width: int
    height: int
    most: int  # the tallest bar's number of imports

    @property
    def total(self) -> int:
        return sum(b.imports for b in self.bars)


def imports_chart(
    runs: list[tuple[dt.date, int]], today: dt.date, days: int = 30, height: int = 80
) -> Chart:
    """Bars of imports per day (`runs` holds each run's day and clients created)."""
    first = today - dt.timedelta(days=days - 1)
    per_day: dict[dt.date, list[int]] = {}
    for day, created in runs:
        if first <= day <= today:
            per_day.setdefault(day, []).append(created)
    most = max((len(v) for v in per_day.values()), default=0)
    step = 12
    bars = []
    for index in range(days):
        day = first + dt.timedelta(days=index)
        found = per_day.get(day, [])
        tall = height * len(found) / most if most else 0.0
        bars.append(Bar(day.isoformat(), len(found), sum(found), index * step, height - tall, tall))
    return Chart(bars, days * step, height, most)
