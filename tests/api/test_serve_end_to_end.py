"""`roster serve` as an operator runs it: a real server process, a real token, a real sheet."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest
import requests

from service import migrate, organisations
from service.db import Database
from tests.api.conftest import HEADER, ROWS
from tests.auth_tokens import TEST_AUDIENCE, TEST_EMAIL
from tests.sheets_emulator import Tab


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(settings, emulator, certs_url):
    """`roster serve` in its own process, configured only through the environment."""
    port = free_port()
    env = {
        **os.environ,
        "ROSTER_DATABASE_URL": settings.database_url,
        "ROSTER_ID_TOKEN_AUDIENCES": TEST_AUDIENCE,
        "ROSTER_ID_TOKEN_CERTS_URL": certs_url,
        "SHEETS_EMULATOR_HOST": emulator.host,
        "ROSTER_ARGON2_PROFILE": "test",
    }
    env.pop("ROSTER_AUTH", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from service.cli import main; main()",
            "serve",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(f"{base}/healthz", timeout=1)
            break
        except requests.ConnectionError:
            assert process.poll() is None, process.communicate()[0]
            assert time.monotonic() < deadline, "roster serve did not start"
            time.sleep(0.1)
    yield base
    process.terminate()
    process.communicate(timeout=10)


def test_validate_through_a_running_server_puts_notes_in_the_sheet(
    server, settings, emulator, make_token
):
    spreadsheet = emulator.create_spreadsheet(
        Tab("Clients", [HEADER, *ROWS]), spreadsheet_id="1EndToEndRosterSheet00000000"
    )
    db = Database.from_settings(settings)
    migrate(db)
    organisation = organisations.resolve(db)
    organisations.add_member(db, organisation, TEST_EMAIL, "pro")
    organisations.add_tags(db, organisation, ["VIP"])
    organisations.link_sheet(db, organisation, spreadsheet)
    db.dispose()
    response = requests.post(
        f"{server}/api/v1/sheets/{spreadsheet}/validate",
        json={},
        headers={"Authorization": f"Bearer {make_token()}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    assert response.json()["summary"]["errors"] == 2
    assert set(emulator.notes(spreadsheet)) == {"A3", "F4"}
    refused = requests.post(f"{server}/api/v1/sheets/{spreadsheet}/validate", json={}, timeout=30)
    assert refused.status_code == 401
    assert refused.headers["Content-Type"].startswith("application/problem+json")
