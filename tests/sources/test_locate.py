"""Telling a file from a spreadsheet: one answer, and a sheet's id never reads a server file."""

from __future__ import annotations

import pytest

from service.errors import SourceError
from service.sources import links, locate


def test_a_spreadsheet_id_is_never_taken_for_a_file_of_that_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "1AbcdefghijklmnopqrstuvwxyZ").write_text("secret")
    assert locate.is_file("1AbcdefghijklmnopqrstuvwxyZ") is False


def test_an_existing_path_without_a_roster_suffix_is_a_file(tmp_path):
    path = tmp_path / "roster"
    path.write_text("email_address\n")
    assert locate.is_file(str(path))


def test_a_link_is_parsed_to_its_spreadsheet_id_and_tab():
    link = "https://docs.google.com/spreadsheets/d/1AbcdefghijklmnopqrstuvwxyZ/edit#gid=7"
    assert links.parse(link) == ("1AbcdefghijklmnopqrstuvwxyZ", 7)
    assert links.parse(link, "Clients") == ("1AbcdefghijklmnopqrstuvwxyZ", "Clients")


def test_something_that_is_neither_is_refused_in_plain_words():
    with pytest.raises(SourceError, match="neither a .csv/.xlsx/.ods file nor a Google"):
        locate.read_source(None, "roster.txt", None)  # type: ignore[arg-type]
