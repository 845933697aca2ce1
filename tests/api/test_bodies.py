"""Request bodies over real HTTP: the caller is authorised before any body is read, a chunked body
past the limit is a 413, JSON nested too deep is a 4xx: never a 500, never a silent cut."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from io import BytesIO

import pytest
import requests
from werkzeug.serving import make_server

from service import extensions, organisations
from service.api import bodies
from tests.auth_tokens import TEST_EMAIL

PROBLEM = "application/problem+json"
DEEP = b"[" * 100_000 + b"]" * 100_000
STRANGER = "stranger@example.org"


@pytest.fixture
def served(app) -> Iterator[str]:
    """The API app on a loopback port, so that bodies travel as HTTP (chunked ones too)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def post(url: str, data: object, headers: dict[str, str]) -> requests.Response:
    return requests.post(
        url, data=data, headers={**headers, "Content-Type": "application/json"}, timeout=30
    )


def chunked(size: int) -> Iterator[bytes]:
    """A JSON object of `size` bytes, sent without Content-Length (Transfer-Encoding: chunked):
    a worksheet's title, then spaces, then the end of the object."""
    yield b'{"worksheet": "Nope"'
    for _ in range(size // 100_000):
        yield b" " * 100_000
    yield b"}"


def validate_url(base: str, spreadsheet: str) -> str:
    return f"{base}/api/v1/sheets/{spreadsheet}/validate"


@pytest.mark.parametrize("route", ["validate", "imports", "fix"])
def test_a_non_member_is_refused_before_the_body_is_parsed(served, spreadsheet, auth, route):
    response = post(f"{served}/api/v1/sheets/{spreadsheet}/{route}", DEEP, auth(email=STRANGER))

    assert response.status_code == 403
    assert response.headers["Content-Type"] == PROBLEM
    assert "not a member" in response.json()["detail"]


def test_json_nested_100000_deep_is_a_422_that_says_why(served, spreadsheet, auth):
    response = post(validate_url(served, spreadsheet), DEEP, auth())

    assert response.status_code == 422
    assert response.headers["Content-Type"] == PROBLEM
    assert "more than 32 levels deep" in response.json()["detail"]


def test_json_as_deep_as_allowed_is_read(served, spreadsheet, auth):
    body = b'{"worksheet": "Clients", "x": ' + b"[" * 30 + b"]" * 30 + b"}"

    response = post(validate_url(served, spreadsheet), body, auth())

    assert response.status_code == 422 and "x: Unknown field" in response.json()["detail"]


def test_a_chunked_body_past_the_limit_is_413_not_cut(served, spreadsheet, auth):
    response = post(validate_url(served, spreadsheet), chunked(1_200_000), auth())

    assert response.status_code == 413
    assert response.headers["Content-Type"] == PROBLEM


def test_a_chunked_body_within_the_limit_is_read_whole(served, spreadsheet, auth):
    response = post(validate_url(served, spreadsheet), chunked(900_000), auth())

    assert response.status_code == 404  # the whole object arrived: no such worksheet
    assert "No worksheet titled" in response.json()["detail"]


def test_a_chunked_body_past_the_limit_from_a_non_member_is_403(served, spreadsheet, auth):
    response = post(validate_url(served, spreadsheet), chunked(1_200_000), auth(email=STRANGER))

    assert response.status_code == 403


def test_a_route_that_reads_its_body_before_authorising_is_a_logged_500(app, client, auth):
    app.add_url_rule(
        "/api/v1/careless", "careless", lambda: {"got": request_json()}, methods=["POST"]
    )

    response = client.post("/api/v1/careless", json={"a": 1}, headers=auth())

    assert response.status_code == 500 and response.mimetype == PROBLEM


def test_any_route_reading_deep_json_gets_a_400_not_a_500(app, client, auth):
    def careful() -> dict[str, object]:
        bodies.authorised()
        return {"got": request_json()}

    app.add_url_rule("/api/v1/careful", "careful", careful, methods=["POST"])

    deep = client.post(
        "/api/v1/careful", data=DEEP, content_type="application/json", headers=auth()
    )
    fine = client.post("/api/v1/careful", json={"a": [1]}, headers=auth())

    assert deep.status_code == 400 and deep.mimetype == PROBLEM
    assert fine.status_code == 200 and fine.json == {"got": {"a": [1]}}


def request_json() -> object:
    from flask import request

    return request.get_json()


def test_a_file_upload_checks_membership_before_reading_the_file(app, client, auth):
    organisations.create_organisation(extensions.db(app), "other-clinic")
    bomb = BytesIO(b"PK\x03\x04 not really a workbook")

    response = client.post(
        "/api/v1/orgs/other-clinic/files/validate",
        data={"file": (bomb, "bomb.xlsx")},
        content_type="multipart/form-data",
        headers=auth(),
    )

    assert response.status_code == 403
    assert f"{TEST_EMAIL} is not a member of other-clinic" in response.json["detail"]
