"""The JSON API over the real auth and the Sheets emulator: who may call, and what they get."""

from __future__ import annotations

import time

import pytest

from service import extensions, organisations
from service.errors import ConfigError
from tests.auth_tokens import TEST_EMAIL

PROBLEM = "application/problem+json"


def validate_url(spreadsheet: str) -> str:
    return f"/api/v1/sheets/{spreadsheet}/validate"


def test_healthz_needs_no_token(client):
    assert client.get("/healthz").json == {"status": "ok"}


@pytest.mark.parametrize(
    "claims, headers",
    [
        (None, {}),
        (None, {"Authorization": "Bearer not-a-token"}),
        ({"expires_in": -3600}, None),
        ({"audience": "someone-else.apps.googleusercontent.com"}, None),
        ({"issuer": "https://evil.example.com"}, None),
        ({"email_verified": False}, None),
        ({"signed_by_stranger": True}, None),
    ],
    ids=[
        "missing",
        "malformed",
        "expired",
        "wrong audience",
        "wrong issuer",
        "unverified email",
        "signed by another key",
    ],
)
def test_a_call_without_a_valid_token_is_401_problem_json(
    client, spreadsheet, make_token, claims, headers
):
    if headers is None:
        headers = {"Authorization": f"Bearer {make_token(**claims)}"}
    response = client.post(validate_url(spreadsheet), json={}, headers=headers)
    assert response.status_code == 401
    assert response.mimetype == PROBLEM
    assert response.json["status"] == 401 and response.json["detail"]


def test_a_signed_in_stranger_is_403(client, spreadsheet, auth):
    response = client.post(
        validate_url(spreadsheet), json={}, headers=auth(email="stranger@example.org")
    )
    assert response.status_code == 403
    assert response.mimetype == PROBLEM
    assert "not a member" in response.json["detail"]


def test_a_sheet_not_linked_to_the_callers_organisation_is_404(client, auth, emulator):
    other = emulator.create_spreadsheet(spreadsheet_id="1SomeoneElsesSheet00000000000")
    response = client.post(validate_url(other), json={}, headers=auth())
    assert response.status_code == 404
    assert response.mimetype == PROBLEM


def test_a_member_of_another_organisation_is_403(app, client, spreadsheet, auth):
    other = organisations.create_organisation(extensions.db(app), "other-clinic")
    organisations.add_member(extensions.db(app), other, "outsider@example.org", "admin")
    response = client.post(
        validate_url(spreadsheet), json={}, headers=auth(email="outsider@example.org")
    )
    assert response.status_code == 403


def test_validate_returns_the_issues_and_writes_notes_on_the_wrong_cells(
    client, spreadsheet, auth, emulator
):
    response = client.post(validate_url(spreadsheet), json={"worksheet": "Clients"}, headers=auth())
    assert response.status_code == 200
    body = response.json
    assert body["summary"] == {"rows": 3, "errors": 2, "warnings": 0}
    assert [(i["cell"], i["code"], i["fix"]) for i in body["issues"]] == [
        ("A3", "email.not_lowercase", "bob@example.com"),
        ("F4", "gender.invalid", "male"),
    ]
    notes = emulator.notes(spreadsheet, "Clients")
    assert set(notes) == {"A3", "F4"}
    assert notes["A3"].startswith("Roster:")


def test_validate_by_worksheet_id_and_unknown_fields_are_rejected(client, spreadsheet, auth):
    ok = client.post(validate_url(spreadsheet), json={"worksheet_id": 111}, headers=auth())
    assert ok.status_code == 200
    bad = client.post(validate_url(spreadsheet), json={"sheet": "Clients"}, headers=auth())
    assert bad.status_code == 422 and bad.mimetype == PROBLEM
    assert "sheet" in bad.json["detail"]


