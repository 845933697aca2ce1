"""How many error cells carry a correct fix: on examples/roster.csv and a generated roster.

    python -m benchmarks.fix_share [--rows 500] [--mistakes 100]

A fix is correct when it gives back the value that was meant. A fix offered where nothing can
be known (a space inside an address, 30 February) counts as wrong.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from benchmarks import mistakes, roster_data
from service.roster.engine import validate_grid
from service.roster.grid import Grid
from service.roster.organisation import AttributeDefinition, OrgSnapshot
from service.sources.workbook import read_file

EXAMPLE = Path(__file__).parents[1] / "examples" / "roster.csv"
# what the example's author meant in each cell that has one obvious correction (0-based)
EXAMPLE_MEANT = {
    (2, 0): "ben.okafor@example.com",
    (2, 4): "19790602",
    (2, 7): "Weight loss",
    (3, 0): "carla.mendes@example.com",
    (3, 4): "19921123",
    (3, 5): "female",
    (3, 6): "Prenatal",
    (4, 0): "dmitri.volkov@example.com",
    (4, 5): "male",
    (5, 5): "female",
}
DEMO = OrgSnapshot(  # service/demo.py's organisation
    tags=frozenset({"Diabetes", "Prenatal", "Weight loss", "VIP"}),
    attributes={
        "Height": AttributeDefinition("Height", "number"),
        "Plan": AttributeDefinition("Plan", "choice", ("Gold", "Silver", "Bronze")),
        "Consent": AttributeDefinition("Consent", "boolean"),
        "Start date": AttributeDefinition("Start date", "date"),
    },
)


def share(grid: Grid, org: OrgSnapshot, meant: dict[tuple[int, int], str | None]) -> dict[str, int]:
    """Error cells, those with a correct fix, and those with a fix that is not what was meant."""
    fixes: dict[tuple[int, int], set[str | None]] = {}
    for issue in validate_grid(grid, org).issues:
        if issue.is_error and issue.row is not None and issue.column is not None and issue.row > 1:
            fixes.setdefault((issue.row - 1, issue.column - 1), set()).add(issue.fix)
    offered = {cell: {f for f in found if f is not None} for cell, found in fixes.items()}
    correct = sum(1 for cell, found in offered.items() if found and found == {meant.get(cell)})
    wrong = sum(1 for cell, found in offered.items() if found and found != {meant.get(cell)})
    return {"cells": len(fixes), "correct": correct, "wrong": wrong}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=500)
    parser.add_argument("--mistakes", type=int, default=100)
    args = parser.parse_args()
    example = share(read_file(str(EXAMPLE)), DEMO, dict(EXAMPLE_MEANT))
    grid, spoiled = mistakes.roster(args.rows, args.mistakes)
    generated = share(grid, roster_data.organisation(), {c: m for c, (_, m) in spoiled.items()})
    kinds = Counter(name for name, _ in spoiled.values())
    print(f"# error cells carrying a correct fix ({len(mistakes.MISTAKES)} kinds of mistake)")
    print("| roster | error cells | correct fix | share | wrong fix |")
    print("|---|---:|---:|---:|---:|")
    for label, found in (
        ("examples/roster.csv", example),
        (f"generated: {args.rows} rows, {args.mistakes} mistakes ({len(kinds)} kinds)", generated),
    ):
        print(
            f"| {label} | {found['cells']} | {found['correct']} | "
            f"{found['correct'] / max(found['cells'], 1):.0%} | {found['wrong']} |"
        )


if __name__ == "__main__":
    main()
