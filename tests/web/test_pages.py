"""The console's pages through Flask's test client: CSRF, authorisation, the switcher, grouping."""

from __future__ import annotations

import io
import re

import pytest

from service import extensions, organisations
from service.roster.issues import Issue
from service.web.present import group_issues
from tests.web.conftest import ADMIN, PRO

HEADER = "email_address,initial_password,first_name,last_name,birthdate,gender"


@pytest.fixture
def client(console_app):
    return console_app.test_client()


def signed_in(client, email: str) -> str:
    """Sign in (dev mode) and return the session's CSRF token."""
    page = client.get("/signin")
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
    client.post("/signin", data={"email": email, "csrf_token": token})
    page = client.get("/o/default/upload")
    return re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)


def roster_file(text: str, name: str = "r.csv"):
    return {"file": (io.BytesIO(text.encode()), name)}


def test_a_form_without_the_csrf_token_is_refused(client):
    signed_in(client, ADMIN)
    response = client.post("/o/default/organisation/tags", data={"name": "Yoga"})
    assert response.status_code == 403
    assert "did not come from the Roster console" in response.text


def test_a_form_with_another_session_s_token_is_refused(console_app, client):
    stolen = signed_in(console_app.test_client(), ADMIN)
    signed_in(client, ADMIN)
    response = client.post("/o/default/organisation/tags", data={"name": "Y", "csrf_token": stolen})
    assert response.status_code == 403


def test_a_form_with_the_session_s_token_is_accepted(client):
    token = signed_in(client, ADMIN)
    response = client.post(
        "/o/default/organisation/tags", data={"name": "Yoga", "csrf_token": token}
    )
    assert response.status_code == 302
    assert "Yoga" in client.get("/o/default/organisation").text


def test_an_upload_needs_the_csrf_header_and_its_form_field_is_not_read(client):
    token = signed_in(client, PRO)
    data = {**roster_file(f"{HEADER}\n"), "csrf_token": token}
    assert client.post("/o/default/upload/check", data=data).status_code == 403
    sent = client.post(
        "/o/default/upload/check", data=roster_file(f"{HEADER}\n"), headers={"X-CSRF-Token": token}
    )
    assert sent.status_code == 200


def test_a_pro_cannot_post_to_admin_pages(client):
    token = signed_in(client, PRO)
    response = client.post("/o/default/organisation/tags", data={"name": "X", "csrf_token": token})
    assert response.status_code == 403


def test_an_upload_to_an_organisation_one_is_not_in_is_refused_before_it_is_read(
    console_app, client
):
    organisations.create_organisation(extensions.db(console_app), "other-clinic")
    token = signed_in(client, PRO)
    response = client.post(
        "/o/other-clinic/upload/check",
        data=roster_file("not a roster", "notes.txt"),
        headers={"X-CSRF-Token": token, "X-Requested-With": "fetch"},
    )
    assert response.status_code == 403
    assert "pro@example.com is not a member of other-clinic" in response.json["detail"]


def test_a_file_that_is_not_a_roster_is_refused_in_plain_words(client):
    token = signed_in(client, PRO)
    response = client.post(
        "/o/default/upload/check",
        data=roster_file("x", "notes.txt"),
        headers={"X-CSRF-Token": token, "X-Requested-With": "fetch"},
    )
    assert response.status_code == 422
    assert "notes.txt: Roster reads" in response.json["detail"]


def test_a_member_of_two_organisations_chooses_one(console_app, client):
    db = extensions.db(console_app)
    other = organisations.create_organisation(db, "north-clinic", "North Clinic")
    organisations.add_member(db, other, PRO, "admin")
    signed_in(client, PRO)
    assert 'id="org-switcher"' in client.get("/o/default/upload").text
    switched = client.get("/switch?org=north-clinic")
    assert switched.location.endswith("/o/north-clinic/upload")
    assert client.get("/").location.endswith("/o/north-clinic/upload")  # the choice is kept
    assert "Organisation</a>" in client.get("/o/north-clinic/upload").text  # admin there
    assert "Organisation</a>" not in client.get("/o/default/upload").text  # a pro here


def test_the_switcher_will_not_switch_to_a_stranger_s_organisation(console_app, client):
    organisations.create_organisation(extensions.db(console_app), "other-clinic")
    signed_in(client, PRO)
    assert client.get("/switch?org=other-clinic").status_code == 403


def test_sign_in_returns_only_to_a_page_of_this_site(client):
    page = client.get("/signin")
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
    answer = client.post(
        "/signin", data={"email": PRO, "csrf_token": token, "next": "//evil.example.com/"}
    )
    assert answer.location == "/"


def test_an_import_of_another_organisation_is_not_found(console_app, client):
    signed_in(client, PRO)
    assert client.get("/o/default/imports/no-such-run").status_code == 404


