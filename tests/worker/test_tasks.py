"""The Celery tasks' retry and sweep behaviour, run eagerly against real Redis.

The real-worker path is covered by tests/e2e; here we pin down what the
tasks do when Strava is unreachable and how the sweep avoids duplicates.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from plugin.extensions import db
from plugin.models import InboxEvent
from tests.support.tasks import queued_tasks
from tests.support.factories import make_inbox_event

ATHLETE = 123456789


@pytest.fixture
def app(make_app):
    """Build the demo athlete's app on SQLite, Strava unreachable (tests/worker/conftest.py registered the tasks)."""
    return make_app()


def add_event(app, object_id: int, age: dt.timedelta) -> int:
    with app.app_context():
        event = make_inbox_event(object_id, received_at=dt.datetime.now(dt.timezone.utc) - age)
        db.session.commit()
        return event.id


def test_unreachable_strava_is_retried_then_recorded_as_failed(app, redis_client, caplog):
    from worker.tasks import MAX_ERROR_RETRIES, process_event

    event_id = add_event(app, 1, dt.timedelta(0))
    # Eagerly applied, Celery runs each retry inline, so one call walks the whole retry path.
    assert process_event.apply(args=[event_id]).get() == "failed"
    assert caplog.text.count(f"event {event_id} failed (") == MAX_ERROR_RETRIES
    with app.app_context():
        event = db.session.get(InboxEvent, event_id)
        assert event.status == "failed"
        assert event.attempts == MAX_ERROR_RETRIES  # our own count, on the inbox row
        assert event.deferred_until is None and event.deferred_reason is None
        assert "Connection" in event.error


def test_sweep_queues_only_stale_undeferred_events(app, redis_client):
    from worker.tasks import sweep_inbox

    stale = add_event(app, 3, dt.timedelta(minutes=10))
    deferred = add_event(app, 4, dt.timedelta(minutes=10))
    add_event(app, 5, dt.timedelta(seconds=5))
    with app.app_context():
        waiting = db.session.get(InboxEvent, deferred)
        waiting.deferred_until = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=5)
        waiting.deferred_reason = "rate_limit"
        db.session.commit()
        assert sweep_inbox() == 1
    assert queued_tasks(redis_client) == [{"task": "liftrun.process_event", "args": [stale]}]


def test_processed_event_is_a_no_op(app):
    from worker.tasks import process_event

    event_id = add_event(app, 6, dt.timedelta(0))
    with app.app_context():
        db.session.scalars(select(InboxEvent).where(InboxEvent.id == event_id)).one().status = "done"
        db.session.commit()
    assert process_event.apply(args=[event_id]).get() == "done"


def test_sweep_prunes_old_finished_events_but_never_pending_ones(app):
    from worker.tasks import sweep_inbox

    old_done = add_event(app, 7, dt.timedelta(days=40))
    old_pending = add_event(app, 8, dt.timedelta(days=40))
    recent_done = add_event(app, 9, dt.timedelta(days=1))
    with app.app_context():
        for event_id in (old_done, recent_done):
            db.session.get(InboxEvent, event_id).status = "done"
        db.session.commit()
        sweep_inbox()
        remaining = set(db.session.scalars(select(InboxEvent.id)))
    assert old_done not in remaining
    assert {old_pending, recent_done} <= remaining


def test_task_signals_count_deferrals_failures_and_durations(app):
    from prometheus_client import REGISTRY

    import worker.telemetry  # noqa: F401  (connects the signal handlers, as worker/__init__ does)
    from worker.tasks import MAX_ERROR_RETRIES, process_event

    def value(name, **labels):
        return REGISTRY.get_sample_value(name, labels) or 0.0

    deferred = value("liftrun_events_deferred_total", reason="strava_error")
    failed = value("liftrun_events_failed_total")
    timed = value("liftrun_task_duration_seconds_count", task="liftrun.process_event", state="SUCCESS")
    event_id = add_event(app, 11, dt.timedelta(0))
    assert process_event.apply(args=[event_id]).get() == "failed"
    assert value("liftrun_events_deferred_total", reason="strava_error") == deferred + MAX_ERROR_RETRIES
    assert value("liftrun_events_failed_total") == failed + 1
    assert value("liftrun_task_duration_seconds_count", task="liftrun.process_event", state="SUCCESS") > timed

    done = value("liftrun_events_processed_total", status="done")
    with app.app_context():
        db.session.get(InboxEvent, event_id).status = "done"
        db.session.commit()
    assert process_event.apply(args=[event_id]).get() == "done"
    assert value("liftrun_events_processed_total", status="done") == done + 1


def test_every_log_line_of_a_task_names_its_event_and_athlete(app, caplog):
    import logging

    import worker.telemetry  # noqa: F401  (connects the signal handlers, as worker/__init__ does)
    from plugin.ops.logs import ContextFilter, current_context
    from worker.tasks import process_event

    caplog.handler.addFilter(ContextFilter())
    caplog.set_level(logging.INFO)
    event_id = add_event(app, 12, dt.timedelta(0))
    assert process_event.apply(args=[event_id]).get() == "failed"
    task_lines = [r for r in caplog.records if r.name.startswith(("plugin", "worker"))]
    assert any(f"event {event_id} failed" in r.getMessage() for r in task_lines)
    assert {(r.event_id, r.athlete_id) for r in task_lines} == {(event_id, ATHLETE)}
    assert current_context() == {}  # nothing leaks into whatever runs next


def test_athlete_lock_is_renewed_while_working_and_released_after(app, redis_client):
    import time

    from plugin.services import events

    key = f"liftrun:athlete-lock:{ATHLETE}"
    with app.app_context():
        lock = events.athlete_lock(ATHLETE, timeout=2)
        with lock:
            time.sleep(1.2)
            lock.keepalive()
            assert redis_client.pttl(key) > 1500  # renewed, not running out
            with pytest.raises(events.RetryLater):
                with events.athlete_lock(ATHLETE):
                    pass
            db.session.rollback()
        assert not redis_client.exists(key)
