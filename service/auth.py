"""Who is calling: Google ID tokens verified with google-auth, or a local development stand-in."""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import requests
from google.auth import exceptions as google_exceptions
from google.auth import transport
from google.auth.transport.requests import Request as GoogleRequest
from google.oauth2 import id_token

from .config import GOOGLE_CERTS_URL
from .errors import ConfigError, SignInUnavailable, Unauthorized

GOOGLE_ISSUERS = frozenset({"accounts.google.com", "https://accounts.google.com"})
APP_ENGINE_VARIABLES = ("GAE_ENV", "GAE_APPLICATION", "GAE_SERVICE")

MISSING_TOKEN = "Sign in: this request carries no Google ID token (Authorization: Bearer …)."
EXPIRED_TOKEN = "Your sign-in has expired: reload the sheet and try again."
INVALID_TOKEN = "This is not a valid Google ID token: sign in again."
WRONG_AUDIENCE = "This Google ID token was issued to another application, not to Roster."

# google-auth reports every verification failure as a ValueError whose text embeds the token, so
# the failure is recognised by a fragment of that text and replaced by a sentence of our own.
_REASONS = (
    ("Token expired", EXPIRED_TOKEN),
    ("Token used too early", "Your sign-in is not valid yet: try again in a minute."),
    ("wrong audience", WRONG_AUDIENCE),
    ("Certificate for key id", "This Google ID token is signed by a key Google does not publish."),
    ("Could not verify token signature", "This Google ID token's signature is not valid."),
)
_DEFAULT_CACHE_SECONDS = 300
_MAX_AGE = re.compile(r"max-age=(\d+)")


@dataclass(frozen=True)
class Caller:
    """The person behind a request, as Google vouches for them."""

    email: str  # lowercased, verified
    # the token's `aud` (None for development sign-in); who the caller is does not depend on it
    audience: str | None = field(default=None, compare=False)


class Authenticator(Protocol):
    """What the API needs to know who is calling."""

    def verify(self, authorization_header: str | None) -> Caller: ...

    def identify(self, authorization_header: str | None) -> Caller:
        """Like `verify`, but any audience passes: the caller then decides whether it may."""
        ...

    def accepts(self, audience: str | None) -> bool:
        """Whether the audience is configured, valid for every linked sheet."""
        ...


class _CachedCertificates(transport.Request):
    """A transport for `verify_token`, which fetches the certificates on every call otherwise."""

    def __init__(self, timeout: float) -> None:
        self._request = GoogleRequest(requests.Session())
        self._timeout = timeout
        self._lock = threading.Lock()
        self._responses: dict[str, tuple[float, transport.Response]] = {}

    def __call__(
        self,
        url: str,
        method: str = "GET",
        body: Any = None,
        headers: Any = None,
        timeout: Any = None,
        **kwargs: Any,
    ) -> transport.Response:
        """Answer from the cache while Google's `Cache-Control: max-age` says it is fresh."""
        if method != "GET" or body is not None:
            raise NotImplementedError("Only the certificates are fetched through this transport.")
        with self._lock:  # one fetch at a time: concurrent callers all want the same document
            expires, response = self._responses.get(url, (0.0, None))
            if response is not None and time.monotonic() < expires:
                return response
            response = self._request(url, method=method, timeout=self._timeout)
            if response.status == 200:
                match = _MAX_AGE.search(response.headers.get("cache-control", ""))
                seconds = int(match.group(1)) if match else _DEFAULT_CACHE_SECONDS
                self._responses[url] = (time.monotonic() + seconds, response)
            return response

    def close(self) -> None:
        """Release the pooled connections."""
        self._request.session.close()


