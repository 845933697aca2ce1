"""Cloud Tasks: the one module that talks to the queue; it queues a run's next handler call.

A task is an HTTP-target request, `POST {ROSTER_TASKS_TARGET_URL}/api/v1/imports/{id}/work` with
`{"import_id": id}`, carrying an OIDC token that Google mints for ROSTER_TASKS_SERVICE_ACCOUNT
with the target URL as its audience; `service/api/tasks.py` checks that token (docs/tasks.md).
With CLOUD_TASKS_EMULATOR_HOST set, the same client talks to a local emulator over plain gRPC.
"""

from __future__ import annotations

import json
import logging
import re
import threading

import grpc
from google.api_core import exceptions as google_exceptions
from google.cloud import tasks_v2
from google.cloud.tasks_v2.services.cloud_tasks.transports import CloudTasksGrpcTransport
from google.protobuf import duration_pb2

from ..config import Settings
from ..errors import ConfigError, TasksUnavailable

log = logging.getLogger("roster.tasks")

# App Engine gives a request 10 minutes under automatic scaling; the queue should wait as long.
DISPATCH_DEADLINE_SECONDS = 600
CREATE_TIMEOUT_SECONDS = 30.0
_QUEUE_NAME = re.compile(r"projects/[^/]+/locations/[^/]+/queues/[A-Za-z0-9-]+")


def work_path(run_id: str) -> str:
    """The chunk handler's path for a run (the route in service/api/tasks.py)."""
    return f"/api/v1/imports/{run_id}/work"


def queue_and_target(settings: Settings) -> tuple[str, str]:
    """The queue's full name and the backend's base URL, or a ConfigError saying what is wrong."""
    queue, target = settings.tasks_queue or "", (settings.tasks_target_url or "").rstrip("/")
    if not _QUEUE_NAME.fullmatch(queue):
        raise ConfigError(
            "With ROSTER_TASKS=cloud-tasks, set ROSTER_TASKS_QUEUE to the queue's "
            "full name, projects/PROJECT/locations/LOCATION/queues/QUEUE "
            f"(it is {queue or 'unset'})."
        )
    # Plain http only for the emulator: App Engine answers it with a redirect, which Cloud Tasks
    # does not follow, and the queue's token must not travel in clear.
    schemes = ("https://", "http://") if settings.tasks_emulator_host else ("https://",)
    if not target.startswith(schemes):
        raise ConfigError(
            "With ROSTER_TASKS=cloud-tasks, set ROSTER_TASKS_TARGET_URL to the "
            "backend's https base URL, e.g. https://PROJECT.REGION.r.appspot.com "
            f"(it is {target or 'unset'})."
        )
    return queue, target


def task_id(run_id: str, step: int) -> str:
    """A task id unique to a run's progress point, so a handler's retry cannot queue it twice.

    The run id is a random UUID, which also gives the id the random prefix Cloud Tasks asks for.
    """
    return f"{run_id}-{step}"


def enqueue(settings: Settings, run_id: str, step: int | None = None) -> str:
    """Queue one call of the chunk handler for the run and return the task's name.

    `step` (the run's processed count) names the task: Cloud Tasks refuses a second task of that
    name, which is taken as success, because it means this step was already handed on.
    """
    queue, target = queue_and_target(settings)
    account = settings.tasks_service_account
    task = tasks_v2.Task(
        http_request=tasks_v2.HttpRequest(
            http_method=tasks_v2.HttpMethod.POST,
            url=target + work_path(run_id),
            headers={"Content-Type": "application/json"},
            body=json.dumps({"import_id": run_id}).encode(),
            # Audience: the base URL, which the handler knows however the request was routed.
            oidc_token=tasks_v2.OidcToken(service_account_email=account, audience=target)
            if account
            else None,
        ),
        dispatch_deadline=duration_pb2.Duration(seconds=DISPATCH_DEADLINE_SECONDS),
    )
    if step is not None:
        task.name = f"{queue}/tasks/{task_id(run_id, step)}"
    try:
        created = _client(settings.tasks_emulator_host).create_task(
            parent=queue, task=task, timeout=CREATE_TIMEOUT_SECONDS
        )
    except google_exceptions.AlreadyExists:
        return task.name
    except google_exceptions.GoogleAPIError as error:
        log.warning("queueing import %s failed: %s", run_id, error)
        raise TasksUnavailable(
            "The import could not be queued: Cloud Tasks did not answer. "
            "What it did so far is kept; import the sheet again in a minute "
            "to resume it."
        ) from None
    return created.name


def _client(emulator_host: str | None) -> tasks_v2.CloudTasksClient:
    """One client per endpoint: each costs a channel and a credentials lookup to create."""
    with _lock:
        client = _clients.get(emulator_host)
        if client is None:
            client = _clients[emulator_host] = _new_client(emulator_host)
        return client


def _new_client(emulator_host: str | None) -> tasks_v2.CloudTasksClient:
    """Google's endpoint with the default credentials, or the emulator over a plain channel."""
    if emulator_host:
        # A channel passed in makes the client skip credentials altogether: the emulator has none.
        channel = grpc.insecure_channel(emulator_host)
        return tasks_v2.CloudTasksClient(transport=CloudTasksGrpcTransport(channel=channel))
    return tasks_v2.CloudTasksClient()


def close() -> None:
    """Close every client's channel (tests, and a process that is shutting down)."""
    with _lock:
        for client in _clients.values():
            client.transport.close()
        _clients.clear()


_lock = threading.Lock()
_clients: dict[str | None, tasks_v2.CloudTasksClient] = {}
