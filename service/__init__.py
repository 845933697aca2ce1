"""Roster's web application: `create_app()` wires settings, database, auth, API and console."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Flask

from .config import Settings, on_app_engine

if TYPE_CHECKING:
    from .db import Database


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The table of contents: config -> collaborators -> migrations -> blueprints -> errors."""
    app = Flask(__name__)
    # the same default database as the CLI: instance/ in the folder it runs from
    settings = (test_config or {}).get("ROSTER_SETTINGS") or Settings.from_env()
    app.config.update(
        MAX_CONTENT_LENGTH=max(settings.max_body_bytes, settings.max_upload_bytes),
        JSON_SORT_KEYS=False,
    )
    if test_config:
        app.config.update(test_config)

    from . import extensions, logs
    from .api import init_app as init_api
    from .auth_wiring import make_authenticator
    from .db import Database
    from .imports.passwords import PasswordHashing
    from .sources.google_sheets import GoogleSheets
    from .web import init_app as init_web

    logs.configure(json_lines=on_app_engine())
    authenticator = make_authenticator(settings)
    db = Database.from_settings(settings)
    try:
        migrate(db)
        extensions.install(
            app,
            settings=settings,
            db=db,
            sheets=GoogleSheets.from_settings(settings),
            hashing=PasswordHashing.from_settings(settings),
            authenticator=authenticator,
        )
        init_api(app)
        init_web(app)
    except Exception:
        db.dispose()  # a half-wired app must not leave its database connections open
        raise
    return app


def migrate(db: Database) -> None:
    """The one migration step (app start, every CLI command, `roster db upgrade`): the schema
    brought up to date, one process at a time, and a first organisation on a fresh database."""
    from .db import upgrade
    from .organisations import ensure_default

    upgrade(db.engine)
    ensure_default(db)
