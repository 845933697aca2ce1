"""The admin use cases on a big organisation: client search, history, row outcomes, undo.

    python -m benchmarks.admin [--rows 20000] [--postgres postgresql://...]

Imports `--rows` clients (cheap test hashing: hashing is import_speed's subject), then times
each use case once on SQLite and on PostgreSQL and prints one table.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.import_speed import fresh_postgres, write_roster
from service import migrate, organisations
from service.admin import clients, history
from service.admin.access import OPERATOR, Paging
from service.config import Settings
from service.db import Database
from service.imports import jobs
from service.imports.passwords import PasswordHashing
from service.sources.google_sheets import GoogleSheets


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def measure(url: str, source: str) -> dict[str, float]:
    settings = Settings.from_env({"ROSTER_DATABASE_URL": url, "ROSTER_ARGON2_PROFILE": "test"})
    db, sheets = Database.from_settings(settings), GoogleSheets.from_settings(settings)
    try:
        migrate(db)
        organisation = organisations.resolve(db)
        organisations.add_tags(db, organisation, ["VIP"])
        started = jobs.start_import(db, sheets, settings, organisation.id, source, None, "b@x.org")
        assert started.run is not None
        with PasswordHashing.from_settings(settings) as hashing:
            run_id = jobs.work(db, sheets, hashing, settings, started.run.id).id
        slug = organisation.slug
        return {
            "clients, page 1 (50)": _timed(
                lambda: clients.search_clients(db, OPERATOR, slug, "", Paging())
            ),
            "clients search `client0123`": _timed(
                lambda: clients.search_clients(db, OPERATOR, slug, "client0123", Paging())
            ),
            "import history, page 1": _timed(
                lambda: history.list_imports(db, OPERATOR, slug, Paging())
            ),
            "row outcomes, page 1 (500)": _timed(
                lambda: history.import_rows(db, OPERATOR, run_id, Paging(1, 500))
            ),
            "undo the whole import": _timed(lambda: history.undo_import(db, OPERATOR, run_id)),
        }
    finally:
        db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "ROSTER_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
        ),
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        source = write_roster(Path(folder) / "roster.csv", args.rows)
        results = {"SQLite": measure(f"sqlite:///{folder}/bench.sqlite", source)}
        if args.postgres:
            url, drop = fresh_postgres(args.postgres)
            try:
                results["PostgreSQL"] = measure(url, source)
            finally:
                drop()  # type: ignore[operator]
    print(
        f"# admin use cases on an organisation of {args.rows:,} clients; {os.cpu_count()} cores, "
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}"
    )
    names = list(results)
    print("| use case | " + " | ".join(f"{n} ms" for n in names) + " |")
    print("|---|" + "---:|" * len(names))
    for case in results[names[0]]:
        print(f"| {case} | " + " | ".join(f"{results[n][case]:.0f}" for n in names) + " |")


if __name__ == "__main__":
    main()