def test_a_body_over_the_size_limit_is_413(app, client, spreadsheet, auth):
    limit = extensions.settings(app).max_body_bytes
    response = client.post(
        validate_url(spreadsheet),
        data=b"{" + b" " * (limit + 1) + b"}",
        content_type="application/json",
        headers=auth(),
    )
    assert response.status_code == 413
    assert response.mimetype == PROBLEM


def test_fix_applies_the_unambiguous_fixes_then_validate_is_clean(
    client, spreadsheet, auth, emulator
):
    client.post(validate_url(spreadsheet), json={}, headers=auth())
    fixed = client.post(f"/api/v1/sheets/{spreadsheet}/fix", json={}, headers=auth())
    assert fixed.status_code == 200
    assert fixed.json["changed"] == [
        {"cell": "A3", "field": "email_address", "value": "bob@example.com"},
        {"cell": "F4", "field": "gender", "value": "male"},
    ]
    assert fixed.json["summary"]["errors"] == 0
    again = client.post(validate_url(spreadsheet), json={}, headers=auth())
    assert again.json["summary"]["errors"] == 0
    assert emulator.notes(spreadsheet) == {}  # Roster's stale notes are gone


def wait_for(client, location, headers, timeout=30.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        run = client.get(location, headers=headers).json["import"]
        if run["status"] in ("succeeded", "failed", "undone") or time.monotonic() > deadline:
            return run
        time.sleep(0.05)


def test_import_is_blocked_by_errors_with_422_and_the_issues(client, spreadsheet, auth):
    response = client.post(f"/api/v1/sheets/{spreadsheet}/imports", json={}, headers=auth())
    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert {i["cell"] for i in response.json["issues"]} == {"A3", "F4"}


def test_dry_run_shows_the_plan(client, spreadsheet, auth):
    response = client.post(
        f"/api/v1/sheets/{spreadsheet}/imports",
        json={"dry_run": True, "mode": "skip_invalid"},
        headers=auth(),
    )
    assert response.status_code == 200
    assert response.json == {"plan": {"create": 1, "update": 0, "skip": 0, "blocked": 2}}


def test_import_runs_in_the_background_and_reports_into_the_sheet(
    client, spreadsheet, auth, emulator
):
    # the Apps Script always names the active tab by its gid, as here
    response = client.post(
        f"/api/v1/sheets/{spreadsheet}/imports",
        json={"mode": "skip_invalid", "worksheet_id": 111},
        headers=auth(),
    )
    assert response.status_code == 202
    location = response.headers["Location"]
    assert location == f"/api/v1/imports/{response.json['import']['id']}"
    run = wait_for(client, location, auth())
    assert run["status"] == "succeeded", run
    assert (run["created"], run["failed_rows"], run["started_by"]) == (1, 2, TEST_EMAIL)
    assert "No invitations were sent" in run["message"]
    assert "imported as a new client" in emulator.notes(spreadsheet)["A2"]
    kinds = [r.kind for r in emulator.requests]
    # validate (1 read, 1 write of notes), then the results (1 read to check rows, 1 write)
    assert (kinds.count("read"), kinds.count("write")) == (2, 2)


def test_an_import_is_visible_only_to_members_of_its_organisation(client, spreadsheet, auth):
    response = client.post(
        f"/api/v1/sheets/{spreadsheet}/imports", json={"mode": "skip_invalid"}, headers=auth()
    )
    location = response.headers["Location"]
    assert client.get(location, headers=auth(email="stranger@example.org")).status_code == 403
    assert client.get("/api/v1/imports/nope", headers=auth()).status_code == 404


def test_openapi_document_lists_every_endpoint(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert set(paths) == {
        "/api/v1/sheets/{spreadsheet_id}/validate",
        "/api/v1/sheets/{spreadsheet_id}/imports",
        "/api/v1/imports/{import_id}",
        "/api/v1/sheets/{spreadsheet_id}/fix",
        "/api/v1/orgs/{slug}/files/validate",
        "/api/v1/orgs/{slug}/files/imports",
        "/api/v1/sheets/{spreadsheet_id}/connect",
        "/api/v1/sheets/{spreadsheet_id}/schema",
        "/api/v1/orgs",
        "/api/v1/orgs/{slug}/tags",
        "/api/v1/orgs/{slug}/tags/{name}",
        "/api/v1/orgs/{slug}/attributes",
        "/api/v1/orgs/{slug}/attributes/{name}",
        "/api/v1/orgs/{slug}/members",
        "/api/v1/orgs/{slug}/members/{email}",
        "/api/v1/orgs/{slug}/sheets",
        "/api/v1/orgs/{slug}/sheets/{spreadsheet_id}",
        "/api/v1/orgs/{slug}/link-codes",
        "/api/v1/orgs/{slug}/clients",
        "/api/v1/orgs/{slug}/imports",
        "/api/v1/imports/{import_id}/rows",
        "/api/v1/imports/{import_id}/undo",
        "/api/v1/sheets/{spreadsheet_id}/validations",
        "/api/v1/validations/{job_id}",
        "/api/v1/sheets/{spreadsheet_id}/imports/active",
    }


def test_the_app_refuses_to_start_without_audiences(settings):
    from service import create_app

    with pytest.raises(ConfigError, match="ROSTER_ID_TOKEN_AUDIENCES"):
        create_app({"ROSTER_SETTINGS": settings.replace(auth_mode="google")})


def test_dev_mode_refuses_to_start_on_app_engine(settings, monkeypatch):
    from service import create_app

    monkeypatch.setenv("GAE_ENV", "standard")
    with pytest.raises(ConfigError):
        create_app({"ROSTER_SETTINGS": settings.replace(auth_mode="dev")})


def test_eight_teammates_clicking_import_at_once_start_one_run(app, spreadsheet, auth, emulator):
    import threading

    from sqlalchemy import func, select

    from service.models import Client

    emulator.set_value(spreadsheet, "A3", "bob@example.com", sheet="Clients")
    emulator.set_value(spreadsheet, "F4", "male", sheet="Clients")
    headers = auth()
    barrier = threading.Barrier(8)
    answers: list = []

    def click() -> None:
        client = app.test_client()
        barrier.wait()
        answers.append(
            client.post(f"/api/v1/sheets/{spreadsheet}/imports", json={}, headers=headers)
        )

    threads = [threading.Thread(target=click) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(a.status_code for a in answers)
    started = [a for a in answers if a.status_code == 202]
    # a run may even finish before a slower request reaches the lock: then that one starts a
    # second run, after the first, which finds everybody imported already
    assert started and set(statuses) <= {202, 409} and len(statuses) == 8, statuses
    refused = next(a for a in answers if a.status_code == 409)
    assert refused.mimetype == PROBLEM and refused.json["started_by"] == TEST_EMAIL
    assert "already importing this sheet" in refused.json["detail"]
    runs = [wait_for(app.test_client(), a.headers["Location"], headers) for a in started]
    assert {run["status"] for run in runs} == {"succeeded"}
    assert sorted(run["created"] for run in runs)[-1] == 3  # one run did all, others found them
    with extensions.db(app).session() as session:
        assert session.scalar(select(func.count()).select_from(Client)) == 3


def test_a_chunked_body_is_read_like_any_other(client, spreadsheet, auth):
    from io import BytesIO

    response = client.post(
        validate_url(spreadsheet),
        input_stream=BytesIO(b'{"bogus": 1}'),
        content_type="application/json",
        headers={**auth(), "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 422 and "bogus" in response.json["detail"]


def test_a_body_that_is_not_json_gets_a_plain_sentence(client, spreadsheet, auth):
    response = client.post(
        validate_url(spreadsheet),
        data=b"worksheet=Clients",
        content_type="application/json",
        headers=auth(),
    )
    assert response.status_code == 422
    assert response.json["detail"].startswith("The request body must be a JSON object")
