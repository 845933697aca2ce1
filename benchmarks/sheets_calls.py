"""Sheets API requests and wall time of a validate's read + notes: Roster's adapter vs gspread.

    python -m benchmarks.sheets_calls [--rows 1000 10000 100000] [--naive-cap 500]

Both run against the same local Sheets emulator (no network, no quota), on a sheet of N client
rows and 8 columns with a note due on ~3 % of the rows. "Naive" is the usual gspread flow:
open_by_key, worksheet(), get_all_values(), get_notes(), then update_note() per cell. Past
--naive-cap notes the naive run stops and its time is extrapolated (marked ~). Loopback hides
what each request costs on the internet, so a column adds --latency seconds per request (a model,
not a measurement); the last column is the least time the writes need under Google's quota of
60 write requests per minute per user.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import time
from datetime import date

from service.sources.google_sheets import GoogleSheets
from tests.sheets_emulator import SheetsEmulator, Tab
from tests.sheets_emulator.a1 import cell_name
from tests.sheets_emulator.clients import gspread_client

HEADER = [
    "email_address",
    "initial_password",
    "first_name",
    "last_name",
    "birthdate",
    "gender",
    "tag",
    "external_id",
]
BAD_EVERY = 33  # ~3 % of the rows get a note


def roster_rows(count: int) -> list[list[str]]:
    return [HEADER] + [
        [
            f"client{n:06d}@example.com" if n % BAD_EVERY else f"Client{n:06d}@Example.com",
            f"Secret-{n:06d}x",
            f"First{n}",
            f"Last{n}",
            f"{1950 + n % 50}{1 + n % 12:02d}01",
            "female" if n % 2 else "male",
            "VIP",
            f"X{n}",
        ]
        for n in range(count)
    ]


def due_notes(count: int) -> dict[tuple[int, int], str]:
    return {
        (n + 1, 0): "Roster:\n• The email address must be all lowercase.\n"
        f'Suggested value: "client{n:06d}@example.com"'
        for n in range(0, count, BAD_EVERY)
    }


def adapter_run(rows: int) -> tuple[int, int, float]:
    """(reads, writes, seconds) for GoogleSheets.read + write_notes."""
    with SheetsEmulator() as emu:
        sid = emu.create_spreadsheet(Tab("Roster", roster_rows(rows)))
        notes = due_notes(rows)
        sheets = GoogleSheets(emulator_host=emu.host, timeout=300)
        start = time.perf_counter()
        grid = sheets.read(sid, "Roster")
        assert grid.sheet_id is not None and len(grid.rows) == rows + 1
        sheets.write_notes(sid, grid.sheet_id, notes)
        elapsed = time.perf_counter() - start
        assert len(emu.notes(sid)) == len(notes)
        return _counts(emu) + (elapsed,)


def naive_run(rows: int, cap: int) -> tuple[int, int, float, bool]:
    """(reads, writes, seconds, extrapolated) for gspread's everyday calls, note by note."""
    with SheetsEmulator() as emu:
        sid = emu.create_spreadsheet(Tab("Roster", roster_rows(rows)))
        notes = due_notes(rows)
        start = time.perf_counter()
        worksheet = gspread_client(emu.host, timeout=300).open_by_key(sid).worksheet("Roster")
        worksheet.get_all_values()
        worksheet.get_notes()
        read_time = time.perf_counter() - start
        done = 0
        for (row, col), text in notes.items():
            if done == cap:
                break
            worksheet.update_note(cell_name(row, col), text)
            done += 1
        write_time = time.perf_counter() - start - read_time
        reads, writes = _counts(emu)
        if done < len(notes):
            return reads, len(notes), read_time + write_time * len(notes) / done, True
        return reads, writes, read_time + write_time, False


def _counts(emu: SheetsEmulator) -> tuple[int, int]:
    kinds = [r.kind for r in emu.requests]
    return kinds.count("read"), kinds.count("write")


def quota_floor(writes: int) -> str:
    """Least time for `writes` requests at 60 per minute: the first minute's 60 go at once."""
    minutes = math.ceil(writes / 60) - 1
    return "none" if minutes <= 0 else f"{minutes} min"


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(
                line.split(":", 1)[1].strip() for line in info if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}"


def line(
    rows: int,
    notes: int,
    approach: str,
    reads: int,
    writes: int,
    seconds: float,
    latency: float,
    mark: str = "",
) -> str:
    """One table row; `mark` flags extrapolated numbers."""
    over_internet = seconds + (reads + writes) * latency
    return (
        f"| {rows:,} | {notes:,} | {approach} | {reads} | {mark}{writes:,} | "
        f"{mark}{seconds:.2f} s | {mark}{over_internet:,.1f} s | {quota_floor(writes)} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument(
        "--naive-cap",
        type=int,
        default=500,
        help="notes written one by one before extrapolating (default 500)",
    )
    parser.add_argument(
        "--latency",
        type=float,
        default=0.2,
        help="modelled seconds per request over the internet (default 0.2)",
    )
    args = parser.parse_args()
    print(f"{date.today()} on {machine()}; local Sheets emulator\n")
    print(
        f"| rows | notes | approach | reads | writes | wall time (loopback) | "
        f"+ {args.latency:g} s per request | least time at 60 writes/min |"
    )
    print("|---:|---:|---|---:|---:|---:|---:|---|")
    extrapolated = False
    for rows in args.rows:
        notes = len(due_notes(rows))
        reads, writes, seconds = adapter_run(rows)
        print(
            line(
                rows,
                notes,
                "Roster adapter (read + write_notes)",
                reads,
                writes,
                seconds,
                args.latency,
            )
        )
        reads, writes, seconds, guessed = naive_run(rows, args.naive_cap)
        extrapolated |= guessed
        print(
            line(
                rows,
                notes,
                "naive gspread (update_note per cell)",
                reads,
                writes,
                seconds,
                args.latency,
                "~" if guessed else "",
            )
        )
    if extrapolated:
        print(
            f"\n~ extrapolated: the naive run wrote {args.naive_cap} notes one by one and "
            "scaled its write time to all of them."
        )


if __name__ == "__main__":
    main()
