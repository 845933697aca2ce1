"""The admin API over the real auth, database and Sheets emulator: set-up, history, undo."""

from __future__ import annotations

import time

import pytest

from service import extensions, organisations
from tests.auth_tokens import TEST_EMAIL

ADMIN = "admin@example.org"
ORG = "/api/v1/orgs/default"


@pytest.fixture
def admin(app):
    db = extensions.db(app)
    organisations.add_member(db, organisations.resolve(db), ADMIN, "admin")
    return ADMIN


def wait(client, import_id, headers, timeout=30.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        run = client.get(f"/api/v1/imports/{import_id}", headers=headers).json["import"]
        if run["status"] not in ("queued", "running") or time.monotonic() > deadline:
            return run
        time.sleep(0.05)


def import_sheet(client, spreadsheet, headers, **options) -> dict:
    response = client.post(
        f"/api/v1/sheets/{spreadsheet}/imports",
        json={"mode": "skip_invalid", **options},
        headers=headers,
    )
    assert response.status_code == 202, response.json
    return wait(client, response.json["import"]["id"], headers)


def test_a_pro_lists_their_organisations_with_their_role(app, client, auth):
    db = extensions.db(app)
    other = organisations.create_organisation(db, "north-clinic")
    organisations.add_member(db, other, TEST_EMAIL, "admin")
    response = client.get("/api/v1/orgs", headers=auth())
    assert response.status_code == 200
    assert response.json["organisations"] == [
        {"slug": "default", "name": "Default organisation", "role": "pro"},
        {"slug": "north-clinic", "name": "north-clinic", "role": "admin"},
    ]
    second = client.get("/api/v1/orgs?page=2&per_page=1", headers=auth()).json
    assert ([o["slug"] for o in second["organisations"]], second["total"]) == (["north-clinic"], 2)


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("post", "/tags", {"name": "New"}),
        ("delete", "/tags/VIP", None),
        ("post", "/attributes", {"name": "Level", "type": "text"}),
        ("patch", "/attributes/Level", {"choices": ["A"]}),
        ("delete", "/attributes/Level", None),
        ("post", "/members", {"email": "new@example.org", "role": "pro"}),
        ("delete", f"/members/{ADMIN}", None),
        ("patch", f"/members/{TEST_EMAIL}", {"role": "admin"}),
        ("post", "/sheets", {"spreadsheet_id": "1AnotherSheetOfTheTeam0000"}),
        ("delete", "/sheets/1RosterSheetForTheApiTests000", None),
        ("post", "/link-codes", None),
    ],
)
def test_a_pro_cannot_write_admin_resources(client, auth, admin, method, path, body):
    response = getattr(client, method)(ORG + path, json=body, headers=auth())
    assert response.status_code == 403, response.json
    assert "Only admins of default" in response.json["detail"]


def test_a_stranger_cannot_even_read_an_organisation(client, auth):
    response = client.get(f"{ORG}/tags", headers=auth(email="stranger@example.org"))
    assert response.status_code == 403
    assert "not a member of default" in response.json["detail"]


def test_an_admin_sets_up_the_organisation_and_the_new_member_validates_the_linked_sheet(
    client, auth, admin, emulator
):
    headers = auth(email=ADMIN)
    sheet = emulator.create_spreadsheet(spreadsheet_id="1NewTeamSheetForTheAdmin000")
    assert client.post(f"{ORG}/tags", json={"name": "Premium"}, headers=headers).status_code == 201
    attribute = {"name": "Level", "type": "choice", "choices": ["Low", "High"]}
    assert client.post(f"{ORG}/attributes", json=attribute, headers=headers).status_code == 201
    member = {"email": "New.Pro@Example.org", "role": "pro"}
    added = client.post(f"{ORG}/members", json=member, headers=headers)
    assert added.status_code == 201 and added.json == {
        "member": {"email": "new.pro@example.org", "role": "pro"}
    }
    linked = client.post(f"{ORG}/sheets", json={"spreadsheet_id": sheet}, headers=headers)
    assert linked.status_code == 201

    validated = client.post(
        f"/api/v1/sheets/{sheet}/validate", json={}, headers=auth(email="new.pro@example.org")
    )
    assert validated.status_code == 200
    tags = client.get(f"{ORG}/tags", headers=auth()).json
    assert [t["name"] for t in tags["tags"]] == ["Premium", "VIP"] and tags["total"] == 2
    listed = client.get(f"{ORG}/attributes", headers=auth()).json["attributes"]
    assert listed == [{"name": "Level", "type": "choice", "choices": ["Low", "High"]}]
    sheets = client.get(f"{ORG}/sheets", headers=auth()).json["sheets"]
    assert {s["spreadsheet_id"] for s in sheets} == {sheet, "1RosterSheetForTheApiTests000"}


