"""Console sign-in for real: IAP assertions and Google ID tokens signed by local keys, verified by
google-auth against local certificate servers; unsigned, forged and foreign ones refused."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from typing import Any

import pytest

from service import create_app, extensions, organisations
from service.errors import ConfigError
from service.web.signin import IAP_HEADER
from tests.auth_tokens import TEST_AUDIENCE, TEST_EMAIL
from tests.web.iap_tokens import IAP_AUDIENCE

SECRET = "a-test-secret-key-that-is-long-enough-0123456789"


def app_with(settings, **changes):
    app = create_app({"ROSTER_SETTINGS": settings.replace(**changes), "TESTING": True})
    db = extensions.db(app)
    organisations.add_member(db, organisations.resolve(db), TEST_EMAIL, "pro")
    return app


@pytest.fixture
def iap_client(settings, iap_keys) -> Iterator[Any]:
    app = app_with(
        settings,
        auth_mode="google",
        id_token_audiences=(TEST_AUDIENCE,),
        iap_audience=IAP_AUDIENCE,
        iap_certs_url=iap_keys[2],
        secret_key=SECRET,
    )
    yield app.test_client()
    extensions.close(app)


def test_an_iap_signed_request_is_let_in(iap_client, iap_assertion):
    page = iap_client.get("/o/default/upload", headers={IAP_HEADER: iap_assertion()})
    assert page.status_code == 200
    assert TEST_EMAIL in page.text


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="unsigned: no assertion"),
        pytest.param({IAP_HEADER: "not-a-jwt"}, id="garbage"),
    ],
)
def test_a_request_without_a_valid_iap_assertion_is_refused(iap_client, headers):
    assert iap_client.get("/o/default/upload", headers=headers).status_code == 401


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"forged": True}, id="forged: signed by a key IAP does not publish"),
        pytest.param({"audience": "/projects/999/apps/someone-else"}, id="foreign audience"),
        pytest.param({"issuer": "https://accounts.google.com"}, id="not issued by IAP"),
        pytest.param({"expires_in": -600}, id="expired"),
    ],
)
def test_a_forged_or_foreign_iap_assertion_is_refused(iap_client, iap_assertion, claims):
    page = iap_client.get("/o/default/upload", headers={IAP_HEADER: iap_assertion(**claims)})
    assert page.status_code == 401
    assert "Identity-Aware Proxy" in page.text


def test_an_iap_user_who_is_not_a_member_is_forbidden(iap_client, iap_assertion):
    headers = {IAP_HEADER: iap_assertion(email="stranger@example.org")}
    assert iap_client.get("/o/default/upload", headers=headers).status_code == 403


def test_the_console_refuses_to_start_behind_iap_without_a_secret_key(settings, iap_keys):
    with pytest.raises(ConfigError, match="ROSTER_SECRET_KEY"):
        create_app(
            {
                "ROSTER_SETTINGS": settings.replace(
                    auth_mode="google", id_token_audiences=("a",), iap_audience="x"
                )
            }
        )


# --- Sign in with Google ---------------------------------------------------------------------


@pytest.fixture
def google_client(settings, certs_url) -> Iterator[Any]:
    app = app_with(
        settings,
        auth_mode="google",
        id_token_audiences=(TEST_AUDIENCE,),
        id_token_certs_url=certs_url,
        web_client_id=TEST_AUDIENCE,
        secret_key=SECRET,
    )
    yield app.test_client()
    extensions.close(app)


def csrf_of(client) -> str:
    page = client.get("/signin")
    return re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)


def sign_in(client, credential: str, token: str | None = None):
    headers = {"X-CSRF-Token": token or csrf_of(client), "X-Requested-With": "fetch"}
    return client.post("/signin", data={"credential": credential}, headers=headers)


def test_the_sign_in_page_shows_google_s_button_for_our_web_client(google_client):
    page = google_client.get("/signin").text
    assert f'data-client_id="{TEST_AUDIENCE}"' in page and "g_id_signin" in page


def test_a_google_id_token_opens_a_session(google_client, make_token):
    assert google_client.get("/o/default/upload").status_code == 302  # to the sign-in page
    assert sign_in(google_client, make_token()).status_code == 200
    page = google_client.get("/o/default/upload")
    assert page.status_code == 200 and TEST_EMAIL in page.text


def _unsigned(make_token) -> str:
    header, payload, _ = make_token().split(".")
    none = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    return f"{none}.{payload}."


@pytest.mark.parametrize(
    "kind",
    ["unsigned", "forged", "foreign audience", "expired", "unverified email", "not Google's"],
)
def test_a_bad_google_id_token_opens_no_session(google_client, make_token, kind):
    credential = {
        "unsigned": lambda: _unsigned(make_token),
        "forged": lambda: make_token(signed_by_stranger=True),
        "foreign audience": lambda: make_token(audience="another-app.apps.googleusercontent.com"),
        "expired": lambda: make_token(expires_in=-600),
        "unverified email": lambda: make_token(email_verified=False),
        "not Google's": lambda: make_token(issuer="https://evil.example.com"),
    }[kind]()
    assert sign_in(google_client, credential).status_code == 401
    assert google_client.get("/o/default/upload").status_code == 302


def test_signing_in_without_the_csrf_token_is_refused(google_client, make_token):
    csrf_of(google_client)
    response = google_client.post("/signin", data={"credential": make_token()})
    assert response.status_code == 403


def test_a_session_cookie_signed_with_another_key_is_ignored(settings, certs_url, make_token):
    first = app_with(
        settings,
        auth_mode="google",
        id_token_audiences=(TEST_AUDIENCE,),
        id_token_certs_url=certs_url,
        web_client_id=TEST_AUDIENCE,
        secret_key=SECRET,
    )
    client = first.test_client()
    sign_in(client, make_token())
    cookie = client.get_cookie("roster_session").value
    extensions.close(first)
    other = create_app(
        {
            "ROSTER_SETTINGS": settings.replace(
                auth_mode="google",
                id_token_audiences=(TEST_AUDIENCE,),
                id_token_certs_url=certs_url,
                web_client_id=TEST_AUDIENCE,
                secret_key=SECRET[::-1],
            )
        }
    )
    stranger = other.test_client()
    stranger.set_cookie("roster_session", cookie)
    assert stranger.get("/o/default/upload").status_code == 302
    extensions.close(other)


def test_google_sign_in_needs_a_secret_key_and_a_listed_client_id(settings):
    google = settings.replace(auth_mode="google", id_token_audiences=("a",), web_client_id="a")
    with pytest.raises(ConfigError, match="ROSTER_SECRET_KEY"):
        create_app({"ROSTER_SETTINGS": google})
    with pytest.raises(ConfigError, match="ROSTER_ID_TOKEN_AUDIENCES"):
        create_app({"ROSTER_SETTINGS": google.replace(web_client_id="b", secret_key=SECRET)})


def test_without_a_console_sign_in_the_api_still_starts_and_the_console_says_how(
    settings, certs_url
):
    app = create_app(
        {
            "ROSTER_SETTINGS": settings.replace(
                auth_mode="google", id_token_audiences=("a",), id_token_certs_url=certs_url
            )
        }
    )
    page = app.test_client().get("/")
    extensions.close(app)
    assert page.status_code == 401 and "ROSTER_WEB_CLIENT_ID" in page.text
