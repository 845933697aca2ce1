"""`files/validate` and `files/imports`: a roster file over multipart, with a Google ID token."""

from __future__ import annotations

import io
import time

import pytest

from service import extensions, organisations
from tests.auth_tokens import TEST_EMAIL

HEADER = "email_address,initial_password,first_name,last_name,birthdate,gender,tag"
CLEAN = f"{HEADER}\nann@example.com,Abcdef1!x,Ann,Lee,19800101,female,VIP\n"
WITH_ERRORS = f"{CLEAN}Bob@Example.com,Abcdef1!y,Bob,Ray,19810202,male,\n"


def sent(text: str, name: str = "roster.csv", **fields):
    return {"file": (io.BytesIO(text.encode()), name), **fields}


def test_a_member_validates_a_file(client, auth):
    response = client.post(
        "/api/v1/orgs/default/files/validate", data=sent(WITH_ERRORS), headers=auth()
    )
    assert response.status_code == 200
    assert response.json["summary"] == {"rows": 2, "errors": 1, "warnings": 0}
    assert response.json["issues"][0]["cell"] == "A3"
    assert "notes" not in response.json  # a file has no notes


def test_a_file_import_runs_and_reports_no_invitations(client, auth):
    response = client.post(
        "/api/v1/orgs/default/files/imports",
        data=sent(CLEAN, update_existing="false"),
        headers=auth(),
    )
    assert response.status_code == 202
    location = response.headers["Location"]
    for _ in range(200):
        run = client.get(location, headers=auth()).json["import"]
        if run["status"] in ("succeeded", "failed"):
            break
        time.sleep(0.05)
    assert (run["status"], run["created"], run["invitations_sent"]) == ("succeeded", 1, 0)


def test_errors_block_an_all_or_nothing_file_import(client, auth):
    response = client.post(
        "/api/v1/orgs/default/files/imports", data=sent(WITH_ERRORS), headers=auth()
    )
    assert response.status_code == 422
    assert response.json["issues"][0]["cell"] == "A3"


def test_a_dry_run_of_a_file_plans_and_records_nothing(client, auth):
    response = client.post(
        "/api/v1/orgs/default/files/imports",
        data=sent(WITH_ERRORS, mode="skip_invalid", dry_run="true"),
        headers=auth(),
    )
    assert response.status_code == 200
    assert response.json["plan"] == {"create": 1, "update": 0, "skip": 0, "blocked": 1}


def test_the_upload_is_refused_before_it_is_read_for_a_non_member(client, auth):
    # not a roster at all: a member would get a 422 about the file, a stranger only a 403
    response = client.post(
        "/api/v1/orgs/default/files/validate",
        data=sent("x", name="notes.txt"),
        headers=auth(email="stranger@example.org"),
    )
    assert response.status_code == 403


def test_a_file_upload_without_a_token_is_refused(client):
    response = client.post("/api/v1/orgs/default/files/validate", data=sent(CLEAN))
    assert response.status_code == 401


def test_a_member_of_one_organisation_cannot_upload_to_another(app, client, auth):
    organisations.create_organisation(extensions.db(app), "other-clinic")
    response = client.post(
        "/api/v1/orgs/other-clinic/files/validate", data=sent(CLEAN), headers=auth()
    )
    assert response.status_code == 403
    assert f"{TEST_EMAIL} is not a member of other-clinic" in response.json["detail"]


def test_a_request_without_the_file_field_says_how_to_send_it(client, auth):
    response = client.post(
        "/api/v1/orgs/default/files/validate", data={"worksheet": "x"}, headers=auth()
    )
    assert response.status_code == 422
    assert "multipart form field `file`" in response.json["detail"]


def test_an_unknown_form_field_is_refused(client, auth):
    response = client.post(
        "/api/v1/orgs/default/files/imports", data=sent(CLEAN, colour="red"), headers=auth()
    )
    assert response.status_code == 422
    assert "colour" in response.json["detail"]


def test_a_file_may_exceed_the_json_body_limit_but_not_the_upload_limit(api_settings, auth):
    from service import create_app

    limits = api_settings.replace(max_body_bytes=100, max_upload_bytes=5_000)
    app = create_app({"ROSTER_SETTINGS": limits})
    db = extensions.db(app)
    organisations.add_member(db, organisations.resolve(db), TEST_EMAIL, "pro")
    client = app.test_client()
    url = "/api/v1/orgs/default/files/validate"
    small = client.post(url, data=sent(CLEAN), headers=auth())
    large = client.post(url, data=sent(CLEAN + "x," * 3000), headers=auth())
    extensions.close(app)
    assert (small.status_code, large.status_code) == (200, 413)


def test_an_uploaded_file_s_run_is_never_read_back_from_the_server_s_disk(tmp_path, monkeypatch):
    from service.errors import SourceError
    from service.sources.locate import read_source

    monkeypatch.chdir(tmp_path)
    (tmp_path / "upload:roster.csv").write_text(CLEAN)  # even a file of that very name
    with pytest.raises(SourceError, match="upload it again to finish this import"):
        read_source(None, "upload:roster.csv", None)


def test_an_uploaded_file_s_lock_does_not_depend_on_the_server_s_folder(tmp_path, monkeypatch):
    from service.imports.runs import source_key

    monkeypatch.chdir(tmp_path)
    assert source_key("upload:roster.csv") == "upload:roster.csv"
