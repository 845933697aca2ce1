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
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import gspread
import requests
from google.auth.credentials import AnonymousCredentials, Credentials
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient
from gspread.urls import SPREADSHEET_URL

from ..config import Settings
from ..errors import Forbidden, NotFound, SheetsUnavailable, SourceError, WriteIncomplete
from ..roster.engine import MAX_ROWS, check_size
from ..roster.grid import Grid
from . import sheets_json

SCOPES = ["https://www.googleapis.com/auth/spreadsheets"]
GOOGLE = "https://sheets.googleapis.com"
PAYLOAD_LIMIT = 2_000_000  # Google's recommended maximum request payload, in bytes
CELL_FIELDS = "formattedValue,note,userEnteredValue.formulaValue,effectiveValue.errorValue.type"
T = TypeVar("T")
CHUNK_BYTES = 1 << 18  # how much of a streamed answer is read at a time
GRID_FIELDS = (
    "sheets(properties(sheetId,title,index),"
    f"data(startRow,startColumn,rowData.values({CELL_FIELDS})))"
)


@dataclass
class Budget:
    """Seconds already spent waiting to retry, by one call or by several that share a budget."""

    waited: float = 0.0


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
        return self._retrying(
            lambda: HTTPClient.request(self, method, self._url(endpoint), *args, **kwargs)
        )

    def read_streamed(
        self,
        method: str,
        endpoint: str,
        consume: Callable[[requests.Response], T],
        *,
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
    ) -> T:
        """`consume` the answer as it streams in, never holding all its bytes; a failure while
        it streams is retried like a failed request, with a fresh `consume`."""

        def attempt() -> T:
            with self.session.request(
                method,
                self._url(endpoint),
                params=params,
                json=json,
                timeout=self.timeout,
                stream=True,
            ) as response:
                if not response.ok:
                    response.content  # noqa: B018  (APIError reads the error's JSON)
                    raise APIError(response)
                return consume(response)

        return self._retrying(attempt)

    def _url(self, endpoint: str) -> str:
        return endpoint.replace(GOOGLE, self.base_url, 1) if self.base_url else endpoint

    def post_json(self, endpoint: str, body: bytes, budget: Budget) -> Any:
        """POST a body already serialised, retried within a budget shared with other calls."""
        return self._retrying(
            lambda: HTTPClient.request(
                self,
                "post",
                self._url(endpoint),
                data=body,
                headers={"Content-Type": "application/json; charset=utf-8"},
            ),
            budget,
        )

    def _retrying(self, call: Callable[[], T], budget: Budget | None = None) -> T:
        budget = budget or Budget()
        for attempt in range(1, self.max_attempts + 1):
            try:
                return call()
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
            wait = min(self._wait(attempt, failure), self.total_wait - budget.waited)
            if attempt == self.max_attempts or wait <= 0:
                break
            self.sleep(wait)
            budget.waited += wait
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
        """A worksheet's shown values, formulas and error values flagged, and its notes.

        The answer is compact (`prettyPrint=false`: Google indents by default, doubling the
        bytes) and parsed as it streams in, a row at a time (sources.sheets_json); a sheet past
        SPEC §9's row limit is refused as soon as the answer reaches it.
        """
        with self._translate(spreadsheet_id, worksheet):
            if worksheet is None:
                worksheet = self._first_sheet_id(spreadsheet_id)
            params: dict[str, Any] = {"fields": GRID_FIELDS, "prettyPrint": "false"}
            if isinstance(worksheet, int):
                grids = self._client().read_streamed(
                    "post",
                    SPREADSHEET_URL % spreadsheet_id + ":getByDataFilter",
                    _grids,
                    params=params,
                    json={"dataFilters": [{"gridRange": {"sheetId": worksheet}}]},
                )
            else:
                grids = self._client().read_streamed(
                    "get",
                    SPREADSHEET_URL % spreadsheet_id,
                    _grids,
                    params={**params, "ranges": _quoted(worksheet)},
                )
        return _pick(grids, worksheet)

    def write_notes(
        self, spreadsheet_id: str, sheet_id: int, notes: dict[tuple[int, int], str]
    ) -> int:
        """Set each (row, col) cell's note ('' clears it), in one batchUpdate unless they pass
        2 MB; return how many requests it took.

        Notes go top to bottom, and clearing stale notes comes last: if Google stops answering
        part-way, what is in the sheet is every issue of the rows above, and the error says how
        many were written (errors.WriteIncomplete).
        """
        ordered = sorted(notes.items(), key=lambda item: (not item[1], item[0]))
        return self._update_cells(
            spreadsheet_id,
            sheet_id,
            "note",
            ((cell, {"note": text} if text else {}) for cell, text in ordered),
            len(ordered),
            ("notes", "validate again"),
        )

    def write_values(
        self, spreadsheet_id: str, sheet_id: int, values: dict[tuple[int, int], str]
    ) -> int:
        """Set each cell to a plain text value ('' empties it) in one batchUpdate."""
        return self._update_cells(
            spreadsheet_id,
            sheet_id,
            "userEnteredValue",
            (
                (cell, {"userEnteredValue": {"stringValue": value}} if value else {})
                for cell, value in sorted(values.items())
            ),
            len(values),
            ("fixes", "fix again"),
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
        cells: Iterable[tuple[tuple[int, int], dict[str, Any]]],
        total: int,
        what: tuple[str, str],
    ) -> int:
        """One `updateCells` per cell, sent in batches of at most PAYLOAD_LIMIT bytes.

        Each batch is serialised as it is filled and sent at once: the sub-requests of a large
        validate (40,000 notes are ~12 MB) never exist as dicts all together. Google applies a
        batch whole or not at all; the batches share one retry budget, so a failure part-way
        retries only the batch that failed, and the write as a whole waits no longer than one
        request may.
        """
        client, budget = self._client(), Budget()
        url = SPREADSHEET_URL % spreadsheet_id + ":batchUpdate"
        sent = written = 0
        with self._translate(spreadsheet_id):
            for batch in _batches(_sub_requests(sheet_id, field, cells)):
                try:
                    client.post_json(url, b'{"requests":[' + b",".join(batch) + b"]}", budget)
                except SheetsUnavailable as failure:
                    if written:
                        raise WriteIncomplete(written, total, *what) from failure
                    raise
                sent += 1
                written += len(batch)
        return sent

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


