"""A plain gspread client pointed at the emulator, for checking gspread's ordinary calls."""

from __future__ import annotations

from typing import Any

import gspread
from google.auth.credentials import AnonymousCredentials
from gspread.http_client import HTTPClient

GOOGLE = "https://sheets.googleapis.com"


def gspread_client(host: str, timeout: float = 30.0) -> gspread.Client:
    """gspread as any script would use it, every request sent to http://host instead of Google."""

    class ToEmulator(HTTPClient):
        def request(self, method: str, endpoint: str, *args: Any, **kwargs: Any) -> Any:
            return super().request(
                method, endpoint.replace(GOOGLE, f"http://{host}", 1), *args, **kwargs
            )

    client = gspread.Client(auth=AnonymousCredentials(), http_client=ToEmulator)
    client.set_timeout(timeout)
    return client
