"""The one reader of the environment: every setting, its default, and where it comes from."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

GOOGLE_CERTS_URL = "https://www.googleapis.com/oauth2/v1/certs"
IAP_CERTS_URL = "https://www.gstatic.com/iap/verify/public_key"
SECRET_MANAGER_URL = "https://secretmanager.googleapis.com/v1/"


@dataclass(frozen=True)
class Settings:
    """Roster's configuration (documented in the README's configuration table)."""

    database_url: str = ""  # ROSTER_DATABASE_URL; default: a SQLite file in the instance folder
    database_password_secret: str | None = None  # ROSTER_DATABASE_PASSWORD_SECRET: Secret Manager
    # ROSTER_SECRET_MANAGER_URL: Secret Manager's address (tests point it at a local stand-in)
    secret_manager_url: str = SECRET_MANAGER_URL

    id_token_audiences: tuple[str, ...] = ()  # ROSTER_ID_TOKEN_AUDIENCES, comma-separated
    id_token_certs_url: str = GOOGLE_CERTS_URL  # ROSTER_ID_TOKEN_CERTS_URL
    auth_mode: str = "google"  # ROSTER_AUTH: google | dev (local only, refused on App Engine)
    dev_user: str = "admin@example.com"  # ROSTER_DEV_USER: who the dev mode says is calling
    # the console's sign-in (SPEC §6): IAP's signed header, or a Sign in with Google session
    iap_audience: str | None = None  # ROSTER_IAP_AUDIENCE: /projects/NUMBER/apps/PROJECT_ID
    iap_certs_url: str = IAP_CERTS_URL  # ROSTER_IAP_CERTS_URL: IAP's public keys
    web_client_id: str | None = None  # ROSTER_WEB_CLIENT_ID: Sign in with Google's client ID
    secret_key: str | None = None  # ROSTER_SECRET_KEY: signs the console's session cookie
    sheets_emulator_host: str | None = None  # SHEETS_EMULATOR_HOST
    google_credentials: str | None = None  # GOOGLE_APPLICATION_CREDENTIALS
    tasks: str = "inline"  # ROSTER_TASKS: inline | cloud-tasks
    tasks_queue: str | None = None  # ROSTER_TASKS_QUEUE
    tasks_emulator_host: str | None = None  # CLOUD_TASKS_EMULATOR_HOST
    tasks_target_url: str | None = None  # ROSTER_TASKS_TARGET_URL: where the queue calls back
    tasks_service_account: str | None = None  # ROSTER_TASKS_SERVICE_ACCOUNT: OIDC identity of tasks
    hash_workers: int = 0  # ROSTER_HASH_WORKERS: processes hashing passwords; 0 = one per core
    argon2_profile: str = "production"  # ROSTER_ARGON2_PROFILE: production | test (cheap)
    import_chunk_size: int = 500  # ROSTER_IMPORT_CHUNK_SIZE: rows per transaction
    import_stale_seconds: int = 60  # ROSTER_IMPORT_STALE_SECONDS: a silent run is taken over
    max_body_bytes: int = 1_000_000  # ROSTER_MAX_BODY_BYTES: largest accepted request body
    max_upload_bytes: int = 50_000_000  # ROSTER_MAX_UPLOAD_BYTES: largest uploaded CSV/XLSX

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, instance_path: str = ""
    ) -> Settings:
        """Defaults in code, overrides from the environment."""
        env = os.environ if environ is None else environ
        # absolute, so the CLI and the server agree whatever folder each resolves it from
        folder = Path(instance_path or "instance").resolve()
        default_db = f"sqlite:///{folder / 'roster.sqlite'}"
        audiences = env.get("ROSTER_ID_TOKEN_AUDIENCES", "")
        return cls(
            database_url=env.get("ROSTER_DATABASE_URL") or default_db,
            database_password_secret=env.get("ROSTER_DATABASE_PASSWORD_SECRET") or None,
            secret_manager_url=env.get("ROSTER_SECRET_MANAGER_URL") or cls.secret_manager_url,
            id_token_audiences=tuple(a.strip() for a in audiences.split(",") if a.strip()),
            id_token_certs_url=env.get("ROSTER_ID_TOKEN_CERTS_URL") or GOOGLE_CERTS_URL,
            auth_mode=env.get("ROSTER_AUTH", "google"),
            dev_user=env.get("ROSTER_DEV_USER", cls.dev_user),
            iap_audience=env.get("ROSTER_IAP_AUDIENCE") or None,
            iap_certs_url=env.get("ROSTER_IAP_CERTS_URL") or IAP_CERTS_URL,
            web_client_id=env.get("ROSTER_WEB_CLIENT_ID") or None,
            secret_key=env.get("ROSTER_SECRET_KEY") or None,
            sheets_emulator_host=env.get("SHEETS_EMULATOR_HOST") or None,
            google_credentials=env.get("GOOGLE_APPLICATION_CREDENTIALS") or None,
            tasks=env.get("ROSTER_TASKS", "inline"),
            tasks_queue=env.get("ROSTER_TASKS_QUEUE") or None,
            tasks_emulator_host=env.get("CLOUD_TASKS_EMULATOR_HOST") or None,
            tasks_target_url=env.get("ROSTER_TASKS_TARGET_URL") or None,
            tasks_service_account=env.get("ROSTER_TASKS_SERVICE_ACCOUNT") or None,
            hash_workers=_int(env, "ROSTER_HASH_WORKERS", 0),
            argon2_profile=env.get("ROSTER_ARGON2_PROFILE", "production"),
            import_chunk_size=_int(env, "ROSTER_IMPORT_CHUNK_SIZE", 500),
            import_stale_seconds=_int(env, "ROSTER_IMPORT_STALE_SECONDS", 60),
            max_body_bytes=_int(env, "ROSTER_MAX_BODY_BYTES", 1000000),
            max_upload_bytes=_int(env, "ROSTER_MAX_UPLOAD_BYTES", 50000000),
        )

    def replace(self, **changes: object) -> Settings:
        """A copy with some settings changed (tests use it)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    """A whole-number setting; a value that is not one is the operator's to fix."""
    value = env.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        from .errors import ConfigError

        raise ConfigError(f"{name} must be a whole number, not {value!r}.") from None


def on_app_engine(environ: Mapping[str, str] | None = None) -> bool:
    """Whether this process runs on App Engine (its variables are set)."""
    env = os.environ if environ is None else environ
    return any(env.get(key) for key in ("GAE_ENV", "GAE_APPLICATION", "GAE_SERVICE"))
