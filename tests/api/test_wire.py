"""The wire is the schema: every sheet route's real answer loads back through the marshmallow
schema the OpenAPI document names for it (unknown members refused), and a validate reads the
sheet once."""

from __future__ import annotations

import time

from marshmallow import Schema

from service import extensions
from service.api import schemas
from service.imports import jobs
from tests.auth_tokens import TEST_EMAIL

PROBLEM = "application/problem+json"


def documented(client, path: str, method: str, status: int) -> str:
    """The schema the OpenAPI document gives for this route's answer with this status."""
    operation = client.get("/api/v1/openapi.json").json["paths"][path][method]
    content = operation["responses"][str(status)]["content"]
    [(_, media)] = content.items()
    return media["schema"]["$ref"].rsplit("/", 1)[-1]


def loads(client, path: str, method: str, response) -> dict:
    """The answer, loaded by its documented schema: it fails on any member the schema lacks."""
    name = documented(client, path, method, response.status_code)
    schema: Schema = getattr(schemas, name)()
    return schema.load(response.json)


SHEET = "/api/v1/sheets/{spreadsheet_id}"


def test_a_validate_answer_is_its_schema_and_costs_one_read_and_one_write(
    client, spreadsheet, auth, emulator
):
    response = client.post(f"/api/v1/sheets/{spreadsheet}/validate", json={}, headers=auth())
    loaded = loads(client, f"{SHEET}/validate", "post", response)
    assert loaded["summary"]["errors"] == 2 and loaded["notes"]["written"] == 2
    kinds = [r.kind for r in emulator.requests]
    # no worksheet named: the sheet's first tab is looked up, then read
    assert (kinds.count("read"), kinds.count("write")) in {(1, 1), (2, 1)}
    before = len(emulator.requests)
    client.post(
        f"/api/v1/sheets/{spreadsheet}/validate", json={"worksheet_id": 111}, headers=auth()
    )
    kinds = [r.kind for r in emulator.requests[before:]]
    assert kinds == ["read"]  # the notes are as they should be already: nothing to write


def test_a_dry_run_answer_is_its_schema(client, spreadsheet, auth):
    response = client.post(
        f"/api/v1/sheets/{spreadsheet}/imports",
        json={"dry_run": True, "mode": "skip_invalid", "worksheet_id": 111},
        headers=auth(),
    )
    assert response.status_code == 200
    assert loads(client, f"{SHEET}/imports", "post", response)["plan"]["create"] == 1


def test_an_import_and_its_progress_are_their_schema(client, spreadsheet, auth):
    started = client.post(
        f"/api/v1/sheets/{spreadsheet}/imports",
        json={"mode": "skip_invalid", "worksheet_id": 111},
        headers=auth(),
    )
    assert started.status_code == 202
    run = loads(client, f"{SHEET}/imports", "post", started)["import_"]
    deadline = time.monotonic() + 30
    while True:
        status = client.get(started.headers["Location"], headers=auth())
        run = loads(client, "/api/v1/imports/{import_id}", "get", status)["import_"]
        if run["status"] not in ("queued", "running") or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert run["status"] == "succeeded" and run["invitations_sent"] == 0


def test_a_fix_answer_is_its_schema(client, spreadsheet, auth):
    response = client.post(f"/api/v1/sheets/{spreadsheet}/fix", json={}, headers=auth())
    fixed = loads(client, f"{SHEET}/fix", "post", response)
    assert {change["cell"] for change in fixed["changed"]} == {"A3", "F4"}


def test_an_import_blocked_by_errors_is_a_problem_with_its_issues(client, spreadsheet, auth):
    response = client.post(f"/api/v1/sheets/{spreadsheet}/imports", json={}, headers=auth())
    assert response.status_code == 422 and response.mimetype == PROBLEM
    problem = loads(client, f"{SHEET}/imports", "post", response)
    assert [issue["cell"] for issue in problem["issues"]] == ["A3", "F4"]


def test_an_import_already_running_is_a_problem_naming_its_run(app, client, spreadsheet, auth):
    opened = jobs.start_import(
        extensions.db(app),
        extensions.sheets(app),
        extensions.settings(app),
        spreadsheet,
        111,
        "teammate@example.com",
        member=TEST_EMAIL,
        mode="skip_invalid",
    ).run  # opened, and no worker has it yet
    response = client.post(
        f"/api/v1/sheets/{spreadsheet}/imports",
        json={"mode": "skip_invalid", "worksheet_id": 111},
        headers=auth(),
    )
    assert response.status_code == 409 and response.mimetype == PROBLEM
    problem = loads(client, f"{SHEET}/imports", "post", response)
    assert (problem["import_id"], problem["started_by"]) == (opened.id, "teammate@example.com")