def test_a_tag_differing_only_in_case_from_an_existing_one_is_refused(client, auth, admin):
    response = client.post(f"{ORG}/tags", json={"name": "vip"}, headers=auth(email=ADMIN))
    assert response.status_code == 409
    assert 'use "VIP"' in response.json["detail"]


def test_an_existing_tag_is_409(client, auth, admin):
    response = client.post(f"{ORG}/tags", json={"name": "VIP"}, headers=auth(email=ADMIN))
    assert response.status_code == 409


def test_a_tag_is_removed_only_while_no_client_carries_it(client, auth, admin, spreadsheet):
    import_sheet(client, spreadsheet, auth())  # ann@example.com carries VIP
    carried = client.delete(f"{ORG}/tags/VIP", headers=auth(email=ADMIN))
    assert carried.status_code == 409 and "1 client carries" in carried.json["detail"]
    client.post(f"{ORG}/tags", json={"name": "Unused"}, headers=auth(email=ADMIN))
    assert client.delete(f"{ORG}/tags/Unused", headers=auth(email=ADMIN)).status_code == 204
    assert client.delete(f"{ORG}/tags/Unused", headers=auth(email=ADMIN)).status_code == 404


def test_the_last_admin_cannot_be_removed(client, auth, admin):
    response = client.delete(f"{ORG}/members/{ADMIN}", headers=auth(email=ADMIN))
    assert response.status_code == 409
    assert "last admin" in response.json["detail"]


def test_an_admin_makes_a_pro_an_admin_and_the_last_admin_stays_one(client, auth, admin):
    headers = auth(email=ADMIN)
    url = f"{ORG}/members/{TEST_EMAIL}"
    promoted = client.patch(url, json={"role": "admin"}, headers=headers)
    assert promoted.status_code == 200 and promoted.json["member"]["role"] == "admin"
    demoted = client.patch(f"{ORG}/members/{ADMIN}", json={"role": "pro"}, headers=headers)
    assert demoted.status_code == 200
    last = client.patch(url, json={"role": "pro"}, headers=auth())
    assert last.status_code == 409 and "last admin" in last.json["detail"]


def test_an_admin_removes_a_pro(client, auth, admin):
    assert (
        client.delete(f"{ORG}/members/{TEST_EMAIL}", headers=auth(email=ADMIN)).status_code == 204
    )
    assert client.get(f"{ORG}/tags", headers=auth()).status_code == 403


def test_choices_are_added_to_a_choice_attribute_and_a_case_twin_is_refused(client, auth, admin):
    headers = auth(email=ADMIN)
    client.post(
        f"{ORG}/attributes",
        json={"name": "Level", "type": "choice", "choices": ["Low"]},
        headers=headers,
    )
    added = client.patch(
        f"{ORG}/attributes/Level", json={"choices": ["High", "Low"]}, headers=headers
    )
    assert added.status_code == 200
    assert added.json["attribute"]["choices"] == ["Low", "High"]
    twin = client.patch(f"{ORG}/attributes/Level", json={"choices": ["high"]}, headers=headers)
    assert twin.status_code == 409


def test_lists_are_paged_and_per_page_is_at_most_500(client, auth, admin):
    headers = auth(email=ADMIN)
    for name in ("A", "B", "C"):
        client.post(f"{ORG}/tags", json={"name": name}, headers=headers)
    last = client.get(f"{ORG}/tags?page=2&per_page=3", headers=headers).json
    assert ([t["name"] for t in last["tags"]], last["total"]) == (["VIP"], 4)
    assert client.get(f"{ORG}/tags?per_page=501", headers=headers).status_code == 422


