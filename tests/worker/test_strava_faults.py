"""Strava's faults, met by the real task against the emulator over HTTP (fault spells in its admin API).

Celery runs the task eagerly here, so its retries run inline (countdowns are
not waited for): each test walks a whole retry path in one call and then
checks what the inbox row says about it.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
import requests
from sqlalchemy import select

from plugin.extensions import db
from plugin.models import Athlete, InboxEvent, Pair
from plugin.statuses import EventStatus, PairStatus
from tests.support.tasks import queued_tasks
from tests.support.servers import connect_through_oauth

ATHLETE = 123456789
SIGNATURE = "— LiftRun Coach · http://127.0.0.1:5000/settings"
# After connecting: every partner has its own event, so nothing needs listing.
START = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) + dt.timedelta(days=2)


class Strava:
    """The emulator's admin API, and events posted to the product's webhook."""

    def __init__(self, app, url):
        self.app, self.url, self.web = app, url, app.test_client()
        self.clock = int(time.time()) - 60

    def admin(self, method, path, **kwargs):
        response = requests.request(method, f"{self.url}/sandbox/api/{path}", timeout=10, **kwargs)
        assert response.status_code < 400, response.text
        return response.json() if response.content else None

    def upload(self, sport, start, minutes, description=""):
        return self.admin("POST", "activities", json={
            "athlete_id": ATHLETE, "sport_type": sport, "start_date": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "elapsed_time": minutes * 60, "description": description, "deliver": False})["id"]

    def fault(self, **spell):
        return self.admin("POST", "faults", json=spell)

    def event(self, object_id, aspect="create", updates=None, event_time=None) -> int:
        self.clock += 1
        answer = self.web.post("/webhook", json={
            "object_type": "activity", "object_id": object_id, "aspect_type": aspect, "updates": updates or {},
            "owner_id": ATHLETE, "subscription_id": 1, "event_time": event_time or self.clock})
        assert answer.status_code == 200
        with self.app.app_context():
            return db.session.scalar(select(InboxEvent.id).where(InboxEvent.object_id == object_id)
                                     .order_by(InboxEvent.id.desc()).limit(1))

    def run(self, event_id) -> str:
        from worker.tasks import process_event

        return process_event.apply(args=[event_id]).get()

    def row(self, event_id) -> InboxEvent:
        with self.app.app_context():
            row = db.session.get(InboxEvent, event_id)
            db.session.expunge(row)
            return row

    def description(self, activity_id):
        return self.admin("GET", f"activities/{activity_id}")["description"]

    def calls(self):
        return self.admin("GET", "calls")

    def pair_then_advice(self):
        lift = self.upload("WeightTraining", START, 60)
        run = self.upload("Run", START + dt.timedelta(minutes=90), 40, description="Felt good")
        assert self.run(self.event(lift)) == EventStatus.DONE
        return lift, run


@pytest.fixture
def strava(product, emulator):
    with product.app_context():
        db.session.get(Athlete, ATHLETE).settings.goal = "strength"
        db.session.commit()
    return Strava(product, emulator.url)


def test_5xx_spell_is_retried_with_backoff_counted_on_the_row(strava):
    lift, run = strava.pair_then_advice()
    strava.fault(kind="503", endpoint="GET /activities/{id}", count=2)
    event_id = strava.event(run)
    assert strava.run(event_id) == EventStatus.DONE
    row = strava.row(event_id)
    assert row.attempts == 2  # two Strava errors, each one retry
    assert row.deferred_until is None and row.deferred_reason is None
    assert strava.description(run).count(SIGNATURE) == 1


def test_5xx_for_good_fails_after_the_error_retries(strava):
    from worker.tasks import MAX_ERROR_RETRIES

    run = strava.upload("Run", START, 30)
    strava.fault(kind="500", endpoint="GET /activities/{id}")
    event_id = strava.event(run)
    assert strava.run(event_id) == EventStatus.FAILED
    assert strava.row(event_id).attempts == MAX_ERROR_RETRIES
    assert strava.calls()["statuses"]["GET /activities/{id} 500"] == MAX_ERROR_RETRIES + 1


def test_fresh_activity_not_readable_yet_waits_without_using_error_retries(strava):
    lift, run = strava.pair_then_advice()
    strava.fault(kind="404", endpoint="GET /activities/{id}", count=2)
    event_id = strava.event(run)
    assert strava.run(event_id) == EventStatus.DONE
    assert strava.row(event_id).attempts == 0  # waiting is not failing
    assert strava.description(run).count(SIGNATURE) == 1


def test_activity_still_missing_after_the_bounded_wait_is_recorded(strava):
    gone = 10_000_999_999
    event_id = strava.event(gone, event_time=int(time.time()) - 3600)
    assert strava.run(event_id) == EventStatus.DONE
    row = strava.row(event_id)
    assert "not found" in row.error and row.attempts == 0
    assert strava.calls()["calls"]["GET /activities/{id}"] == 1  # no retry once the bound has passed


def test_busy_athlete_lock_defers_at_once(strava, redis_client):
    from plugin.services import events

    run = strava.upload("Run", START, 30)
    event_id = strava.event(run)
    holder = redis_client.lock(f"liftrun:athlete-lock:{ATHLETE}", timeout=30)
    assert holder.acquire(blocking=False)
    try:
        with strava.app.app_context():
            started = time.monotonic()
            with pytest.raises(events.RetryLater) as err:
                events.process_event(event_id)
            assert time.monotonic() - started < 2  # no blocking wait in a worker slot
            assert err.value.reason == events.DeferReason.ATHLETE_BUSY
    finally:
        holder.release()


def test_429_defers_to_the_window_reset_and_calls_no_more(strava):
    from plugin.services import events
    from plugin.strava.ratelimit import RateLimitDeferred

    run = strava.upload("Run", START, 30)
    event_id = strava.event(run)
    strava.fault(kind="429", count=1)
    with strava.app.app_context():
        with pytest.raises(RateLimitDeferred) as err:
            events.process_event(event_id)
        assert 0 < err.value.countdown <= 15 * 60 + 1
        db.session.rollback()
        before = strava.calls()["total"]
        with pytest.raises(RateLimitDeferred):
            events.process_event(event_id)  # the budget knows: no call until the window resets
        assert strava.calls()["total"] == before


def test_token_refused_then_refresh_refused_parks_and_replays_after_reconnect(strava, redis_client):
    lift, run = strava.pair_then_advice()
    strava.fault(kind="401", athlete_id=ATHLETE)
    strava.fault(kind="401", endpoint="POST /oauth/token", athlete_id=ATHLETE)
    first = strava.event(run)
    assert strava.run(first) == EventStatus.PARKED
    with strava.app.app_context():
        assert db.session.get(Athlete, ATHLETE).needs_reconnect is True
    calls = strava.calls()["total"]
    second = strava.event(lift, aspect="update")
    assert strava.run(second) == EventStatus.PARKED
    assert strava.calls()["total"] == calls  # parked without asking Strava again
    assert strava.row(first).status == EventStatus.PARKED
    assert strava.row(first).deferred_reason == "reconnect"

    strava.admin("DELETE", "faults")
    redis_client.delete("celery")
    assert connect_through_oauth(strava.web).status_code == 302
    with strava.app.app_context():
        assert db.session.get(Athlete, ATHLETE).needs_reconnect is False
    queued = [t["args"][0] for t in queued_tasks(redis_client) if t["task"] == "liftrun.process_event"]
    # Both parked events are queued again (a stray re-delivery of an event already done is harmless).
    assert {first, second} <= set(queued)
    for event_id in (first, second):
        assert strava.run(event_id) in (EventStatus.DONE, EventStatus.SUPERSEDED)
    assert strava.description(run).count(SIGNATURE) == 1


def test_refused_refresh_during_re_evaluation_says_reconnect_not_re_evaluating(strava, redis_client):
    """The settings save marks "re-evaluating"; a refused refresh in that task must end it in "reconnect"."""
    from plugin.history import progress
    from tests.support.factories import login
    from worker.tasks import reevaluate_athlete

    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    lift = strava.upload("WeightTraining", now - dt.timedelta(hours=5), 60)
    run = strava.upload("Run", now - dt.timedelta(hours=3, minutes=30), 40, description="Felt good")
    assert strava.run(strava.event(lift)) == EventStatus.DONE
    assert strava.run(strava.event(run)) == EventStatus.DONE
    advice = strava.description(run)
    assert advice.count(SIGNATURE) == 1

    login(strava.web, ATHLETE)
    assert strava.web.post("/settings", data={"goal": "endurance"}).status_code == 302  # a new verdict to write
    assert "being re-evaluated" in strava.web.get("/settings").get_data(as_text=True)
    strava.fault(kind="401", athlete_id=ATHLETE)
    strava.fault(kind="401", endpoint="POST /oauth/token", athlete_id=ATHLETE)
    reevaluate_athlete.apply(args=[ATHLETE]).get()

    assert strava.calls()["statuses"].get("POST /oauth/token 401") == 1  # the refresh was tried, and refused
    with strava.app.test_request_context():
        athlete = db.session.get(Athlete, ATHLETE)
        assert athlete.needs_reconnect is True
        assert [note.kind for note in progress.work_in_progress(athlete)] == ["reconnect"]
    page = strava.web.get("/settings").get_data(as_text=True)
    assert "Reconnect with Strava" in page and "being re-evaluated" not in page
    assert strava.description(run) == advice  # nothing written without access

    # Reconnecting catches up: the re-evaluation that was refused is queued again and writes the new verdict.
    strava.admin("DELETE", "faults")
    redis_client.delete("celery")
    assert connect_through_oauth(strava.web).status_code == 302
    queued = [t for t in queued_tasks(redis_client) if t["task"] == "liftrun.reevaluate_athlete"]
    assert queued == [{"task": "liftrun.reevaluate_athlete", "args": [ATHLETE]}]
    reevaluate_athlete.apply(args=[ATHLETE]).get()
    rewritten = strava.description(run)
    assert rewritten != advice and rewritten.startswith("Felt good\n\n") and rewritten.count(SIGNATURE) == 1


def test_refused_refresh_in_the_look_back_marks_the_athlete(strava):
    from worker.tasks import backfill_athlete

    strava.fault(kind="401", athlete_id=ATHLETE)
    strava.fault(kind="401", endpoint="POST /oauth/token", athlete_id=ATHLETE)
    assert backfill_athlete.apply(args=[ATHLETE]).get() == EventStatus.FAILED
    with strava.app.app_context():
        assert db.session.get(Athlete, ATHLETE).needs_reconnect is True


def test_edit_between_our_read_and_our_write_is_kept(strava, monkeypatch):
    """The athlete types into the run while our task works on it: the PUT is built from a read after the edit."""
    import plugin.strava.gateway as gateway

    lift = strava.upload("WeightTraining", START, 60)
    run = strava.upload("Run", START + dt.timedelta(minutes=90), 40, description="Felt good")
    assert strava.run(strava.event(lift)) == EventStatus.DONE
    monkeypatch.setattr(gateway, "READ_FRESH_SECONDS", 0.0)  # as if Strava were slow: our read has aged
    original = gateway.AthleteStrava.get_activity
    edited = []

    def read_then_athlete_edits(self, activity_id):
        activity = original(self, activity_id)
        if activity_id == run and not edited:
            strava.admin("PATCH", f"activities/{run}", json={"description": "Felt good\nlegs heavy", "deliver": False})
            edited.append(True)
        return activity

    monkeypatch.setattr(gateway.AthleteStrava, "get_activity", read_then_athlete_edits)
    assert strava.run(strava.event(run)) == EventStatus.DONE
    text = strava.description(run)
    assert text.startswith("Felt good\nlegs heavy\n\n") and text.count(SIGNATURE) == 1


def test_opt_out_typed_after_planning_means_nothing_is_written(strava, monkeypatch):
    lift = strava.upload("WeightTraining", START, 60)
    run = strava.upload("Run", START + dt.timedelta(minutes=90), 40, description="Felt good")
    assert strava.run(strava.event(run)) == EventStatus.DONE
    strava.admin("PATCH", f"activities/{run}", json={"description": "Felt good #noliftrun", "deliver": False})
    assert strava.run(strava.event(lift)) == EventStatus.DONE
    assert strava.description(run) == "Felt good #noliftrun"
    assert strava.calls()["writes"] == 0
    with strava.app.app_context():
        assert db.session.scalars(select(Pair.status)).one() == PairStatus.OPTED_OUT


@pytest.mark.parametrize("change", [
    {"name": "Easy one #noliftrun", "updates": {"title": "Easy one #noliftrun"}},
    {"sport_type": "Walk", "updates": {"type": "Walk"}},
])
def test_athletes_choice_takes_our_block_off_in_one_write(strava, change):
    change = dict(change)
    lift, run = strava.pair_then_advice()
    assert strava.run(strava.event(run)) == EventStatus.DONE
    assert strava.description(run).count(SIGNATURE) == 1
    updates = change.pop("updates")
    strava.admin("PATCH", f"activities/{run}", json={**change, "deliver": False})
    before = strava.calls()
    assert strava.run(strava.event(run, aspect="update", updates=updates)) == EventStatus.DONE
    after = strava.calls()
    assert strava.description(run) == "Felt good"  # the athlete's text, byte for byte
    assert after["writes"] - before["writes"] == 1
    assert after["reads"] - before["reads"] == 1  # the payload said what changed; one read to write
    # Later work around it writes nothing more there: a lift before it would pair with it.
    early = strava.upload("WeightTraining", START - dt.timedelta(hours=3), 30)
    assert strava.run(strava.event(early)) == EventStatus.DONE
    assert strava.calls()["writes"] == after["writes"]
    assert strava.description(run) == "Felt good"


def test_duplicates_cost_nothing_and_a_rename_costs_no_read(strava):
    lift, run = strava.pair_then_advice()
    event_id = strava.event(run)
    assert strava.run(event_id) == EventStatus.DONE
    before = strava.calls()["total"]
    assert strava.run(event_id) == EventStatus.DONE  # redelivered task
    strava.admin("PATCH", f"activities/{lift}", json={"name": "Legs", "deliver": False})
    assert strava.run(strava.event(lift, aspect="update", updates={"title": "Legs"})) == EventStatus.DONE
    assert strava.calls()["total"] == before


@pytest.mark.parametrize("product", ["postgresql"], indirect=True)
def test_three_workers_and_shuffled_redelivery_give_one_block(strava):
    """Three threads play three workers (own sessions, the Redis lock between them)."""
    import random

    from plugin.services import events
    from plugin.strava.ratelimit import RateLimitDeferred

    pairs = []
    for n in range(3):
        lift = strava.upload("WeightTraining", START + dt.timedelta(days=3 * n), 60)  # apart: one pair each
        run = strava.upload("Run", START + dt.timedelta(days=3 * n, minutes=90), 40, description=f"Run {n}")
        pairs.append((lift, run))
    ids = [strava.event(activity) for pair in pairs for activity in pair]
    deliveries = ids * 3
    random.Random(7).shuffle(deliveries)
    lock = threading.Lock()
    errors = []

    def worker():
        while True:
            with lock:
                if not deliveries:
                    return
                event_id = deliveries.pop()
            with strava.app.app_context():
                for _ in range(200):
                    try:
                        events.process_event(event_id)
                        db.session.commit()
                        break
                    except (events.RetryLater, RateLimitDeferred):
                        db.session.rollback()
                        time.sleep(0.02)
                    except Exception as exc:  # noqa: BLE001 - reported below
                        db.session.rollback()
                        errors.append(exc)
                        break

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    for n, (_, run) in enumerate(pairs):
        text = strava.description(run)
        assert text.startswith(f"Run {n}\n\n") and text.count(SIGNATURE) == 1
    assert strava.calls()["writes"] == 3
