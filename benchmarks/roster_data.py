"""A deterministic roster for benchmarks: realistic values, about 3 % bad cells."""

from __future__ import annotations

import random

from service.roster.grid import Grid
from service.roster.organisation import AttributeDefinition, OrgSnapshot

HEADER = [
    "email_address",
    "initial_password",
    "first_name",
    "last_name",
    "birthdate",
    "gender",
    "tag",
    "tag",
    "external_id",
    "attribute:Height",
    "attribute:Plan",
    "attribute:Consent",
]
TAGS = ("Diabetes", "Prenatal", "Weight loss", "VIP", "Sleep", "Nutrition")
PLANS = ("Gold", "Silver", "Bronze")
FIRST = (
    "Ann",
    "Ben",
    "Carla",
    "Dmitri",
    "Eve",
    "Farid",
    "Grace",
    "Hugo",
    "Ines",
    "Jon",
    "Kemi",
    "Liu",
    "Maya",
    "Noah",
    "Olga",
    "Pedro",
    "Quinn",
    "Rosa",
    "Sam",
    "Tara",
)
LAST = (
    "Hart",
    "Okafor",
    "Mendes",
    "Volkov",
    "Lindqvist",
    "Haddad",
    "Kim",
    "Brandt",
    "Costa",
    "Nakamura",
    "Smith",
    "Garcia",
    "Müller",
    "Rossi",
    "Dubois",
    "Novak",
    "Silva",
    "Khan",
)
# what a pro typically gets wrong, one per bad cell
MISTAKES = {
    0: lambda v: v.upper(),
    1: lambda v: "short1!",
    2: lambda v: v + "\u00a0",
    4: lambda v: f"{v[:4]}-{v[4:6]}-{v[6:]}",
    5: lambda v: v.capitalize(),
    6: lambda v: v.lower(),
    9: lambda v: v + " cm",
    10: lambda v: "Platinum",
}


def organisation() -> OrgSnapshot:
    return OrgSnapshot(
        tags=frozenset(TAGS),
        attributes={
            "Height": AttributeDefinition("Height", "number"),
            "Plan": AttributeDefinition("Plan", "choice", PLANS),
            "Consent": AttributeDefinition("Consent", "boolean"),
        },
        client_emails=frozenset(f"existing{n}@example.com" for n in range(1000)),
    )


def roster(rows: int, bad_share: float = 0.03, seed: int = 20261125) -> Grid:
    rng = random.Random(seed)
    bad_cells = int(rows * len(HEADER) * bad_share)
    grid = [list(HEADER)]
    for n in range(rows):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        grid.append(
            [
                f"{first.lower()}.{last.lower()}.{n}@example.com",
                f"Pw-{rng.randrange(10**6):06d}x",
                first,
                last,
                f"{rng.randrange(1940, 2010)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}",
                rng.choice(("male", "female")),
                rng.choice(TAGS),
                rng.choice(("",) + TAGS),
                f"EXT-{n:07d}",
                f"{rng.randrange(140, 210)}.{rng.randrange(10)}",
                rng.choice(PLANS),
                rng.choice(("TRUE", "FALSE")),
            ]
        )
    columns = sorted(MISTAKES)
    for _ in range(bad_cells):
        row, column = rng.randrange(1, rows + 1), rng.choice(columns)
        grid[row][column] = MISTAKES[column](grid[row][column])
    return Grid(grid, title="Benchmark")
