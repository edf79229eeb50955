"""Shared fixtures: the Flask app on SQLite or on the real PostgreSQL, real Redis.

PostgreSQL tests get a schema of their own (created and dropped here) in the
`test` database, so runs never see each other's rows. Redis tests use a
database number of their own and flush it first. Helpers live in tests/support/.
"""

from __future__ import annotations

import os
import uuid

import pytest
import redis as redis_lib
import sqlalchemy as sa

from tests.support.apps import UNIT_REDIS_URL, build_app, pg_engine, pg_url_with_schema


def pytest_configure(config):
    os.environ.setdefault("SILENCE_TOKEN_WARNINGS", "true")


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Add the logs of the real processes to the report of a test that failed against them."""
    outcome = yield
    report = outcome.get_result()
    stack = getattr(item, "funcargs", {}).get("stack")
    if report.failed and hasattr(stack, "dump_logs"):
        report.sections.append(("process logs", stack.dump_logs()))


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


@pytest.fixture
def pg_schema():
    """Yield a fresh PostgreSQL schema, dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = pg_engine()
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    yield schema
    with engine.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


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
