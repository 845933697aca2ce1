"""`roster` parity with the admin API: list, remove, add-choices, link codes, imports history."""

from __future__ import annotations

import json
import re

import pytest

from tests.cli.test_cli import write

HEADER = "email_address,initial_password,first_name,last_name,birthdate,gender,tag"


@pytest.fixture
def imported(run_cli, tmp_path) -> str:
    """The id of an import of two clients (one tagged VIP) and one bad row (skip invalid)."""
    run_cli("tags", "add", "VIP")
    path = write(
        tmp_path,
        "r.csv",
        HEADER,
        "ann@example.com,Abcdef1!x,Ann,Lee,19800101,female,VIP",
        "bob@example.com,Abcdef1!y,Bob,Ray,19810202,male,",
        "cy@example.com,short,Cy,Fox,19820303,male,",
    )
    code, out, err = run_cli("import", path, "--skip-invalid")
    assert code == 0, err
    code, out, _ = run_cli("imports", "list", "--format", "json")
    return json.loads(out)["imports"][0]["id"]


def test_tags_are_listed_and_one_no_client_carries_is_removed(run_cli):
    run_cli("tags", "add", "VIP", "Spare")
    code, out, _ = run_cli("tags", "list")
    assert code == 0 and "Spare  (0 clients)" in out and "2 tags." in out
    assert run_cli("tags", "remove", "Spare")[0] == 0
    assert "Spare" not in run_cli("tags", "list")[1]


def test_a_tag_clients_carry_stays(run_cli, imported):
    code, _, err = run_cli("tags", "remove", "VIP")
    assert code == 2 and "1 client carries" in err


def test_a_tag_differing_only_in_case_is_refused(run_cli):
    run_cli("tags", "add", "VIP")
    code, _, err = run_cli("tags", "add", "vip")
    assert code == 2 and 'use "VIP"' in err


def test_an_attribute_differing_only_in_case_is_refused(run_cli):
    run_cli("attributes", "add", "Plan", "--type", "text")
    code, _, err = run_cli("attributes", "add", "plan", "--type", "text")
    assert code == 2 and 'use "Plan"' in err


def test_an_attribute_with_choices_differing_only_in_case_is_refused(run_cli):
    code, _, err = run_cli(
        "attributes", "add", "Plan", "--type", "choice", "--choices", "Gold,gold"
    )
    assert code == 2 and 'use "Gold"' in err
    assert "Plan" not in run_cli("attributes", "list")[1]


def test_choices_are_added_to_an_attribute_and_listed(run_cli):
    run_cli("attributes", "add", "Plan", "--type", "choice", "--choices", "Gold")
    code, out, _ = run_cli("attributes", "add-choices", "Plan", "Silver", "Bronze")
    assert code == 0 and "Gold, Silver, Bronze" in out
    assert "Plan  (choice): Gold, Silver, Bronze" in run_cli("attributes", "list")[1]
    assert run_cli("attributes", "remove", "Plan")[0] == 0


def test_members_are_listed_and_the_last_admin_stays(run_cli):
    run_cli("members", "add", "boss@example.com", "--role", "admin")
    run_cli("members", "add", "pro@example.com")
    out = run_cli("members", "list")[1]
    assert "boss@example.com  admin" in out and "pro@example.com  pro" in out
    assert run_cli("members", "set-role", "pro@example.com", "admin")[0] == 0
    assert "pro@example.com  admin" in run_cli("members", "list")[1]
    assert run_cli("members", "remove", "pro@example.com")[0] == 0
    code, _, err = run_cli("members", "remove", "boss@example.com")
    assert code == 2 and "last admin" in err


def test_sheets_are_listed_and_removed(run_cli):
    sheet = "1CliLinkedSheetForTheTests0000"
    run_cli("sheets", "link", sheet)
    assert sheet in run_cli("sheets", "list")[1]
    assert run_cli("sheets", "remove", sheet)[0] == 0
    assert "0 sheets." in run_cli("sheets", "list")[1]


def test_a_link_code_is_printed_alone_on_stdout(run_cli):
    code, out, err = run_cli("sheets", "link-code")
    assert code == 0 and re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}\n", out)
    assert "Connect to Roster" in err


def test_imports_list_show_and_undo(run_cli, imported):
    out = run_cli("imports", "list")[1]
    assert imported in out and "1 created" not in out and "2 created" in out
    code, out, _ = run_cli("imports", "show", imported)
    assert code == 0
    assert "row 2  ann@example.com  created" in out
    assert "row 4  cy@example.com  failed: B4:" in out
    code, out, _ = run_cli("imports", "undo", imported)
    assert code == 0 and "2 clients removed" in out
    assert json.loads(run_cli("clients", "list", "--format", "json")[1])["clients"] == []
    assert "undone" in run_cli("imports", "show", imported)[1]
    assert "already undone" in run_cli("imports", "undo", imported)[1]


def test_every_new_command_has_help_text(run_cli):
    for group, command in [
        ("tags", "list"),
        ("tags", "remove"),
        ("attributes", "add-choices"),
        ("members", "remove"),
        ("sheets", "link-code"),
        ("imports", "undo"),
    ]:
        code, out, _ = run_cli(group, command, "--help")
        assert code == 0 and len(out.split("\n\n")[1].strip()) > 10
