"""Logging: one JSON object a line on App Engine (Cloud Logging reads `severity`), text locally.

What Roster logs names sheets, runs and counts, never a person's data: no emails of clients,
no cell values, never a password.
"""

from __future__ import annotations

import json
import logging
import sys


class JsonLines(logging.Formatter):
    """The structured shape Cloud Logging parses from stdout."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "severity": record.levelname,
            "message": record.getMessage(),
            "logger": record.name,
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class _Console(logging.StreamHandler):
    """Writes to whatever stdout or stderr is at the time (test runners swap them)."""

    def __init__(self, to_stdout: bool) -> None:
        super().__init__()
        self.to_stdout = to_stdout

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stdout if self.to_stdout else sys.stderr
        super().emit(record)


def configure(json_lines: bool) -> None:
    """Once per process; a second call leaves the first set-up alone."""
    root = logging.getLogger()
    if any(isinstance(h, _Console) for h in root.handlers):
        return
    handler = _Console(to_stdout=json_lines)
    handler.setFormatter(
        JsonLines()
        if json_lines
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    )
    root.addHandler(handler)
    root.setLevel(logging.INFO)
