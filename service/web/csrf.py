"""The console's protection against cross-site requests: one secret token per session.

Every form carries it as the `csrf_token` field and every state-changing fetch as the
`X-CSRF-Token` header; a POST without the session's token is refused before anything else
reads its body. Our own twenty lines rather than Flask-WTF: the console has no WTForms, and
CSRFProtect would also guard the JSON API, whose Bearer tokens a foreign page cannot send.
"""

from __future__ import annotations

import hmac
import secrets

from flask import request, session

from ..errors import Forbidden

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REFUSED = (
    "This form has expired or did not come from the Roster console: reload the page and try again."
)


def token() -> str:
    """This session's token, made on first use."""
    if FIELD not in session:
        session[FIELD] = secrets.token_urlsafe(32)
    value: str = session[FIELD]
    return value


def check() -> None:
    """Refuse an unsafe request whose token is missing or not this session's.

    The header is read first: only a plain form (no upload) falls back to its field, so a
    multipart upload is never parsed before it is known to come from our page.
    """
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get(HEADER)
    if sent is None and request.mimetype == "application/x-www-form-urlencoded":
        sent = request.form.get(FIELD)
    expected = session.get(FIELD)
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        raise Forbidden(REFUSED)
