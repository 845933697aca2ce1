"""Roster's exception hierarchy; every message is written for the person who must act on it.

RosterError
├── SourceError            the roster could not be read (file, encoding, sheet access)
│   └── SheetsUnavailable  the Sheets API kept failing after retries
├── BadBody                a request body that is not the JSON object the API takes
├── SheetTooLarge          beyond SPEC §9's limits
├── NotFound               an organisation, sheet or import that does not exist
├── Conflict               a name already taken; ImportRunning (imports.runs): another
│                          import of the sheet is running
├── ImportBlocked          (imports.runs) errors in the roster stop the import, 422
├── SignInUnavailable      (auth) Google's certificates cannot be fetched, 503
├── TasksUnavailable       (imports.cloud_tasks) the queue does not answer, 503
└── Unauthorized / Forbidden   who is calling, and may they
"""

from __future__ import annotations


class RosterError(Exception):
    """A failure a user can act on; `str()` is the message to show."""

    status = 400
    title = "Bad request"


class SourceError(RosterError):
    status = 422
    title = "The roster could not be read"


class BadBody(RosterError):
    status = 422
    title = "The request body is not valid"


class SheetsUnavailable(SourceError):
    status = 503
    title = "Google Sheets is not answering"


class SheetTooLarge(RosterError):
    status = 413
    title = "The sheet is too large"


class NotFound(RosterError):
    status = 404
    title = "Not found"


class Conflict(RosterError):
    status = 409
    title = "Conflict"


class Unauthorized(RosterError):
    status = 401
    title = "Unauthorized"


class Forbidden(RosterError):
    status = 403
    title = "Forbidden"


def problem(status: int, title: str, detail: str, **extra: object) -> dict[str, object]:
    """An RFC 9457 problem document."""
    return {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
