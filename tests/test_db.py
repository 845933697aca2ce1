"""The database: migrations are safe when several server processes start at once."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import func, select

from service import migrate
from service.db import Database
from service.models import Organisation

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
