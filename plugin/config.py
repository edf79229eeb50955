"""Settings from the environment, typed, with safe local defaults.

With no Strava credentials the product runs in *sandbox* mode: it talks to the
local Strava emulator and uses its well-known demo credentials, so a newcomer
can run everything with no configuration at all. As soon as a real
`STRAVA_CLIENT_ID` is set, the other production settings become mandatory and
their absence is reported at start-up instead of failing later mid-request.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

STRAVA_PRODUCTION_URL = "https://www.strava.com"
SANDBOX_URL = "http://127.0.0.1:5055"
SANDBOX_CLIENT_ID = "12345"
SANDBOX_CLIENT_SECRET = "sandbox-secret"
SANDBOX_VERIFY_TOKEN = "sandbox-verify-token"
DEV_SECRET_KEY = "dev-only-secret-key-change-me"
DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
LOG_FORMATS = ("text", "json")
# One URL path segment, hard to guess: unreserved characters only.
WEBHOOK_SECRET_PATTERN = re.compile(r"[A-Za-z0-9._~-]{16,128}")


class ConfigError(RuntimeError):
    """A setting is missing or malformed; the message says which and how to fix it."""


@dataclass(frozen=True)
class Settings:
    strava_client_id: int
    strava_client_secret: str
    strava_verify_token: str
    strava_base_url: str
    database_url: str
    redis_url: str
    secret_key: str
    public_url: str
    encryption_key: str | None
    sandbox: bool
    # Bearer token a Prometheus scraper must send to GET /metrics; unset keeps /metrics off.
    metrics_token: str | None = None
    # "text" for people, "json" for log shippers: one object per line.
    log_format: str = "text"
    # Errors go to Sentry only when this is set (and sentry-sdk is installed).
    sentry_dsn: str | None = None
    # Optional: Strava is then given PUBLIC_URL/webhook/<secret> and the bare path is not served.
    webhook_secret: str | None = None

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")

    def flask_config(self) -> dict:
        return {
            "SECRET_KEY": self.secret_key,
            "SQLALCHEMY_DATABASE_URI": self.database_url,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
            "REDIS_URL": self.redis_url,
            "STRAVA_CLIENT_ID": self.strava_client_id,
            "STRAVA_CLIENT_SECRET": self.strava_client_secret,
            "STRAVA_VERIFY_TOKEN": self.strava_verify_token,
            "STRAVA_BASE_URL": self.strava_base_url,
            "PUBLIC_URL": self.public_url,
            "ENCRYPTION_KEY": self.encryption_key,
            "STRAVA_WEBHOOK_SECRET": self.webhook_secret,
            "SANDBOX": self.sandbox,
            "METRICS_TOKEN": self.metrics_token,
            "LOG_FORMAT": self.log_format,
            "SENTRY_DSN": self.sentry_dsn,
            "SESSION_COOKIE_SECURE": self.secure_cookies,
            "SESSION_COOKIE_HTTPONLY": True,
            # Webhook bodies and forms are tiny; refuse anything large outright.
            "MAX_CONTENT_LENGTH": 256 * 1024,
            "SESSION_COOKIE_SAMESITE": "Lax",
            "REMEMBER_COOKIE_SECURE": self.secure_cookies,
            "REMEMBER_COOKIE_HTTPONLY": True,
            "REMEMBER_COOKIE_SAMESITE": "Lax",
            "CELERY": {
                "broker_url": self.redis_url,
                "result_backend": self.redis_url,
                "task_ignore_result": True,
                "task_acks_late": True,
                "task_reject_on_worker_lost": True,
                "worker_prefetch_multiplier": 1,
                "broker_connection_retry_on_startup": True,
                "broker_connection_timeout": 1.0,
                "broker_transport_options": {"visibility_timeout": 3600},
            },
        }


def external_url_config(public_url: str) -> dict:
    """Flask keys that make `url_for(..., _external=True)` build PUBLIC_URL's links, in a
    request or in the worker (no request at all). Flask >= 3.1 no longer refuses requests
    for other hosts when SERVER_NAME is set, so the app still answers on any address."""
    parts = urlsplit(public_url)
    return {
        "SERVER_NAME": parts.netloc,
        "PREFERRED_URL_SCHEME": parts.scheme,
        "APPLICATION_ROOT": parts.path.rstrip("/") or "/",
    }


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever spelling the operator used."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load_settings(environ: dict | None = None, instance_path: str | os.PathLike = "instance") -> Settings:
    env = dict(os.environ if environ is None else environ)
    get = lambda name: (env.get(name) or "").strip()  # noqa: E731

    client_id_raw = get("STRAVA_CLIENT_ID")
    sandbox = not client_id_raw
    if sandbox:
        client_id_raw = SANDBOX_CLIENT_ID
    try:
        client_id = int(client_id_raw)
    except ValueError:
        raise ConfigError(f"STRAVA_CLIENT_ID must be an integer as Strava issues it, got {client_id_raw!r}") from None

    if sandbox:
        missing = []
        client_secret = get("STRAVA_CLIENT_SECRET") or SANDBOX_CLIENT_SECRET
        verify_token = get("STRAVA_VERIFY_TOKEN") or SANDBOX_VERIFY_TOKEN
        base_url = get("STRAVA_BASE_URL") or SANDBOX_URL
        secret_key = get("SECRET_KEY") or DEV_SECRET_KEY
        public_url = get("PUBLIC_URL") or DEFAULT_PUBLIC_URL
    else:
        required = ["STRAVA_CLIENT_SECRET", "STRAVA_VERIFY_TOKEN", "SECRET_KEY", "PUBLIC_URL"]
        missing = [name for name in required if not get(name)]
        if missing:
            raise ConfigError(
                "STRAVA_CLIENT_ID is set, so LiftRun Coach runs against real Strava and also needs: "
                + ", ".join(missing)
                + ". Set them in the environment (see README.md, 'Configuration')."
            )
        client_secret = get("STRAVA_CLIENT_SECRET")
        verify_token = get("STRAVA_VERIFY_TOKEN")
        base_url = get("STRAVA_BASE_URL") or STRAVA_PRODUCTION_URL
        secret_key = get("SECRET_KEY")
        public_url = get("PUBLIC_URL")

    for name, value in (("STRAVA_BASE_URL", base_url), ("PUBLIC_URL", public_url)):
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(f"{name} must be an absolute http(s) URL, got {value!r}")

    log_format = (get("LOG_FORMAT") or "text").lower()
    if log_format not in LOG_FORMATS:
        raise ConfigError(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, got {log_format!r}")

    webhook_secret = get("STRAVA_WEBHOOK_SECRET") or None
    if webhook_secret is not None and not WEBHOOK_SECRET_PATTERN.fullmatch(webhook_secret):
        raise ConfigError(
            "STRAVA_WEBHOOK_SECRET must be 16-128 characters of A-Z a-z 0-9 . _ ~ - (it becomes a URL path "
            "segment); e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(24))'"
        )

    database_url = get("DATABASE_URL")
    if not database_url:
        path = Path(instance_path).resolve() / "liftrun.sqlite"
        database_url = f"sqlite:///{path}"

    return Settings(
        strava_client_id=client_id,
        strava_client_secret=client_secret,
        strava_verify_token=verify_token,
        strava_base_url=base_url.rstrip("/"),
        database_url=normalise_database_url(database_url),
        redis_url=get("REDIS_URL") or DEFAULT_REDIS_URL,
        secret_key=secret_key,
        public_url=public_url.rstrip("/"),
        encryption_key=get("LIFTRUN_ENCRYPTION_KEY") or None,
        sandbox=sandbox,
        metrics_token=get("METRICS_TOKEN") or None,
        log_format=log_format,
        sentry_dsn=get("SENTRY_DSN") or None,
        webhook_secret=webhook_secret,
    )
