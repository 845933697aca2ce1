"""Fixtures shared by every test: settings over a fresh database (SQLite, or PostgreSQL when
asked), the collaborators use cases take (`db`, `sheets`, `hashing`), the Sheets emulator, and a
CLI runner. The API's app and client are in tests/api/conftest.py."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from service import migrate
from service.config import Settings
from service.db import Database
from service.imports.passwords import PasswordHashing
from service.sources.google_sheets import GoogleSheets
from tests.sheets_emulator import SheetsEmulator

pytest_plugins = ["tests.auth_tokens"]

POSTGRES_URL = os.environ.get("ROSTER_TEST_DATABASE_URL")


@pytest.fixture
def database_url(tmp_path) -> Iterator[str]:
    """A database of its own for each test: a SQLite file, or a fresh PostgreSQL schema."""
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'roster.sqlite'}"
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture
def settings(database_url, tmp_path) -> Settings:
    return Settings.from_env(
        {
            "ROSTER_DATABASE_URL": database_url,
            "ROSTER_AUTH": "dev",
            "ROSTER_ARGON2_PROFILE": "test",
            "ROSTER_HASH_WORKERS": "1",
            "ROSTER_IMPORT_CHUNK_SIZE": "50",
        },
        instance_path=str(tmp_path),
    )


@pytest.fixture
def db(settings) -> Iterator[Database]:
    """The test's database, migrated as at app start: a `default` organisation exists."""
    database = Database.from_settings(settings)
    migrate(database)
    yield database
    database.dispose()


@pytest.fixture
def hashing(settings) -> Iterator[PasswordHashing]:
    """Password hashing with the cheap test profile, in this process."""
    with PasswordHashing.from_settings(settings) as pool:
        yield pool


@pytest.fixture
def emulator() -> Iterator[SheetsEmulator]:
    """A local Sheets API v4, spoken to over HTTP."""
    with SheetsEmulator() as emu:
        yield emu


@pytest.fixture
def sheets(emulator) -> GoogleSheets:
    """The real Google Sheets adapter, pointed at the emulator."""
    return GoogleSheets(emulator_host=emulator.host)


@pytest.fixture
def cli_env(settings) -> dict[str, str | None]:
    """The environment a user's shell would give `roster`."""
    # None removes a variable the developer's own shell may have set
    return {
        "SHEETS_EMULATOR_HOST": None,
        "ROSTER_TASKS": None,
        "ROSTER_AUTH": None,
        "ROSTER_DATABASE_PASSWORD_SECRET": None,
        "GOOGLE_APPLICATION_CREDENTIALS": None,
        "ROSTER_DATABASE_URL": settings.database_url,
        "ROSTER_ARGON2_PROFILE": "test",
        "ROSTER_HASH_WORKERS": "1",
        "ROSTER_IMPORT_CHUNK_SIZE": "50",
    }


@pytest.fixture
def run_cli(cli_env):
    """Run `roster ...` in-process as a user would, returning (exit code, stdout, stderr)."""
    from click.testing import CliRunner

    from service.cli import main

    def run(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(main, list(args), env=cli_env, catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return run
