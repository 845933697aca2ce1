"""Every `roster` command says what it does in its --help."""

from __future__ import annotations

import click
import pytest

from service.cli import main


def commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        found.append((f"{prefix}{name}", command))
        if isinstance(command, click.Group):
            found.extend(commands(command, f"{prefix}{name} "))
    return found


@pytest.mark.parametrize(("name", "command"), commands(main), ids=lambda v: str(v))
def test_every_command_has_help_text(name, command):
    assert (command.help or "").strip(), f"`roster {name} --help` says nothing"
