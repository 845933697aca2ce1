"""Roster's web application: `create_app()` wires settings, database, auth, API and console."""

from __future__ import annotations

from typing import Any

from flask import Flask

from .config import Settings, on_app_engine


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: config -> Roster's collaborators -> auth -> blueprints -> error handlers."""
    app = Flask(__name__)
    # the same default database as the CLI: instance/ in the folder it runs from
    settings = (test_config or {}).get("ROSTER_SETTINGS") or Settings.from_env()
    app.config.update(
        MAX_CONTENT_LENGTH=max(settings.max_body_bytes, settings.max_upload_bytes),
        JSON_SORT_KEYS=False,
    )
    if test_config:
        app.config.update(test_config)

    from . import logs
    from .api import init_app as init_api
    from .auth_wiring import make_authenticator
    from .web import init_app as init_web
    from .wiring import Roster

    logs.configure(json_lines=on_app_engine())
    app.extensions["roster.auth"] = make_authenticator(settings)
    roster = app.extensions["roster"] = Roster(settings)
    try:
        init_api(app)
        init_web(app, settings)
    except Exception:
        roster.close()  # a half-wired app must not leave its database connections open
        raise
    return app
