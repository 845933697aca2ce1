"""Google Sheets through gspread: the one module that talks to the Sheets API.

Requests per call (each counts against the 60 reads + 60 writes per minute per user quota):

    read(id, "Title")   1 read   spreadsheets.get, ranges='Title', a fields mask
    read(id, gid)       1 read   spreadsheets.getByDataFilter, a gridRange on that sheetId
    read(id)            2 reads  the sheets' ids first (A1 notation cannot name "the first tab"
                                 without its title), then the read by gid
    write_notes / write_values   1 write  one spreadsheets.batchUpdate (more only past ~2 MB)

Failures become service.errors: NotFound (no such spreadsheet or worksheet), Forbidden (not
shared with Roster's service account), SheetsUnavailable (429/5xx/network after the retries),
SourceError (anything else Google refuses).
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import gspread
import requests
from google.auth.credentials import AnonymousCredentials, Credentials
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient
from gspread.urls import SPREADSHEET_URL

from ..config import Settings
from ..errors import Forbidden, NotFound, SheetsUnavailable, SourceError
from ..roster.grid import CellKind, Grid

SCOPES = ["https://www.googleapis.com/auth/spreadsheets"]
GOOGLE = "https://sheets.googleapis.com"
PAYLOAD_LIMIT = 2_000_000  # Google's recommended maximum request payload, in bytes
CELL_FIELDS = "formattedValue,note,userEnteredValue.formulaValue,effectiveValue.errorValue.type"
GRID_FIELDS = (
    "sheets(properties(sheetId,title,index),"
    f"data(startRow,startColumn,rowData.values({CELL_FIELDS})))"
)


class RetryingHTTPClient(HTTPClient):
    """gspread's HTTP client with bounded retries (429, 5xx, network) and an optional base URL.

    gspread 6.2.1's BackOffHTTPClient retries forever and keeps its counter on the instance;
    this one gives up after `max_attempts` and keeps no state between calls.
    """

    base_url: str | None = None
    max_attempts: int = 5
    first_wait: float = 1.0
    max_wait: float = 16.0
    total_wait: float = 45.0
    sleep: Callable[[float], None] = staticmethod(time.sleep)

    def request(self, method: str, endpoint: str, *args: Any, **kwargs: Any) -> Any:
        if self.base_url:
            endpoint = endpoint.replace(GOOGLE, self.base_url, 1)
        waited = 0.0
        for attempt in range(1, self.max_attempts + 1):
            try:
                return super().request(method, endpoint, *args, **kwargs)
            except APIError as error:
                if not _transient(error.code):
                    raise
                failure: Exception = error
            except (
                requests.ConnectionError,
                requests.Timeout,
                requests.exceptions.ChunkedEncodingError,
            ) as error:
                failure = error
            wait = min(self._wait(attempt, failure), self.total_wait - waited)
            if attempt == self.max_attempts or wait <= 0:
                break
            self.sleep(wait)
            waited += wait
        raise SheetsUnavailable(
            f"Google Sheets did not answer after {attempt} tries: try again in a minute."
        ) from failure

    def _wait(self, attempt: int, failure: Exception) -> float:
        """Full-jitter exponential backoff, or Google's Retry-After when it gives one."""
        response = getattr(failure, "response", None)
        after = response.headers.get("Retry-After") if response is not None else None
        if after and after.isdigit():
            return min(float(after), self.max_wait)
        return random.uniform(0, min(self.max_wait, self.first_wait * 2 ** (attempt - 1)))


def _transient(code: int) -> bool:
    return code in (408, 429) or code >= 500