class IdTokenVerifier:
    """Accepts Google ID tokens issued to one of our OAuth client IDs for a verified email."""

    def __init__(
        self,
        audiences: Sequence[str],
        certs_url: str = GOOGLE_CERTS_URL,
        *,
        timeout: float = 10.0,
        clock_skew_seconds: int = 10,
    ) -> None:
        # verify_token skips the audience check when given none, accepting any app's tokens.
        if isinstance(audiences, str) or not audiences or not all(audiences):
            raise ValueError("IdTokenVerifier needs at least one OAuth client ID as its audience.")
        self._audiences = list(audiences)
        self._certs_url = certs_url
        self._clock_skew_seconds = clock_skew_seconds
        self._request = _CachedCertificates(timeout)

    def verify(self, authorization_header: str | None) -> Caller:
        """The caller of a `Bearer <ID token>` header, or Unauthorized saying why not."""
        caller = self.identify(authorization_header)
        if not self.accepts(caller.audience):
            raise Unauthorized(WRONG_AUDIENCE)
        return caller

    def accepts(self, audience: str | None) -> bool:
        return audience in self._audiences

    def identify(self, authorization_header: str | None) -> Caller:
        """Signature, issuer, expiry and verified email checked; the audience is reported.

        Only the per-sheet check of a connected bound script (and `connect` itself) uses this:
        everything else goes through `verify`.
        """
        token = _bearer_token(authorization_header)
        try:
            claims = id_token.verify_token(
                token,
                self._request,
                audience=None,
                certs_url=self._certs_url,
                clock_skew_in_seconds=self._clock_skew_seconds,
            )
        # `from None` everywhere: google-auth's messages quote the token, which must not reach logs.
        except google_exceptions.TransportError:
            raise SignInUnavailable(
                "Google's sign-in certificates could not be fetched: try again in a minute."
            ) from None
        except ValueError as error:
            text = str(error)
            message = next((m for fragment, m in _REASONS if fragment in text), INVALID_TOKEN)
            raise Unauthorized(message) from None
        return _caller_from(claims)

    def close(self) -> None:
        """Release the connections to the certificates server."""
        self._request.close()


class DevelopmentAuthenticator:
    """Trusts the caller's word, for running Roster on a laptop without Google."""

    def __init__(self, default_email: str) -> None:
        refuse_on_app_engine(os.environ)  # however it is wired, it cannot exist on App Engine
        if "@" not in default_email:
            raise ConfigError(f"Development sign-in needs an email address, not {default_email!r}.")
        self._default = default_email.strip().lower()

    def identify(self, authorization_header: str | None) -> Caller:
        return self.verify(authorization_header)

    def accepts(self, audience: str | None) -> bool:
        return True

    def verify(self, authorization_header: str | None) -> Caller:
        """Return `Bearer dev:<email>`'s email, or the default caller for anything else."""
        scheme, _, credentials = (authorization_header or "").strip().partition(" ")
        credentials = credentials.strip()
        if scheme.lower() != "bearer" or not credentials.startswith("dev:"):
            return Caller(self._default)
        email = credentials.removeprefix("dev:").strip().lower()
        if "@" not in email:
            raise Unauthorized("Development sign-in reads 'Authorization: Bearer dev:<email>'.")
        return Caller(email)


def refuse_on_app_engine(environ: Mapping[str, str]) -> None:
    """Stop development sign-in from ever serving the public internet."""
    found = [name for name in APP_ENGINE_VARIABLES if name in environ]
    if found:
        raise ConfigError(
            f"Development sign-in is for local use only and will not run on App Engine "
            f"({', '.join(found)} set): configure ROSTER_ID_TOKEN_AUDIENCES instead."
        )


def _bearer_token(authorization_header: str | None) -> str:
    """The token of an `Authorization: Bearer <token>` header."""
    scheme, _, token = (authorization_header or "").strip().partition(" ")
    token = token.strip()
    if not scheme:
        raise Unauthorized(MISSING_TOKEN)
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("The Authorization header must read 'Bearer ' and a Google ID token.")
    return token


def _caller_from(claims: Mapping[str, Any]) -> Caller:
    """The caller named by verified claims; `verify_token` leaves the issuer and email to us."""
    if claims.get("iss") not in GOOGLE_ISSUERS:
        raise Unauthorized("This ID token was not issued by Google.")
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email:
        raise Unauthorized(
            "This Google ID token carries no email address: the script needs the "
            "userinfo.email scope."
        )
    if claims.get("email_verified") is not True:
        raise Unauthorized("Google has not verified this account's email address.")
    audience = claims.get("aud")
    if not isinstance(audience, str) or not audience:
        raise Unauthorized("This Google ID token names no audience: sign in again.")
    return Caller(email.lower(), audience)
