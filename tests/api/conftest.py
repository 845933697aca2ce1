"""The API wired for real: Google ID tokens signed locally, and the Sheets emulator over HTTP."""

from __future__ import annotations

import threading

import pytest

from service import create_app, extensions, organisations
from tests.auth_tokens import TEST_AUDIENCE, TEST_EMAIL
from tests.sheets_emulator import Tab

HEADER = [
    "email_address",
    "initial_password",
    "first_name",
    "last_name",
    "birthdate",
    "gender",
    "tag",
]
ROWS = [
    ["ann@example.com", "Abcdef1!x", "Ann", "Lee", "19800101", "female", "VIP"],
    ["Bob@Example.com", "Abcdef1!y", "Bob", "Ray", "19810202", "male", ""],
    ["cy@example.com", "Abcdef1!z", "Cy", "Fox", "19820303", "Male", ""],
]


@pytest.fixture
def spreadsheet(emulator) -> str:
    """A team's roster sheet: one row per client, two of them with fixable mistakes."""
    return emulator.create_spreadsheet(
        Tab("Clients", [HEADER, *ROWS], gid=111), spreadsheet_id="1RosterSheetForTheApiTests000"
    )


@pytest.fixture
def api_settings(settings, emulator, certs_url):
    return settings.replace(
        auth_mode="google",
        id_token_audiences=(TEST_AUDIENCE,),
        id_token_certs_url=certs_url,
        sheets_emulator_host=emulator.host,
    )


@pytest.fixture
def app(api_settings, spreadsheet):
    app = create_app({"ROSTER_SETTINGS": api_settings, "TESTING": True})
    db = extensions.db(app)
    organisation = organisations.resolve(db)
    organisations.add_member(db, organisation, TEST_EMAIL, "pro")
    organisations.add_tags(db, organisation, ["VIP"])
    organisations.link_sheet(db, organisation, spreadsheet)
    yield app
    for thread in threading.enumerate():  # imports a test started run on: let them end first
        if thread.name.startswith(("import-", "validation-")):
            thread.join(timeout=60)
    extensions.close(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def auth(make_token):
    """Headers carrying a valid ID token of a member, or of whoever is named."""

    def headers(**claims) -> dict[str, str]:
        return {"Authorization": f"Bearer {make_token(**claims)}"}

    return headers
