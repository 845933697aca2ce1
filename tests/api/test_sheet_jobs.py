"""Validation jobs and the sheet's active import: what the sidebar polls instead of waiting."""

from __future__ import annotations

import datetime as dt
import threading
import time

from service import extensions, organisations, validation_jobs
from service.models import ValidationJob, utcnow
from tests.auth_tokens import TEST_EMAIL

ACTIVE = "/api/v1/sheets/{}/imports/active"


def wait_for_job(client, location, headers, timeout=30.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        job = client.get(location, headers=headers).json["validation"]
        if job["status"] in ("succeeded", "failed") or time.monotonic() > deadline:
            return job
        time.sleep(0.05)


def test_a_validation_job_answers_202_then_holds_the_groups_and_one_read_one_write(
    client, spreadsheet, auth, emulator
):
    started = client.post(
        f"/api/v1/sheets/{spreadsheet}/validations", json={"worksheet_id": 111}, headers=auth()
    )
    assert started.status_code == 202
    assert started.json["validation"]["status"] in ("queued", "running", "succeeded")
    job = wait_for_job(client, started.headers["Location"], auth())
    assert job["status"] == "succeeded", job
    result = job["result"]
    assert result["summary"] == {"rows": 3, "errors": 2, "warnings": 0}
    assert result["issues_total"] == 2
    assert [(g["column"], g["count"], g["fixable"], g["cells"]) for g in result["groups"]] == [
        ("A", 1, 1, ["A3"]),
        ("F", 1, 1, ["F4"]),
    ]
    assert set(emulator.notes(spreadsheet, "Clients")) == {"A3", "F4"}
    kinds = [r.kind for r in emulator.requests]
    assert (kinds.count("read"), kinds.count("write")) == (1, 1)


def test_a_validation_job_is_visible_only_to_members_of_its_organisation(client, spreadsheet, auth):
    started = client.post(f"/api/v1/sheets/{spreadsheet}/validations", headers=auth())
    location = started.headers["Location"]
    wait_for_job(client, location, auth())
    assert client.get(location, headers=auth(email="stranger@example.org")).status_code == 403
    assert client.get("/api/v1/validations/nope", headers=auth()).status_code == 404


def test_a_second_start_while_a_job_checks_the_worksheet_gets_that_job(app, spreadsheet):
    db = extensions.db(app)
    organisation_id = organisations.resolve(db, spreadsheet_id=spreadsheet).id
    first = validation_jobs.start_job(db, organisation_id, spreadsheet, 111, TEST_EMAIL)
    second = validation_jobs.start_job(db, organisation_id, spreadsheet, 111, TEST_EMAIL)
    other_tab = validation_jobs.start_job(db, organisation_id, spreadsheet, 5, TEST_EMAIL)
    assert (first.created, second.created, other_tab.created) == (True, False, True)
    assert second.job.id == first.job.id != other_tab.job.id


def test_a_job_whose_worker_died_reads_as_failed_with_what_to_do(app, spreadsheet):
    db = extensions.db(app)
    organisation_id = organisations.resolve(db, spreadsheet_id=spreadsheet).id
    job = validation_jobs.start_job(db, organisation_id, spreadsheet, 111, TEST_EMAIL).job
    with db.session() as session:
        row = session.get(ValidationJob, job.id)
        row.started_at = utcnow() - validation_jobs.STALE_AFTER - dt.timedelta(seconds=1)
    found = validation_jobs.get_job(db, job.id)
    assert found.status == "failed"
    assert "Validate again" in found.message


def test_groups_count_every_issue_of_a_column_and_message(app):
    issues = [
        {
            "row": r,
            "column": 6,
            "cell": f"F{r}",
            "field": "gender",
            "code": "gender.invalid",
            "severity": "error",
            "message": "Write exactly male or female.",
            "fix": "male",
        }
        for r in range(2, 85)
    ]
    issues.append(
        {
            "row": 3,
            "column": 1,
            "cell": "A3",
            "field": "email_address",
            "code": "email.existing_client",
            "severity": "warning",
            "message": "Already a client.",
            "fix": None,
        }
    )
    groups = validation_jobs.group_issues(issues)
    assert [
        (g["column"], g["severity"], g["count"], g["fixable"], len(g["cells"])) for g in groups
    ] == [("F", "error", 83, 83, 20), ("A", "warning", 1, 0, 1)]


def test_the_active_import_is_null_then_the_running_run(app, client, spreadsheet, auth):
    assert client.get(ACTIVE.format(spreadsheet), headers=auth()).json == {"import": None}
    gate = threading.Event()
    from service.imports import jobs

    real_work = jobs.work

    def slow_work(*args, **kwargs):
        gate.wait(10)
        return real_work(*args, **kwargs)

    jobs.work = slow_work
    try:
        started = client.post(
            f"/api/v1/sheets/{spreadsheet}/imports", json={"mode": "skip_invalid"}, headers=auth()
        )
        assert started.status_code == 202
        found = client.get(ACTIVE.format(spreadsheet) + "?worksheet_id=111", headers=auth()).json
        assert found["import"]["id"] == started.json["import"]["id"]
        assert found["import"]["started_by"] == TEST_EMAIL
        elsewhere = client.get(ACTIVE.format(spreadsheet) + "?worksheet_id=5", headers=auth())
        assert elsewhere.json == {"import": None}
    finally:
        gate.set()
        jobs.work = real_work
    assert client.get(ACTIVE.format(spreadsheet), headers=auth(email="x@y.org")).status_code == 403
