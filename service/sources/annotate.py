"""The annotated copy: a file's roster written as XLSX with each cell's issues as a comment."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import SourceError
from ..roster.grid import Grid
from ..roster.issues import Issue
from ..roster.notes import FILE_FIX_PATH, cell_of, note_text

# what XML 1.0, and so XLSX, cannot hold (openpyxl refuses them: ILLEGAL_CHARACTERS_RE)
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def visible(value: str) -> tuple[str, bool]:
    """The value with each character XLSX cannot hold written as [U+0007]; and whether any was."""
    escaped = _UNWRITABLE.sub(lambda m: f"[U+{ord(m.group()):04X}]", value)
    return escaped, escaped != value


def annotate(source: str | Path, grid: Grid, issues: list[Issue], out: str | Path) -> None:
    """Write a copy of the workbook with each cell's issues as a comment."""
    from openpyxl import Workbook, load_workbook
    from openpyxl.comments import Comment

    source = Path(source)
    escaped: set[tuple[int, int]] = set()
    if source.suffix.lower() == ".xlsx":
        book = load_workbook(source)
        sheet = book[grid.title] if grid.title in book.sheetnames else book.worksheets[0]
    else:  # CSV and ODS: the grid as text, in a new workbook
        book = Workbook()
        sheet = book.active
        sheet.title = "Roster"
        for r, values in enumerate(grid.rows, start=1):
            for c, value in enumerate(values, start=1):
                if not value:
                    continue
                text, changed = visible(value)
                if changed:
                    escaped.add((r - 1, c - 1))
                cell = sheet.cell(row=r, column=c, value=text)
                cell.data_type = "s"  # text stays text: "=1+1" from a CSV is not a formula
    by_cell: dict[tuple[int, int], list[Issue]] = {}
    for issue in issues:
        by_cell.setdefault(cell_of(issue), []).append(issue)
    for cell_at in escaped:
        by_cell.setdefault(cell_at, [])
    for (row, column), cell_issues in by_cell.items():
        text = note_text(cell_issues, FILE_FIX_PATH) if cell_issues else "Roster:"
        if (row, column) in escaped:
            text += (
                "\n• Control characters in this cell are written as [U+0007]-style escapes: "
                "an .xlsx file cannot hold them."
            )
        comment = Comment(visible(text)[0], "Roster")
        comment.width, comment.height = 320, 40 + 20 * (len(cell_issues) + 1)
        sheet.cell(row=row + 1, column=column + 1).comment = comment
    try:
        book.save(out)
    except OSError as error:
        raise SourceError(f"{out}: cannot be written ({error.strerror}).") from error
