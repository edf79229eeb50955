"""Shared fixtures: the Flask app on SQLite or on the real PostgreSQL, real Redis.

PostgreSQL tests get a schema of their own (created and dropped here) in the
`test` database, so runs never see each other's rows. Redis tests use a
database number of their own and flush it first.
"""

from __future__ import annotations

import os
import uuid

import pytest
import redis as redis_lib
import sqlalchemy as sa

os.environ.setdefault("SILENCE_TOKEN_WARNINGS", "true")

PG_URL = os.environ.get("LIFTRUN_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_BASE = os.environ.get("LIFTRUN_TEST_REDIS", "redis://127.0.0.1:6379")
UNIT_REDIS_URL = f"{REDIS_BASE}/15"


@pytest.fixture(scope="session")
def redis_url():
    client = redis_lib.Redis.from_url(UNIT_REDIS_URL)
    client.flushdb()
    yield UNIT_REDIS_URL
    client.flushdb()


@pytest.fixture
def redis_client(redis_url):
    client = redis_lib.Redis.from_url(redis_url)
    client.flushdb()
    return client


def pg_url_with_schema(schema: str) -> str:
    return f"{PG_URL}?options=-csearch_path%3D{schema}"


@pytest.fixture
def pg_schema():
    """Yield a fresh PostgreSQL schema, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    yield schema
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def build_app(database_url: str, redis_url: str, **overrides):
    from plugin import create_app
    from plugin.extensions import db

    config = {
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "SQLALCHEMY_DATABASE_URI": database_url.replace("postgresql://", "postgresql+psycopg://", 1),
        "REDIS_URL": redis_url,
        "SECRET_KEY": "test-secret",
        "PUBLIC_URL": "http://127.0.0.1:5000",
        "STRAVA_BASE_URL": "http://127.0.0.1:9",
    }
    config.update(overrides)
    app = create_app(config)
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request, tmp_path, redis_url, redis_client):
    """Build the app on both databases the product supports."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.sqlite'}"
    else:
        url = pg_url_with_schema(request.getfixturevalue("pg_schema"))
    application = build_app(url, redis_url)
    yield application
    from plugin.extensions import db

    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def sqlite_app(tmp_path, redis_url, redis_client):
    application = build_app(f"sqlite:///{tmp_path / 'test.sqlite'}", redis_url)
    yield application


@pytest.fixture
def client(app):
    return app.test_client()


def queued_tasks(redis_client, queue: str = "celery") -> list[dict]:
    """Task messages waiting in the real Redis broker (kombu's JSON envelope)."""
    import base64
    import json

    messages = []
    for raw in redis_client.lrange(queue, 0, -1):
        envelope = json.loads(raw)
        body = json.loads(base64.b64decode(envelope["body"]))
        messages.append({"task": envelope["headers"]["task"], "args": body[0]})
    return messages
