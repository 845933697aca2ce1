"""Rosters sent as files (the console and the API's `files/` routes): read, check, copy, import.

An upload is never stored: its bytes hold the clients' temporary passwords in plain text,
which SPEC §5 says are never stored. The validation (with the passwords it parsed) travels in
memory to the in-process worker; the run keeps `upload:<file name>` as its source, so uploading
the same file again resumes a run whose process died (docs/decisions.md).
"""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import SourceError
from .fixes import fix_file
from .imports import jobs
from .roster.engine import validate_grid
from .roster.grid import Grid
from .roster.organisation import OrgSnapshot
from .sources import workbook
from .sources.annotate import annotate
from .sources.locate import UPLOAD_PREFIX
from .validation import SheetValidation

if TYPE_CHECKING:
    from .config import Settings
    from .db import Database
    from .sources.google_sheets import GoogleSheets

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA_TYPES = {
    ".csv": "text/csv",
    ".xlsx": XLSX_TYPE,
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
}


@dataclass(frozen=True)
class Upload:
    """A file as it arrived: its name (only the last part is kept) and its bytes."""

    filename: str
    data: bytes

    @property
    def name(self) -> str:
        return Path(self.filename.replace("\\", "/")).name or "roster"

    @property
    def suffix(self) -> str:
        return Path(self.name).suffix.lower()


@dataclass(frozen=True)
class Download:
    """A file to send back: its name, media type and bytes."""

    filename: str
    mimetype: str
    data: bytes


def read_upload(upload: Upload, worksheet: str | int | None = None) -> Grid:
    """The upload's grid, as its spreadsheet program shows it."""
    if not upload.data:
        raise SourceError(f"{upload.name} is empty: choose the roster file again.")
    if upload.suffix not in workbook.SUFFIXES:
        kinds = ", ".join(workbook.SUFFIXES)
        raise SourceError(f"{upload.name}: Roster reads {kinds} files; save the roster as one.")
    return workbook.read_bytes(upload.data, upload.suffix, upload.name, worksheet)


def validate_upload(
    upload: Upload, worksheet: str | int | None, org: OrgSnapshot
) -> SheetValidation:
    """Check a file cell by cell; nothing is written anywhere."""
    grid = read_upload(upload, worksheet)
    return SheetValidation(validate_grid(grid, org), grid, in_sheet=False)


def annotated_copy(upload: Upload, checked: SheetValidation) -> Download:
    """An .xlsx copy with each wrong cell's issues as a comment."""
    # openpyxl reads and writes paths: a private folder that is gone when we return
    with tempfile.TemporaryDirectory(prefix="roster-") as folder:
        source = Path(folder) / f"source{upload.suffix}"
        source.write_bytes(upload.data)
        out = Path(folder) / "annotated.xlsx"
        annotate(source, checked.grid, checked.validation.issues, out)
        data = out.read_bytes()
    return Download(f"{Path(upload.name).stem}-annotated.xlsx", XLSX_TYPE, data)


def import_upload(
    db: Database,
    sheets: GoogleSheets,
    settings: Settings,
    organisation_id: int,
    upload: Upload,
    checked: SheetValidation,
    started_by: str,
    *,
    mode: str = "all_or_nothing",
    update_existing: bool = False,
    dry_run: bool = False,
) -> jobs.Started:
    """Plan the checked file and open its run (the caller hands it to an in-process worker)."""
    return jobs.start_import(
        db,
        sheets,
        settings,
        f"{UPLOAD_PREFIX}{upload.name}",
        checked.grid.title or None,
        started_by,
        organisation_id=organisation_id,
        mode=mode,
        update_existing=update_existing,
        dry_run=dry_run,
        checked=checked,
    )


def fixed_copy(upload: Upload, worksheet: str | int | None, org: OrgSnapshot) -> Download:
    """A copy of the file, same format, with every unambiguous suggested value written in."""
    read_upload(upload, worksheet)  # the same refusals (empty, unknown kind) as every upload
    out = io.BytesIO()
    fix_file(upload.data, upload.name, org, out, worksheet)
    stem = Path(upload.name).stem
    return Download(f"{stem}-fixed{upload.suffix}", MEDIA_TYPES[upload.suffix], out.getvalue())
