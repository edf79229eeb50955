"""Storing Strava's activities: one atomic upsert, whichever worker gets there first."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
import sqlalchemy as sa
from stravalib.model import DetailedActivity, SummaryActivity

from plugin.extensions import db
from plugin.models import Activity
from plugin.services.activities import store_strava_activity
from tests.support.apps import build_app, pg_url_with_schema
from tests.support.factories import make_athlete

ATHLETE = 123456789
ACTIVITY = 10_000_000_001
LEG_DAY = "Squat (Barbell)\nSet 1: 100 kg x 5\nSet 2: 100 kg x 5\n"


def strava_read(kind=DetailedActivity, **fields):
    body = {
        "id": ACTIVITY, "name": "Leg day", "sport_type": "WeightTraining", "start_date": "2026-11-02T07:00:00Z",
        "elapsed_time": 3600, "moving_time": 3000, "timezone": "(GMT+01:00) Europe/Berlin",
        "has_heartrate": True, "average_heartrate": 121.5, "manual": False,
    }
    if kind is DetailedActivity:
        body["description"] = ""
    body.update(fields)
    return kind.model_validate(body)


def test_a_detailed_read_then_a_summary_updates_the_fields_and_keeps_the_opt_out(app):
    with app.app_context():
        make_athlete(ATHLETE)
        row = store_strava_activity(ATHLETE, strava_read(name="Leg day #noliftrun", description=LEG_DAY))
        db.session.commit()
        assert (row.opted_out, row.lift_focus, row.athlete_id) == (True, "lower", ATHLETE)
        assert row.timezone == "(GMT+01:00) Europe/Berlin" and row.fetched_at is not None

        summary = strava_read(SummaryActivity, name="Leg day, heavy", sport_type="Workout", elapsed_time=4200,
                              moving_time=3900, start_date="2026-11-02T07:30:00Z", average_heartrate=130.0,
                              has_heartrate=False, manual=True)
        again = store_strava_activity(ATHLETE, summary)
        assert again is row  # the identity map's object, refreshed from the row the upsert wrote
        db.session.commit()
        db.session.expire_all()
        stored = db.session.get(Activity, ACTIVITY)
        assert (stored.name, stored.sport_type, stored.elapsed_time, stored.moving_time) == (
            "Leg day, heavy", "Workout", 4200, 3900)
        assert stored.start_date == dt.datetime(2026, 11, 2, 7, 30, tzinfo=dt.timezone.utc)
        assert (stored.average_heartrate, stored.has_heartrate, stored.manual) == (130.0, False, True)
        # A summary has no description: what only a detailed read can tell stays as it was.
        assert (stored.opted_out, stored.lift_focus) == (True, "lower")

        # A detailed read without the tag does clear it.
        store_strava_activity(ATHLETE, strava_read(description="just lifting"))
        db.session.commit()
        assert (stored.opted_out, stored.lift_focus) == (False, "unknown")
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Activity)) == 1


def test_a_new_activity_from_a_summary_gets_the_defaults(app):
    with app.app_context():
        make_athlete(ATHLETE)
        row = store_strava_activity(ATHLETE, strava_read(SummaryActivity, name="Lunch run", sport_type="Run"))
        db.session.commit()
        assert (row.name, row.sport_type, row.opted_out, row.lift_focus) == ("Lunch run", "Run", False, None)


def test_unflushed_changes_survive_the_upsert(app):
    """The refresh after the upsert must not throw away what the session still holds."""
    with app.app_context():
        make_athlete(ATHLETE)
        row = store_strava_activity(ATHLETE, strava_read())
        db.session.commit()
        row.hr_zone_buckets = [{"min": 0, "max": 120, "time": 600}]
        store_strava_activity(ATHLETE, strava_read(SummaryActivity, name="Renamed"))
        db.session.commit()
        db.session.expire_all()
        stored = db.session.get(Activity, ACTIVITY)
        assert stored.name == "Renamed" and stored.hr_zone_buckets == [{"min": 0, "max": 120, "time": 600}]


def test_the_athlete_of_a_stored_activity_is_kept(app):
    with app.app_context():
        make_athlete(ATHLETE)
        make_athlete(ATHLETE + 1)
        store_strava_activity(ATHLETE, strava_read())
        db.session.commit()
        assert store_strava_activity(ATHLETE + 1, strava_read()).athlete_id == ATHLETE


@pytest.fixture
def pg_app(pg_schema, redis_url, redis_client):
    application = build_app(pg_url_with_schema(pg_schema), redis_url)
    with application.app_context():
        make_athlete(ATHLETE)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def _wait_until_blocked(pid: int, done: threading.Event) -> None:
    """Wait (bounded) until backend `pid` waits for a lock, or its thread is already done."""
    engine = sa.create_engine(db.engine.url)
    try:
        with engine.connect() as conn:
            for _ in range(3000):
                waiting = conn.scalar(sa.text("SELECT wait_event_type FROM pg_stat_activity WHERE pid = :pid"),
                                      {"pid": pid})
                if waiting == "Lock" or done.is_set():
                    return
                time.sleep(0.01)
        raise AssertionError(f"backend {pid} never waited for the row lock")
    finally:
        engine.dispose()


def test_two_sessions_storing_the_same_new_activity_both_succeed(pg_app):
    """Session A stores a new activity and keeps its transaction open; session B stores the same id.

    B must wait for A's row and then update it. Get-then-add let B insert too,
    and B failed on activities_pkey the moment A committed.
    """
    started, done = threading.Event(), threading.Event()
    b_pid: list[int] = []
    b_errors: list[BaseException] = []

    def session_b():
        with pg_app.app_context():
            try:
                b_pid.append(db.session.scalar(sa.text("SELECT pg_backend_pid()")))
                started.set()
                store_strava_activity(ATHLETE, strava_read(name="Leg day (B)", description=LEG_DAY))
                db.session.flush()
                db.session.commit()
            except BaseException as exc:  # noqa: BLE001 - asserted below
                db.session.rollback()
                b_errors.append(exc)
            finally:
                started.set()
                done.set()

    with pg_app.app_context():
        row = store_strava_activity(ATHLETE, strava_read(name="Leg day (A) #noliftrun"))
        db.session.flush()
        assert db.session.scalar(sa.text("SELECT count(*) FROM activities")) == 1  # A's row, not committed
        thread = threading.Thread(target=session_b)
        thread.start()
        assert started.wait(30) and b_pid, b_errors
        _wait_until_blocked(b_pid[0], done)
        assert not done.is_set(), f"B did not wait for A's uncommitted row: {b_errors}"
        assert row.name == "Leg day (A) #noliftrun"
        db.session.commit()
        thread.join(30)
        assert not thread.is_alive()
        assert b_errors == []
        db.session.expire_all()
        stored = db.session.get(Activity, ACTIVITY)
        assert (stored.name, stored.opted_out, stored.lift_focus) == ("Leg day (B)", False, "lower")
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Activity)) == 1
