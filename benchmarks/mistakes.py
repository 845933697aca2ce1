"""A generated roster with the twenty mistakes pros make most, each cell knowing its intent.

`roster(rows)` returns the grid and, for every cell it spoiled, the value that was meant: what
a correct fix must give back. Mistakes with no obvious correction (a space inside an address,
30 February, a password too short) are in the mix on purpose: they must get no fix at all.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable

from benchmarks import roster_data
from service.roster.grid import Grid

Spoil = Callable[[str, random.Random], str]

EMAIL, PASSWORD, FIRST, LAST, BIRTHDATE, GENDER, TAG = 0, 1, 2, 3, 4, 5, 6
PLAN, CONSENT, HEIGHT = 10, 11, 9


def _display_name(value: str, rng: random.Random) -> str:
    first, last = value.split("@")[0].split(".")[:2]
    return f"{first.title()} {last.title()} <{value}>"


def _slashed(value: str, rng: random.Random) -> str:
    return f"{value[6:]}/{value[4:6]}/{value[:4]}"


# (name, column, spoil, whether the meant value can be recovered without asking anyone)
MISTAKES: list[tuple[str, int, Spoil, bool]] = [
    ("email in capitals", EMAIL, lambda v, r: v.title(), True),
    ("comma after the email", EMAIL, lambda v, r: v + ",", True),
    ("mailto: before the email", EMAIL, lambda v, r: "mailto:" + v, True),
    ("name and <email>", EMAIL, _display_name, True),
    ("doubled @", EMAIL, lambda v, r: v.replace("@", "@@"), True),
    ("doubled dot in the domain", EMAIL, lambda v, r: v.replace(".com", "..com"), True),
    ("space after the email", EMAIL, lambda v, r: v + " ", True),
    ("space inside the email", EMAIL, lambda v, r: v.replace(".", " ", 1), False),
    ("domain without its ending", EMAIL, lambda v, r: v.removesuffix(".com"), False),
    ("password too short", PASSWORD, lambda v, r: "Pw-1x", False),
    ("password with spaces, no symbol", PASSWORD, lambda v, r: "Sunny Day 42", False),
    ("no-break space after the first name", FIRST, lambda v, r: v + "\u00a0", True),
    ("space before the last name", LAST, lambda v, r: " " + v, True),
    ("birthdate with dashes", BIRTHDATE, lambda v, r: f"{v[:4]}-{v[4:6]}-{v[6:]}", True),
    ("birthdate day/month/year", BIRTHDATE, _slashed, True),  # days 13-28: one reading
    ("birthdate 30 February", BIRTHDATE, lambda v, r: v[:4] + "0230", False),
    ("gender as a letter", GENDER, lambda v, r: v[0].upper(), True),
    ("gender capitalised", GENDER, lambda v, r: v.capitalize(), True),
    ("tag in lowercase", TAG, lambda v, r: v.lower(), True),
    ("plan in lowercase", PLAN, lambda v, r: v.lower(), True),
]


def roster(
    rows: int = 500, mistakes: int = 100, seed: int = 20261201
) -> tuple[Grid, dict[tuple[int, int], tuple[str, str | None]]]:
    """A clean roster of `rows` rows, then `mistakes` cells spoiled, each kind equally often.

    Returns the grid and {(row index, column index): (mistake name, value meant or None)}.
    """
    rng = random.Random(seed)
    grid = roster_data.roster(rows, bad_share=0.0, seed=seed)
    for cells in grid.rows[1:]:
        # a clean start: plain-letter addresses (müller -> muller), days 13-28 so that
        # day/month/year has one reading
        cells[EMAIL] = (
            unicodedata.normalize("NFKD", cells[EMAIL]).encode("ascii", "ignore").decode()
        )
        cells[BIRTHDATE] = cells[BIRTHDATE][:6] + f"{rng.randrange(13, 29):02d}"
    meant: dict[tuple[int, int], tuple[str, str | None]] = {}
    kinds = [MISTAKES[n % len(MISTAKES)] for n in range(mistakes)]
    taken_rows = rng.sample(range(1, rows + 1), k=mistakes)  # one mistake per row
    for row, (name, column, spoil, recoverable) in zip(taken_rows, kinds, strict=True):
        original = grid.rows[row][column]
        grid.rows[row][column] = spoil(original, rng)
        meant[(row, column)] = (name, original if recoverable else None)
    return grid, meant
