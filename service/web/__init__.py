"""The web console: an upload page that validates a CSV or XLSX file, no Google Sheet needed."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, render_template, request

from .. import extensions, organisations
from ..errors import RosterError
from ..roster.engine import validate_grid
from ..sources import workbook

bp = Blueprint("web", __name__, template_folder="templates")


@bp.get("/")
def index() -> str:
    """The console's upload page."""
    return render_template("index.html")


@bp.post("/check")
def check() -> tuple[str, int]:
    """Validate an uploaded roster against the caller's organisation's tags and attributes.

    Authenticated like the API: in `dev` mode anyone local; with Google ID tokens the page
    needs a token (a browser form has none, so in production the console waits for IAP).
    """
    caller = extensions.authenticator().verify(request.headers.get("Authorization"))
    try:
        # membership first: only a member's file is ever parsed (the form's envelope is
        # streamed to a temporary file by Werkzeug, within ROSTER_MAX_UPLOAD_BYTES)
        organisation = organisations.resolve(
            extensions.db(), slug=request.form.get("org") or None, member=caller.email
        )
        snapshot = organisations.snapshot(extensions.db(), organisation.id)
    except RosterError as error:
        return render_template("index.html", error=str(error)), error.status
    upload = request.files.get("roster")
    if upload is None or not upload.filename:
        return render_template("index.html", error="Choose a .csv or .xlsx file first."), 400
    suffix = Path(upload.filename).suffix.lower()
    try:
        if suffix not in workbook.SUFFIXES:
            raise RosterError(f"{upload.filename}: Roster reads .csv and .xlsx files.")
        grid = workbook.read_bytes(upload.read(), suffix, upload.filename)
        validation = validate_grid(grid, snapshot)
    except RosterError as error:
        return render_template("index.html", error=str(error)), error.status
    return render_template("index.html", validation=validation, filename=upload.filename), 200


def init_app(app: Flask) -> None:
    """Register the console's pages."""
    app.register_blueprint(bp)
