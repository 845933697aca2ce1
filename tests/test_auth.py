"""Sign-in: real google-auth verification of locally signed tokens, and the development stand-in."""

from __future__ import annotations

import re
import socket
import traceback
from collections.abc import Iterator

import pytest

from service.auth import (
    EXPIRED_TOKEN,
    MISSING_TOKEN,
    Caller,
    DevelopmentAuthenticator,
    IdTokenVerifier,
    refuse_on_app_engine,
)
from service.errors import ConfigError, SignInUnavailable, Unauthorized
from tests.auth_tokens import TEST_AUDIENCE, CertsServer, MakeToken

OTHER_AUDIENCE = "roster-console.apps.googleusercontent.com"


@pytest.fixture
def verifier(certs_url: str) -> Iterator[IdTokenVerifier]:
    verifier = IdTokenVerifier([TEST_AUDIENCE, OTHER_AUDIENCE], certs_url)
    yield verifier
    verifier.close()


def test_a_good_token_names_its_caller(verifier: IdTokenVerifier, make_token: MakeToken) -> None:
    caller = verifier.verify(f"Bearer {make_token(email='Coach@Example.ORG')}")
    assert caller == Caller("coach@example.org")


def test_any_configured_audience_is_accepted(
    verifier: IdTokenVerifier, make_token: MakeToken
) -> None:
    assert verifier.verify(f"Bearer {make_token(audience=OTHER_AUDIENCE)}").email


def test_a_token_expired_within_the_clock_skew_is_accepted(
    verifier: IdTokenVerifier, make_token: MakeToken
) -> None:
    assert verifier.verify(f"Bearer {make_token(expires_in=-5)}").email


@pytest.mark.parametrize(
    ("header", "message"),
    [
        pytest.param(None, MISSING_TOKEN, id="missing"),
        pytest.param("  ", MISSING_TOKEN, id="blank"),
        pytest.param("Basic Y29hY2g6c2VjcmV0", "must read 'Bearer '", id="not bearer"),
        pytest.param("Bearer ", "must read 'Bearer '", id="bearer without token"),
        pytest.param("Bearer not-a-token", "not a valid Google ID token", id="malformed"),
        pytest.param("Bearer e30.e30.c2ln", "not a valid Google ID token", id="unsigned json"),
        pytest.param("Bearer ab.cd.ef", "not a valid Google ID token", id="three bad segments"),
    ],
)
def test_a_header_without_a_usable_token_is_refused(
    verifier: IdTokenVerifier, header: str | None, message: str
) -> None:
    with pytest.raises(Unauthorized, match=re.escape(message)):
        verifier.verify(header)


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        pytest.param({"expires_in": -3600}, EXPIRED_TOKEN, id="expired"),
        pytest.param(
            {"audience": "stranger.apps.googleusercontent.com"},
            "another application",
            id="wrong audience",
        ),
        pytest.param(
            {"issuer": "https://accounts.example.com"}, "not issued by Google", id="wrong issuer"
        ),
        pytest.param({"email_verified": False}, "not verified", id="unverified email"),
        pytest.param({"email_verified": None}, "not verified", id="no email_verified claim"),
        pytest.param({"email": None}, "no email address", id="no email claim"),
        pytest.param({"kid": "retired-key"}, "key Google does not publish", id="unknown key id"),
        pytest.param(
            {"signed_by_stranger": True}, "signature is not valid", id="signed by another key"
        ),
    ],
)
def test_a_token_google_would_not_vouch_for_is_refused(
    verifier: IdTokenVerifier, make_token: MakeToken, claims: dict, message: str
) -> None:
    token = make_token(**claims)
    with pytest.raises(Unauthorized, match=re.escape(message)) as refused:
        verifier.verify(f"Bearer {token}")
    assert token.split(".")[1] not in "".join(traceback.format_exception(refused.value))


def test_certificates_are_fetched_once_for_many_tokens(
    certs_server: CertsServer, make_token: MakeToken
) -> None:
    verifier = IdTokenVerifier([TEST_AUDIENCE], certs_server.url)
    before = certs_server.hits
    for email in ("a@example.org", "b@example.org", "c@example.org"):
        verifier.verify(f"Bearer {make_token(email=email)}")
    verifier.close()
    assert certs_server.hits == before + 1


def test_unreachable_certificates_are_our_outage_not_a_bad_sign_in(make_token: MakeToken) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    verifier = IdTokenVerifier([TEST_AUDIENCE], f"http://127.0.0.1:{port}/certs", timeout=2)
    with pytest.raises(SignInUnavailable) as unavailable:
        verifier.verify(f"Bearer {make_token()}")
    verifier.close()
    assert unavailable.value.status == 503


@pytest.mark.parametrize("audiences", [[], [""], ()], ids=["empty", "blank", "empty tuple"])
def test_a_verifier_without_an_audience_cannot_be_built(audiences: list[str]) -> None:
    with pytest.raises(ValueError, match="at least one OAuth client ID"):
        IdTokenVerifier(audiences)


def test_development_sign_in_takes_the_email_from_the_header() -> None:
    authenticator = DevelopmentAuthenticator("Admin@Example.com")
    assert authenticator.verify("Bearer dev:Ann@Example.org") == Caller("ann@example.org")
    assert authenticator.verify(None) == Caller("admin@example.com")


def test_development_sign_in_refuses_a_dev_header_without_an_email() -> None:
    with pytest.raises(Unauthorized, match="dev:<email>"):
        DevelopmentAuthenticator("admin@example.com").verify("Bearer dev:admin")


def test_development_sign_in_refuses_to_run_on_app_engine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(ConfigError, match="GAE_ENV"):
        refuse_on_app_engine({"GAE_ENV": "standard"})
    refuse_on_app_engine({"HOME": "/home/coach"})
    monkeypatch.setenv("GAE_ENV", "standard")
    with pytest.raises(ConfigError, match="App Engine"):
        DevelopmentAuthenticator("admin@example.com")
