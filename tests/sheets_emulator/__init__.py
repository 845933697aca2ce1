"""A Sheets API v4 emulator for tests and benchmarks: real HTTP on loopback, in-memory sheets.

Requests are checked against the discovery document (tests/data/sheets.v4.json), answered in
Google's shapes, logged, and can be made to fail (429, 5xx, dropped connections, latency, quota).
"""

from .cells import ErrorCell, Formatted, Formula
from .server import DISCONNECT, LoggedRequest, SheetsEmulator
from .store import Tab

__all__ = [
    "DISCONNECT",
    "ErrorCell",
    "Formatted",
    "Formula",
    "LoggedRequest",
    "SheetsEmulator",
    "Tab",
]
