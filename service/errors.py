"""Roster's exception hierarchy and its one problem+json shape; every message is written for the
person who must act on it.

RosterError                a failure a user can act on: 400
├── SourceError            the roster could not be read (file, encoding, sheet access): 422
│   └── SheetsUnavailable  the Sheets API kept failing after retries: 503
│       └── WriteIncomplete  ...after some notes (or fixes) went in; says how many: 503
├── BadBody                a request body that is not the JSON object the API takes: 422
├── ImportBlocked          errors in the roster stop the import; carries the issues: 422
├── SheetTooLarge          beyond SPEC §9's limits: 413
├── NotFound               an organisation, sheet or import that does not exist: 404
├── Conflict               a name already taken: 409
│   └── ImportRunning      another import of the sheet is running; says who, since when: 409
├── Unauthorized           no valid credentials: 401
├── Forbidden              valid credentials, but not allowed: 403
├── SignInUnavailable      Google's certificates cannot be fetched: 503
├── TasksUnavailable       the import queue does not answer: 503
├── DatabaseUnavailable    the database cannot be reached: 503
└── ConfigError            a setting the operator must fix; stops the app or command at start

Anything else that escapes is a bug: the API answers 500 and logs it, the CLI shows it as one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol


class Findings(Protocol):
    """What a validation found, as far as an error tells it (roster.engine.Validation).

    Typed loosely on purpose: this module is the ground floor and names nothing above it.
    """

    @property
    def issues(self) -> list[Any]:
        """Every issue found."""

    @property
    def summary(self) -> dict[str, int]:
        """Rows, errors and warnings."""


class RosterError(Exception):
    """A failure a user can act on; `str()` is the message to show."""

    status = 400
    title = "Bad request"

    def problem_fields(self) -> dict[str, Any]:
        """Members this error adds to its problem document (api.schemas.Problem lists them)."""
        return {}


class SourceError(RosterError):
    """The roster could not be read: a file, its encoding, or access to the sheet."""

    status = 422
    title = "The roster could not be read"


class SheetsUnavailable(SourceError):
    """The Sheets API kept failing (429, 5xx, network) after the retries."""

    status = 503
    title = "Google Sheets is not answering"


class WriteIncomplete(SheetsUnavailable):
    """Google stopped answering after some batches of a write went in (each batch is whole)."""

    def __init__(self, written: int, total: int, what: str, again: str) -> None:
        super().__init__(
            f"Google Sheets stopped answering after Roster wrote {written:,} of {total:,} "
            f"{what}: {again} in a minute to write the rest."
        )
        self.written, self.total, self.what = written, total, what

    def problem_fields(self) -> dict[str, Any]:
        """How much of the write went in."""
        return {self.what: {"written": self.written, "total": self.total}}


class BadBody(RosterError):
    """A request body that is not the JSON object the API takes."""

    status = 422
    title = "The request body is not valid"


class ImportBlocked(RosterError):
    """Errors in the roster stop the import; nothing was written."""

    status = 422
    title = "The roster has errors"

    def __init__(self, validation: Findings, message: str | None = None) -> None:
        errors = validation.summary["errors"]
        # the wording that fits the source and the options is imports.report.blocked_message
        super().__init__(
            message
            or f"Nothing was imported: the roster has {errors} error{'s' if errors != 1 else ''}."
        )
        self.validation = validation

    def problem_fields(self) -> dict[str, Any]:
        """The issues, so the sidebar can show them."""
        return {"issues": self.validation.issues}


class SheetTooLarge(RosterError):
    """A sheet or file beyond SPEC §9's limits, refused before any work."""

    status = 413
    title = "The sheet is too large"


class NotFound(RosterError):
    """An organisation, sheet, import or member that does not exist."""

    status = 404
    title = "Not found"


class Conflict(RosterError):
    """Something already exists, or is in use."""

    status = 409
    title = "Conflict"


class ImportRunning(Conflict):
    """Another import of the same sheet is in progress: who started it, when, and which run."""

    def __init__(self, started_by: str, started_at: dt.datetime, import_id: str) -> None:
        self.started_by, self.started_at, self.import_id = started_by, started_at, import_id
        since = started_at.strftime("%Y-%m-%d %H:%M UTC")
        super().__init__(
            f"{started_by} is already importing this sheet (since {since}). "
            "Wait for it to finish, then import again."
        )

    def problem_fields(self) -> dict[str, Any]:
        """Who is importing, since when, and which run."""
        return {
            "started_by": self.started_by,
            "started_at": self.started_at,
            "import_id": self.import_id,
        }


class Unauthorized(RosterError):
    """No valid credentials: a missing, expired or wrong token."""

    status = 401
    title = "Unauthorized"


class Forbidden(RosterError):
    """Valid credentials, but not allowed here (not a member, not an admin)."""

    status = 403
    title = "Forbidden"


class SignInUnavailable(RosterError):
    """Google's certificates could not be fetched; the caller did nothing wrong."""

    status = 503
    title = "Sign-in cannot be checked right now"


class TasksUnavailable(RosterError):
    """The queue refused or did not answer; the import itself is intact and can be resumed."""

    status = 503
    title = "The import queue is not answering"


class DatabaseUnavailable(RosterError):
    """The database refused the connection or went away (db.Database translates it)."""

    status = 503
    title = "The database is not answering"


class ConfigError(RosterError):
    """Roster is configured wrongly: the message names the setting and how to fix it."""

    status = 500
    title = "Roster is not configured correctly"


def problem(status: int, title: str, detail: str, **extra: Any) -> dict[str, Any]:
    """An RFC 9457 problem document, before it is dumped by api.schemas.Problem."""
    return {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
