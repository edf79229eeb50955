"""Seeded fuzzing of every way in: webhook bodies, validation queries, OAuth callbacks, settings posts.

A few thousand requests, deterministic (fixed seeds, so a failure replays),
bounded in count. Each asserts the product never answers 5xx and never stores
anything it would not have accepted from a well-formed request. The requests
and the checks come from tests/support/fuzz.py, which the fault report
(bench/faults.py) sends to the real gunicorn too.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from plugin.extensions import db
from plugin.models import Athlete, AthleteSettings, InboxEvent
from tests.support import fuzz
from tests.support.factories import login, make_athlete

ATHLETE = 123456789
WEBHOOK_REQUESTS = 700
VALIDATION_REQUESTS = 400
CALLBACK_REQUESTS = 300
SETTINGS_REQUESTS = 300


def inbox_rows(app) -> list[dict]:
    with app.app_context():
        return [{column: getattr(row, column) for column in (
            "id", "object_type", "aspect_type", "owner_id", "object_id", "event_time", "subscription_id", "updates")}
            for row in db.session.scalars(select(InboxEvent))]


def test_webhook_bodies(app, client):
    with app.app_context():
        make_athlete(ATHLETE)
    statuses = []
    for request in fuzz.webhook_requests(WEBHOOK_REQUESTS, ATHLETE):
        resp = client.post(request.url(), data=request.data(), content_type=request.content_type)
        assert resp.status_code < 500, (resp.status_code, request.body[:200])
        statuses.append(resp.status_code)
    assert statuses.count(200) > 50 and statuses.count(400) > 50  # the fuzz reached both sides
    rows = inbox_rows(app)
    assert rows and fuzz.inbox_garbage(rows, ATHLETE) == []


def test_validation_queries(sqlite_app):
    client = sqlite_app.test_client()
    answered = 0
    for request in fuzz.validation_requests(VALIDATION_REQUESTS):
        resp = client.get(request.url())
        assert resp.status_code in (200, 400, 403), (resp.status_code, request.path[:200])
        if resp.status_code == 200:
            answered += 1
            assert set(resp.get_json()) == {"hub.challenge"}
    assert answered > 10


@pytest.fixture
def emulator_settings():
    return {"AUTO_APPROVE": False}  # nobody approves: only made-up callbacks arrive


@pytest.fixture
def product_database_url(sqlite_url):
    return sqlite_url


def test_oauth_callbacks(unconnected_product):
    app = unconnected_product
    flows = 0
    for request in fuzz.callback_requests(CALLBACK_REQUESTS):
        client = app.test_client()
        state = None
        if request.starts_flow:  # a browser that started the flow, with its real state
            state = fuzz.state_of(client.get("/auth/strava").headers["Location"])
            flows += 1
        resp = client.get(request.url(state))
        assert resp.status_code < 500, (resp.status_code, request.path[:200])
    assert flows > 50
    with app.app_context():
        assert db.session.scalars(select(Athlete)).all() == []  # no made-up code connected anyone


def stored_settings(app) -> dict:
    with app.app_context():
        s = db.session.get(AthleteSettings, ATHLETE)
        return {column: getattr(s, column) for column in (
            "goal", "mode", "window_hours", "training_status", "lift_types", "run_types", "language", "timezone",
            "max_hr")}


def test_settings_posts(sqlite_app):
    with sqlite_app.app_context():
        make_athlete(ATHLETE)
    client = sqlite_app.test_client()
    login(client, ATHLETE)
    outcomes = {302: 0, 400: 0}
    for request in fuzz.settings_requests(SETTINGS_REQUESTS):
        resp = client.post(request.url(), data=request.data(), content_type=request.content_type)
        assert resp.status_code in outcomes, (resp.status_code, request.body[:300])
        outcomes[resp.status_code] += 1
        assert fuzz.settings_garbage(stored_settings(sqlite_app)) == [], request.body[:300]
    assert outcomes[302] > 20 and outcomes[400] > 20
