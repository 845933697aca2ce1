"""SheetsEmulator: the Sheets API v4 over real HTTP on loopback, with a request log and faults.

with SheetsEmulator() as emu:
    sid = emu.create_spreadsheet(Tab("Roster", [["email_address"], ["a@b.org"]]))
    os.environ["SHEETS_EMULATOR_HOST"] = emu.host      # "127.0.0.1:PORT"
"""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from .a1 import cell_name
from .api import ApiError, SheetsApi
from .discovery import DEFAULT_PATH, Discovery, Invalid
from .store import Sheet, Spreadsheet, Tab, where

DISCONNECT = "disconnect"
_READ_METHODS = {
    "sheets.spreadsheets.getByDataFilter",
    "sheets.spreadsheets.values.batchGetByDataFilter",
    "sheets.spreadsheets.developerMetadata.search",
}
_QUOTA_MESSAGE = (
    "Quota exceeded for quota metric '{metric} requests' and limit "
    "'{metric} requests per minute per user' of service "
    "'sheets.googleapis.com' for consumer 'project_number:000000000000'."
)


@dataclass(frozen=True)
class LoggedRequest:
    """One request as the emulator received it."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    status: int
    kind: str  # "read", "write" or "" when no API method matched
    seconds: float = 0.0  # from the request's arrival to the answer's last byte sent

    @property
    def json_size(self) -> int:
        return len(json.dumps(self.body)) if self.body is not None else 0


class _Quota:
    """Google's per-user limits: at most `limit` reads and `limit` writes in each minute."""

    def __init__(self, reads: int, writes: int, clock: Callable[[], float]):
        self.limits = {"read": reads, "write": writes}
        self.clock = clock
        self.seen: dict[str, deque[float]] = {"read": deque(), "write": deque()}

    def admit(self, kind: str) -> bool:
        now = self.clock()
        seen = self.seen[kind]
        while seen and seen[0] <= now - 60:
            seen.popleft()
        if len(seen) >= self.limits[kind]:
            return False
        seen.append(now)
        return True


