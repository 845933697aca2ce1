"""The built Apps Script's menu against the real backend: the script's requests over HTTP, the
real token check, the Sheets emulator (apps_script/test/e2e_driver.js runs the script)."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from service import extensions, organisations

DRIVER = Path(__file__).parents[2] / "apps_script" / "test" / "e2e_driver.js"
pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js 20")


@pytest.fixture
def backend(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def run_script(backend: str, **scenario) -> dict:
    done = subprocess.run(
        ["node", str(DRIVER)],
        input=json.dumps(scenario),
        env={"ROSTER_E2E_ORIGIN": backend, "PATH": "/usr/bin:/bin:/usr/local/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_scripts_validate_writes_notes_through_the_real_api(
    backend, spreadsheet, make_token, emulator
):
    out = run_script(
        backend,
        token=make_token(),
        spreadsheetId=spreadsheet,
        sheets=[{"name": "Clients", "sheetId": 111, "lastRow": 4}],
        steps=["menuValidate", "sidebarState"],
    )
    assert out["requests"] == [["post", f"/api/v1/sheets/{spreadsheet}/validate", 200]]
    assert out["alerts"][0].startswith('Checked 3 rows of "Clients": 2 errors, no warnings.')
    groups = out["state"]["validation"]["groups"]
    assert [(g["label"], g["countText"], g["fixable"]) for g in groups] == [
        ("Email address (A)", "1 cell", 1),
        ("Gender (F)", "1 cell", 1),
    ]
    assert set(emulator.notes(spreadsheet, "Clients")) == {"A3", "F4"}


def test_a_large_sheet_goes_through_a_validation_job_of_the_real_api(
    backend, spreadsheet, make_token, emulator
):
    out = run_script(
        backend,
        token=make_token(),
        spreadsheetId=spreadsheet,
        sheets=[{"name": "Clients", "sheetId": 111, "lastRow": 50000}],
        steps=["menuValidate"],
    )
    paths = [(method, path) for method, path, _ in out["requests"]]
    assert paths[0] == ("post", f"/api/v1/sheets/{spreadsheet}/validations")
    assert paths[-1][1].startswith("/api/v1/validations/")
    assert out["alerts"][0].startswith('Checked 3 rows of "Clients": 2 errors')
    assert set(emulator.notes(spreadsheet, "Clients")) == {"A3", "F4"}


def test_the_scripts_import_starts_a_run_and_follows_it_to_the_end(
    backend, spreadsheet, make_token
):
    out = run_script(
        backend,
        token=make_token(),
        spreadsheetId=spreadsheet,
        sheets=[{"name": "Clients", "sheetId": 111, "lastRow": 4}],
        answers=["YES"],
        steps=["menuImport"],
    )
    assert [s for _, _, s in out["requests"]][:2] == [200, 202]
    assert out["alerts"][-1].startswith('The import of "Clients" finished: 1 client created')


def test_a_bound_script_connects_with_a_link_code_then_sets_up_the_template(
    app, backend, spreadsheet, make_token, emulator
):
    """SPEC §6: an audience nobody configured is refused, connected with an admin's code, then
    accepted for this sheet; Set up template builds the org's dropdowns from `schema`."""
    linking = pytest.importorskip("service.admin.linking", reason="the admin API is not merged")
    from service.admin.access import Actor

    db = extensions.db(app)
    organisation = organisations.resolve(db)
    organisations.add_member(db, organisation, "admin@example.org", "admin")
    organisations.add_attribute(db, organisation, "Plan", "choice", ["Basic", "Pro"])
    code = linking.create_link_code(db, Actor("admin@example.org"), None).code
    bound = make_token(audience="1234-bound-copy.apps.googleusercontent.com")
    sheets = [{"name": "Clients", "sheetId": 111, "lastRow": 4}]

    refused = run_script(
        backend, token=bound, spreadsheetId=spreadsheet, sheets=sheets, steps=["menuValidate"]
    )
    assert refused["requests"][0][2] == 401
    assert "Connect to Roster" in refused["alerts"][0]

    wrong = run_script(
        backend,
        token=bound,
        spreadsheetId=spreadsheet,
        sheets=sheets,
        answers=[{"button": "OK", "text": "WRONG-CODE-0000"}],
        steps=["menuConnect"],
    )
    assert wrong["alerts"][1].startswith("Roster did not connect this spreadsheet: This link code")

    connected = run_script(
        backend,
        token=bound,
        spreadsheetId=spreadsheet,
        sheets=[{"name": "Clients", "sheetId": 111, "values": [], "maxRows": 20}],
        answers=[{"button": "OK", "text": code}],
        steps=["menuConnect", "menuValidate", "menuSetUpTemplate"],
    )
    assert [status for _, _, status in connected["requests"]] == [200, 200, 200]
    assert 'connected to the Roster organisation "default"' in connected["alerts"][1]
    rules = {
        c["range"]: c["rule"]["values"]
        for c in connected["calls"]
        if c["method"] == "setDataValidation"
    }
    assert rules["G2:G20"] == ["VIP"]
    assert rules["I2:I20"] == ["Basic", "Pro"]

    used = run_script(
        backend,
        token=bound,
        spreadsheetId=spreadsheet,
        sheets=sheets,
        answers=[{"button": "OK", "text": code}],
        steps=["menuConnect"],
    )
    assert "already used" in used["alerts"][1]
