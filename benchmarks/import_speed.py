"""Import throughput against the hash-bound limit (cores / seconds per argon2id hash).

    python -m benchmarks.import_speed [--rows 10000] [--postgres postgresql://...]

Prints one table: rows per second for a whole import (validate, plan, hash, insert) on SQLite
and on PostgreSQL, next to the limit that password hashing alone sets on this machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

from service import migrate, organisations
from service.config import Settings
from service.db import Database
from service.imports import jobs
from service.imports.passwords import PasswordHashing, make_hasher
from service.sources.google_sheets import GoogleSheets

HEADER = "email_address,initial_password,first_name,last_name,birthdate,gender,tag"


def write_roster(path: Path, rows: int) -> str:
    lines = [HEADER] + [
        f"client{n:06d}@example.com,Secret-{n:06d}x,First{n},Last{n},"
        f"{1950 + n % 50}{1 + n % 12:02d}{1 + n % 28:02d},{'female' if n % 2 else 'male'},VIP"
        for n in range(rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def seconds_per_hash(samples: int = 100) -> float:
    hasher = make_hasher("production")
    start = time.perf_counter()
    for n in range(samples):
        hasher.hash(f"Secret-{n:06d}x")
    return (time.perf_counter() - start) / samples


def import_rate(url: str, source: str, rows: int) -> float:
    settings = Settings.from_env({"ROSTER_DATABASE_URL": url})
    db, sheets = Database.from_settings(settings), GoogleSheets.from_settings(settings)
    try:
        migrate(db)
        organisations.add_tags(db, organisations.resolve(db), ["VIP"])
        start = time.perf_counter()
        started = jobs.start_import(db, sheets, settings, source, None, "bench@example.com")
        assert started.run is not None
        with PasswordHashing.from_settings(settings) as hashing:
            run = jobs.work(db, sheets, hashing, settings, started.run.id)
        elapsed = time.perf_counter() - start
        assert run.created == rows, run.message
        return rows / elapsed
    finally:
        db.dispose()


def fresh_postgres(url: str) -> tuple[str, object]:
    """A throw-away schema in the given PostgreSQL database."""
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))

    def drop() -> None:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))

    return f"{url}?options=-csearch_path%3D{schema}", drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "ROSTER_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
        ),
    )
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    per_hash = seconds_per_hash()
    limit = cores / per_hash
    with tempfile.TemporaryDirectory() as folder:
        source = write_roster(Path(folder) / "roster.csv", args.rows)
        results = [("SQLite", import_rate(f"sqlite:///{folder}/bench.sqlite", source, args.rows))]
        if args.postgres:
            url, drop = fresh_postgres(args.postgres)
            try:
                results.append(("PostgreSQL", import_rate(url, source, args.rows)))
            finally:
                drop()  # type: ignore[operator]
    print(
        f"# import of {args.rows:,} rows, argon2id t=2 m=19 MiB p=1; {cores} cores, "
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}"
    )
    print(f"# one hash: {per_hash * 1000:.1f} ms -> hash-bound limit {limit:.0f} rows/s")
    print("| database | rows/s | % of hash-bound limit |")
    print("|---|---:|---:|")
    for name, rate in results:
        print(f"| {name} | {rate:.0f} | {100 * rate / limit:.0f} % |")


if __name__ == "__main__":
    main()
