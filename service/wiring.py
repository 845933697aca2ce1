"""Roster's collaborators, built once from the settings and shared by the CLI and the app."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from .config import Settings
from .db import Database, upgrade
from .imports.passwords import PasswordHashing
from .organisations import ensure_default

if TYPE_CHECKING:
    from .sources.google_sheets import GoogleSheets


def database_url(settings: Settings) -> str:
    """The configured URL, with the password from Secret Manager when one is named."""
    if not settings.database_password_secret:
        return settings.database_url
    from .secrets import read_secret, with_password

    password = read_secret(settings.database_password_secret, settings.secret_manager_url)
    return with_password(settings.database_url, password)


class Roster:
    """The database, the Sheets client and the hashing pool, for one process."""

    def __init__(self, settings: Settings, migrate: bool = True) -> None:
        self.settings = settings
        self.db = Database(database_url(settings))
        if migrate:
            self.migrate()

    def migrate(self) -> None:
        """Bring the schema up to date and make sure a first organisation exists."""
        upgrade(self.db.engine)
        ensure_default(self.db)

    @cached_property
    def sheets(self) -> GoogleSheets:
        from .sources.google_sheets import GoogleSheets

        return GoogleSheets(
            emulator_host=self.settings.sheets_emulator_host,
            credentials_file=self.settings.google_credentials,
        )

    @cached_property
    def hashing(self) -> PasswordHashing:
        return PasswordHashing(self.settings.argon2_profile, self.settings.hash_workers)

    def close(self) -> None:
        if "hashing" in self.__dict__:
            self.hashing.close()
        self.db.dispose()
