"""Import runs on a real database: one run per sheet, no duplicates, resumable after SIGKILL."""

from __future__ import annotations

import datetime as dt
import functools
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from service import organisations
from service.errors import ImportBlocked, ImportRunning
from service.imports import jobs
from service.imports.clients import outcomes
from service.imports.passwords import PROFILES, PasswordHashing, make_hasher
from service.imports.runs import get_run
from service.models import Client, ImportRun

HEADER = "email_address,initial_password,first_name,last_name,birthdate,gender,tag"


def roster_csv(path: Path, rows: int, bad_row: int | None = None) -> str:
    lines = [HEADER]
    for n in range(rows):
        birthdate = "19800231" if n == bad_row else "19800101"
        lines.append(
            f"client{n:05d}@example.com,Secret-{n:05d}x,First{n},Last{n},{birthdate},"
            f"{'female' if n % 2 else 'male'},VIP"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def clients(db) -> int:
    with db.session() as session:
        return session.scalar(select(func.count()).select_from(Client))


@pytest.fixture
def start(db, sheets, settings):
    """jobs.start_import with this test's collaborators, as `roster import` calls it."""
    return functools.partial(jobs.start_import, db, sheets, settings)


@pytest.fixture
def work(db, sheets, hashing, settings):
    """jobs.work with this test's collaborators."""
    return functools.partial(jobs.work, db, sheets, hashing, settings)


@pytest.fixture
def vip_tag(db) -> None:
    """The default organisation has the tag the rosters carry."""
    organisations.add_tags(db, organisations.resolve(db), ["VIP"])


def test_a_run_records_who_when_and_the_counts(db, start, work, vip_tag, tmp_path):
    source = roster_csv(tmp_path / "r.csv", 120)
    started = start(source, None, "coach@example.com")
    run = work(started.run.id)
    assert (run.status, run.total, run.processed, run.created) == ("succeeded", 120, 120, 120)
    assert run.started_by == "coach@example.com" and run.finished_at >= run.started_at
    assert run.active_key is None  # the sheet is free again
    assert clients(db) == 120


def test_passwords_are_stored_as_argon2id_hashes_flagged_must_change(
    db, start, work, vip_tag, tmp_path
):
    source = roster_csv(tmp_path / "r.csv", 3)
    work(
        start(source, None, "c@example.com").run.id,
    )
    with db.session() as session:
        client = session.scalar(select(Client).where(Client.email == "client00001@example.com"))
        assert client.password_hash.startswith("$argon2id$")
        assert "Secret-00001x" not in client.password_hash
        assert make_hasher("test").verify(client.password_hash, "Secret-00001x")
        assert client.must_change_password is True
        assert [t.name for t in client.tags] == ["VIP"]


def test_production_hashing_uses_owasp_argon2id_parameters():
    production = make_hasher("production")
    assert (production.time_cost, production.memory_cost, production.parallelism) == (2, 19456, 1)
    assert production.hash("Abcdef1!x").startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert PROFILES["test"]["memory_cost"] < PROFILES["production"]["memory_cost"]


def test_hashing_in_a_process_pool_keeps_the_order(tmp_path):
    passwords = [f"Password-{n}!" for n in range(9)]
    with PasswordHashing("test", workers=2) as hashing:
        hashes = hashing.hash_many(passwords)
    hasher = make_hasher("test")
    assert all(hasher.verify(h, p) for h, p in zip(hashes, passwords, strict=True))


def test_importing_again_creates_nobody(db, start, work, vip_tag, tmp_path):
    source = roster_csv(tmp_path / "r.csv", 60)
    work(
        start(source, None, "c@example.com").run.id,
    )
    again = work(
        start(source, None, "c@example.com").run.id,
    )
    assert (again.created, again.skipped) == (0, 60)
    assert clients(db) == 60


def test_all_or_nothing_with_one_bad_row_writes_nothing(db, start, work, vip_tag, tmp_path):
    source = roster_csv(tmp_path / "r.csv", 60, bad_row=59)
    with pytest.raises(ImportBlocked) as blocked:
        start(source, None, "c@example.com")
    assert blocked.value.validation.summary["errors"] == 1
    assert clients(db) == 0
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(ImportRun)) == 0


