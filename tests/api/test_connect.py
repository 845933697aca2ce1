"""Connecting a bound script's sheet (SPEC §6): link codes and audiences accepted per sheet."""

from __future__ import annotations

import datetime as dt

import pytest

from service import extensions, organisations
from service.admin import linking
from service.admin.access import OPERATOR
from service.models import LinkCode, utcnow
from tests.auth_tokens import TEST_EMAIL

ADMIN = "admin@example.org"
BOUND = "123456789-bound.apps.googleusercontent.com"
OTHER_SHEET = "1AnotherLinkedSheet0000000000"


@pytest.fixture
def admin(app, emulator):
    emulator.create_spreadsheet(spreadsheet_id=OTHER_SHEET)
    db = extensions.db(app)
    organisation = organisations.resolve(db)
    organisations.add_member(db, organisation, ADMIN, "admin")
    organisations.link_sheet(db, organisation, OTHER_SHEET)
    return ADMIN


def link_code(client, auth) -> str:
    response = client.post("/api/v1/orgs/default/link-codes", headers=auth(email=ADMIN))
    assert response.status_code == 201
    return response.json["code"]


def validate(client, sheet, headers):
    return client.post(f"/api/v1/sheets/{sheet}/validate", json={}, headers=headers)


def connect(client, sheet, code, headers):
    return client.post(f"/api/v1/sheets/{sheet}/connect", json={"code": code}, headers=headers)


def test_a_link_code_is_valid_24_hours_and_only_its_hash_is_stored(app, client, auth, admin):
    response = client.post("/api/v1/orgs/default/link-codes", headers=auth(email=ADMIN))
    expires = dt.datetime.fromisoformat(response.json["expires_at"])
    assert (
        dt.timedelta(hours=23, minutes=59)
        < expires - dt.datetime.now(dt.UTC)
        <= dt.timedelta(hours=24)
    )
    with extensions.db(app).session() as session:
        stored = session.query(LinkCode).one()
        assert response.json["code"] not in (stored.code_hash, stored.created_by)
        assert stored.created_by == ADMIN


def test_an_unconfigured_audience_is_refused_until_the_sheet_is_connected(
    client, auth, admin, spreadsheet
):
    bound = auth(audience=BOUND)
    refused = validate(client, spreadsheet, bound)
    assert refused.status_code == 401 and "Connect to Roster" in refused.json["detail"]

    connected = connect(client, spreadsheet, link_code(client, auth), bound)
    assert connected.status_code == 200 and connected.json["organisation"] == "default"

    assert validate(client, spreadsheet, bound).status_code == 200
    elsewhere = validate(client, OTHER_SHEET, bound)
    assert elsewhere.status_code == 401 and "another spreadsheet" in elsewhere.json["detail"]
    assert client.get("/api/v1/orgs", headers=bound).status_code == 401
    # the add-on's configured audience keeps working for every linked sheet
    assert validate(client, spreadsheet, auth()).status_code == 200
    assert validate(client, OTHER_SHEET, auth()).status_code == 200


def test_a_connected_script_follows_its_own_imports(client, auth, admin, spreadsheet):
    bound = auth(audience=BOUND)
    connect(client, spreadsheet, link_code(client, auth), bound)
    started = client.post(
        f"/api/v1/sheets/{spreadsheet}/imports", json={"mode": "skip_invalid"}, headers=bound
    )
    assert started.status_code == 202
    assert client.get(started.headers["Location"], headers=bound).status_code == 200


def test_a_wrong_code_is_403_saying_so(client, auth, admin, spreadsheet):
    response = connect(client, spreadsheet, "AAAA-BBBB-CCCC", auth(audience=BOUND))
    assert response.status_code == 403 and "wrong" in response.json["detail"]


def test_a_used_code_is_403_saying_so(client, auth, admin, spreadsheet):
    code = link_code(client, auth)
    assert connect(client, spreadsheet, code, auth(audience=BOUND)).status_code == 200
    again = connect(client, OTHER_SHEET, code, auth(audience="other-bound.apps.example"))
    assert again.status_code == 403 and "already used" in again.json["detail"]


def test_an_expired_code_is_403_saying_so(app, client, auth, admin, spreadsheet):
    db = extensions.db(app)
    old = linking.create_link_code(db, OPERATOR, "default", now=utcnow() - dt.timedelta(hours=25))
    response = connect(client, spreadsheet, old.code, auth(audience=BOUND))
    assert response.status_code == 403 and "expired" in response.json["detail"]


def test_a_code_is_typed_without_regard_to_case_or_dashes(client, auth, admin, spreadsheet):
    code = link_code(client, auth).replace("-", " ").lower()
    assert connect(client, spreadsheet, code, auth(audience=BOUND)).status_code == 200


def test_only_a_member_of_the_codes_organisation_can_connect(client, auth, admin, spreadsheet):
    response = connect(
        client, spreadsheet, link_code(client, auth), auth(email="x@example.net", audience=BOUND)
    )
    assert response.status_code == 403 and "not a member of default" in response.json["detail"]


def test_connect_links_a_sheet_that_was_not_linked(client, auth, admin, emulator):
    new = emulator.create_spreadsheet(spreadsheet_id="1ABrandNewBoundCopy000000000")
    bound = auth(audience=BOUND)
    assert connect(client, new, link_code(client, auth), bound).status_code == 200
    assert validate(client, new, bound).status_code == 200
    sheets = client.get("/api/v1/orgs/default/sheets", headers=auth()).json["sheets"]
    assert {"spreadsheet_id": new, "connected_scripts": 1} in sheets


def test_unlinking_a_sheet_forgets_its_connected_script(client, auth, admin, spreadsheet):
    bound = auth(audience=BOUND)
    connect(client, spreadsheet, link_code(client, auth), bound)
    client.delete(f"/api/v1/orgs/default/sheets/{spreadsheet}", headers=auth(email=ADMIN))
    assert validate(client, spreadsheet, bound).status_code == 401


def test_a_pro_makes_no_link_codes(client, auth, admin):
    response = client.post("/api/v1/orgs/default/link-codes", headers=auth(email=TEST_EMAIL))
    assert response.status_code == 403
