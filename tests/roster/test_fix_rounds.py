"""Fix what can be fixed, then edit the rest by hand: two rounds reach a clean import."""

from __future__ import annotations

from benchmarks import fix_share, mistakes, roster_data
from service.fixes import suggested_values
from service.imports.plan import plan_import
from service.roster.engine import validate_grid
from service.roster.grid import Grid
from service.sources.workbook import read_file


def fix_round(grid: Grid, edits: dict[tuple[int, int], str]) -> None:
    """Apply every unambiguous fix, then the pro's own edits (0-based cells)."""
    for (row, column), (_, value) in suggested_values(grid, fix_share.DEMO).items():
        grid.rows[row][column] = value
    for (row, column), value in edits.items():
        grid.rows[row][column] = value


def error_cells(grid: Grid) -> set[str]:
    return {i.cell or "sheet" for i in validate_grid(grid, fix_share.DEMO).issues if i.is_error}


def test_the_example_needs_two_rounds_of_fix_and_edits_to_import_cleanly():
    grid = read_file(str(fix_share.EXAMPLE))
    fix_round(grid, {(1, 0): "amelia.hart@example.com", (5, 0): "amelia.hartjones@example.com"})
    # what no fix can know is left: the password, 30 February, "6 ft", "Platinum"
    assert error_cells(grid) == {"B4", "E5", "J5", "K6"}
    fix_round(grid, {(3, 1): "Short1!now", (4, 4): "19880229", (4, 9): "183", (5, 10): "Gold"})
    validation = validate_grid(grid, fix_share.DEMO)
    assert validation.summary["errors"] == 0
    plan = plan_import(validation, "all_or_nothing", update_existing=False)
    assert not plan.blocked_whole and len(plan.create) == 7


def test_most_error_cells_of_a_roster_with_typical_mistakes_carry_the_meant_value_as_fix():
    grid, spoiled = mistakes.roster(500, 100)
    found = fix_share.share(
        grid, roster_data.organisation(), {cell: meant for cell, (_, meant) in spoiled.items()}
    )
    assert found["cells"] == 100
    assert found["correct"] >= 60 and found["wrong"] == 0


def test_the_example_roster_has_a_correct_fix_on_at_least_sixty_percent_of_its_error_cells():
    found = fix_share.share(
        read_file(str(fix_share.EXAMPLE)), fix_share.DEMO, dict(fix_share.EXAMPLE_MEANT)
    )
    assert found["correct"] / found["cells"] >= 0.6 and found["wrong"] == 0