class GoogleSheets:
    """Read a worksheet as a Grid and write notes or values back, in as few requests as possible."""

    def __init__(
        self,
        *,
        emulator_host: str | None = None,
        credentials_file: str | None = None,
        timeout: float = 30.0,
        max_attempts: int = 5,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self._emulator_host = emulator_host
        self._credentials_file = credentials_file
        self._timeout = timeout
        self._max_attempts = max_attempts
        self._sleep = sleep
        self._credentials: Credentials | None = None
        self._http: RetryingHTTPClient | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> GoogleSheets:
        """The emulator when SHEETS_EMULATOR_HOST is set, else Google as the configured account."""
        return cls(
            emulator_host=settings.sheets_emulator_host,
            credentials_file=settings.google_credentials,
        )

    # -- the interface -------------------------------------------------------------------------

    @property
    def service_account_email(self) -> str | None:
        """Whom to share a sheet with; None when the credentials are not a service account's."""
        if self._emulator_host:
            return _email_in(self._credentials_file) if self._credentials_file else None
        credentials = self._credentials_or_load()
        email = getattr(credentials, "service_account_email", None)
        if email == "default":
            # App Engine's credentials learn their email from the metadata server on refresh.
            try:
                from google.auth.transport.requests import Request

                credentials.refresh(Request())
                email = getattr(credentials, "service_account_email", None)
            except Exception:  # an unknown email must not hide the error being reported
                return None
        return email if email and email != "default" else None

    def read(self, spreadsheet_id: str, worksheet: str | int | None = None) -> Grid:
        """A worksheet's shown values, formulas and error values flagged, and its notes."""
        with self._translate(spreadsheet_id, worksheet):
            if worksheet is None:
                worksheet = self._first_sheet_id(spreadsheet_id)
            if isinstance(worksheet, int):
                response = (
                    self._client()
                    .request(
                        "post",
                        SPREADSHEET_URL % spreadsheet_id + ":getByDataFilter",
                        params={"fields": GRID_FIELDS},
                        json={"dataFilters": [{"gridRange": {"sheetId": worksheet}}]},
                    )
                    .json()
                )
            else:
                response = self._client().spreadsheets_get(
                    spreadsheet_id, params={"ranges": _quoted(worksheet), "fields": GRID_FIELDS}
                )
        return _grid(_pick(response.get("sheets", []), worksheet))

    def write_notes(
        self, spreadsheet_id: str, sheet_id: int, notes: dict[tuple[int, int], str]
    ) -> int:
        """Set each (row, col) cell's note ('' clears it) in one batchUpdate; return requests."""
        return self._update_cells(
            spreadsheet_id,
            sheet_id,
            "note",
            {cell: {"note": text} if text else {} for cell, text in notes.items()},
        )

    def write_values(
        self, spreadsheet_id: str, sheet_id: int, values: dict[tuple[int, int], str]
    ) -> int:
        """Set each cell to a plain text value ('' empties it) in one batchUpdate."""
        return self._update_cells(
            spreadsheet_id,
            sheet_id,
            "userEnteredValue",
            {
                cell: {"userEnteredValue": {"stringValue": value}} if value else {}
                for cell, value in values.items()
            },
        )

    # -- requests ------------------------------------------------------------------------------

    def _first_sheet_id(self, spreadsheet_id: str) -> int:
        meta = self._client().fetch_sheet_metadata(
            spreadsheet_id, params={"fields": "sheets.properties(sheetId,index)"}
        )
        sheets = sorted(
            (s["properties"] for s in meta.get("sheets", [])), key=lambda p: p.get("index", 0)
        )
        if not sheets:
            raise NotFound("This spreadsheet has no worksheet to read.")
        return int(sheets[0].get("sheetId", 0))

    def _update_cells(
        self,
        spreadsheet_id: str,
        sheet_id: int,
        field: str,
        cells: dict[tuple[int, int], dict[str, Any]],
    ) -> int:
        requests_ = [
            {
                "updateCells": {
                    "range": {
                        "sheetId": sheet_id,
                        "startRowIndex": row,
                        "endRowIndex": row + 1,
                        "startColumnIndex": col,
                        "endColumnIndex": col + 1,
                    },
                    "rows": [{"values": [data]}],
                    "fields": field,
                }
            }
            for (row, col), data in sorted(cells.items())
        ]
        batches = _batches(requests_)
        with self._translate(spreadsheet_id):
            for batch in batches:
                self._client().batch_update(spreadsheet_id, {"requests": batch})
        return len(batches)

    def _client(self) -> RetryingHTTPClient:
        """The HTTP client, built on first use so that constructing this class is free."""
        with self._lock:
            if self._http is None:
                http = gspread.Client(
                    auth=self._credentials_or_load(), http_client=RetryingHTTPClient
                ).http_client
                assert isinstance(http, RetryingHTTPClient)
                http.base_url = f"http://{self._emulator_host}" if self._emulator_host else None
                http.max_attempts = self._max_attempts
                http.sleep = self._sleep
                http.set_timeout(self._timeout)
                self._http = http
            return self._http

    def _credentials_or_load(self) -> Credentials:
        if self._credentials is None:
            self._credentials = _credentials(self._emulator_host, self._credentials_file)
        return self._credentials

    @contextmanager
    def _translate(self, spreadsheet_id: str, worksheet: str | int | None = None) -> Iterator[None]:
        """Turn Google's refusals into errors a pro can act on."""
        try:
            yield
        except APIError as error:
            message = str(error.error.get("message", "")) if isinstance(error.error, dict) else ""
            if error.code == 404:
                raise NotFound(
                    f"No spreadsheet with id {spreadsheet_id}: check the link."
                ) from None
            if error.code == 403:
                whom = self.service_account_email or "Roster's service account"
                raise Forbidden(
                    f"Roster cannot open this sheet: share it with {whom} as an editor."
                ) from None
            if (
                error.code == 400
                and worksheet is not None
                and ("Unable to parse range" in message or "No grid with id" in message)
            ):
                raise _no_worksheet(worksheet) from None
            raise SourceError(f"Google Sheets refused the request: {message or error}") from None


# -- credentials and parsing ---------------------------------------------------------------------


def _credentials(emulator_host: str | None, credentials_file: str | None) -> Credentials:
    if emulator_host:
        return AnonymousCredentials()
    import google.auth
    from google.auth.exceptions import DefaultCredentialsError
    from google.oauth2 import service_account

    try:
        if credentials_file:
            return service_account.Credentials.from_service_account_file(
                credentials_file, scopes=SCOPES
            )
        credentials, _ = google.auth.default(scopes=SCOPES)
        return credentials
    except (DefaultCredentialsError, OSError, ValueError) as error:
        raise SourceError(
            f"Roster has no usable Google credentials ({error}): set "
            "GOOGLE_APPLICATION_CREDENTIALS to a service account key file."
        ) from None


def _email_in(credentials_file: str) -> str | None:
    try:
        with open(credentials_file, encoding="utf-8") as handle:
            return json.load(handle).get("client_email")
    except (OSError, ValueError):
        return None


def _quoted(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _no_worksheet(worksheet: str | int) -> NotFound:
    if isinstance(worksheet, int):
        return NotFound(f"No worksheet with id (gid) {worksheet} in this spreadsheet.")
    return NotFound(f'No worksheet titled "{worksheet}" in this spreadsheet.')


def _pick(sheets: list[dict[str, Any]], worksheet: str | int) -> dict[str, Any]:
    """The sheet asked for; Google returns only the sheets a range touches, but check anyway."""
    key = "sheetId" if isinstance(worksheet, int) else "title"
    for sheet in sheets:
        if sheet.get("properties", {}).get(key, 0 if key == "sheetId" else None) == worksheet:
            return sheet
    raise _no_worksheet(worksheet)


def _grid(sheet: dict[str, Any]) -> Grid:
    properties = sheet.get("properties", {})
    grid = Grid(
        rows=[], title=properties.get("title", ""), sheet_id=int(properties.get("sheetId", 0))
    )
    for data in sheet.get("data", []):
        top, left = data.get("startRow", 0), data.get("startColumn", 0)
        for r, row in enumerate(data.get("rowData", []), start=top):
            while len(grid.rows) <= r:
                grid.rows.append([])
            cells = row.get("values", [])
            grid.rows[r] = [""] * left + [cell.get("formattedValue", "") for cell in cells]
            for c, cell in enumerate(cells, start=left):
                if not cell or (len(cell) == 1 and "formattedValue" in cell):
                    continue  # a plain value or nothing: most cells, so skip the look-ups
                if "errorValue" in cell.get("effectiveValue", {}):
                    # An error shown is what the person must fix, formula or not.
                    grid.kinds[(r, c)] = CellKind.ERROR_VALUE
                elif "formulaValue" in cell.get("userEnteredValue", {}):
                    grid.kinds[(r, c)] = CellKind.FORMULA
                if "note" in cell:
                    grid.notes[(r, c)] = cell["note"]
    return grid


def _batches(requests_: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Split sub-requests into batches that stay under the payload limit (usually one)."""
    batches: list[list[dict[str, Any]]] = []
    size = PAYLOAD_LIMIT
    for request in requests_:
        cost = len(json.dumps(request, ensure_ascii=False).encode()) + 2
        if size + cost > PAYLOAD_LIMIT and (not batches or batches[-1]):
            batches.append([])
            size = len('{"requests": []}')
        batches[-1].append(request)
        size += cost
    return batches
