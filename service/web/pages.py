"""The console's pages: sign-in, organisation switcher, upload → check → import, history, clients.

Every request is signed in (signin.py), then — for pages under /o/<slug>/ — authorised as a
member (and as an admin for admin pages), then checked for its CSRF token, all before any
body is read. Views call the same use cases as the API.
"""

from __future__ import annotations

import io
import logging
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from werkzeug.exceptions import HTTPException

from .. import extensions, organisations
from ..admin import setup
from ..admin.access import Actor
from ..api.schemas import ImportResult
from ..api.views import dispatch
from ..errors import Forbidden, NotFound, RosterError, Unauthorized, problem
from ..imports.runs import get_run
from ..roster.organisation import OrgSnapshot
from ..uploads import Download, Upload, annotated_copy, fixed_copy, import_upload, validate_upload
from . import csrf
from .present import group_issues
from .signin import ConsoleSignIn, DevSignIn, GoogleSignIn

bp = Blueprint(
    "web",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/console-static",
)

log = logging.getLogger("roster.web")
UPLOADS = frozenset({"web.check", "web.fixed", "web.annotated", "web.start_import"})
PUBLIC = frozenset({"web.signin", "web.static"})
FETCH_HEADER = "X-Requested-With"  # our scripts' fetches send it: they get JSON errors


def current_signin() -> ConsoleSignIn:
    return current_app.extensions["roster.console_signin"]


@bp.before_request
def sign_in_then_authorise() -> Any:
    """Who is calling, may they see this organisation, and did the request come from us."""
    settings = extensions.settings()
    uploading = request.endpoint in UPLOADS
    request.max_content_length = settings.max_upload_bytes if uploading else settings.max_body_bytes
    g.caller = g.membership = g.org = None
    g.memberships = []
    if request.endpoint in PUBLIC:
        csrf.check()
        return None
    try:
        g.caller = current_signin().current(request.headers, session)
    except Unauthorized:
        has_form = isinstance(current_signin(), GoogleSignIn | DevSignIn)
        if has_form and request.method == "GET" and not request.headers.get(FETCH_HEADER):
            return redirect(url_for("web.signin", next=request.full_path.rstrip("?")))
        raise
    g.memberships = setup.list_organisations(extensions.db(), Actor(g.caller.email))
    slug = (request.view_args or {}).get("slug")
    if slug is not None:
        g.membership = next((m for m in g.memberships if m.slug == slug), None)
        if g.membership is None:
            raise Forbidden(
                f"{g.caller.email} is not a member of {slug}: ask its admin to add you."
            )
        if request.endpoint in ADMIN_ONLY and g.membership.role != "admin":
            raise Forbidden(f"Only the admins of {slug} may do this.")
        g.org = organisations.resolve(extensions.db(), slug=slug, member=g.caller.email)
    csrf.check()
    return None


@bp.app_context_processor
def page_context() -> dict[str, Any]:
    return {"csrf_token": csrf.token, "signin_mode": current_signin().mode}


@bp.errorhandler(RosterError)
def roster_error(error: RosterError) -> Any:
    return _error_page(error.status, error.title, str(error))


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> Any:
    detail = {413: "The file is too large for Roster."}.get(error.code or 500, error.description)
    return _error_page(error.code or 500, error.name, detail or "")


@bp.errorhandler(Exception)
def unexpected(error: Exception) -> Any:
    log.exception("unexpected error in the console")
    return _error_page(
        500,
        "Internal error",
        "Something went wrong on Roster's side; it has been logged. Try again, or tell your admin.",
    )


def _error_page(status: int, title: str, detail: str) -> Any:
    if request.headers.get(FETCH_HEADER):
        response = jsonify(problem(status, title, detail))
        response.status_code = status
        response.mimetype = "application/problem+json"
        return response
    return render_template("error.html", title=title, detail=detail), status


# --- signing in and choosing an organisation -------------------------------------------------


@bp.route("/signin", methods=["GET", "POST"])
def signin() -> Any:
    """Sign in with Google (or, in dev mode, as any email)."""
    mode = current_signin()
    nxt = _safe_next(request.values.get("next"))
    if request.method == "POST":
        if isinstance(mode, GoogleSignIn):
            mode.sign_in(request.form.get("credential", ""), session)
        elif isinstance(mode, DevSignIn):
            mode.sign_in(request.form.get("email", ""), session)
        else:
            raise NotFound("This console does not sign in with a form.")
        csrf.token()  # the cleared session gets a fresh token
        if request.headers.get(FETCH_HEADER):
            return {"next": nxt}
        return redirect(nxt)
    client_id = mode.client_id if isinstance(mode, GoogleSignIn) else None
    return render_template("signin.html", client_id=client_id, next=nxt)


