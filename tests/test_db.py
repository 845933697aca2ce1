"""The database: migrations are safe when several server processes start at once."""

from __future__ import annotations

import os
import subprocess
import sys

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import func, select, text

from service import migrate
from service.db import MIGRATIONS, Database, make_engine
from service.models import Base, Organisation

START = (
    "from service import migrate; from service.config import Settings; "
    "from service.db import Database; db = Database.from_settings(Settings.from_env()); "
    "migrate(db); db.dispose()"
)


def test_four_processes_starting_on_a_fresh_database_all_come_up(settings):
    env = {**os.environ, "ROSTER_DATABASE_URL": settings.database_url}
    starting = [
        subprocess.Popen([sys.executable, "-c", START], env=env, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    outcomes = [(p.communicate()[1], p.returncode) for p in starting]
    failures = [err for err, code in outcomes if code != 0]
    assert failures == []
    db = Database.from_settings(settings)
    migrate(db)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Organisation)) == 1
    db.dispose()


def test_the_migrations_build_exactly_the_tables_the_models_describe(settings):
    db = Database.from_settings(settings)
    migrate(db)
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        differences = compare_metadata(context, Base.metadata)
    db.dispose()
    assert differences == []


def test_the_outcomes_an_older_database_recorded_survive_the_upgrade(settings):
    engine = make_engine(settings.database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(text("INSERT INTO organisations (id, slug, name) VALUES (1, 'o', 'O')"))
        connection.execute(
            text(
                "INSERT INTO import_runs (id, organisation_id, source, mode, update_existing, "
                "status, total, processed, created, updated, skipped, failed_rows, started_by, "
                "started_at, heartbeat_at) VALUES ('r1', 1, 's', 'all_or_nothing', false, "
                "'succeeded', 1, 1, 1, 0, 0, 0, 'a@b.co', '2026-01-01', '2026-01-01')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO clients (id, organisation_id, email, first_name, last_name, "
                "birthdate, gender, attributes, password_hash, must_change_password, "
                "import_run_id, created_at, updated_at) VALUES (7, 1, 'c@d.co', 'C', 'D', "
                "'1990-01-01', 'male', '{}', 'x', true, 'r1', '2026-01-01', '2026-01-01')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO import_row_results (import_run_id, row, email, outcome) "
                "VALUES ('r1', 2, 'c@d.co', 'created')"
            )
        )
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        rows = connection.execute(
            text("SELECT row, email, outcome, client_id FROM import_row_results")
        ).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [(2, "c@d.co", "created", 7)]
