"""The hashing pool: its profile is checked at start, and its workers never outlive the server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from service.errors import ConfigError
from service.imports.passwords import PROFILES, PasswordHashing

ROOT = Path(__file__).resolve().parents[2]


def test_an_unknown_profile_refuses_to_start_in_one_line():
    with pytest.raises(ConfigError) as error:
        PasswordHashing("prod")

    assert str(error.value) == "ROSTER_ARGON2_PROFILE must be production or test, not 'prod'."


def test_the_test_profile_refuses_to_start_on_app_engine(monkeypatch):
    monkeypatch.setenv("GAE_ENV", "standard")

    with pytest.raises(ConfigError, match="will not run on App Engine") as error:
        PasswordHashing("test")
    PasswordHashing("production")  # the real one starts there
    assert "\n" not in str(error.value)


def test_the_app_refuses_to_start_with_an_unknown_profile(settings):
    from service import create_app

    with pytest.raises(ConfigError, match="ROSTER_ARGON2_PROFILE"):
        create_app({"ROSTER_SETTINGS": settings.replace(argon2_profile="prod")})


def test_roster_serve_with_the_test_profile_on_app_engine_prints_one_line(run_cli, cli_env):
    cli_env.update({"GAE_ENV": "standard", "ROSTER_ARGON2_PROFILE": "test", "ROSTER_AUTH": None})
    cli_env["ROSTER_ID_TOKEN_AUDIENCES"] = "aud"

    code, out, err = run_cli("serve", "--port", "0")

    assert code == 2
    assert err.strip().splitlines() == [
        "roster: ROSTER_ARGON2_PROFILE=test hashes passwords with parameters fit only for tests "
        "and will not run on App Engine: set it to production."
    ]


def test_the_profiles_are_the_two_documented():
    assert set(PROFILES) == {"production", "test"}


SERVER = textwrap.dedent(
    """
    import pathlib, sys, time
    from service.imports.passwords import PasswordHashing
    hashing = PasswordHashing("test", workers=2)
    hashing.hash_many(["Abcdef1!"] * 8)
    pathlib.Path(sys.argv[2]).write_text(" ".join(map(str, hashing.worker_pids())))
    if sys.argv[1] == "wait":
        time.sleep(120)
    """
)


def running(pid: int) -> bool:
    """Alive and not a zombie (a dead process its new parent has not reaped yet)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def start_server(mode: str, folder: Path) -> tuple[subprocess.Popen[bytes], list[int]]:
    """A process with a started pool, like a server; its output goes nowhere (the pool's
    helpers inherit it, and a pipe would stay open as long as they live)."""
    pids = folder / "pids"
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, mode, str(pids)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not (pids.exists() and pids.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = [int(pid) for pid in pids.read_text().split()]
    assert len(workers) == 2
    return server, workers


def gone_within(pids: list[int], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(running(pid) for pid in pids):
            return True
        time.sleep(0.1)
    return False


@pytest.mark.skipif(not Path("/proc").exists(), reason="reads process states from /proc")
def test_the_workers_die_when_the_server_is_killed(tmp_path):
    server, workers = start_server("wait", tmp_path)
    assert all(running(pid) for pid in workers)

    os.kill(server.pid, signal.SIGKILL)
    server.wait()

    try:
        assert gone_within(workers, 10), "hashing workers outlived their killed server"
    finally:
        for pid in workers:
            if running(pid):
                os.kill(pid, signal.SIGKILL)


@pytest.mark.skipif(not Path("/proc").exists(), reason="reads process states from /proc")
def test_the_pool_is_closed_when_the_server_exits(tmp_path):
    server, workers = start_server("exit", tmp_path)

    assert server.wait(30) == 0
    assert gone_within(workers, 10)
