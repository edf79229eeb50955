"""The test databases and Redis, and the product built from a Settings object.

PostgreSQL tests get a schema of their own in the `test` database (see the
`pg_schema` fixture); Redis tests use a database number of their own.
"""

from __future__ import annotations

import dataclasses
import os
from typing import Any

from plugin.config import Settings, load_settings, normalise_database_url
from plugin.devtools import schema_url

PG_URL = os.environ.get("LIFTRUN_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_BASE = os.environ.get("LIFTRUN_TEST_REDIS", "redis://127.0.0.1:6379")
UNIT_REDIS_URL = f"{REDIS_BASE}/15"

# Flask keys a test may override that come from the Settings object (the rest are plain Flask config).
SETTINGS_FIELDS = {
    "STRAVA_BASE_URL": "strava_base_url",
    "STRAVA_CLIENT_ID": "strava_client_id",
    "STRAVA_CLIENT_SECRET": "strava_client_secret",
    "STRAVA_VERIFY_TOKEN": "strava_verify_token",
    "STRAVA_WEBHOOK_SECRET": "webhook_secret",
    "PUBLIC_URL": "public_url",
    "SECRET_KEY": "secret_key",
    "ENCRYPTION_KEY": "encryption_key",
    "METRICS_TOKEN": "metrics_token",
    "LOG_FORMAT": "log_format",
    "SENTRY_DSN": "sentry_dsn",
    "SANDBOX": "sandbox",
}


def pg_url_with_schema(schema: str) -> str:
    """Return the test database's URL with `schema` first on the search path."""
    return schema_url(PG_URL, schema)


def settings_for(database_url: str, redis_url: str, **fields: Any) -> Settings:
    """Return the sandbox's settings on these stores, plus `fields`; the environment is not read."""
    defaults = {"secret_key": "test-secret", "public_url": "http://127.0.0.1:5000",
                "strava_base_url": "http://127.0.0.1:9"}
    return dataclasses.replace(load_settings({}), database_url=normalise_database_url(database_url),
                               redis_url=redis_url, **{**defaults, **fields})


def build_app(database_url: str, redis_url: str, **overrides: Any):
    """Build the product on `database_url` with its tables created; the environment is not read.

    `overrides` are Flask config keys: those a Settings object carries (PUBLIC_URL,
    STRAVA_BASE_URL, ...) go into it, so what derives from them follows; the others
    (TESTING, WTF_CSRF_ENABLED, ...) are set on the app's config.
    """
    from plugin import create_app
    from plugin.extensions import db

    fields = {SETTINGS_FIELDS[key]: overrides.pop(key) for key in list(overrides) if key in SETTINGS_FIELDS}
    config = {"TESTING": True, "WTF_CSRF_ENABLED": False, **overrides}
    app = create_app(config, settings=settings_for(database_url, redis_url, **fields))
    with app.app_context():
        db.create_all()
    return app


def dispose(app) -> None:
    """Close the app's sessions and database connections (a PostgreSQL schema can then be dropped)."""
    from plugin.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()
