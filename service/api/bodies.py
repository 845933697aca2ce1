"""Request bodies: read only once the caller is authorised, never past the limit, JSON not deep.

Every route under /api/ follows one order: who is calling (the token), may they (membership or
role), and only then the body. `authorised()` is the line between the two; reading the body of
an /api/ request before it (request.get_json, .get_data, .form, .files, or `json_body`) is a
programming error, answered 500 and logged, so that a new route cannot parse first by mistake.

What any route gets, installed by `install` on the app:
- a body past `request.max_content_length` is a 413, with Content-Length or chunked (Werkzeug
  alone cuts a chunked body at the limit and hands on the part it read);
- JSON nested deeper than MAX_DEPTH is refused before it is decoded: `request.get_json()` gives
  a 400, `json_body` a 422 that says why (never a RecursionError, never a 500).
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, Request, current_app, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import cached_property
from werkzeug.wsgi import LimitedStream, get_input_stream

from .. import extensions
from ..errors import BadBody

MAX_DEPTH = 32  # Roster's bodies are 2 or 3 levels deep
_AUTHORISED = "roster.authorised"
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


NOT_AN_OBJECT = 'The request body must be a JSON object, such as {"worksheet_id": 0}.'


class TooDeep(ValueError):
    """JSON nested deeper than MAX_DEPTH."""


class ReadBeforeAuthorised(RuntimeError):
    """A route read its body before saying the caller may send one."""


def authorised(*, upload: bool = False) -> None:
    """The caller may send this request a body: call it once membership or role is checked.

    `upload=True` raises the limit from ROSTER_MAX_BODY_BYTES to ROSTER_MAX_UPLOAD_BYTES, for
    the routes that take a file.
    """
    request.environ[_AUTHORISED] = True
    if upload:
        request.max_content_length = extensions.settings().max_upload_bytes


def json_body(schema: Any) -> dict[str, Any]:
    """The JSON body loaded by its marshmallow schema; an empty body means every default."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return schema.load({})
    data = None
    if request.is_json:
        try:
            data = current_app.json.loads(raw)
        except TooDeep as error:
            raise BadBody(f"{NOT_AN_OBJECT[:-1]}: this one {error}.") from None
        except ValueError:
            pass
    if not isinstance(data, dict):
        raise BadBody(NOT_AN_OBJECT)
    return schema.load(data)


def check_depth(text: str | bytes, limit: int = MAX_DEPTH) -> None:
    """TooDeep (a ValueError) past `limit` nested arrays and objects; strings do not count."""
    if isinstance(text, bytes | bytearray):
        text = text.decode("utf-8", "replace")
    depth = 0
    for bracket in _BRACKET.finditer(_STRING.sub("", text)):
        if bracket.group() in "[{":
            depth += 1
            if depth > limit:
                raise TooDeep(f"nests arrays and objects more than {limit} levels deep")
        else:
            depth -= 1


class DepthLimitedJSON(DefaultJSONProvider):
    """Flask's JSON, with the depth checked before decoding (the decoder recurses)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        check_depth(s)
        try:
            return super().loads(s, **kwargs)
        except RecursionError:  # a limit above the interpreter's: still never a 500
            raise TooDeep("nests arrays and objects too deep") from None


class _StrictLimit(LimitedStream):
    """Reads at most `limit` bytes and raises 413 if one more arrives (a chunked body)."""

    def __init__(self, stream: Any, limit: int) -> None:
        super().__init__(stream, limit + 1, is_max=True)
        self._max = limit

    def readinto(self, buffer: Any) -> int | None:
        read = super().readinto(buffer)
        if self._pos > self._max:
            raise RequestEntityTooLarge()
        return read


class BodyRequest(Request):
    """Flask's request, whose body is guarded as this module says."""

    @cached_property
    def stream(self) -> Any:
        if self.path.startswith("/api/") and not self.environ.get(_AUTHORISED):
            raise ReadBeforeAuthorised(
                f"{self.endpoint} read its request body before bodies.authorised(): check "
                "who is calling and whether they may, then call it, then read the body."
            )
        limit = self.max_content_length
        stream = get_input_stream(self.environ, max_content_length=limit)  # 413 past Content-Length
        if limit is not None and "wsgi.input_terminated" in self.environ:
            # the server ends the stream (chunked bodies): Werkzeug's cap would cut it silently
            return _StrictLimit(self.environ["wsgi.input"], limit)
        return stream


def install(app: Flask) -> None:
    app.request_class = BodyRequest
    app.json = DepthLimitedJSON(app)
