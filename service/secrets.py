"""Secret Manager: reads the database password once at start, so no file or env holds it."""

from __future__ import annotations

import base64

import requests
from sqlalchemy.engine import make_url

from .config import SECRET_MANAGER_URL
from .errors import ConfigError

SCOPE = "https://www.googleapis.com/auth/cloud-platform"


def read_secret(name: str, base_url: str = SECRET_MANAGER_URL) -> str:
    """The value of `projects/P/secrets/S/versions/V` (anonymous for a local stand-in)."""
    if base_url == SECRET_MANAGER_URL:
        import google.auth
        from google.auth.transport.requests import AuthorizedSession

        credentials, _ = google.auth.default(scopes=[SCOPE])
        session: requests.Session = AuthorizedSession(credentials)
    else:
        session = requests.Session()
    with session:
        response = session.get(f"{base_url}{name}:access", timeout=10)
    if not response.ok:
        raise ConfigError(
            f"The secret {name} could not be read (HTTP {response.status_code}): "
            "check its name and grant the app's service account "
            "roles/secretmanager.secretAccessor on it."
        )
    return base64.b64decode(response.json()["payload"]["data"]).decode("utf-8")


def with_password(url: str, password: str) -> str:
    """The database URL with the password put in (quoted as the URL needs)."""
    return make_url(url).set(password=password).render_as_string(hide_password=False)
