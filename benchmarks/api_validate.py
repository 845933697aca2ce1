"""Peak memory and Roster's own time of a validate through the API, against the Sheets emulator.

    python -m benchmarks.api_validate [--rows 10000 100000] [--threads 2]

For each size: a fresh gunicorn (one worker process, as app.yaml runs it) serves the API over
HTTP, with SHEETS_EMULATOR_HOST pointing at the emulator (in this process) holding the
benchmark roster (`benchmarks/roster_data.py`, 12 columns, ~3 % bad cells). One warm-up
validate of a 10-row sheet loads every module; then the worker's peak RSS is reset
(/proc/PID/clear_refs) and the sheet is validated once, as the menu does (by gid).

- peak RSS: the worker's VmHWM after the request (its whole process, Python and app included);
- the Sheets read: the same read request replayed by a client that only receives the bytes;
- Roster's own time: the request's wall time minus that read and minus the emulator's time
  answering the note writes. It is what Roster adds on top of Google.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import requests

from benchmarks import roster_data
from benchmarks.sheets_calls import machine
from tests.sheets_emulator import SheetsEmulator, Tab

GID = 7
SMALL_GID = 8
LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")
WORKER = re.compile(r"Booting worker with pid: (\d+)")


@dataclass
class Result:
    rows: int
    issues: int
    notes: int
    response_mib: float
    baseline_mib: float
    peak_mib: float
    total_s: float
    read_s: float
    writes_s: float

    @property
    def own_s(self) -> float:
        return self.total_s - self.read_s - self.writes_s


def status_mib(pid: int, key: str) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {key} for process {pid}")


def cli(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-c", "from service.cli import main; main()", *args],
        env=env,
        check=True,
        capture_output=True,
    )


@contextmanager
def server(env: dict[str, str], threads: int) -> Iterator[tuple[str, int]]:
    """gunicorn with one worker; yields (base URL, worker pid)."""
    with tempfile.TemporaryFile(mode="w+") as log:
        yield from _serve(env, threads, log)


def _serve(env: dict[str, str], threads: int, log: IO[str]) -> Iterator[tuple[str, int]]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-b",
            "127.0.0.1:0",
            "--workers",
            "1",
            "--threads",
            str(threads),
            "--timeout",
            "600",
            "--no-control-socket",
            "service:create_app()",
        ],
        env=env,
        stdout=log,
        stderr=log,
    )
    try:
        deadline = time.monotonic() + 60
        port = pid = None
        while time.monotonic() < deadline and not (port and pid):
            time.sleep(0.2)
            log.seek(0)
            text = log.read()
            port = port or _first(LISTENING, text)
            pid = pid or _first(WORKER, text)
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped:\n{text}")
        if not (port and pid):
            raise RuntimeError("gunicorn did not start in 60 s")
        base = f"http://127.0.0.1:{port}"
        while True:  # the worker answers once the app is built
            try:
                requests.get(base + "/healthz", timeout=5).raise_for_status()
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        yield base, pid
    finally:
        process.terminate()
        process.wait(30)


def _first(pattern: re.Pattern[str], text: str) -> int | None:
    match = pattern.search(text)
    return int(match.group(1)) if match else None


def replay_read(emu: SheetsEmulator, index: int) -> float:
    """Seconds to receive the read logged at `index` again, doing nothing with the bytes."""
    logged = emu.requests[index]
    start = time.perf_counter()
    with requests.request(
        logged.method,
        emu.url + logged.path,
        params=logged.query,
        json=logged.body,
        stream=True,
        timeout=600,
    ) as response:
        response.raise_for_status()
        for _ in response.iter_content(1 << 20):
            pass
    return time.perf_counter() - start


def measure(rows: int, threads: int) -> Result:
    with tempfile.TemporaryDirectory() as folder, SheetsEmulator() as emu:
        grid = roster_data.roster(rows)
        sid = emu.create_spreadsheet(
            Tab("Roster", grid.rows, gid=GID), Tab("Small", grid.rows[:11], gid=SMALL_GID)
        )
        env = {
            **os.environ,
            "ROSTER_DATABASE_URL": f"sqlite:///{Path(folder) / 'roster.sqlite'}",
            "ROSTER_AUTH": "dev",
            "SHEETS_EMULATOR_HOST": emu.host,
            "ROSTER_TASKS": "inline",
        }
        for name in (
            "ROSTER_DATABASE_PASSWORD_SECRET",
            "GAE_ENV",
            "GOOGLE_APPLICATION_CREDENTIALS",
        ):
            env.pop(name, None)
        cli(env, "members", "add", "admin@example.com", "--role", "admin")
        cli(env, "tags", "add", *roster_data.TAGS)
        cli(env, "attributes", "add", "Height", "--type", "number")
        cli(
            env,
            "attributes",
            "add",
            "Plan",
            "--type",
            "choice",
            "--choices",
            ",".join(roster_data.PLANS),
        )
        cli(env, "attributes", "add", "Consent", "--type", "boolean")
        cli(env, "sheets", "link", sid)
        with server(env, threads) as (base, pid):
            url = f"{base}/api/v1/sheets/{sid}/validate"
            warm = requests.post(url, json={"worksheet_id": SMALL_GID}, timeout=60)
            if not warm.ok:
                raise RuntimeError(f"warm-up validate: {warm.status_code} {warm.text}")
            baseline = status_mib(pid, "VmRSS")
            with open(f"/proc/{pid}/clear_refs", "w", encoding="ascii") as refs:
                refs.write("5")  # resets VmHWM to the current RSS
            emu.clear_log()
            start = time.perf_counter()
            response = requests.post(url, json={"worksheet_id": GID}, timeout=600)
            total = time.perf_counter() - start
            response.raise_for_status()
            peak = status_mib(pid, "VmHWM")
            logged = emu.requests
            answer = response.json()
        reads = [i for i, r in enumerate(logged) if r.kind == "read"]
        assert len(reads) == 1, f"expected one read, got {len(reads)}"
        writes = sum(r.seconds for r in logged if r.kind == "write")
        notes = sum(len(r.body.get("requests", [])) for r in logged if r.kind == "write")
        read = min(replay_read(emu, reads[0]) for _ in range(2))
        return Result(
            rows,
            len(answer["issues"]),
            notes,
            len(response.content) / 2**20,
            baseline,
            peak,
            total,
            read,
            writes,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--threads", type=int, default=2, help="gunicorn threads in the worker")
    args = parser.parse_args()
    print(f"# API validate, {len(roster_data.HEADER)} columns, ~3 % bad cells; {machine()}")
    print(
        "| rows | issues | notes written | answer (MiB) | worker RSS before (MiB) | "
        "peak RSS (MiB) | request (s) | Sheets read (s) | note writes (s) | Roster's own (s) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for rows in args.rows:
        r = measure(rows, args.threads)
        print(
            f"| {r.rows:,} | {r.issues:,} | {r.notes:,} | {r.response_mib:.1f} | "
            f"{r.baseline_mib:.0f} | {r.peak_mib:.0f} | {r.total_s:.2f} | {r.read_s:.2f} | "
            f"{r.writes_s:.2f} | {r.own_s:.2f} |",
            flush=True,
        )
    print("target at 100,000 rows: peak RSS <= 400 MiB, Roster's own time <= 6 s")


if __name__ == "__main__":
    main()
