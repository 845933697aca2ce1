"""What the CLI shows when a command cannot run: Roster's errors in one line, bugs as bugs."""

from __future__ import annotations

import pytest

from service.cli import EXIT_CANNOT_RUN, friendly
from service.errors import NotFound


def test_a_roster_error_is_one_line_and_exit_2(capsys):
    @friendly
    def command() -> None:
        raise NotFound('There is no organisation "north".')

    with pytest.raises(SystemExit) as exited:
        command()
    assert exited.value.code == EXIT_CANNOT_RUN
    assert capsys.readouterr().err == 'roster: There is no organisation "north".\n'


def test_a_bug_is_never_shown_as_the_users_mistake():
    @friendly
    def command() -> None:
        raise KeyError("email_address")

    with pytest.raises(KeyError):
        command()


def test_a_database_that_does_not_answer_is_named_in_plain_words(run_cli, cli_env):
    cli_env["ROSTER_DATABASE_URL"] = "postgresql://postgres@127.0.0.1:9/roster"
    code, out, err = run_cli("orgs", "create", "north")
    assert code == EXIT_CANNOT_RUN
    assert "The database cannot be used" in err and "ROSTER_DATABASE_URL" in err
    assert "Traceback" not in out + err


def test_a_setting_that_is_not_a_number_is_named(run_cli, cli_env):
    cli_env["ROSTER_IMPORT_CHUNK_SIZE"] = "lots"
    code, _, err = run_cli("orgs", "create", "north")
    assert code == EXIT_CANNOT_RUN
    assert "ROSTER_IMPORT_CHUNK_SIZE must be a whole number, not 'lots'" in err