@bp.post("/signout")
def signout() -> Any:
    session.clear()
    return redirect(url_for("web.signin"))


def _safe_next(value: str | None) -> str:
    """Only a path of this site: never a redirect elsewhere."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return url_for("web.index")


@bp.get("/")
def index() -> Any:
    """Straight to the upload page of one's organisation; a chooser when there are several."""
    chosen = session.get("org")
    if any(m.slug == chosen for m in g.memberships):
        return redirect(url_for("web.upload", slug=chosen))
    if len(g.memberships) == 1:
        return redirect(url_for("web.upload", slug=g.memberships[0].slug))
    return render_template("orgs.html")


@bp.get("/switch")
def switch() -> Any:
    """The organisation switcher's target: remember the choice and open its upload page."""
    slug = request.args.get("org", "")
    if not any(m.slug == slug for m in g.memberships):
        raise Forbidden(f"{g.caller.email} is not a member of {slug or 'that organisation'}.")
    session["org"] = slug
    return redirect(url_for("web.upload", slug=slug))


# --- upload → check → import -----------------------------------------------------------------


def _snapshot() -> OrgSnapshot:
    return organisations.snapshot(extensions.db(), g.org.id)


def _upload() -> Upload:
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        raise RosterError("Choose a .csv, .xlsx or .ods file first.")
    return Upload(sent.filename, sent.read())


@bp.get("/o/<slug>/")
@bp.get("/o/<slug>/upload")
def upload(slug: str) -> str:
    session["org"] = slug
    return render_template("upload.html", page="upload")


@bp.post("/o/<slug>/upload/check")
def check(slug: str) -> str:
    """The issues of an uploaded file, grouped; a fragment the upload page shows."""
    sent = _upload()
    checked = validate_upload(sent, None, _snapshot())
    groups = group_issues(checked.validation.issues, checked.grid.header)
    return render_template("_validation.html", checked=checked, groups=groups, upload=sent)


@bp.post("/o/<slug>/upload/annotated")
def annotated(slug: str) -> Response:
    sent = _upload()
    checked = validate_upload(sent, None, _snapshot())
    return _download(annotated_copy(sent, checked))


@bp.post("/o/<slug>/upload/fixed")
def fixed(slug: str) -> Response:
    sent = _upload()
    return _download(fixed_copy(sent, None, _snapshot()))


def _download(file: Download) -> Response:
    # send_file encodes any file name safely in Content-Disposition
    response = send_file(
        io.BytesIO(file.data), file.mimetype, as_attachment=True, download_name=file.filename
    )
    response.headers["Cache-Control"] = "no-store"  # it holds temporary passwords
    return response


@bp.post("/o/<slug>/upload/import")
def start_import(slug: str) -> Any:
    """Check the file again and start its import; the page then polls the progress."""
    sent = _upload()
    checked = validate_upload(sent, None, _snapshot())
    started = import_upload(
        extensions.db(),
        extensions.sheets(),
        extensions.settings(),
        g.org.id,
        sent,
        checked,
        g.caller.email,
        mode="skip_invalid" if request.form.get("skip_invalid") else "all_or_nothing",
        update_existing=bool(request.form.get("update_existing")),
    )
    assert started.run is not None  # not a dry run
    dispatch(
        extensions.settings(),
        extensions.db(),
        extensions.sheets(),
        extensions.hashing(),
        started.run.id,
        started.prepared,
        in_process=True,
    )
    run_id = started.run.id
    return {
        **ImportResult().dump({"import_": started.run}),
        "progress_url": url_for("web.import_progress", slug=slug, import_id=run_id),
        "result_url": url_for("web.import_result", slug=slug, import_id=run_id),
    }, 202


def _run(import_id: str) -> Any:
    run = get_run(extensions.db(), import_id)
    if run.organisation_id != g.org.id:
        raise NotFound(f"There is no import {import_id} in {g.membership.slug}.")
    return run


@bp.get("/o/<slug>/imports/<import_id>/progress")
def import_progress(slug: str, import_id: str) -> dict[str, Any]:
    return ImportResult().dump({"import_": _run(import_id)})


# what only an organisation's admins may open or post (the use cases check it again)
ADMIN_ONLY = frozenset(
    {
        "web.organisation",
        "web.add_tag",
        "web.remove_tag",
        "web.add_attribute",
        "web.add_choices",
        "web.add_member",
        "web.remove_member",
        "web.link_sheet",
        "web.unlink_sheet",
        "web.create_link_code",
        "web.undo_import",
    }
)
