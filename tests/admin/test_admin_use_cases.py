"""The admin use cases called directly, as the console calls them: races and edge cases."""

from __future__ import annotations

import threading

import pytest

from service import organisations
from service.admin import history, linking
from service.admin.access import OPERATOR, Actor, Paging
from service.errors import Conflict, Forbidden
from service.imports import jobs
from service.models import ImportRun
from tests.cli.test_cli import write

HEADER = "email_address,initial_password,first_name,last_name,birthdate,gender"
SHEET = "1ARaceForOneLinkCode000000000"


@pytest.fixture
def member(db) -> str:
    organisations.add_member(db, organisations.resolve(db), "pro@example.org", "pro")
    return "pro@example.org"


def test_two_clicks_on_one_link_code_connect_one_sheet(db, member):
    code = linking.create_link_code(db, OPERATOR, None).code
    outcomes: list[str] = []

    def click(sheet: str) -> None:
        try:
            linking.connect_sheet(db, member, "bound-aud", sheet, code, audience_configured=False)
            outcomes.append("connected")
        except Forbidden:
            outcomes.append("refused")

    threads = [threading.Thread(target=click, args=(f"{SHEET[:-1]}{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["connected", "refused"]


def test_an_add_on_audience_is_not_recorded_for_the_sheet(db, member):
    code = linking.create_link_code(db, OPERATOR, None).code
    done = linking.connect_sheet(db, member, "addon-aud", SHEET, code, audience_configured=True)
    assert done.audience_recorded is False
    with pytest.raises(Exception, match="not connected"):
        linking.require_sheet_audience(db, SHEET, "addon-aud")


def test_a_repeated_address_fails_on_every_row_that_holds_it(
    db, sheets, hashing, settings, tmp_path
):
    path = write(
        tmp_path,
        "r.csv",
        HEADER,
        "ann@example.com,Abcdef1!x,Ann,Lee,19800101,female",
        "dup@example.com,Abcdef1!x,Dee,Up,19800101,female",
        "dup@example.com,Abcdef1!x,Dee,Up,19800101,female",
    )
    organisation = organisations.resolve(db)
    started = jobs.start_import(
        db,
        sheets,
        settings,
        path,
        None,
        "c@x.org",
        organisation_id=organisation.id,
        mode="skip_invalid",
    )
    jobs.work(db, sheets, hashing, settings, started.run.id)
    rows = history.import_rows(db, OPERATOR, started.run.id, Paging()).items
    assert [(r.row, r.outcome) for r in rows] == [(2, "created"), (3, "failed"), (4, "failed")]
    assert all("row 4" in r.reason or "row 3" in r.reason for r in rows[1:])


def test_a_running_import_cannot_be_undone(db, sheets, settings, tmp_path):
    path = write(tmp_path, "r.csv", HEADER, "ann@example.com,Abcdef1!x,Ann,Lee,19800101,female")
    organisation = organisations.resolve(db)
    run = jobs.start_import(
        db, sheets, settings, path, None, "c@x.org", organisation_id=organisation.id
    ).run
    with pytest.raises(Conflict, match="still running"):
        history.undo_import(db, OPERATOR, run.id)
    with db.session() as session:
        assert session.get(ImportRun, run.id).status == "queued"


def test_a_pro_cannot_undo_and_the_refusal_says_who_can(db, sheets, hashing, settings, tmp_path):
    organisations.add_member(db, organisations.resolve(db), "pro@example.org", "pro")
    path = write(tmp_path, "r.csv", HEADER, "ann@example.com,Abcdef1!x,Ann,Lee,19800101,female")
    organisation = organisations.resolve(db)
    run = jobs.start_import(
        db, sheets, settings, path, None, "c@x.org", organisation_id=organisation.id
    ).run
    jobs.work(db, sheets, hashing, settings, run.id)
    with pytest.raises(Forbidden, match="Only admins of default can undo imports"):
        history.undo_import(db, Actor("pro@example.org"), run.id)
