"""Processing one inbox event in the worker.

The event only says *which* activity changed; its state is re-read from Strava
(events are unsigned, may be duplicated and may arrive out of order). Work for
one athlete is serialised with a Redis lock so two events about the same pair
never race on the same description.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select
from stravalib.exc import Fault, ObjectNotFound

from plugin.extensions import db
from plugin.models import Activity, Athlete, InboxEvent, utcnow
from plugin.redis_client import get_redis
from plugin.services.activities import store_strava_activity
from plugin.services.advice_sync import MAX_ACTIVITY, forget_activity, reevaluate_recent, sync_range
from plugin.strava.client import athlete_client, rate_budget

log = logging.getLogger(__name__)

# Strava sometimes announces an activity before it can be read.
NOT_FOUND_RETRY_FOR = dt.timedelta(minutes=15)
LOCK_TIMEOUT = 120


class RetryLater(Exception):
    def __init__(self, countdown: int, reason: str):
        super().__init__(reason)
        self.countdown = countdown


class athlete_lock:
    def __init__(self, athlete_id: int):
        self.lock = get_redis().lock(f"liftrun:athlete-lock:{athlete_id}", timeout=LOCK_TIMEOUT, blocking_timeout=20)

    def __enter__(self):
        if not self.lock.acquire():
            raise RetryLater(5, "another task holds this athlete's lock")
        return self

    def __exit__(self, *exc):
        try:
            self.lock.release()
        except Exception:  # noqa: BLE001 - an expired lock is harmless here
            log.warning("athlete lock expired before release")


def _finish(event: InboxEvent, status: str, error: str | None = None) -> str:
    event.status = status
    event.error = error
    event.processed_at = utcnow()
    db.session.commit()
    return status


def ensure_zones(athlete: Athlete, client) -> None:
    if athlete.hr_zones is not None or "profile:read_all" not in athlete.scopes:
        return
    try:
        zones = client.get_athlete_zones()
        athlete.hr_zones = zones.model_dump(mode="json", exclude_none=True)
    except Fault:  # zones only refine the advice; go on without
        log.warning("could not read heart-rate zones of athlete %s", athlete.id, exc_info=True)
        athlete.hr_zones = {}
    db.session.commit()


def _has_own_zones(athlete: Athlete) -> bool:
    return bool((athlete.hr_zones or {}).get("heart_rate", {}).get("zones"))


def _read_time_in_zones(athlete: Athlete, client, activity: Activity) -> None:
    """Without the athlete's zones, a run's time in zones still tells its intensity."""
    if (_has_own_zones(athlete) or not activity.has_heartrate
            or activity.sport_type not in athlete.settings.run_type_set):
        return
    try:
        zones = client.get_activity_zones(activity.id)
    except Fault:
        log.info("no time-in-zone data for activity %s", activity.id)
        return
    activity.hr_zone_buckets = [zone.model_dump(mode="json", exclude_none=True) for zone in zones] or None
    db.session.commit()


def _discover_partners(athlete: Athlete, client, activity: Activity) -> None:
    """Find activities Strava has around this one that we have not seen (e.g. before connecting)."""
    settings = athlete.settings
    wanted = settings.lift_type_set | settings.run_type_set
    if activity.sport_type not in wanted or activity.start_date is None:
        return
    window = dt.timedelta(hours=settings.window_hours)
    after = activity.start_date - window - MAX_ACTIVITY
    before = activity.start_date + dt.timedelta(seconds=activity.elapsed_time or 0) + window
    for summary in client.get_activities(after=after, before=before, limit=100):
        if summary.id == activity.id:
            continue
        sport = getattr(summary.sport_type, "root", summary.sport_type)
        if sport in wanted:
            store_strava_activity(athlete.id, summary)
    db.session.commit()


def process_event(event_id: int) -> str:
    event = db.session.get(InboxEvent, event_id)
    if event is None:
        log.warning("inbox event %s no longer exists (athlete deleted?)", event_id)
        return "missing"
    if event.status != "pending":
        return event.status
    athlete = db.session.get(Athlete, event.owner_id)
    if athlete is None:
        return _finish(event, "ignored", "unknown athlete")
    if athlete.settings.mode == "paused":
        return _finish(event, "ignored", "paused")
    newer = db.session.scalar(
        select(InboxEvent.id).where(
            InboxEvent.object_id == event.object_id,
            InboxEvent.object_type == event.object_type,
            InboxEvent.event_time > event.event_time,
        ).limit(1)
    )
    if newer is not None:
        return _finish(event, "superseded", f"newer event {newer}")

    budget = rate_budget()
    budget.check(reads=3)
    with athlete_lock(athlete.id):
        event.attempts += 1
        db.session.commit()
        client = athlete_client(athlete, budget=budget)
        ensure_zones(athlete, client)
        if event.aspect_type == "delete":
            span = forget_activity(athlete, event.object_id)
            if span:
                sync_range(athlete, client, span[0] - dt.timedelta(hours=1), span[1] + dt.timedelta(hours=1))
            return _finish(event, "done")
        try:
            strava_activity = client.get_activity(event.object_id)
        except ObjectNotFound:
            age = dt.datetime.now(dt.timezone.utc) - dt.datetime.fromtimestamp(event.event_time, dt.timezone.utc)
            if age < NOT_FOUND_RETRY_FOR:
                raise RetryLater(30, f"activity {event.object_id} not readable yet") from None
            span = forget_activity(athlete, event.object_id)
            if span:
                sync_range(athlete, client, span[0], span[1])
            return _finish(event, "done", "activity not found; treated as deleted")
        old = db.session.get(Activity, event.object_id)
        old_start = old.start_date if old else None
        activity = store_strava_activity(athlete.id, strava_activity)
        db.session.commit()
        _read_time_in_zones(athlete, client, activity)
        _discover_partners(athlete, client, activity)
        if activity.start_date is None:
            return _finish(event, "done", "activity without start time")
        starts = [activity.start_date] + ([old_start] if old_start else [])
        window = dt.timedelta(hours=athlete.settings.window_hours) + MAX_ACTIVITY
        sync_range(athlete, client, min(starts) - dt.timedelta(seconds=1), max(starts) + window)
        return _finish(event, "done")


def reevaluate_athlete(athlete_id: int) -> str:
    athlete = db.session.get(Athlete, athlete_id)
    if athlete is None or athlete.settings.mode == "paused":
        return "ignored"
    rate_budget().check(reads=5)
    with athlete_lock(athlete.id):
        client = athlete_client(athlete)
        report = reevaluate_recent(athlete, client)
    log.info("re-evaluated athlete %s: %s", athlete_id, report)
    return "done"


def pending_event_ids(older_than: dt.timedelta = dt.timedelta(minutes=2), limit: int = 500) -> list[int]:
    cutoff = utcnow() - older_than
    return list(
        db.session.scalars(
            select(InboxEvent.id)
            .where(InboxEvent.status == "pending", InboxEvent.received_at < cutoff)
            .order_by(InboxEvent.id)
            .limit(limit)
        )
    )


INBOX_RETENTION = dt.timedelta(days=30)


def prune_inbox(now: dt.datetime | None = None) -> int:
    """Forget finished events after a while; pending ones are never dropped."""
    from sqlalchemy import delete

    cutoff = (now or utcnow()) - INBOX_RETENTION
    result = db.session.execute(
        delete(InboxEvent).where(InboxEvent.status != "pending", InboxEvent.received_at < cutoff)
    )
    db.session.commit()
    return result.rowcount or 0


def mark_failed(event_id: int, error: str) -> None:
    event = db.session.get(InboxEvent, event_id)
    if event is not None:
        _finish(event, "failed", error[:2000])


__all__ = ["RetryLater", "process_event", "reevaluate_athlete", "pending_event_ids", "prune_inbox", "mark_failed"]
