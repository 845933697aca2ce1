"""Password hashing with argon2id, spread over every core."""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
import time
import weakref
from concurrent.futures import Executor, ProcessPoolExecutor

from argon2 import PasswordHasher, Type

from ..config import Settings, on_app_engine
from ..errors import ConfigError

# OWASP's recommended minimum for argon2id: 19 MiB of memory, 2 iterations, 1 lane.
PROFILES = {
    "production": {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1},
    # cheap parameters so tests run quickly; never use outside tests
    "test": {"time_cost": 1, "memory_cost": 64, "parallelism": 1},
}

_hasher: PasswordHasher | None = None
PARENT_CHECK_SECONDS = 0.5  # how often a worker looks whether the server is still there


def make_hasher(profile: str) -> PasswordHasher:
    """An argon2id hasher with the named profile's parameters."""
    chosen = PROFILES[profile]
    return PasswordHasher(
        time_cost=chosen["time_cost"],
        memory_cost=chosen["memory_cost"],
        parallelism=chosen["parallelism"],
        type=Type.ID,
    )


def check_profile(profile: str) -> None:
    """Refuse, at start, a profile that does not exist, or the weak one on App Engine."""
    if profile not in PROFILES:
        raise ConfigError(
            f"ROSTER_ARGON2_PROFILE must be {' or '.join(PROFILES)}, not {profile!r}."
        )
    if profile == "test" and on_app_engine():
        raise ConfigError(
            "ROSTER_ARGON2_PROFILE=test hashes passwords with parameters fit only for tests "
            "and will not run on App Engine: set it to production."
        )


def _init_worker(profile: str) -> None:
    global _hasher
    _hasher = make_hasher(profile)


def _init_pool_worker(profile: str, server: int) -> None:
    """A pool worker: its hasher, and a watch that ends it when the server is gone."""
    _init_worker(profile)
    parent = os.getppid()  # the forkserver, which itself ends when the server does
    threading.Thread(
        target=_watch_parent, args=(parent, server), name="parent-watch", daemon=True
    ).start()


def _watch_parent(parent: int, server: int) -> None:
    """Exit once the server or the forkserver has died (a SIGKILLed server runs no atexit)."""
    while os.getppid() == parent and _alive(server):
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _hash_slice(passwords: list[str]) -> list[str]:
    assert _hasher is not None
    return [_hasher.hash(password) for password in passwords]


class PasswordHashing:
    """Worker processes, one per core by default, each hashing its share of a chunk.

    argon2-cffi releases the GIL, so threads would also use every core; processes keep the
    19 MiB a hash needs, and any crash in native code, out of the web server's process.
    """

    def __init__(self, profile: str = "production", workers: int = 0) -> None:
        check_profile(profile)
        self.profile = profile
        self.workers = workers or os.cpu_count() or 1
        self._pool: Executor | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> PasswordHashing:
        """The configured argon2 profile and number of worker processes."""
        return cls(settings.argon2_profile, settings.hash_workers)

    def hash_many(self, passwords: list[str]) -> list[str]:
        """Hashes in the same order as the passwords."""
        if not passwords:
            return []
        if self.workers == 1 or len(passwords) < 4:
            _init_worker(self.profile)
            return _hash_slice(passwords)
        size = -(-len(passwords) // self.workers)
        slices = [passwords[i : i + size] for i in range(0, len(passwords), size)]
        return [h for part in self._executor().map(_hash_slice, slices) for h in part]

    def _executor(self) -> Executor:
        with self._lock:  # two imports in one server share one pool
            return self._start_pool()

    def _start_pool(self) -> Executor:
        if self._pool is None:
            # forkserver: safe to start from a threaded web server
            context = multiprocessing.get_context("forkserver")
            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=context,
                initializer=_init_pool_worker,
                initargs=(self.profile, os.getpid()),
            )
            # closed when the server exits; a server that is killed instead is noticed by
            # each worker's watch (_watch_parent)
            atexit.register(_close_at_exit, weakref.ref(self))
        return self._pool

    def close(self) -> None:
        """Stop the worker processes, if any were started."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def worker_pids(self) -> list[int]:
        """The pool's processes (none until the first large chunk starts it)."""
        pool = self._pool
        return list(getattr(pool, "_processes", None) or {}) if pool is not None else []

    def __enter__(self) -> PasswordHashing:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _close_at_exit(hashing: weakref.ref[PasswordHashing]) -> None:
    alive = hashing()
    if alive is not None:
        alive.close()
