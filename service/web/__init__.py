"""The web console: sign-in, CSRF and the pages, wired onto the app."""

from __future__ import annotations

import datetime as dt
import secrets

from flask import Flask

from .. import extensions
from .signin import SESSION_SECONDS, make_signin


def init_app(app: Flask) -> None:
    """Register the console; refuse to start when its sign-in would be unsafe."""
    from . import manage, pages  # noqa: F401  (manage adds its routes to pages.bp)

    settings = extensions.settings(app)
    signin = make_signin(settings)
    app.extensions["roster.console_signin"] = signin
    # dev mode may make one up: its sessions then end with the process, which is fine locally
    app.secret_key = settings.secret_key or secrets.token_urlsafe(48)
    app.config.update(
        SESSION_COOKIE_NAME="roster_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=signin.mode != "dev",  # App Engine serves HTTPS only
        PERMANENT_SESSION_LIFETIME=dt.timedelta(seconds=SESSION_SECONDS),
    )
    app.register_blueprint(pages.bp)
