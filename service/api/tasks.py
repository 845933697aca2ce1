"""The chunk handler Cloud Tasks calls: who may call it, one budget of work, then the next task.

Only the queue may call it (docs/tasks.md). In production the request must carry the OIDC token
Google mints for ROSTER_TASKS_SERVICE_ACCOUNT with ROSTER_TASKS_TARGET_URL as its audience,
verified with google-auth; headers such as X-AppEngine-QueueName prove nothing, since project
admins can set them. The local emulator mints no token: with CLOUD_TASKS_EMULATOR_HOST set the
handler trusts a request that names the configured queue, and refuses to start on App Engine.

Its status codes are instructions to the queue: 2xx means "this task is done" (the run finished,
was handed on to a new task, or does not exist); anything else means "retry it later".
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from flask import Response, current_app, request
from flask.blueprints import BlueprintSetupState
from werkzeug.datastructures import Headers

from .. import extensions
from ..auth import IdTokenVerifier
from ..config import Settings, on_app_engine
from ..errors import ConfigError, Forbidden, NotFound, RosterError, Unauthorized
from ..imports import cloud_tasks, jobs
from ..imports.runs import ImportStatus, get_run
from . import bodies, bp, problem_response
from .schemas import ImportResult

log = logging.getLogger("roster.tasks")

# A task request may run 10 minutes on App Engine; the chunk that crosses the budget and the
# write-back to the sheet must still fit. Tests set ROSTER_TASKS_BUDGET_SECONDS in the app config.
BUDGET_SECONDS = 480.0
RETRY_BUSY_SECONDS = 30


class QueueGate(Protocol):
    """Decides whether a request really comes from the import queue."""

    def check(self, headers: Headers) -> None:
        """Raise Unauthorized or Forbidden unless the queue sent the request."""


class QueueToken:
    """Admits the queue's OIDC token: signed by Google, for our target, for the tasks account."""

    def __init__(self, audience: str, service_account: str, certs_url: str) -> None:
        self._tokens = IdTokenVerifier([audience], certs_url)
        self._account = service_account.strip().lower()

    def check(self, headers: Headers) -> None:
        """Unauthorized without a valid token; Forbidden for any account but the queue's."""
        caller = self._tokens.verify(headers.get("Authorization"))
        if caller.email != self._account:
            raise Forbidden("Only the import queue's service account may call this handler.")


class EmulatorQueue:
    """Admits a request naming the configured queue: the local emulator can sign nothing."""

    def __init__(self, queue: str) -> None:
        if on_app_engine():
            raise ConfigError(
                "CLOUD_TASKS_EMULATOR_HOST is for local use only: it makes the "
                "import handler trust unsigned requests, so it will not run on "
                "App Engine. Unset it there."
            )
        self._queue = _short_name(queue)

    def check(self, headers: Headers) -> None:
        """Unauthorized unless the emulator's queue-name header names our queue."""
        if _short_name(headers.get("X-CloudTasks-QueueName", "")) != self._queue:
            raise Unauthorized(
                "Only the Cloud Tasks emulator's import queue may call this handler."
            )


def make_queue_gate(settings: Settings) -> QueueGate | None:
    """The gate for the configured queue; None when imports run in-process and nobody calls."""
    if settings.tasks == "inline":
        return None
    if settings.tasks != "cloud-tasks":
        raise ConfigError(f"ROSTER_TASKS must be inline or cloud-tasks, not {settings.tasks!r}.")
    queue, target = cloud_tasks.queue_and_target(settings)
    if settings.tasks_emulator_host:
        return EmulatorQueue(queue)
    if not settings.tasks_service_account:
        raise ConfigError(
            "With ROSTER_TASKS=cloud-tasks, set ROSTER_TASKS_SERVICE_ACCOUNT to the "
            "service account whose OIDC token the queue attaches to each task."
        )
    return QueueToken(target, settings.tasks_service_account, settings.id_token_certs_url)


@bp.record_once
def _wire(state: BlueprintSetupState) -> None:
    """Build the gate when the app is made, so a misconfigured queue stops the app at start."""
    state.app.extensions["roster.queue_gate"] = make_queue_gate(extensions.settings(state.app))


@bp.post("/imports/<import_id>/work")
def work_import(import_id: str) -> Any:
    """Work the run for one budget; hand the rest to a new task, or say the queue may drop this."""
    gate: QueueGate | None = current_app.extensions.get("roster.queue_gate")
    if gate is None:
        raise NotFound("There is nothing at this address.")
    gate.check(request.headers)
    bodies.authorised()  # the queue's own token, checked above: its body may be read
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or payload.get("import_id") != import_id:
        raise RosterError(
            'The task\'s body must be {"import_id": …} naming the import of its address.'
        )
    db, settings = extensions.db(), extensions.settings()
    task = request.headers.get("X-CloudTasks-TaskName", "?")
    try:
        get_run(db, import_id)
    except NotFound:
        log.warning("task %s: import %s does not exist; dropping the task", task, import_id)
        return ImportResult().dump(
            {"import_": None, "detail": f"There is no import {import_id}."}
        ), 200
    budget = float(current_app.config.get("ROSTER_TASKS_BUDGET_SECONDS", BUDGET_SECONDS))
    run = jobs.work(
        db, extensions.sheets(), extensions.hashing(), settings, import_id, budget_seconds=budget
    )
    log.info(
        "task %s: import %s %s, %d of %d rows",
        task,
        import_id,
        run.status,
        run.processed,
        run.total,
    )
    if run.status == "running" and run.lease is not None:
        return _busy(run)
    if run.status == "running":
        cloud_tasks.enqueue(settings, run.id, step=run.processed)
    return ImportResult().dump({"import_": run}), 200


def _busy(run: ImportStatus) -> Response:
    """Another worker holds the run: a duplicate delivery, or a worker that died too recently to
    be taken over (ROSTER_IMPORT_STALE_SECONDS). The queue retries this task; by then the run is
    finished, handed on, or free to take over."""
    response = problem_response(
        503,
        "The import is being worked on",
        f"Another worker is processing import {run.id}; retry later.",
    )
    response.headers["Retry-After"] = str(RETRY_BUSY_SECONDS)
    return response


def _short_name(queue: str) -> str:
    """`Q` of `projects/P/locations/L/queues/Q`: Cloud Tasks sends the short name, the emulator
    the full one."""
    return queue.rstrip("/").rsplit("/", 1)[-1]
