"""Validation speed and peak memory: the engine against a plain-Python reference.

    python -m benchmarks.validate [--rows 100000]

Each measurement runs in a fresh process so that its peak memory (max RSS) is its own.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time

from benchmarks import reference, roster_data
from service.roster.engine import validate_grid


def measure(kind: str, rows: int) -> dict[str, float]:
    """Run one implementation over a fresh roster; time only the validation itself."""
    grid = roster_data.roster(rows)
    org = roster_data.organisation()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    if kind == "engine":
        found = validate_grid(grid, org).summary["errors"]
    else:
        found = reference.validate(grid, org)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "seconds": elapsed,
        "rows_per_second": rows / elapsed,
        "errors": found,
        "peak_mib": peak / 1024,
        "grid_mib": before / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--only", choices=["engine", "reference"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only:
        print(json.dumps(measure(args.only, args.rows)))
        return
    results = {}
    for kind in ("reference", "engine"):
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.validate", "--rows", str(args.rows), "--only", kind],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        results[kind] = json.loads(out)
    ratio = results["reference"]["rows_per_second"] / results["engine"]["rows_per_second"]
    print(
        f"# validate {args.rows:,} rows x {len(roster_data.HEADER)} columns, ~3 % bad cells; "
        f"{platform.machine()}, Python {platform.python_version()}"
    )
    print("| implementation | rows/s | seconds | errors found | peak RSS (MiB) |")
    print("|---|---:|---:|---:|---:|")
    for kind, r in results.items():
        print(
            f"| {kind} | {r['rows_per_second']:,.0f} | {r['seconds']:.2f} | "
            f"{r['errors']:,.0f} | {r['peak_mib']:.0f} |"
        )
    print(f"engine / reference time: {ratio:.2f}x (target: at most 3x; peak under 1024 MiB)")


if __name__ == "__main__":
    main()
