"""Import results in the sheet: placed only where the row still holds the same email."""

from __future__ import annotations

from service.roster.grid import Grid
from service.roster.notes import plan_result_notes

HEADER = ["email_address", "first_name"]
EMAIL_COLUMN = 0  # where the import's validation found email_address


def result_notes(grid: Grid, outcomes: list[tuple[int, str, str]]):
    return plan_result_notes(grid, EMAIL_COLUMN, outcomes, "coach@example.com", "2026-12-01")


def test_each_row_gets_its_outcome_on_its_email_cell():
    grid = Grid([HEADER, ["ann@example.com", "Ann"], ["bob@example.com", "Bob"]])
    notes, misplaced = result_notes(
        grid, [(2, "ann@example.com", "created"), (3, "bob@example.com", "skipped")]
    )
    assert misplaced == 0
    assert "imported as a new client" in notes[(1, 0)]
    assert "skipped: already a client" in notes[(2, 0)]
    assert all(text.startswith("Roster:") for text in notes.values())


def test_a_row_sorted_away_meanwhile_is_counted_not_misplaced():
    grid = Grid([HEADER, ["bob@example.com", "Bob"], ["ann@example.com", "Ann"]])
    notes, misplaced = result_notes(
        grid, [(2, "ann@example.com", "created"), (3, "bob@example.com", "created")]
    )
    assert notes == {} and misplaced == 2


def test_a_persons_note_on_the_email_cell_is_kept():
    grid = Grid([HEADER, ["ann@example.com", "Ann"]], notes={(1, 0): "Call her first"})
    notes, misplaced = result_notes(grid, [(2, "ann@example.com", "created")])
    assert notes == {} and misplaced == 1
