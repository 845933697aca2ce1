"""IAP assertions signed by a local ES256 key, and a local server publishing its public key as
gstatic does, so the real google-auth verification runs (fixtures for tests/web)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from google.auth import crypt, jwt

from service.web.signin import IAP_ISSUER
from tests.auth_tokens import TEST_EMAIL

IAP_AUDIENCE = "/projects/123456/apps/roster-test"
IAP_KEY_ID = "iap-test-key"


def _serve_json(body: bytes) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Cache-Control", "public, max-age=3600")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/iap/verify/public_key"


@pytest.fixture(scope="module")
def iap_keys() -> Iterator[tuple[ec.EllipticCurvePrivateKey, ec.EllipticCurvePrivateKey, str]]:
    """IAP's signing key (ES256, published as a PEM public key like gstatic's), a stranger's, and
    the URL publishing the first."""
    key, stranger = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    server, url = _serve_json(json.dumps({IAP_KEY_ID: pem.decode()}).encode())
    yield key, stranger, url
    server.shutdown()
    server.server_close()


def pem_of(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


@pytest.fixture
def iap_assertion(iap_keys):
    key, stranger, _ = iap_keys

    def make(
        email: str = TEST_EMAIL,
        audience: str = IAP_AUDIENCE,
        issuer: str = IAP_ISSUER,
        expires_in: int = 600,
        forged: bool = False,
    ) -> str:
        now = int(time.time())
        claims = {"iss": issuer, "aud": audience, "sub": "accounts.google.com:1", "email": email}
        claims |= {"iat": now - 5, "exp": now + expires_in}
        signer = crypt.ES256Signer.from_string(pem_of(stranger if forged else key), IAP_KEY_ID)
        return jwt.encode(signer, claims).decode()

    return make