def test_issues_are_grouped_by_message_and_column_with_counts():
    header = ["email_address", "gender"]
    issues = [
        Issue(2, 1, "email_address", "email.not_lowercase", "error", "Lowercase.", "a@b.c"),
        Issue(3, 1, "email_address", "email.not_lowercase", "error", "Lowercase.", "d@e.f"),
        Issue(3, 2, "gender", "gender.invalid", "error", "male or female.", None),
        Issue(4, 1, "email_address", "email.existing", "warning", "Already a client.", None),
        Issue(None, None, None, "sheet.missing_column", "error", "No birthdate column.", None),
    ]
    found = [
        (g.severity, g.column, g.message, g.cells, g.fixes) for g in group_issues(issues, header)
    ]
    assert found == [
        ("error", "email_address", "Lowercase.", ["A2", "A3"], 2),
        ("error", "gender", "male or female.", ["B3"], 0),
        ("error", "whole file", "No birthdate column.", ["—"], 0),
        ("warning", "email_address", "Already a client.", ["A4"], 0),
    ]


def test_a_long_group_names_its_first_cells_and_counts_the_rest():
    issues = [Issue(r, 1, "email_address", "c", "error", "m") for r in range(2, 32)]
    (group,) = group_issues(issues, ["email_address"])
    assert group.count == 30 and group.cells_shown.endswith("A13 and 18 more")


def test_the_annotated_copy_is_a_workbook_with_a_comment_on_each_wrong_cell(client):
    from openpyxl import load_workbook

    token = signed_in(client, PRO)
    text = f"{HEADER}\nAnn@Example.com,Abcdef1!x,Ann,Lee,19800101,Female\n"
    response = client.post(
        "/o/default/upload/annotated", data=roster_file(text), headers={"X-CSRF-Token": token}
    )
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename=r-annotated.xlsx"
    assert response.headers["Cache-Control"] == "no-store"
    sheet = load_workbook(io.BytesIO(response.data)).active
    commented = [c.coordinate for row in sheet.iter_rows() for c in row if c.comment]
    assert commented == ["A2", "F2"]


def test_the_imports_chart_counts_imports_per_day_over_thirty_days():
    import datetime as dt

    from service.web.present import imports_chart

    today = dt.date(2026, 3, 31)
    runs = [(today, 3), (today, 2), (dt.date(2026, 3, 30), 1), (dt.date(2026, 1, 1), 9)]
    chart = imports_chart(runs, today)
    assert len(chart.bars) == 30 and chart.bars[0].day == "2026-03-02"
    assert [(b.imports, b.clients) for b in chart.bars[-2:]] == [(1, 1), (2, 5)]
    assert chart.bars[-1].height == chart.height and chart.bars[-2].height == chart.height / 2
    assert chart.total == 3  # the January import is outside the window


def test_a_form_is_held_to_the_body_limit_and_an_upload_to_the_upload_limit(settings):
    from service import create_app

    app = create_app(
        {"ROSTER_SETTINGS": settings.replace(max_body_bytes=200, max_upload_bytes=5000)}
    )
    db = extensions.db(app)
    organisations.add_member(db, organisations.resolve(db), PRO, "pro")
    client = app.test_client()
    token = signed_in(client, PRO)
    big_form = client.post(
        "/signin", data={"email": "a@example.com", "pad": "x" * 500, "csrf_token": token}
    )
    upload = client.post(
        "/o/default/upload/check",
        data=roster_file(HEADER + "\n" + "a,b,c,d,e,f\n" * 60),
        headers={"X-CSRF-Token": token, "X-Requested-With": "fetch"},
    )
    extensions.close(app)
    assert big_form.status_code == 413 and upload.status_code == 200


def test_a_download_keeps_a_non_ascii_file_name_safely_encoded(client):
    token = signed_in(client, PRO)
    text = f"{HEADER}\nAnn@Example.com,Abcdef1!x,Ann,Lee,19800101,female\n"
    response = client.post(
        "/o/default/upload/fixed",
        data=roster_file(text, "équipe A.csv"),
        headers={"X-CSRF-Token": token},
    )
    disposition = response.headers["Content-Disposition"]
    assert "filename*=UTF-8''%C3%A9quipe%20A-fixed.csv" in disposition
    assert "\n" not in disposition


def test_the_summary_names_the_worksheet_it_read_in_a_workbook(client):
    from pathlib import Path

    token = signed_in(client, PRO)
    data = (
        Path(__file__).parent.parent / "data" / "files" / "instructions_first.xlsx"
    ).read_bytes()
    response = client.post(
        "/o/default/upload/check",
        data={"file": (io.BytesIO(data), "instructions_first.xlsx")},
        headers={"X-CSRF-Token": token},
    )
    summary = response.text.split('id="summary">', 1)[1].split("</p>", 1)[0]
    assert "instructions_first.xlsx (worksheet “Roster”): 2 rows" in summary
