"""Pick how callers are authenticated, from the settings."""

from __future__ import annotations

import os

from .auth import Authenticator, DevelopmentAuthenticator, IdTokenVerifier, refuse_on_app_engine
from .config import Settings
from .errors import ConfigError


def make_authenticator(settings: Settings) -> Authenticator:
    """Google ID tokens in production; a local stand-in only when asked for, never on App Engine."""
    if settings.auth_mode == "dev":
        refuse_on_app_engine(os.environ)
        return DevelopmentAuthenticator(settings.dev_user)
    if settings.auth_mode != "google":
        raise ConfigError(f"ROSTER_AUTH must be google or dev, not {settings.auth_mode!r}.")
    if not settings.id_token_audiences:
        raise ConfigError(
            "Set ROSTER_ID_TOKEN_AUDIENCES to the Apps Script's OAuth client ID "
            "(or ROSTER_AUTH=dev for local use)."
        )
    return IdTokenVerifier(list(settings.id_token_audiences), settings.id_token_certs_url)
