"""Issues: what validation says about one cell or about the whole sheet (SPEC §3)."""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


def column_letter(column: int) -> str:
    """Turn a 1-based column number into its A1 letters (1 -> A, 27 -> AA)."""
    letters = ""
    while column > 0:
        column, remainder = divmod(column - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def a1(row: int, column: int) -> str:
    """A1 notation of a 1-based cell."""
    return f"{column_letter(column)}{row}"


class Problem(str):
    """A validator's message that also carries a stable code; a str so marshmallow keeps it."""

    code: str
    severity: str

    def __new__(cls, code: str, message: str, severity: str = ERROR) -> Problem:
        problem = super().__new__(cls, message)
        problem.code = code
        problem.severity = severity
        return problem


@dataclass(frozen=True, slots=True)
class Issue:
    """One finding, located by 1-based sheet coordinates (both None for the whole sheet)."""

    row: int | None
    column: int | None
    field: str | None
    code: str
    severity: str
    message: str
    fix: str | None = None

    @property
    def cell(self) -> str | None:
        """A1 notation of the cell, or None for the whole sheet."""
        if self.row is None or self.column is None:
            return None
        return a1(self.row, self.column)

    @property
    def is_error(self) -> bool:
        """Errors block an import; warnings do not."""
        return self.severity == ERROR

    def sort_key(self) -> tuple[int, int, str]:
        """Sheet issues first, then by row and column."""
        return (self.row or 0, self.column or 0, self.code)


def summarize(rows: int, issues: list[Issue]) -> dict[str, int]:
    """The summary block of SPEC §6."""
    errors = sum(1 for issue in issues if issue.is_error)
    return {"rows": rows, "errors": errors, "warnings": len(issues) - errors}
