"""Disconnect with a confirmation page and the option to take our advice off Strava first."""

from __future__ import annotations

import datetime as dt

import pytest
import requests
from sqlalchemy import func, select

from plugin.extensions import db
from plugin.models import Athlete, Pair
from plugin.services.athletes import disconnect_athlete, written_activity_ids
from plugin.services.backfill import backfill_athlete, write_connect_advice
from plugin.statuses import Mode, PairStatus
from plugin.strava.ratelimit import RateLimitDeferred
from tests.plugin.account.rows import ATHLETE, add_rows, counts
from tests.support import strava
from tests.support.apps import build_app
from tests.support.factories import login, make_athlete
from tests.support.servers import connect_through_oauth
from tests.support.tasks import queued_tasks

NOW = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
SIGNATURE = "— LiftRun Coach · http://127.0.0.1:5000/settings"
# Bytes an editor might "tidy": CRLF, trailing spaces, non-ASCII, an indented list, nothing at all.
# (Trailing newlines are left out: plugin/description_block.py cannot tell "a\n" from "a" once our
# separator follows, a limitation reported to its owner.)
ORIGINALS = ["Squats 5x5\r\nfelt heavy  ", "Easy run 🙂  ", "Intervals\n- 6x400\n  - jog back", ""]


def written_count(app) -> int:
    with app.app_context():
        return len(written_activity_ids(ATHLETE))


@pytest.fixture
def local(app):
    with app.app_context():
        make_athlete(ATHLETE)
        add_rows(ATHLETE)  # one written pair
    client = app.test_client()
    login(client, ATHLETE)
    return app, client


def test_confirmation_page_offers_removal_from_the_written_activities(local):
    app, client = local
    resp = client.get("/account/disconnect")
    assert resp.status_code == 200
    text = resp.get_data(as_text=True)
    assert '<form method="post" action="/account/disconnect"' in text
    assert 'name="remove_advice" value="1" checked' in text
    assert "Also remove LiftRun Coach advice from my 1 activity</label>" in text
    assert counts(app, ATHLETE)["athletes"] == 1  # looking changes nothing


def test_confirmation_page_warns_when_strava_refuses_our_access(local):
    app, client = local
    assert "Strava refuses our access right now" not in client.get("/account/disconnect").get_data(as_text=True)
    with app.app_context():
        db.session.get(Athlete, ATHLETE).needs_reconnect = True
        db.session.commit()
    text = client.get("/account/disconnect").get_data(as_text=True)
    assert "Strava refuses our access right now" in text and 'href="/auth/strava"' in text


def test_confirmation_page_without_written_advice_has_nothing_to_remove(local):
    app, client = local
    with app.app_context():
        for pair in db.session.scalars(select(Pair)):
            pair.status = PairStatus.PREVIEW
        db.session.commit()
    text = client.get("/account/disconnect").get_data(as_text=True)
    assert "remove_advice" not in text and "nothing to remove" in text


def test_confirmation_needs_login(sqlite_app):
    resp = sqlite_app.test_client().get("/account/disconnect")
    assert resp.status_code == 302 and resp.headers["Location"].split("?")[0] == "/"


def test_post_with_removal_pauses_queues_the_worker_and_logs_out(local, redis_client):
    app, client = local
    resp = client.post("/account/disconnect", data={"remove_advice": "1"})
    assert resp.status_code == 302 and resp.headers["Location"] == "/"
    assert queued_tasks(redis_client) == [{"task": "liftrun.disconnect_athlete", "args": [ATHLETE, True]}]
    with app.app_context():
        assert db.session.get(Athlete, ATHLETE).settings.mode == Mode.PAUSED  # nothing new is written meanwhile
    assert counts(app, ATHLETE)["athletes"] == 1  # tokens kept until the blocks are off
    landing = client.get("/").get_data(as_text=True)
    assert "taking LiftRun Coach&#39;s advice off your 1 activity" in landing
    assert client.get("/settings").status_code == 302


def test_post_with_removal_but_nothing_written_disconnects_at_once(local, redis_client):
    app, client = local
    with app.app_context():
        db.session.execute(Pair.__table__.update().values(status=PairStatus.OPTED_OUT))
        db.session.commit()
    resp = client.post("/account/disconnect", data={"remove_advice": "1"})
    assert resp.status_code == 302
    assert queued_tasks(redis_client) == []
    assert set(counts(app, ATHLETE).values()) == {0}


