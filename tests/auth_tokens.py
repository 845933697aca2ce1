"""Google-style ID tokens signed by a local key, and a local certificates endpoint vouching for it.

Register with `pytest_plugins = ["tests.auth_tokens"]`; the real google-auth verification then runs
against `certs_url` instead of Google's.
"""

from __future__ import annotations

import datetime
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from google.auth import crypt, jwt

TEST_AUDIENCE = "roster-test-client.apps.googleusercontent.com"
TEST_EMAIL = "coach@example.org"
TEST_KEY_ID = "roster-test-key"
GOOGLE_ISSUER = "https://accounts.google.com"

MakeToken = Callable[..., str]


@dataclass
class CertsServer:
    """The local stand-in for https://www.googleapis.com/oauth2/v1/certs; counts its hits."""

    url: str
    hits: int = 0


def _self_signed_pem(key: rsa.RSAPrivateKey) -> str:
    """An X.509 certificate for the key, the form Google publishes its keys in."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "roster-test-certs")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="session")
def signing_key() -> rsa.RSAPrivateKey:
    """The key the certificates endpoint publishes; generated once because RSA keys are slow."""
    return _new_key()


@pytest.fixture(scope="session")
def stranger_key() -> rsa.RSAPrivateKey:
    """A key nobody publishes, for forged tokens."""
    return _new_key()


@pytest.fixture(scope="session")
def certs_server(signing_key: rsa.RSAPrivateKey) -> Iterator[CertsServer]:
    """Serve `{kid: certificate PEM}` over real HTTP, as Google does, with a long max-age."""
    body = json.dumps({TEST_KEY_ID: _self_signed_pem(signing_key)}).encode()
    record = CertsServer(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            record.hits += 1
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Cache-Control", "public, max-age=3600, must-revalidate, no-transform")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            """Keep test output quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    record.url = f"http://127.0.0.1:{server.server_port}/oauth2/v1/certs"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield record
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(scope="session")
def certs_url(certs_server: CertsServer) -> str:
    """Where to point ROSTER_ID_TOKEN_CERTS_URL in tests."""
    return certs_server.url


@pytest.fixture(scope="session")
def make_token(signing_key: rsa.RSAPrivateKey, stranger_key: rsa.RSAPrivateKey) -> MakeToken:
    """A factory of signed ID tokens; every claim defaults to what Apps Script would send."""

    def make(
        email: str | None = TEST_EMAIL,
        audience: str = TEST_AUDIENCE,
        issuer: str = GOOGLE_ISSUER,
        expires_in: int = 3600,
        email_verified: bool | None = True,
        kid: str = TEST_KEY_ID,
        signed_by_stranger: bool = False,
    ) -> str:
        """Sign a token; `None` leaves a claim out."""
        now = int(time.time())
        expires = now + expires_in
        claims = {
            "iss": issuer,
            "aud": audience,
            "azp": audience,
            "sub": "10769150350006150715113082367",
            "iat": min(now, expires - 3600),  # Google's tokens live an hour
            "exp": expires,
            "email": email,
            "email_verified": email_verified,
        }
        payload = {name: value for name, value in claims.items() if value is not None}
        signer = crypt.RSASigner(stranger_key if signed_by_stranger else signing_key, key_id=kid)
        return jwt.encode(signer, payload).decode()

    return make
