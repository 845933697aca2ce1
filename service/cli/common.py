"""What every `roster` command shares: the click group, the database for one command, the
options, and how Roster's errors reach the terminal (one line, exit status 2)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import TYPE_CHECKING, Any, NoReturn

import click

from .. import migrate
from ..config import Settings
from ..db import Database
from ..errors import RosterError

if TYPE_CHECKING:
    from ..sources.google_sheets import GoogleSheets

EXIT_OK, EXIT_ERRORS, EXIT_CANNOT_RUN = 0, 1, 2


def fail(message: str) -> NoReturn:
    """Print `roster: message` on stderr and exit 2: the command cannot run as asked."""
    click.echo(f"roster: {message}", err=True)
    sys.exit(EXIT_CANNOT_RUN)


def friendly(command: Callable[..., Any]) -> Callable[..., Any]:
    """Roster's errors (a user's or operator's to fix) print one clear line and exit 2.

    Anything else is a bug and keeps its traceback, so it is never mistaken for a user's mistake.
    """

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        """The command, with Roster's errors turned into one line and exit status 2."""
        try:
            return command(*args, **kwargs)
        except RosterError as error:
            fail(str(error))
        except KeyboardInterrupt:
            fail("interrupted; run the same command again to finish.")

    return wrapper


def google_sheets(settings: Settings) -> GoogleSheets:
    """The Google Sheets adapter (gspread is imported only by the commands that may need it)."""
    from ..sources.google_sheets import GoogleSheets

    return GoogleSheets.from_settings(settings)


@contextmanager
def database(settings: Settings) -> Iterator[Database]:
    """The configured database for one command, its schema brought up to date first."""
    db = Database.from_settings(settings)
    try:
        migrate(db)
        yield db
    finally:
        db.dispose()


def echo_json(document: Any) -> None:
    """Print a JSON document, already dumped through its schema."""
    click.echo(json.dumps(document, ensure_ascii=False, indent=2))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Roster: check a client roster cell by cell and import it into your organisation."""


def has_fix() -> bool:
    """Whether `roster fix` exists, so that advice never names a missing command."""
    return "fix" in main.commands


option_org = click.option(
    "--org", "org", metavar="SLUG", help="Organisation (default: the only one)."
)
option_worksheet = click.option(
    "--worksheet", metavar="TITLE|GID", help="Worksheet title, or its gid (default: the first)."
)
option_format = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