class SheetsEmulator:
    """An in-memory Sheets API v4 server; start it with `with` or start()/stop()."""

    def __init__(self, *, port: int = 0, latency: float = 0.0, discovery: Path = DEFAULT_PATH):
        self.latency = latency
        self._api = SheetsApi(Discovery(discovery))
        self._spreadsheets: dict[str, Spreadsheet] = {}
        self._log: list[LoggedRequest] = []
        self._faults: deque[int | str | None] = deque()  # None: answer as usual
        self._quota: _Quota | None = None
        self._lock = threading.RLock()
        self._port = port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> SheetsEmulator:
        self._server = ThreadingHTTPServer(("127.0.0.1", self._port), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.02,), name="sheets-emulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> SheetsEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def host(self) -> str:
        """host:port, the value for SHEETS_EMULATOR_HOST."""
        assert self._server is not None, "start the emulator first"
        return f"127.0.0.1:{self._server.server_address[1]}"

    @property
    def url(self) -> str:
        return f"http://{self.host}"

    # -- a person's view of the spreadsheets ---------------------------------------------------

    def create_spreadsheet(
        self, *tabs: Tab, title: str = "Roster", spreadsheet_id: str | None = None
    ) -> str:
        """Create a spreadsheet (one empty 'Sheet1' when no tabs are given); return its id."""
        ss = Spreadsheet(spreadsheet_id, title)
        for tab in tabs or (Tab("Sheet1"),):
            ss.add(tab)
        with self._lock:
            self._spreadsheets[ss.id] = ss
        return ss.id

    def set_value(
        self,
        spreadsheet_id: str,
        cell: str | tuple[int, int],
        value: Any,
        sheet: str | int | None = None,
    ) -> None:
        """Type a value into a cell (cells.Formula / ErrorCell / Formatted for the special ones)."""
        with self._lock:
            self._sheet(spreadsheet_id, sheet).cell(*where(cell)).set_value(value)

    def set_note(
        self,
        spreadsheet_id: str,
        cell: str | tuple[int, int],
        text: str,
        sheet: str | int | None = None,
    ) -> None:
        """Write (or with '' remove) a note on a cell, as a person does."""
        with self._lock:
            self._sheet(spreadsheet_id, sheet).cell(*where(cell)).note = text or None

    def notes(self, spreadsheet_id: str, sheet: str | int | None = None) -> dict[str, str]:
        """Every note on a sheet, by A1 cell name."""
        with self._lock:
            rows = self._sheet(spreadsheet_id, sheet).rows
            return {
                cell_name(r, c): cell.note
                for r, cells in enumerate(rows)
                for c, cell in enumerate(cells)
                if cell is not None and cell.note
            }

    def values(self, spreadsheet_id: str, sheet: str | int | None = None) -> list[list[str]]:
        """The values shown, without trailing empty cells and rows."""
        with self._lock:
            target = self._sheet(spreadsheet_id, sheet)
            out = []
            for cells in target.rows:
                row = [(cell.shown or "") if cell else "" for cell in cells]
                while row and not row[-1]:
                    row.pop()
                out.append(row)
            while out and not out[-1]:
                out.pop()
            return out

    def cell(
        self, spreadsheet_id: str, cell: str | tuple[int, int], sheet: str | int | None = None
    ) -> dict[str, Any]:
        """One cell as the API's CellData."""
        with self._lock:
            found = self._sheet(spreadsheet_id, sheet).get(*where(cell))
            return found.data() if found else {}

    def share(self, spreadsheet_id: str) -> None:
        """Share the spreadsheet with Roster's account (every new spreadsheet is shared)."""
        self._spreadsheets[spreadsheet_id].shared = True

    def unshare(self, spreadsheet_id: str) -> None:
        """Stop sharing: every request for this spreadsheet then gets 403 PERMISSION_DENIED."""
        self._spreadsheets[spreadsheet_id].shared = False

    def _sheet(self, spreadsheet_id: str, sheet: str | int | None) -> Sheet:
        return self._spreadsheets[spreadsheet_id].sheet(sheet)

    # -- log and faults ------------------------------------------------------------------------

    @property
    def requests(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._log)

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()

    def _answered(self, logged: list[LoggedRequest], seconds: float) -> None:
        """Stamp a logged request with how long its whole answer took."""
        with self._lock:
            for position in range(len(self._log) - 1, -1, -1):
                if self._log[position] is logged[0]:
                    self._log[position] = dataclasses.replace(logged[0], seconds=seconds)
                    return

    def fail_next(self, count: int = 1, status: int | str = 503, after: int = 0) -> None:
        """Answer the next `count` requests with this error (429, 500, 503...) or DISCONNECT,
        once `after` requests have been answered as usual."""
        with self._lock:
            self._faults.extend([None] * after + [status] * count)

    def limit_per_minute(
        self, reads: int = 60, writes: int = 60, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Enforce Google's per-user quota: beyond it, 429 RESOURCE_EXHAUSTED."""
        self._quota = _Quota(reads, writes, clock)

    def unlimited(self) -> None:
        self._quota = None

    # -- one request ---------------------------------------------------------------------------

    def handle(
        self, method: str, target: str, raw_body: bytes, logged: list[LoggedRequest] | None = None
    ) -> tuple[int | str, dict | None]:
        """Answer one HTTP request: (status, JSON body), or (DISCONNECT, None).

        The request is logged (and appended to `logged`, so that the server can add how long
        the answer took to send)."""
        split = urlsplit(target)
        query = parse_qs(split.query, keep_blank_values=True)
        kind, status, answer = "", 500, None
        body: Any = None
        try:
            if self.latency:
                time.sleep(self.latency)
            try:
                body = json.loads(raw_body) if raw_body else None
            except ValueError:
                raise ApiError.invalid("Invalid JSON payload received. Unexpected token.") from None
            route = self._api.discovery.route(method, split.path)
            if route is not None:
                kind = "read" if method == "GET" or route[0].id in _READ_METHODS else "write"
            with self._lock:
                fault = self._faults.popleft() if self._faults else None
            if fault == DISCONNECT:
                status = DISCONNECT
                return status, None
            if fault is not None:
                raise _injected(int(fault), kind)
            if route is None:
                raise ApiError(404, f"Method not found: {method} {split.path}")
            api_method, params = route
            if self._quota is not None and kind and not self._quota.admit(kind):
                raise _quota_error(kind)
            try:
                self._api.discovery.check_query(api_method, query)
                self._api.discovery.check_body(api_method, body if body is not None else {})
            except Invalid as error:
                raise ApiError.invalid(str(error), error.field) from None
            handler = self._api.handlers.get(api_method.id)
            if handler is None:
                raise ApiError(501, f"The Sheets emulator does not implement {api_method.id}.")
            with self._lock:
                ss = self._spreadsheets.get(params.get("spreadsheetId", ""))
                if ss is None:
                    raise ApiError(404, "Requested entity was not found.")
                if not ss.shared:
                    raise ApiError(403, "The caller does not have permission")
                merged = dict(query)
                merged.update({k: [v] for k, v in params.items()})
                answer = handler(ss, merged, body if body is not None else {})
            status = 200
            return status, answer
        except ApiError as error:
            status = error.code
            return status, error.body()
        finally:
            entry = LoggedRequest(
                method,
                unquote(split.path),
                query,
                body,
                status if isinstance(status, int) else 0,
                kind,
            )
            with self._lock:
                self._log.append(entry)
            if logged is not None:
                logged.append(entry)


def _injected(status: int, kind: str) -> ApiError:
    if status == 429:
        return _quota_error(kind or "write")
    messages = {
        500: "Internal error encountered.",
        502: "Bad gateway.",
        503: "The service is currently unavailable.",
        504: "Deadline exceeded.",
    }
    return ApiError(status, messages.get(status, f"Injected error {status}."))


def _quota_error(kind: str) -> ApiError:
    metric = "Read" if kind == "read" else "Write"
    return ApiError(
        429,
        _QUOTA_MESSAGE.format(metric=metric),
        [
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "RATE_LIMIT_EXCEEDED",
                "domain": "googleapis.com",
                "metadata": {
                    "service": "sheets.googleapis.com",
                    "quota_metric": f"sheets.googleapis.com/{kind}_requests",
                    "quota_limit": f"{metric}RequestsPerMinutePerUser",
                    "quota_limit_value": "60",
                },
            }
        ],
    )


def _handler(emulator: SheetsEmulator) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the real API and requests' pool expect
        disable_nagle_algorithm = True  # else headers then body wait on a delayed ACK (~40 ms)

        def _serve(self) -> None:
            started = time.perf_counter()
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            logged: list[LoggedRequest] = []
            status, answer = emulator.handle(self.command, self.path, raw, logged)
            if status == DISCONNECT:
                self.close_connection = True
                return
            self._send(status, _encoded(answer, pretty=_pretty(self.path)))
            emulator._answered(logged, time.perf_counter() - started)

        def _send(self, status: int | str, payload: bytes) -> None:
            try:
                self.send_response(int(status))
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up waiting (a timeout test)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the request log replaces stderr lines

    return Handler


def _pretty(target: str) -> bool:
    """Google indents its answers unless asked not to (the standard `prettyPrint` parameter)."""
    values = parse_qs(urlsplit(target).query).get("prettyPrint", ["true"])
    return values[-1].lower() != "false"


def _encoded(answer: Any, pretty: bool) -> bytes:
    if pretty:  # Google's layout: two spaces per level, a space after each colon
        return json.dumps(answer, ensure_ascii=False, indent=2).encode()
    return json.dumps(answer, ensure_ascii=False, separators=(",", ":")).encode()
