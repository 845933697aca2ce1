"""Logs on App Engine are JSON lines that Cloud Logging understands."""

from __future__ import annotations

import json
import logging

from service.logs import JsonLines


def test_a_log_line_is_json_with_the_severity_cloud_logging_reads():
    record = logging.LogRecord(
        "roster.api", logging.WARNING, __file__, 1, "validated sheet=%s rows=%d", ("abc", 3), None
    )
    entry = json.loads(JsonLines().format(record))
    assert entry["severity"] == "WARNING"
    assert entry["message"] == "validated sheet=abc rows=3"
    assert entry["logger"] == "roster.api"