def test_history_rows_search_and_undo_of_an_import(client, auth, admin, spreadsheet):
    run = import_sheet(client, spreadsheet, auth())
    assert (run["status"], run["created"], run["failed_rows"]) == ("succeeded", 1, 2)

    history = client.get(f"{ORG}/imports", headers=auth()).json
    assert [r["id"] for r in history["imports"]] == [run["id"]]
    assert history["imports"][0]["started_by"] == TEST_EMAIL

    rows = client.get(f"/api/v1/imports/{run['id']}/rows", headers=auth()).json["rows"]
    assert [(r["row"], r["email"], r["outcome"]) for r in rows] == [
        (2, "ann@example.com", "created"),
        (3, "Bob@Example.com", "failed"),
        (4, "cy@example.com", "failed"),
    ]
    assert "A3" in rows[1]["reason"] and "F4" in rows[2]["reason"]

    found = client.get(f"{ORG}/clients?q=ann", headers=auth())
    assert [c["email_address"] for c in found.json["clients"]] == ["ann@example.com"]
    assert found.json["clients"][0]["tags"] == ["VIP"]
    body = found.get_data(as_text=True)
    assert "argon2" not in body and "password_hash" not in body and "Abcdef1!x" not in body

    refused = client.post(f"/api/v1/imports/{run['id']}/undo", headers=auth())
    assert refused.status_code == 403
    undone = client.post(f"/api/v1/imports/{run['id']}/undo", headers=auth(email=ADMIN))
    assert undone.status_code == 200
    assert (undone.json["import"]["status"], undone.json["removed"]) == ("undone", 1)
    assert client.get(f"{ORG}/clients", headers=auth()).json["total"] == 0
    assert client.get(f"/api/v1/imports/{run['id']}", headers=auth()).json["import"]["status"] == (
        "undone"
    )
    again = client.post(f"/api/v1/imports/{run['id']}/undo", headers=auth(email=ADMIN))
    assert again.status_code == 200 and again.json["already_undone"] is True


def test_update_existing_counts_only_real_changes_and_undo_waits_for_the_later_run(
    client, auth, admin, spreadsheet, emulator
):
    first = import_sheet(client, spreadsheet, auth())
    import_sheet(client, spreadsheet, auth())  # the same rows again: skipped, nothing changes
    unchanged = import_sheet(client, spreadsheet, auth(), update_existing=True)
    assert unchanged["updated"] == 0
    emulator.set_value(spreadsheet, "C2", "Annie")
    renamed = import_sheet(client, spreadsheet, auth(), update_existing=True)
    assert renamed["updated"] == 1
    assert "Passwords are never changed" in renamed["message"]

    refused = client.post(f"/api/v1/imports/{first['id']}/undo", headers=auth(email=ADMIN))
    assert refused.status_code == 409 and "ann@example.com" in refused.json["detail"]
    reverted = client.post(f"/api/v1/imports/{renamed['id']}/undo", headers=auth(email=ADMIN))
    assert reverted.json["reverted"] == 1
    client_now = client.get(f"{ORG}/clients?q=ann", headers=auth()).json["clients"][0]
    assert client_now["first_name"] == "Ann"
    assert (
        client.post(f"/api/v1/imports/{first['id']}/undo", headers=auth(email=ADMIN)).json[
            "removed"
        ]
        == 1
    )


def test_the_unchanged_rows_of_update_existing_are_listed_as_unchanged(
    client, auth, admin, spreadsheet
):
    import_sheet(client, spreadsheet, auth())
    again = import_sheet(client, spreadsheet, auth(), update_existing=True)
    assert again["updated"] == 0
    rows = client.get(f"/api/v1/imports/{again['id']}/rows?outcome=unchanged", headers=auth())
    assert [r["email"] for r in rows.json["rows"]] == ["ann@example.com"]
    history = client.get(f"{ORG}/imports", headers=auth()).json["imports"]
    assert (history[0]["id"], history[0]["unchanged"]) == (again["id"], 1)


def test_the_schema_lists_the_organisations_tags_and_attributes(client, auth, admin, spreadsheet):
    client.post(
        f"{ORG}/attributes",
        json={"name": "Level", "type": "choice", "choices": ["Low", "High"]},
        headers=auth(email=ADMIN),
    )
    response = client.get(f"/api/v1/sheets/{spreadsheet}/schema", headers=auth())
    assert response.status_code == 200
    assert response.json["tags"] == ["VIP"]
    assert response.json["attributes"] == [
        {"name": "Level", "type": "choice", "choices": ["Low", "High"]}
    ]


def test_undoing_an_update_takes_off_the_tags_it_added(client, auth, admin, spreadsheet, emulator):
    emulator.set_value(spreadsheet, "G2", "")
    import_sheet(client, spreadsheet, auth())
    emulator.set_value(spreadsheet, "G2", "VIP")
    tagged = import_sheet(client, spreadsheet, auth(), update_existing=True)
    assert tagged["updated"] == 1
    assert client.get(f"{ORG}/clients", headers=auth()).json["clients"][0]["tags"] == ["VIP"]
    client.post(f"/api/v1/imports/{tagged['id']}/undo", headers=auth(email=ADMIN))
    assert client.get(f"{ORG}/clients", headers=auth()).json["clients"][0]["tags"] == []
