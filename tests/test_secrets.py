"""The database password comes from Secret Manager when one is named."""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from service.config import Settings
from service.db import database_url
from service.errors import ConfigError

NAME = "projects/p/secrets/roster-db-password/versions/latest"


@pytest.fixture
def secret_manager():
    """A local stand-in answering :access like Secret Manager, with one secret."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
            asked.append(self.path)
            if self.path != f"/v1/{NAME}:access":
                self.send_response(404)
                self.end_headers()
                return
            body = json.dumps(
                {"name": NAME, "payload": {"data": base64.b64encode(b"s3cret/p@ss").decode()}}
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/v1/", asked
    server.shutdown()
    server.server_close()


def test_the_password_is_read_once_and_put_into_the_url(secret_manager):
    base, asked = secret_manager
    settings = Settings.from_env(
        {
            "ROSTER_DATABASE_URL": "postgresql+psycopg://roster@/roster?host=/cloudsql/p:r:i",
            "ROSTER_DATABASE_PASSWORD_SECRET": NAME,
            "ROSTER_SECRET_MANAGER_URL": base,
        }
    )
    url = database_url(settings)
    assert url == "postgresql+psycopg://roster:s3cret%2Fp%40ss@/roster?host=%2Fcloudsql%2Fp%3Ar%3Ai"
    assert asked == [f"/v1/{NAME}:access"]


def test_a_missing_secret_stops_the_start_with_what_to_do(secret_manager):
    base, _ = secret_manager
    settings = Settings.from_env(
        {
            "ROSTER_DATABASE_URL": "postgresql://roster@/roster",
            "ROSTER_DATABASE_PASSWORD_SECRET": "projects/p/secrets/nope",
            "ROSTER_SECRET_MANAGER_URL": base,
        }
    )
    with pytest.raises(ConfigError, match="secretAccessor"):
        database_url(settings)


def test_without_a_secret_the_url_is_used_as_given():
    assert (
        database_url(Settings.from_env({"ROSTER_DATABASE_URL": "sqlite:///x.db"}))
        == "sqlite:///x.db"
    )