def _grids(response: requests.Response) -> list[Grid]:
    try:
        return sheets_json.read_sheets(
            response.iter_content(CHUNK_BYTES), on_row=_refuse_past_the_row_limit
        )
    except ValueError as error:  # JSON that is not the answer asked for: not Google's
        raise SourceError(f"Google Sheets sent an answer Roster cannot read ({error}).") from None


def _refuse_past_the_row_limit(filled: int) -> None:
    if filled > MAX_ROWS + 1:  # the header and MAX_ROWS clients
        check_size(filled, 0)


def _pick(grids: list[Grid], worksheet: str | int) -> Grid:
    """The sheet asked for; Google returns only the sheets a range touches, but check anyway."""
    for grid in grids:
        if (grid.sheet_id if isinstance(worksheet, int) else grid.title) == worksheet:
            return grid
    raise _no_worksheet(worksheet)


def _sub_requests(
    sheet_id: int, field: str, cells: Iterable[tuple[tuple[int, int], dict[str, Any]]]
) -> Iterator[bytes]:
    for (row, col), data in cells:
        request = {
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
        yield json.dumps(request, ensure_ascii=False, separators=(",", ":")).encode()


def _batches(requests_: Iterable[bytes]) -> Iterator[list[bytes]]:
    """Group serialised sub-requests into batches that stay under the payload limit."""
    batch: list[bytes] = []
    size = len(b'{"requests":[]}')
    for request in requests_:
        if batch and size + len(request) + 1 > PAYLOAD_LIMIT:
            yield batch
            batch, size = [], len(b'{"requests":[]}')
        batch.append(request)
        size += len(request) + 1
    if batch:
        yield batch
