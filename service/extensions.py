"""What `create_app` keeps in `app.extensions`: the collaborators the views pass to use cases."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app
from flask.sansio.app import App

if TYPE_CHECKING:
    from .auth import Authenticator
    from .config import Settings
    from .db import Database
    from .imports.passwords import PasswordHashing
    from .sources.google_sheets import GoogleSheets


def install(
    app: App,
    *,
    settings: Settings,
    db: Database,
    sheets: GoogleSheets,
    hashing: PasswordHashing,
    authenticator: Authenticator,
) -> None:
    """Keep the app's collaborators where `settings()`, `db()`, … find them."""
    app.extensions.update(
        {
            "roster.settings": settings,
            "roster.db": db,
            "roster.sheets": sheets,
            "roster.hashing": hashing,
            "roster.auth": authenticator,
        }
    )


def settings(app: App | None = None) -> Settings:
    """The settings the app was made with."""
    return (app or current_app).extensions["roster.settings"]


def db(app: App | None = None) -> Database:
    """The app's database."""
    return (app or current_app).extensions["roster.db"]


def sheets(app: App | None = None) -> GoogleSheets:
    """The app's Google Sheets adapter."""
    return (app or current_app).extensions["roster.sheets"]


def hashing(app: App | None = None) -> PasswordHashing:
    """The app's password-hashing pool."""
    return (app or current_app).extensions["roster.hashing"]


def authenticator(app: App | None = None) -> Authenticator:
    """Who is calling: ID tokens, or the local development stand-in."""
    return (app or current_app).extensions["roster.auth"]


def close(app: App) -> None:
    """Free what the app holds: the hashing pool's processes and the database connections."""
    hashing(app).close()
    db(app).dispose()
