"""Shared fixtures: the Flask app on SQLite or on the real PostgreSQL, real Redis.

PostgreSQL tests get a schema of their own (created and dropped here) in the
`test` database, so runs never see each other's rows. Redis tests use a
database number of their own and flush it first. Helpers live in tests/support/.
"""

from __future__ import annotations

import itertools
import os

import pytest
import redis as redis_lib

from plugin.devtools import Schema
from tests.support.apps import PG_URL, UNIT_REDIS_URL, build_app, dispose, pg_url_with_schema
from tests.support.factories import ATHLETE_ID, make_athlete
from tests.support.servers import connect_through_oauth, start_emulator


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
    """Yield the name of a fresh PostgreSQL schema, dropped afterwards."""
    schema = Schema(PG_URL, "t")
    schema.create()
    yield schema.name
    schema.drop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """Both databases the product supports: a SQLite file, then a PostgreSQL schema of the test's own."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite'}"
    return pg_url_with_schema(request.getfixturevalue("pg_schema"))


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'test.sqlite'}"


@pytest.fixture
def app(database_url, redis_url, redis_client):
    """Build the app on both databases the product supports."""
    application = build_app(database_url, redis_url)
    yield application
    dispose(application)


@pytest.fixture
def sqlite_app(sqlite_url, redis_url, redis_client):
    return build_app(sqlite_url, redis_url)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_app(tmp_path, redis_url, redis_client):
    """Return make_app(**overrides): the product on a SQLite file of its own with the demo athlete
    connected (`athletes=` other ids, `redis_url=` another Redis; the rest are build_app's overrides)."""
    made = itertools.count()

    def make(*, athletes=(ATHLETE_ID,), redis_url=redis_url, **overrides):
        application = build_app(f"sqlite:///{tmp_path / f'app{next(made)}.sqlite'}", redis_url, **overrides)
        with application.app_context():
            for athlete_id in athletes:
                make_athlete(athlete_id)
        return application

    return make


@pytest.fixture
def emulator_settings():
    """Return the emulator's settings; a module overrides this fixture, e.g. with {"AUTO_APPROVE": False}."""
    return {}


@pytest.fixture
def emulator(emulator_settings):
    """Strava's emulator on a loopback port, as stravalib and the product talk to it."""
    with start_emulator(**emulator_settings) as server:
        yield server


@pytest.fixture
def product_database_url(database_url):
    """Where `product` keeps its rows: both databases, unless a module narrows it to `sqlite_url`."""
    return database_url


@pytest.fixture
def unconnected_product(product_database_url, redis_url, redis_client, emulator):
    """Build the product talking to the emulator; nobody has connected yet."""
    application = build_app(product_database_url, redis_url, STRAVA_BASE_URL=emulator.url)
    yield application
    dispose(application)


@pytest.fixture
def product(unconnected_product):
    """Connect the emulator's demo athlete to the product through the real OAuth redirects."""
    assert connect_through_oauth(unconnected_product.test_client()).headers["Location"] == "/settings"
    return unconnected_product
