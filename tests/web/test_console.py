"""The console's upload page, driven in headless Chromium as a pro would use it."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from service import create_app, extensions, organisations

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
HEADER = "email_address,initial_password,first_name,last_name,birthdate,gender"


def console_app(settings):
    """The app in dev auth mode, its dev user a member of the default organisation."""
    app = create_app({"ROSTER_SETTINGS": settings})
    organisation = organisations.resolve(extensions.db(app))
    organisations.add_member(extensions.db(app), organisation, settings.dev_user, "pro")
    return app


@pytest.fixture
def console(settings):
    """The app served on a loopback port, in dev auth mode."""
    app = console_app(settings)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    extensions.close(app)


def test_the_console_offers_a_file_upload(client_for_console):
    page = client_for_console.get("/")
    assert page.status_code == 200 and b'name="roster"' in page.data


@pytest.fixture
def client_for_console(settings):
    app = console_app(settings)
    yield app.test_client()
    extensions.close(app)


def test_a_file_that_is_not_a_roster_is_refused_in_plain_words(client_for_console, tmp_path):
    from io import BytesIO

    response = client_for_console.post(
        "/check", data={"roster": (BytesIO(b"x"), "notes.txt")}, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert b"Roster reads .csv and .xlsx files" in response.data


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (.ci/run installs it)")
def test_a_pro_uploads_a_roster_and_sees_the_issues_in_chromium(console, tmp_path):
    from playwright.sync_api import sync_playwright

    roster = tmp_path / "roster.csv"
    roster.write_text(
        f"{HEADER}\nAnn@Example.com,Abcdef1!x,Ann,Lee,1980-01-01,female\n"
        "bob@example.com,Abcdef1!y,Bob,Ray,19810202,male\n",
        encoding="utf-8",
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
            ],
        )
        page = browser.new_page()
        page.goto(console)
        page.set_input_files("input[name=roster]", str(roster))
        page.click("button[type=submit]")
        page.wait_for_selector("#summary")
        summary = page.inner_text("#summary")
        rows = [
            [cell.inner_text() for cell in row.query_selector_all("td")]
            for row in page.query_selector_all("#issues tbody tr")
        ]
        page.screenshot(path=str(Path(tmp_path) / "console.png"), full_page=True)
        browser.close()
    assert "2 rows" in summary and "2 errors" in summary
    assert [(r[0], r[3]) for r in rows] == [("A2", "ann@example.com"), ("E2", "19800101")]


def test_with_google_sign_in_the_upload_needs_a_token(settings, certs_url):
    from io import BytesIO

    app = create_app(
        {
            "ROSTER_SETTINGS": settings.replace(
                auth_mode="google", id_token_audiences=("aud",), id_token_certs_url=certs_url
            )
        }
    )
    response = app.test_client().post(
        "/check",
        data={"roster": (BytesIO(HEADER.encode()), "r.csv")},
        content_type="multipart/form-data",
    )
    extensions.close(app)
    assert response.status_code == 401


def test_the_upload_cannot_peek_at_another_organisations_data(client_for_console, settings):
    from io import BytesIO

    db = extensions.db(client_for_console.application)
    organisations.create_organisation(db, "other-clinic")
    response = client_for_console.post(
        "/check",
        data={"roster": (BytesIO(HEADER.encode()), "r.csv"), "org": "other-clinic"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
    assert b"not a member of other-clinic" in response.data