def test_post_without_the_option_keeps_the_one_step_for_scripts(local, redis_client):
    app, client = local
    client.post("/account/disconnect")
    assert queued_tasks(redis_client) == []
    assert set(counts(app, ATHLETE).values()) == {0}


def test_broker_down_changes_nothing_and_says_so(make_app):
    app = make_app()
    app.extensions["celery"].conf.broker_url = "redis://127.0.0.1:9/0"
    with app.app_context():
        add_rows(ATHLETE)
    client = app.test_client()
    login(client, ATHLETE)
    resp = client.post("/account/disconnect", data={"remove_advice": "1"}, follow_redirects=True)
    assert "could not start removing our advice just now" in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Athlete, ATHLETE).settings.mode == Mode.WRITE
    assert counts(app, ATHLETE)["athletes"] == 1


# ---------------------------------------------------------------- the worker's half, against the emulator

@pytest.fixture
def product_database_url(sqlite_url):
    return sqlite_url


@pytest.fixture
def connected(product, emulator):
    ids = []
    for index, days_ago in enumerate((2, 9)):
        lift_start = NOW - dt.timedelta(days=days_ago, hours=3)
        for sport, start, text in (("WeightTraining", lift_start, ORIGINALS[2 * index]),
                                   ("Run", lift_start + dt.timedelta(minutes=75), ORIGINALS[2 * index + 1])):
            ids.append(strava.upload(emulator.url, sport, start, 40, text))
    with product.app_context():
        backfill_athlete(ATHLETE)
        assert write_connect_advice(ATHLETE).written == 2
    return product, ids


def descriptions(emulator, ids) -> list[str]:
    return [strava.description(emulator.url, i) for i in ids]


def test_removal_restores_every_description_byte_for_byte_then_forgets(connected, emulator):
    app, ids = connected
    assert [SIGNATURE in d for d in descriptions(emulator, ids)] == [False, True, False, True]
    requests.delete(f"{emulator.url}/sandbox/api/requests")
    with app.app_context():
        assert disconnect_athlete(ATHLETE, remove_advice=True) == "done"
    assert descriptions(emulator, ids) == ORIGINALS
    calls = requests.get(f"{emulator.url}/sandbox/api/requests").json()
    puts = [c for c in calls if c["method"] == "PUT"]
    deauth = [i for i, c in enumerate(calls) if c["path"].endswith("/oauth/deauthorize")]
    assert len(puts) == 2 and len(deauth) == 1
    assert all(calls.index(put) < deauth[0] for put in puts)  # blocks off before the access goes
    assert set(counts(app, ATHLETE).values()) == {0}
    with app.app_context():
        assert disconnect_athlete(ATHLETE, remove_advice=True) is None  # redelivered: nothing left to do


def test_removal_waits_for_the_rate_budget_and_keeps_the_tokens_meanwhile(connected, emulator, redis_client):
    app, ids = connected
    usage = requests.get(f"{emulator.url}/sandbox/api/rate-limit").json()["usage_15min"]
    requests.post(f"{emulator.url}/sandbox/api/rate-limit", json={"limit_15min": usage + 3})
    with app.app_context(), pytest.raises(RateLimitDeferred):
        disconnect_athlete(ATHLETE, remove_advice=True)
    assert counts(app, ATHLETE)["athletes"] == 1
    assert written_count(app) == 1
    requests.post(f"{emulator.url}/sandbox/api/rate-limit", json={"limit_15min": 600})
    redis_client.flushdb()
    with app.app_context():
        assert disconnect_athlete(ATHLETE, remove_advice=True) == "done"
    assert descriptions(emulator, ids) == ORIGINALS
    assert len([c for c in requests.get(f"{emulator.url}/sandbox/api/requests").json() if c["method"] == "PUT"]) == 4


def test_without_removal_the_advice_stays(connected, emulator):
    app, ids = connected
    with app.app_context():
        assert disconnect_athlete(ATHLETE, remove_advice=False) == "done"
    assert [SIGNATURE in d for d in descriptions(emulator, ids)] == [False, True, False, True]
    assert counts(app, ATHLETE)["athletes"] == 0


def test_the_task_runs_the_service(sqlite_url, redis_url, redis_client, emulator):
    import worker.tasks as tasks  # registered before the app that runs them

    app = build_app(sqlite_url, redis_url, STRAVA_BASE_URL=emulator.url)
    assert connect_through_oauth(app.test_client()).status_code == 302
    assert tasks.disconnect_athlete.apply(args=[ATHLETE, True]).get() == "done"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Athlete)) == 0
    assert tasks.disconnect_athlete.apply(args=[ATHLETE, True]).get() == "missing"
