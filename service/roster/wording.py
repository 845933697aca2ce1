"""How messages count and list things: "1 row", "3 rows", "a, b and c", "x or y", row lists."""

from __future__ import annotations

from collections.abc import Sequence

ROWS_NAMED = 10  # rows a message names before it counts the rest


def plural(count: int, singular: str, several: str | None = None) -> str:
    """`1 row`, `2 rows`, `1,200 rows`: the one place that decides a count's noun."""
    noun = singular if count == 1 else several or singular + "s"
    return f"{count:,} {noun}"


def and_list(parts: Sequence[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    parts = list(parts)
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def or_quoted(options: Sequence[str]) -> str:
    """`"a"`, `"a" or "b"`, `"a", "b" or "c"`."""
    quoted = [f'"{option}"' for option in options]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]


def rows_named(rows: Sequence[int], limit: int = ROWS_NAMED) -> str:
    """`row 4`, `rows 2, 6 and 9`, `rows 2, 3, … and 1,989 more`: the first few, then a count."""
    shown = [str(row) for row in rows[:limit]]
    more = len(rows) - len(shown)
    if len(rows) == 1:
        return f"row {shown[0]}"
    if more:
        return f"rows {', '.join(shown)} and {more:,} more"
    return f"rows {and_list(shown)}"
