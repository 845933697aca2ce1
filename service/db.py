"""The database: engine and session lifecycle, and schema migrations (Alembic)."""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from .errors import DatabaseUnavailable

if TYPE_CHECKING:
    from .config import Settings

MIGRATIONS = Path(__file__).parent / "migrations"


def database_url(settings: Settings) -> str:
    """The configured URL, with the password from Secret Manager when one is named."""
    if not settings.database_password_secret:
        return settings.database_url
    from .secrets import read_secret, with_password

    password = read_secret(settings.database_password_secret, settings.secret_manager_url)
    return with_password(settings.database_url, password)


def make_engine(url: str) -> Engine:
    """An engine for SQLite (a file, created with its folder) or PostgreSQL."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        # hide_parameters: an error message must not carry clients' data into the logs
        engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, hide_parameters=True)


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    """Foreign keys on; WAL so readers (progress polls) don't wait for an import's writes."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


# any constant will do: it names the lock that serialises migrations across processes
_MIGRATION_LOCK = 7_306_011_2026


def upgrade(engine: Engine) -> None:
    """Apply every pending migration, one process at a time (gunicorn starts several at once)."""
    logging.getLogger("alembic").setLevel(logging.WARNING)  # users need no migration chatter
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with reachable(), _migration_lock(engine), engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


@contextmanager
def reachable() -> Iterator[None]:
    """Turn "the database cannot be reached" into a DatabaseUnavailable a person can act on."""
    try:
        yield
    except OperationalError as error:
        raise DatabaseUnavailable(
            f"The database cannot be used ({type(error.orig).__name__}): check "
            "ROSTER_DATABASE_URL and that the database is running."
        ) from error


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """SQLite has no advisory locks: a lock file beside the database serves."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.migrate-lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


class Database:
    """One engine and its session factory; passed to the use cases that need it."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        """The configured database; its schema is left as it is (see `service.migrate`)."""
        return cls(database_url(settings))

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose work is committed on success and rolled back on error.

        A database that cannot be reached is a DatabaseUnavailable, which the CLI and the API
        show in plain words; any other database error is a bug, and stays one.
        """
        with reachable(), self.sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
