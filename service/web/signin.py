"""Who is using the console: IAP's signed header, a Sign in with Google session, or dev mode.

The API authenticates every call with a Bearer ID token (service/auth.py). A browser has no
such header, so the console has its own sign-in, one of SPEC §6's two set-ups:

- `IapSignIn`: Identity-Aware Proxy guards the console's App Engine service and adds
  `x-goog-iap-jwt-assertion` to each request; we verify it on every request.
- `GoogleSignIn`: the page shows Google's *Sign in with Google* button; its ID token (audience:
  our web client ID) is verified once and opens a Flask session signed with ROSTER_SECRET_KEY.
- `DevSignIn`: `ROSTER_AUTH=dev`, local only; whoever the session names, or ROSTER_DEV_USER.
- `NoSignIn`: neither is configured (an API-only deployment): the console says how to set it up.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping

from flask.sessions import SessionMixin
from google.auth import exceptions as google_exceptions
from google.oauth2 import id_token
from werkzeug.datastructures import Headers

from ..auth import (
    Caller,
    DevelopmentAuthenticator,
    IdTokenVerifier,
    SignInUnavailable,
    _CachedCertificates,
    refuse_on_app_engine,
)
from ..config import Settings
from ..errors import ConfigError, Unauthorized

IAP_ISSUER = "https://cloud.google.com/iap"
IAP_HEADER = "x-goog-iap-jwt-assertion"
SESSION_SECONDS = 8 * 3600  # a working day; Google's ID token itself lives an hour
NOT_SIGNED_IN = "Sign in to use the Roster console."

Session = SessionMixin


class IapSignIn:
    """Identity-Aware Proxy vouches for every request with an ES256 JWT in a header."""

    mode = "iap"

    def __init__(self, audience: str, certs_url: str, clock_skew_seconds: int = 30) -> None:
        self._audience = audience
        self._certs_url = certs_url
        self._clock_skew_seconds = clock_skew_seconds
        self._request = _CachedCertificates(timeout=10.0)

    def current(self, headers: Headers | Mapping[str, str], session: Session) -> Caller:
        """The person IAP signed this request for; Unauthorized when the header is not IAP's."""
        assertion = headers.get(IAP_HEADER)
        if not assertion:
            raise Unauthorized(
                "This request did not come through Identity-Aware Proxy: open the console's "
                "address, not the service behind it."
            )
        try:
            claims = id_token.verify_token(
                assertion,
                self._request,
                audience=self._audience,
                certs_url=self._certs_url,
                clock_skew_in_seconds=self._clock_skew_seconds,
            )
        except google_exceptions.TransportError:
            raise SignInUnavailable(
                "IAP's signing keys could not be fetched: try again in a minute."
            ) from None
        except ValueError:  # google-auth's text quotes the assertion: keep it out of logs
            raise Unauthorized(
                "The Identity-Aware Proxy assertion is not valid for this console."
            ) from None
        if claims.get("iss") != IAP_ISSUER:
            raise Unauthorized("The assertion was not issued by Identity-Aware Proxy.")
        email = claims.get("email")
        if not isinstance(email, str) or "@" not in email:
            raise Unauthorized("The Identity-Aware Proxy assertion names no email address.")
        # IAP's email of a Google account may carry a prefix such as "accounts.google.com:"
        return Caller(email.rpartition(":")[2].lower())

    def close(self) -> None:
        self._request.close()


class _SessionSignIn:
    """A sign-in remembered in the signed session cookie for SESSION_SECONDS."""

    def current(self, headers: Headers | Mapping[str, str], session: Session) -> Caller:
        email, until = session.get("email"), session.get("until", 0)
        if not isinstance(email, str) or time.time() > until:
            raise Unauthorized(NOT_SIGNED_IN)
        return Caller(email)

    def remember(self, session: Session, caller: Caller) -> None:
        session.clear()  # a new sign-in gets a new CSRF token too
        session["email"], session["until"] = caller.email, time.time() + SESSION_SECONDS
        session.permanent = True

    def close(self) -> None:
        """Nothing pooled."""


class GoogleSignIn(_SessionSignIn):
    """Sign in with Google: the button's ID token, for our web client ID, opens a session."""

    mode = "google"

    def __init__(self, client_id: str, certs_url: str) -> None:
        self.client_id = client_id
        self._verifier = IdTokenVerifier([client_id], certs_url)

    def sign_in(self, credential: str, session: Session) -> Caller:
        """Verify the button's ID token (signature, issuer, expiry, audience, verified email)."""
        caller = self._verifier.verify(f"Bearer {credential}")
        self.remember(session, caller)
        return caller

    def close(self) -> None:
        self._verifier.close()


class DevSignIn(_SessionSignIn):
    """Local use only: anyone may say who they are; the default is ROSTER_DEV_USER."""

    mode = "dev"

    def __init__(self, default_email: str) -> None:
        self._default = DevelopmentAuthenticator(default_email).verify(None)

    def current(self, headers: Headers | Mapping[str, str], session: Session) -> Caller:
        try:
            return super().current(headers, session)
        except Unauthorized:
            return self._default

    def sign_in(self, email: str, session: Session) -> Caller:
        caller = DevelopmentAuthenticator(email).verify(None)
        self.remember(session, caller)
        return caller


class NoSignIn:
    """No console sign-in is configured: the API still works, the console explains."""

    mode = "none"

    def current(self, headers: Headers | Mapping[str, str], session: Session) -> Caller:
        raise Unauthorized(
            "The console's sign-in is not set up on this server: set ROSTER_IAP_AUDIENCE "
            "(Identity-Aware Proxy) or ROSTER_WEB_CLIENT_ID (Sign in with Google)."
        )

    def close(self) -> None:
        """Nothing pooled."""


ConsoleSignIn = IapSignIn | GoogleSignIn | DevSignIn | NoSignIn


def make_signin(settings: Settings) -> ConsoleSignIn:
    """The console's sign-in, from the settings; refuses a set-up that would be unsafe."""
    if settings.auth_mode == "dev":
        refuse_on_app_engine(os.environ)
        return DevSignIn(settings.dev_user)
    configured = settings.iap_audience or settings.web_client_id
    if configured and len(settings.secret_key or "") < 32:
        raise ConfigError(
            "Set ROSTER_SECRET_KEY to a random string of at least 32 characters: it signs "
            "the console's session and its CSRF tokens "
            '(python -c "import secrets; print(secrets.token_urlsafe(48))").'
        )
    if settings.iap_audience:
        return IapSignIn(settings.iap_audience, settings.iap_certs_url)
    if settings.web_client_id:
        if settings.web_client_id not in settings.id_token_audiences:
            raise ConfigError(
                "ROSTER_WEB_CLIENT_ID must also be listed in ROSTER_ID_TOKEN_AUDIENCES."
            )
        return GoogleSignIn(settings.web_client_id, settings.id_token_certs_url)
    return NoSignIn()
