"""One file is one lock, however its path is written: the key is the resolved absolute path."""

from __future__ import annotations

import pytest

from service import organisations
from service.errors import ImportRunning
from service.imports.clients import open_run
from service.imports.runs import ImportRequest, lock_key


def request(source: str) -> ImportRequest:
    return ImportRequest(source, None, "Roster", "ann@example.org")


@pytest.fixture
def spellings(tmp_path, monkeypatch) -> list[str]:
    """r.csv as a relative path, with ./, absolute, through a symbolic link and a `..`."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "r.csv").write_text("email_address\n", encoding="utf-8")
    (tmp_path / "link.csv").symlink_to(tmp_path / "r.csv")
    monkeypatch.chdir(tmp_path)
    return ["r.csv", "./r.csv", str(tmp_path / "r.csv"), "link.csv", "sub/../r.csv"]


def test_every_spelling_of_a_files_path_is_one_lock_key(spellings):
    assert len({lock_key(1, request(source)) for source in spellings}) == 1


def test_a_spreadsheet_id_is_its_own_key_never_a_path():
    sid = "1RosterSheetForTheLockTests00"

    assert lock_key(1, request(sid)) == f"1:{sid}:Roster"


def test_a_second_import_of_the_same_file_written_otherwise_is_refused(spellings, db):
    organisation = organisations.resolve(db)
    open_run(db, organisation.id, request("r.csv"), 10, [])

    for source in spellings[1:]:
        with pytest.raises(ImportRunning):
            open_run(db, organisation.id, request(source), 10, [])