def test_concurrent_imports_of_one_sheet_open_a_single_run(db, start, work, vip_tag, tmp_path):
    source = roster_csv(tmp_path / "r.csv", 40)
    barrier = threading.Barrier(8)
    outcomes: list[object] = []

    def request() -> None:
        barrier.wait()
        try:
            outcomes.append(start(source, None, "c@example.com").run)
        except ImportRunning as running:
            outcomes.append(running)

    threads = [threading.Thread(target=request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    runs = [o for o in outcomes if not isinstance(o, ImportRunning)]
    refused = [o for o in outcomes if isinstance(o, ImportRunning)]
    assert len(runs) == 1 and len(refused) == 7
    assert "c@example.com is already importing this sheet" in str(refused[0])
    # all eight workers race on the one run: only the lease holder writes
    workers = [threading.Thread(target=work, args=(runs[0].id,)) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert clients(db) == 40
    assert get_run(db, runs[0].id).created == 40


def _cli(env: dict[str, str | None], *args: str) -> subprocess.Popen:
    """`roster ...` in a process of its own; None in env removes that variable."""
    merged = {k: v for k, v in {**os.environ, **env}.items() if v is not None}
    return subprocess.Popen(
        [sys.executable, "-c", "from service.cli import main; main()", *args],
        env=merged,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_worker_killed_mid_run_is_resumed_by_the_next_import(
    db, start, work, vip_tag, tmp_path, cli_env
):
    rows = 400
    source = roster_csv(tmp_path / "r.csv", rows)
    env = {
        **cli_env,
        "ROSTER_ARGON2_PROFILE": "production",
        "ROSTER_IMPORT_CHUNK_SIZE": "20",
        "ROSTER_IMPORT_STALE_SECONDS": "6",  # longer than a loaded machine takes to start `roster`,
    }
    first = _cli(env, "import", source, "--as", "first@example.com")
    deadline = time.monotonic() + 60
    while clients(db) < 60:  # a few chunks are committed
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.communicate()
    partial = clients(db)
    assert 60 <= partial < rows
    with db.session() as session:
        run = session.scalar(select(ImportRun))
        assert run.status == "running"
    refused = _cli(env, "import", source)  # the dead run still looks alive
    _, err = refused.communicate(timeout=60)
    assert refused.returncode == 2 and "first@example.com is already importing" in err
    time.sleep(6.5)
    second = _cli(env, "import", source, "--as", "second@example.com")
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert clients(db) == rows
    finished = get_run(db, run.id)
    assert (finished.status, finished.created, finished.processed) == ("succeeded", rows, rows)
    assert f"{rows} created" in out


def test_update_existing_changes_profiles_but_never_the_password(
    db, start, work, vip_tag, tmp_path
):
    source = roster_csv(tmp_path / "r.csv", 2)
    work(
        start(source, None, "c@example.com").run.id,
    )
    with db.session() as session:
        before = session.scalar(select(Client).where(Client.email == "client00000@example.com"))
        old_hash = before.password_hash
    changed = (tmp_path / "r.csv").read_text().replace("First0,Last0", "Renamed,Person")
    changed = changed.replace("Secret-00000x", "Another-Pass9!")
    (tmp_path / "changed.csv").write_text(changed)
    run = work(
        start(
            str(tmp_path / "changed.csv"),
            None,
            "c@example.com",
            update_existing=True,
        ).run.id,
    )
    # only the renamed client changed; the other row is `unchanged`, counted as skipped
    assert (run.created, run.updated, run.skipped) == (0, 1, 1)
    assert [outcome for _, _, outcome in outcomes(db, run.id)] == ["updated", "unchanged"]
    with db.session() as session:
        after = session.scalar(select(Client).where(Client.email == "client00000@example.com"))
        assert (after.first_name, after.last_name) == ("Renamed", "Person")
        assert after.password_hash == old_hash
    assert clients(db) == 2


def test_taking_over_a_dead_run_uses_the_new_request(db, start, work, vip_tag, tmp_path):
    source = roster_csv(tmp_path / "r.csv", 5)
    first = start(source, None, "alice@example.com").run
    with db.session() as session:  # alice's worker died two minutes ago
        session.get(ImportRun, first.id).heartbeat_at -= dt.timedelta(minutes=2)
    taken = start(
        source,
        None,
        "bob@example.com",
        mode="skip_invalid",
        update_existing=True,
    ).run
    assert taken.id == first.id
    assert (taken.started_by, taken.mode, taken.update_existing) == (
        "bob@example.com",
        "skip_invalid",
        True,
    )
    done = work(taken.id)
    assert (done.status, done.created) == ("succeeded", 5)


def test_an_interrupted_import_does_not_block_the_sheet(db, start, work, vip_tag, tmp_path):
    source = roster_csv(tmp_path / "r.csv", 120)
    started = start(source, None, "alice@example.com")

    def interrupt(run) -> None:
        raise KeyboardInterrupt  # Ctrl+C after the first chunk

    with pytest.raises(KeyboardInterrupt):
        work(started.run.id, progress=interrupt)
    partial = clients(db)
    assert 0 < partial < 120
    again = start(source, None, "alice@example.com")  # no 409
    assert again.run.id == started.run.id
    assert work(again.run.id).created == 120
