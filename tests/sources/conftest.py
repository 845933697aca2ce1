"""The Sheets emulator and an adapter pointed at it, with recorded (not slept) backoff waits."""

from __future__ import annotations

import json

import pytest

from service.sources.google_sheets import GoogleSheets

SERVICE_ACCOUNT = "roster-tests@roster-emulator.iam.gserviceaccount.com"


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def credentials_file(tmp_path) -> str:
    """A service account key file; with an emulator only its email is read."""
    path = tmp_path / "service-account.json"
    path.write_text(json.dumps({"type": "service_account", "client_email": SERVICE_ACCOUNT}))
    return str(path)


@pytest.fixture
def sheets(emulator, sleeps, credentials_file) -> GoogleSheets:
    return GoogleSheets(
        emulator_host=emulator.host,
        credentials_file=credentials_file,
        timeout=5.0,
        sleep=sleeps.append,
    )
