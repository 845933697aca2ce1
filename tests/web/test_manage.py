"""The console's clients, history, undo and organisation pages over the admin use cases."""

from __future__ import annotations

import io
import re
import threading

import pytest

from tests.web.conftest import ADMIN, PRO

HEADER = "email_address,initial_password,first_name,last_name,birthdate,gender"


@pytest.fixture
def client(console_app):
    return console_app.test_client()


def signed_in(client, email: str) -> str:
    page = client.get("/signin")
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
    client.post("/signin", data={"email": email, "csrf_token": token})
    page = client.get("/o/default/upload")
    return re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)


def roster(rows: int) -> str:
    lines = [f"c{i:03}@example.com,Abcdef1!x,Client,N{i:03},19800101,female" for i in range(rows)]
    return "\n".join([HEADER, *lines]) + "\n"


def imported(client, token: str, rows: int) -> str:
    """Import a roster through the upload page and wait for it; the run's id."""
    answer = client.post(
        "/o/default/upload/import",
        data={"file": (io.BytesIO(roster(rows).encode()), "team.csv")},
        headers={"X-CSRF-Token": token, "X-Requested-With": "fetch"},
    )
    assert answer.status_code == 202, answer.text
    for thread in threading.enumerate():
        if thread.name.startswith("import-"):
            thread.join(timeout=60)
    return answer.json["import"]["id"]


def listed(client, list_id: str) -> str:
    """The text of one list of the organisation page."""
    page = client.get("/o/default/organisation").text
    return page.split(f'<ul id="{list_id}">', 1)[1].split("</ul>", 1)[0]


def post(client, path: str, token: str, **form):
    return client.post(f"/o/default{path}", data={**form, "csrf_token": token})


def test_clients_are_searched_and_paged(client):
    token = signed_in(client, PRO)
    imported(client, token, 60)
    first = client.get("/o/default/clients").text
    assert "c000@example.com" in first and "c049@example.com" in first
    assert "c050@example.com" not in first and "Page 1 of 2 (60 in all)" in first
    assert "c059@example.com" in client.get("/o/default/clients?page=2").text
    found = client.get("/o/default/clients?q=N007").text
    assert "c007@example.com" in found and "c008@example.com" not in found
    assert "Abcdef1!x" not in first and "argon2" not in first  # never a password or hash


def test_the_history_lists_the_run_with_a_chart_and_its_rows(client):
    token = signed_in(client, PRO)
    run_id = imported(client, token, 3)
    history = client.get("/o/default/imports").text
    assert f"/o/default/imports/{run_id}" in history and 'id="imports-chart"' in history
    assert "1 in all" in history
    result = client.get(f"/o/default/imports/{run_id}").text
    assert result.count("outcome-created") == 3
    assert "No invitations were sent" in result
    assert 'id="undo"' not in result  # pros do not undo


def test_an_admin_undoes_an_import_and_a_pro_cannot(console_app, client):
    pro = console_app.test_client()
    pro_token = signed_in(pro, PRO)
    run_id = imported(pro, pro_token, 3)
    assert post(pro, f"/imports/{run_id}/undo", pro_token).status_code == 403

    token = signed_in(client, ADMIN)
    assert 'id="undo"' in client.get(f"/o/default/imports/{run_id}").text
    undone = post(client, f"/imports/{run_id}/undo", token)
    assert undone.status_code == 302
    page = client.get(undone.location).text
    assert "Undone: 3 clients removed" in page and "<strong>undone</strong>" in page
    assert "c000@example.com" not in client.get("/o/default/clients").text


def test_an_admin_sets_up_attributes_and_their_choices(client):
    token = signed_in(client, ADMIN)
    post(client, "/organisation/attributes", token, name="Level", type="choice", choices="A, B")
    post(client, "/organisation/attributes/choices", token, name="Level", choices="C")
    page = client.get("/o/default/organisation").text
    assert "<strong>Level</strong> · choice: A, B, C" in page


def test_an_admin_adds_a_member_but_the_last_admin_stays(client):
    token = signed_in(client, ADMIN)
    post(client, "/organisation/members", token, email="new@example.com", role="pro")
    assert "new@example.com · pro" in client.get("/o/default/organisation").text
    refused = post(client, "/organisation/members/remove", token, email=ADMIN)
    assert refused.status_code == 409 and "last admin" in refused.text


def test_an_admin_links_a_sheet_by_its_url_and_unlinks_it(client):
    token = signed_in(client, ADMIN)
    sheet = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
    url = f"https://docs.google.com/spreadsheets/d/{sheet}/edit#gid=0"
    post(client, "/organisation/sheets", token, spreadsheet_id=url)
    assert sheet in listed(client, "sheets")
    post(client, "/organisation/sheets/remove", token, spreadsheet_id=sheet)
    assert sheet not in listed(client, "sheets")


def test_a_link_code_is_shown_once_with_its_expiry(client):
    token = signed_in(client, ADMIN)
    answer = post(client, "/organisation/link-codes", token)
    assert answer.status_code == 201 and answer.headers["Cache-Control"] == "no-store"
    code = re.search(r'id="link-code">([^<]+)<', answer.text).group(1)
    assert "valid until" in answer.text and 'data-copy="link-code"' in answer.text
    assert code not in client.get("/o/default/organisation").text


@pytest.mark.parametrize(
    "path",
    [
        "/organisation/tags",
        "/organisation/tags/remove",
        "/organisation/attributes",
        "/organisation/attributes/choices",
        "/organisation/members",
        "/organisation/members/remove",
        "/organisation/sheets",
        "/organisation/sheets/remove",
        "/organisation/link-codes",
    ],
)
def test_a_pro_cannot_change_the_organisation(client, path):
    token = signed_in(client, PRO)
    assert post(client, path, token, name="x", email="x@example.com").status_code == 403


def test_an_import_is_not_shown_under_another_organisation_s_address(console_app, client):
    from service import extensions, organisations

    db = extensions.db(console_app)
    other = organisations.create_organisation(db, "north-clinic")
    organisations.add_member(db, other, PRO, "pro")
    token = signed_in(client, PRO)
    run_id = imported(client, token, 1)
    assert client.get(f"/o/north-clinic/imports/{run_id}").status_code == 404
    assert client.get(f"/o/north-clinic/imports/{run_id}/progress").status_code == 404
