"""The JSON API (SPEC §6): parse the body, authenticate, call the use case, dump the result."""

from __future__ import annotations

import logging

from flask import Blueprint, Flask, Response, jsonify, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from .. import extensions
from ..errors import RosterError, problem
from .schemas import Problem

log = logging.getLogger("roster.api")
PROBLEM_JSON = "application/problem+json"

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.before_request
def limit_body() -> None:
    """API bodies are small JSON; a roster file's route raises it (bodies.authorised)."""
    request.max_content_length = extensions.settings().max_body_bytes


def problem_response(status: int, title: str, detail: str, **extra: object) -> Response:
    """An application/problem+json response, dumped through the Problem schema."""
    response = jsonify(Problem().dump(problem(status, title, detail, **extra)))
    response.status_code = status
    response.mimetype = PROBLEM_JSON
    return response


def init_app(app: Flask) -> None:
    """Register the API's routes, /healthz, and one problem+json answer for every error."""
    from . import (  # noqa: F401  (importing them registers their routes on bp)
        bodies,
        connect,
        files,
        history,
        openapi,
        organisations,
        sheet_jobs,  # noqa: F401  (validation jobs and the active import, polled by the sidebar)
        tasks,  # noqa: F401  (the chunk handler Cloud Tasks calls)
        views,
    )

    bodies.install(app)  # bodies read after authorisation, within limits (bodies.py)
    app.register_blueprint(bp)
    app.add_url_rule("/healthz", "healthz", lambda: {"status": "ok"})

    @app.errorhandler(RosterError)
    def roster_error(error: RosterError) -> Response:
        """Roster's own errors, with the fields each one declares."""
        return problem_response(error.status, error.title, str(error), **error.problem_fields())

    @app.errorhandler(ValidationError)
    def bad_body(error: ValidationError) -> Response:
        """A body its schema refused: say which field and why."""
        return problem_response(
            422,
            "The request body is not valid",
            f"Fix the request body: {_flatten(error.messages)}",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        """Werkzeug's errors (404, 405, 413) in plain words."""
        detail = {
            413: "The request is too large: send a smaller body or file.",
            404: "There is nothing at this address.",
            405: "This address does not accept that method.",
        }.get(error.code or 500, error.description or "")
        return problem_response(error.code or 500, error.name, detail)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        """A bug: logged with its traceback, answered without it."""
        log.exception("unexpected error")
        return problem_response(
            500,
            "Internal error",
            "Something went wrong on Roster's side; "
            "it has been logged. Try again, or tell your admin.",
        )


def _flatten(messages: object) -> str:
    if isinstance(messages, dict):
        return "; ".join(f"{k}: {_flatten(v)}" for k, v in messages.items())
    if isinstance(messages, list):
        return " ".join(_flatten(m) for m in messages)
    return str(messages)
