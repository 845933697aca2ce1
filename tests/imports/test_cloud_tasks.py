"""Imports through Cloud Tasks: the real client, the local emulator, the backend on a real port,
and the chunk handler's gate checked with real google-auth verification of locally signed tokens."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from google.cloud import tasks_v2
from google.cloud.tasks_v2.services.cloud_tasks.transports import CloudTasksGrpcTransport
from sqlalchemy import func, select, update
from werkzeug.serving import make_server

from service import create_app, extensions
from service.api.tasks import make_queue_gate
from service.api.views import dispatch
from service.errors import ConfigError
from service.imports import cloud_tasks, jobs
from service.imports.runs import get_run
from service.models import Client, ImportRun, utcnow

REPO = Path(__file__).parents[2]
EMULATOR = REPO / "tools" / "tasks-emulator" / "run"
QUEUE = "projects/roster-test/locations/europe-west1/queues/imports"
SERVICE_ACCOUNT = "roster-tasks@roster-test.iam.gserviceaccount.com"
TARGET = "https://roster-test.ew.r.appspot.com"
HEADER = "email_address,initial_password,first_name,last_name,birthdate,gender"


def roster_csv(path: Path, rows: int) -> str:
    lines = [HEADER] + [
        f"client{n}@example.com,Secret-{n:03d}x,First{n},Last{n},19800101,female"
        for n in range(rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture
def start(db, sheets, settings):
    """Open an import run of a file, as `roster import` or the API would, and return its id."""

    def open_run(source: str) -> str:
        started = jobs.start_import(db, sheets, settings, source, None, "coach@example.org")
        assert started.run is not None
        return started.run.id

    return open_run


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def unavailable(reason: str) -> None:
    """CI must run the emulator test; a laptop without the package registry may skip it."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def tasks_emulator(tmp_path_factory) -> Iterator[str]:
    """gcloud-tasks-emulator in its own virtualenv, serving QUEUE; yields its host:port."""
    setup = subprocess.run(
        ["bash", str(EMULATOR), "--setup-only"], capture_output=True, text=True, timeout=600
    )
    if setup.returncode != 0:
        unavailable(f"the Cloud Tasks emulator could not be installed: {setup.stderr[-2000:]}")
    port = free_port()
    log_path = tmp_path_factory.mktemp("tasks-emulator") / "emulator.log"
    with log_path.open("w") as log:
        # --max-retries: a task the backend keeps refusing must not loop for ever in a test.
        process = subprocess.Popen(
            [
                "bash",
                str(EMULATOR),
                "--port",
                str(port),
                "--default-queue",
                QUEUE,
                "--max-retries",
                "3",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                unavailable(f"the Cloud Tasks emulator did not start: {log_path.read_text()}")
            time.sleep(0.1)
    yield f"127.0.0.1:{port}"
    cloud_tasks.close()
    process.terminate()
    process.wait(timeout=10)


class Backend:
    """Roster served on a loopback port, recording the task name of every handler call."""

    def __init__(self) -> None:
        self.tasks: list[str] = []
        self.app = None
        self.server = make_server("127.0.0.1", 0, self._serve, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def _serve(self, environ, start_response):  # type: ignore[no-untyped-def]
        if environ["PATH_INFO"].endswith("/work"):
            self.tasks.append(environ.get("HTTP_X_CLOUDTASKS_TASKNAME", ""))
        return self.app(environ, start_response)


@pytest.fixture
def backend(settings, tasks_emulator) -> Iterator[Backend]:
    """The backend the emulator calls: two rows per chunk, and one chunk per task."""
    served = Backend()
    served.app = create_app(
        {
            "ROSTER_SETTINGS": settings.replace(
                tasks="cloud-tasks",
                tasks_queue=QUEUE,
                tasks_emulator_host=tasks_emulator,
                tasks_target_url=served.url,
                tasks_service_account=SERVICE_ACCOUNT,
                import_chunk_size=2,
            ),
            "ROSTER_TASKS_BUDGET_SECONDS": 0,
        }
    )
    thread = threading.Thread(target=served.server.serve_forever, daemon=True)
    thread.start()
    yield served
    served.server.shutdown()
    thread.join()
    served.server.server_close()
    extensions.close(served.app)


def wait_for_end(db, run_id: str, seconds: float = 60) -> ImportRun:
    deadline = time.monotonic() + seconds
    while (run := get_run(db, run_id)).status in ("queued", "running"):
        assert time.monotonic() < deadline, f"the import is still {run.status}: {run.processed}"
        time.sleep(0.1)
    return run


def test_a_whole_import_runs_through_the_emulator_one_chunk_per_task(backend, db, start, tmp_path):
    run_id = start(roster_csv(tmp_path / "roster.csv", 7))

    dispatch(
        extensions.settings(backend.app),
        extensions.db(backend.app),
        extensions.sheets(backend.app),
        extensions.hashing(backend.app),
        run_id,
    )

    run = wait_for_end(db, run_id)
    assert (run.status, run.total, run.processed, run.created) == ("succeeded", 7, 7, 7)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Client)) == 7
    # The first task is the API's; each later one is named after the step it continues from.
    assert len(backend.tasks) == 4
    assert backend.tasks[1:] == [f"{run_id}-2", f"{run_id}-4", f"{run_id}-6"]


def test_a_queued_task_posts_the_import_id_with_the_queue_token(tasks_emulator, settings):
    channel = grpc.insecure_channel(tasks_emulator)
    client = tasks_v2.CloudTasksClient(transport=CloudTasksGrpcTransport(channel=channel))
    paused = QUEUE.replace("/imports", "/paused")
    client.create_queue(parent=paused.rsplit("/queues/", 1)[0], queue={"name": paused})
    client.pause_queue(name=paused)
    configured = settings.replace(
        tasks="cloud-tasks",
        tasks_queue=paused,
        tasks_emulator_host=tasks_emulator,
        tasks_target_url=TARGET + "/",
        tasks_service_account=SERVICE_ACCOUNT,
    )

    name = cloud_tasks.enqueue(configured, "run-1", step=40)

    [task] = client.list_tasks(parent=paused).tasks
    assert name == task.name == f"{paused}/tasks/run-1-40"
    request = task.http_request
    assert (request.http_method, request.url) == (
        tasks_v2.HttpMethod.POST,
        f"{TARGET}/api/v1/imports/run-1/work",
    )
    assert request.body == b'{"import_id": "run-1"}'
    assert request.headers["Content-Type"] == "application/json"
    assert (request.oidc_token.service_account_email, request.oidc_token.audience) == (
        SERVICE_ACCOUNT,
        TARGET,
    )
    channel.close()


# The gate in production: only the queue's OIDC token, checked by google-auth.


@pytest.fixture
def queue_app(settings, certs_url):
    app = create_app(
        {
            "ROSTER_SETTINGS": settings.replace(
                tasks="cloud-tasks",
                tasks_queue=QUEUE,
                tasks_target_url=TARGET,
                tasks_service_account=SERVICE_ACCOUNT,
                id_token_certs_url=certs_url,
            )
        }
    )
    yield app
    extensions.close(app)


@pytest.fixture
def call(queue_app, make_token):
    """POST to the handler as the queue would; `token` and `headers` change what is sent."""
    client = queue_app.test_client()

    def post(run_id: str, token: str | None = "queue", **headers: str):
        if token == "queue":
            token = make_token(email=SERVICE_ACCOUNT, audience=TARGET)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return client.post(
            f"/api/v1/imports/{run_id}/work", json={"import_id": run_id}, headers=headers
        )

    return post


def test_the_queue_token_runs_the_import_to_its_end(call, db, start, tmp_path):
    run_id = start(roster_csv(tmp_path / "roster.csv", 3))

    response = call(run_id)

    assert response.status_code == 200, response.get_json()
    assert response.get_json()["import"]["status"] == "succeeded"
    assert get_run(db, run_id).created == 3


def test_a_request_without_a_token_is_refused_with_401(call, db, start, tmp_path):
    run_id = start(roster_csv(tmp_path / "roster.csv", 1))

    assert call(run_id, token=None).status_code == 401
    assert get_run(db, run_id).status == "queued"


def test_app_engine_and_cloud_tasks_headers_alone_are_refused_with_401(call, db, start, tmp_path):
    run_id = start(roster_csv(tmp_path / "roster.csv", 1))
    forged = {
        "X-AppEngine-QueueName": "imports",
        "X-AppEngine-TaskName": "t1",
        "X-CloudTasks-QueueName": "imports",
        "X-CloudTasks-TaskName": "t1",
    }

    assert call(run_id, token=None, **forged).status_code == 401
    assert get_run(db, run_id).status == "queued"


@pytest.mark.parametrize(
    "claims",
    [
        {"audience": "https://someone-else.example.com"},
        {"signed_by_stranger": True},
        {"expires_in": -600},
        {"issuer": "https://evil.example.com"},
    ],
    ids=["another audience", "not signed by Google", "expired", "another issuer"],
)
def test_a_token_that_google_auth_rejects_is_refused_with_401(
    call, make_token, db, start, tmp_path, claims
):
    run_id = start(roster_csv(tmp_path / "roster.csv", 1))
    token = make_token(**{"email": SERVICE_ACCOUNT, "audience": TARGET, **claims})

    assert call(run_id, token=token).status_code == 401
    assert get_run(db, run_id).status == "queued"


def test_a_token_for_another_service_account_is_refused_with_403(
    call, make_token, db, start, tmp_path
):
    run_id = start(roster_csv(tmp_path / "roster.csv", 1))
    token = make_token(email="someone@roster-test.iam.gserviceaccount.com", audience=TARGET)

    assert call(run_id, token=token).status_code == 403
    assert get_run(db, run_id).status == "queued"


def test_a_task_for_an_unknown_import_is_acknowledged_so_the_queue_drops_it(call):
    response = call("no-such-import")

    assert response.status_code == 200
    assert response.get_json()["import"] is None


def test_a_body_naming_another_import_is_refused(queue_app, make_token):
    token = make_token(email=SERVICE_ACCOUNT, audience=TARGET)
    response = queue_app.test_client().post(
        "/api/v1/imports/a/work",
        json={"import_id": "b"},
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code == 400


def test_a_run_held_by_a_live_worker_asks_the_queue_to_retry(call, db, start, tmp_path):
    run_id = start(roster_csv(tmp_path / "roster.csv", 1))
    with db.session() as session:
        session.execute(
            update(ImportRun)
            .where(ImportRun.id == run_id)
            .values(status="running", lease="another-worker", heartbeat_at=utcnow())
        )

    response = call(run_id)

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert get_run(db, run_id).processed == 0


# How the gate is chosen from the settings.


def test_the_emulator_gate_refuses_a_request_naming_another_queue(settings, db, start, tmp_path):
    app = create_app(
        {
            "ROSTER_SETTINGS": settings.replace(
                tasks="cloud-tasks",
                tasks_queue=QUEUE,
                tasks_emulator_host="127.0.0.1:1",
                tasks_target_url=TARGET,
            )
        }
    )
    run_id = start(roster_csv(tmp_path / "roster.csv", 1))

    response = app.test_client().post(
        f"/api/v1/imports/{run_id}/work",
        json={"import_id": run_id},
        headers={"X-CloudTasks-QueueName": "other"},
    )

    assert response.status_code == 401
    extensions.close(app)


# These call the factory `create_app` runs at start rather than `create_app` itself, which would
# leave its database engine open when the wiring raises.


def test_the_emulator_switch_is_refused_on_app_engine(settings, monkeypatch):
    monkeypatch.setenv("GAE_ENV", "standard")
    configured = settings.replace(
        tasks="cloud-tasks",
        tasks_queue=QUEUE,
        tasks_emulator_host="127.0.0.1:9022",
        tasks_target_url=TARGET,
    )

    with pytest.raises(ConfigError, match="not run on App Engine"):
        make_queue_gate(configured)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"tasks_service_account": None}, "ROSTER_TASKS_SERVICE_ACCOUNT"),
        ({"tasks_target_url": None}, "ROSTER_TASKS_TARGET_URL"),
        ({"tasks_target_url": "http://roster-test.ew.r.appspot.com"}, "https base URL"),
        ({"tasks_queue": "imports"}, "ROSTER_TASKS_QUEUE"),
        ({"tasks": "cloud_tasks"}, "ROSTER_TASKS must be"),
    ],
    ids=[
        "no service account",
        "no target",
        "a plain http target",
        "a short queue name",
        "a misspelt mode",
    ],
)
def test_cloud_tasks_half_configured_stops_the_app_at_start(settings, changes, message):
    configured = settings.replace(
        tasks="cloud-tasks",
        tasks_queue=QUEUE,
        tasks_target_url=TARGET,
        tasks_service_account=SERVICE_ACCOUNT,
    )

    with pytest.raises(ConfigError, match=message):
        make_queue_gate(configured.replace(**changes))


def test_with_inline_imports_nobody_can_call_the_handler(settings, make_token):
    app = create_app({"ROSTER_SETTINGS": settings})
    token = make_token(email=SERVICE_ACCOUNT, audience=TARGET)

    response = app.test_client().post(
        "/api/v1/imports/x/work",
        json={"import_id": "x"},
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code == 404
    extensions.close(app)
