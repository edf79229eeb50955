"""Processing one inbox event in the worker, as one straight story.

    load the event and its athlete (skip: paused, unknown, superseded; park: needs reconnect)
    → take the athlete's lock (busy: defer, never wait in a worker slot)
    → learn what changed: nothing to read for a delete or an update whose
      payload says it all; otherwise read the activity once
    → store it (and, only when the stored activities cannot cover the
      pairing window, list its neighbours from Strava)
    → plan and write the descriptions that change (`advice_sync.sync_range`)
    → record the event as done.

Events are unsigned, may be duplicated and may arrive out of order, so the
activity's state comes from Strava, never from the event. Nothing here
commits: the task owns the transaction, and a failure anywhere leaves the
database as it was before the attempt.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import random
from dataclasses import dataclass, field

from sqlalchemy import delete, select, update
from sqlalchemy import event as sa_event
from stravalib import Client
from stravalib.exc import Fault

from plugin.extensions import db
from plugin.models import Activity, Athlete, InboxEvent, utcnow
from plugin.redis_client import get_redis
from plugin.services.activities import apply_update_payload, payload_suffices, store_strava_activity
from plugin.services.advice_sync import MAX_ACTIVITY, SyncReport, forget_activity, reevaluate_recent, sync_range
from plugin.statuses import DeferReason, EventStatus, Mode
from plugin.strava.client import rate_budget
from plugin.strava.errors import ObjectNotFound, StravaUnavailable, is_transient
from plugin.strava.gateway import AthleteStrava

log = logging.getLogger(__name__)

# Strava sometimes announces an activity before it can be read.
NOT_FOUND_RETRY_FOR = dt.timedelta(minutes=15)
NOT_FOUND_RETRY_SECONDS = int(os.environ.get("LIFTRUN_NOT_FOUND_RETRY_SECONDS", "30"))
LOCK_TIMEOUT = 120
# An event's lock is renewed before every Strava call, so it runs out soon only when its
# holder died (a killed worker blocks the athlete for this long, not for LOCK_TIMEOUT).
EVENT_LOCK_TIMEOUT = 30
LOCK_RETRY_SECONDS = 3
# The athlete's heart-rate zones change rarely: read them once, then this often.
ZONES_REFRESH = dt.timedelta(days=7)
# The look back on connect reads this far; with it, stored activities cover the window.
CONNECT_LOOK_BACK = dt.timedelta(days=28)


class RetryLater(Exception):
    """Not now, but not an error either: the event waits `countdown` seconds."""

    def __init__(self, countdown: int, reason: DeferReason, detail: str = ""):
        super().__init__(detail or reason)
        self.countdown = countdown
        self.reason = reason


class athlete_lock:
    """One task per athlete at a time, across every worker on every machine (Redis).

    Held until the caller's transaction ends, not just to the end of the
    block: the task commits after the services return, and another worker
    must not plan from the database before this one's pairs are in it.
    """

    def __init__(self, athlete_id: int, timeout: int = LOCK_TIMEOUT):
        self.lock = get_redis().lock(f"liftrun:athlete-lock:{athlete_id}", timeout=timeout)

    def keepalive(self) -> None:
        """Start the lock's timeout again: we are still working."""
        try:
            self.lock.reacquire()
        except Exception:  # noqa: BLE001 - lost lock: compare-before-write still guards the text
            log.warning("athlete lock lost while working")

    def __enter__(self) -> athlete_lock:
        if not self.lock.acquire(blocking=False):
            countdown = LOCK_RETRY_SECONDS + random.randint(0, LOCK_RETRY_SECONDS)
            raise RetryLater(countdown, DeferReason.ATHLETE_BUSY, "another task holds this athlete's lock")
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        session = db.session()
        if exc_type is None and session.in_transaction():
            sa_event.listen(session, "after_transaction_end", lambda *_: self._release(), once=True)
        else:
            self._release()

    def _release(self) -> None:
        try:
            self.lock.release()
        except Exception:  # noqa: BLE001 - an expired lock is harmless here
            log.warning("athlete lock expired before release")


@dataclass
class EventWork:
    """Everything one event's processing needs, gathered once at the top."""

    event: InboxEvent
    athlete: Athlete
    strava: AthleteStrava
    notes: list[str] = field(default_factory=list)
    report: SyncReport | None = None


def _finish(event: InboxEvent, status: EventStatus, error: str | None = None) -> EventStatus:
    event.status = status
    event.error = error
    event.processed_at = utcnow()
    event.deferred_until = None
    event.deferred_reason = None
    return status


def _skip_reason(event: InboxEvent, athlete: Athlete | None) -> tuple[EventStatus, str] | None:
    if athlete is None:
        return EventStatus.IGNORED, "unknown athlete"
    if athlete.settings.mode == Mode.PAUSED:
        return EventStatus.IGNORED, "paused"
    newer = db.session.scalar(
        select(InboxEvent.id).where(
            InboxEvent.object_id == event.object_id,
            InboxEvent.object_type == event.object_type,
            InboxEvent.event_time > event.event_time,
        ).limit(1)
    )
    if newer is not None:
        return EventStatus.SUPERSEDED, f"newer event {newer}"
    if athlete.needs_reconnect:
        return EventStatus.PARKED, "Strava refused our access: waiting for the athlete to reconnect"
    return None


def process_event(event_id: int) -> EventStatus:
    event = db.session.get(InboxEvent, event_id)
    if event is None:
        log.warning("inbox event %s no longer exists (athlete deleted?)", event_id)
        return EventStatus.MISSING
    if event.status != EventStatus.PENDING:
        return EventStatus(event.status)
    athlete = db.session.get(Athlete, event.owner_id)
    skip = _skip_reason(event, athlete)
    if skip is not None:
        if skip[0] == EventStatus.PARKED:
            return park(event, skip[1])
        return _finish(event, *skip)
    assert athlete is not None  # _skip_reason ignores the events of unknown athletes

    budget = rate_budget()
    budget.check(reads=2)
    with athlete_lock(athlete.id, timeout=EVENT_LOCK_TIMEOUT) as lock:
        work = EventWork(event, athlete, AthleteStrava(athlete, budget, keepalive=lock.keepalive))
        refresh_zones_if_due(work)
        span = learn_change(work)
        if span is not None:
            work.report = sync_range(athlete, work.strava, *span, about=frozenset({event.object_id}))
        return _finish(event, EventStatus.DONE, "; ".join(work.notes) or None)


def learn_change(work: EventWork) -> tuple[dt.datetime, dt.datetime] | None:
    """Bring the stored activity up to date; the time range whose pairs may have changed."""
    event, athlete = work.event, work.athlete
    if event.aspect_type == "delete":
        span = forget_activity(athlete, event.object_id)
        return (span[0] - dt.timedelta(hours=1), span[1] + dt.timedelta(hours=1)) if span else None

    stored = db.session.get(Activity, event.object_id)
    if (event.aspect_type == "update" and stored is not None and event.updates
            and payload_suffices(stored, event.updates)):
        apply_update_payload(stored, event.updates)
        db.session.flush()
        return _span_around(athlete, stored.start_date, None)

    old_start = stored.start_date if stored is not None else None
    try:
        strava_activity = work.strava.get_activity(event.object_id)
    except ObjectNotFound:
        return _not_found(work)
    activity = store_strava_activity(athlete.id, strava_activity)
    db.session.flush()
    if activity.start_date is None:
        work.notes.append("activity without start time")
        return None
    read_time_in_zones(work, activity)
    if not stored_activities_cover(athlete, activity):
        discover_partners(work, activity)
    return _span_around(athlete, activity.start_date, old_start)


def _span_around(athlete: Athlete, start: dt.datetime | None,
                 old_start: dt.datetime | None) -> tuple[dt.datetime, dt.datetime] | None:
    starts = [s for s in (start, old_start) if s is not None]
    if not starts:
        return None
    window = dt.timedelta(hours=athlete.settings.window_hours) + MAX_ACTIVITY
    return min(starts) - dt.timedelta(seconds=1), max(starts) + window


def _not_found(work: EventWork) -> tuple[dt.datetime, dt.datetime] | None:
    """Announced but not readable: wait a bounded time, then treat it as deleted."""
    event = work.event
    age = utcnow() - dt.datetime.fromtimestamp(event.event_time, dt.timezone.utc)
    if age < NOT_FOUND_RETRY_FOR and event.aspect_type == "create":
        raise RetryLater(NOT_FOUND_RETRY_SECONDS, DeferReason.NOT_READABLE_YET,
                         f"activity {event.object_id} not readable yet")
    work.notes.append("activity not found; treated as deleted")
    span = forget_activity(work.athlete, event.object_id)
    return span


def _start_of(activity: Activity) -> dt.datetime:
    """Narrow a start the caller has checked: learn_change stops at an activity without one."""
    if activity.start_date is None:
        raise ValueError(f"activity {activity.id} has no start time")
    return activity.start_date


def stored_activities_cover(athlete: Athlete, activity: Activity) -> bool:
    """Whether every activity that could pair with this one is already stored.

    Strava sends an event for every activity uploaded after the athlete
    connected, and the look back on connect stored the weeks before; an
    activity whose pairing window starts before both must be listed.
    """
    covered_since = athlete.created_at
    if athlete.backfilled_at is not None:
        covered_since = min(covered_since, athlete.backfilled_at - CONNECT_LOOK_BACK)
    window = dt.timedelta(hours=athlete.settings.window_hours) + MAX_ACTIVITY
    return _start_of(activity) - window >= covered_since


def discover_partners(work: EventWork, activity: Activity) -> None:
    """List Strava around this activity for partners we have not seen (e.g. before connecting)."""
    settings = work.athlete.settings
    wanted = settings.lift_type_set | settings.run_type_set
    if activity.sport_type not in wanted:
        return
    window = dt.timedelta(hours=settings.window_hours)
    start = _start_of(activity)
    after = start - window - MAX_ACTIVITY
    before = start + dt.timedelta(seconds=activity.elapsed_time or 0) + window
    for summary in work.strava.list_activities(after=after, before=before, limit=100):
        if summary.id == activity.id:
            continue
        sport = getattr(summary.sport_type, "root", summary.sport_type)
        if sport in wanted and summary.id not in work.strava.read_now:
            store_strava_activity(work.athlete.id, summary)
    db.session.flush()


def refresh_zones_if_due(work: EventWork) -> None:
    ensure_zones(work.athlete, work.strava)


def ensure_zones(athlete: Athlete, strava: AthleteStrava | Client) -> None:
    """Zones once per athlete, then on a schedule: never a read per event.

    `strava` is an `AthleteStrava` or a bare stravalib client.
    """
    if "profile:read_all" not in athlete.scopes:
        return
    if athlete.zones_read_at is not None and utcnow() - athlete.zones_read_at < ZONES_REFRESH:
        return
    try:
        zones = strava.get_athlete_zones()
        athlete.hr_zones = zones.model_dump(mode="json", exclude_none=True)
    except StravaUnavailable:
        log.warning("Strava unavailable for the zones of athlete %s; trying next time", athlete.id)
        return
    except Fault as exc:
        if is_transient(exc):
            log.warning("Strava unavailable for the zones of athlete %s; trying next time", athlete.id)
            return
        athlete.hr_zones = {}  # zones only refine the advice; go on without
    athlete.zones_read_at = utcnow()


def _has_own_zones(athlete: Athlete) -> bool:
    return bool((athlete.hr_zones or {}).get("heart_rate", {}).get("zones"))


def read_time_in_zones(work: EventWork, activity: Activity) -> None:
    """Without the athlete's zones, a run's time in zones still tells its intensity (read once)."""
    athlete = work.athlete
    if (_has_own_zones(athlete) or not activity.has_heartrate or activity.hr_zone_buckets is not None
            or activity.sport_type not in athlete.settings.run_type_set):
        return
    try:
        zones = work.strava.get_activity_zones(activity.id)
    except ObjectNotFound:
        log.info("no time-in-zone data for activity %s", activity.id)
        return
    activity.hr_zone_buckets = [zone.model_dump(mode="json", exclude_none=True) for zone in zones] or None


def park(event: InboxEvent, reason: str) -> EventStatus:
    """Keep the event for after the athlete reconnects (see `unpark_athlete`)."""
    event.status = EventStatus.PARKED
    event.error = reason
    event.deferred_until = None
    event.deferred_reason = DeferReason.RECONNECT
    return EventStatus.PARKED


def mark_needs_reconnect(athlete_id: int, reason: str) -> None:
    """Strava refused even a refresh of the athlete's token: only a new OAuth grant helps now.

    The one place that records it, whichever work met the refusal: the
    athlete's pages then say "reconnect", and their events park until they do
    (see `unpark_athlete`). The caller commits.
    """
    athlete = db.session.get(Athlete, athlete_id)
    if athlete is not None:
        athlete.needs_reconnect = True
    log.warning("athlete %s must reconnect (%s)", athlete_id, reason)


def park_athlete(event_id: int, reason: str) -> EventStatus:
    """Strava refused even a refresh: mark the athlete and park this event."""
    event = db.session.get(InboxEvent, event_id)
    if event is None:
        return EventStatus.MISSING
    mark_needs_reconnect(event.owner_id, f"{reason}; event {event_id} parked")
    return park(event, "Strava refused our access: reconnect")


def unpark_athlete(athlete_id: int) -> list[int]:
    """After a reconnect: the athlete's parked events become pending again (ids to queue)."""
    ids = list(db.session.scalars(
        select(InboxEvent.id).where(InboxEvent.owner_id == athlete_id, InboxEvent.status == EventStatus.PARKED)
    ))
    if ids:
        db.session.execute(
            update(InboxEvent).where(InboxEvent.id.in_(ids)).values(
                status=EventStatus.PENDING, error=None, deferred_reason=None, deferred_until=None)
        )
    return ids


def note_deferral(event_id: int, countdown: int, reason: DeferReason, *, error: bool = False) -> int:
    """Record that the event waits (and, for errors only, count the attempt); the attempts so far."""
    event = db.session.get(InboxEvent, event_id)
    if event is None:
        return 0
    if error:
        event.attempts = (event.attempts or 0) + 1
    event.deferred_until = utcnow() + dt.timedelta(seconds=countdown)
    event.deferred_reason = reason
    return event.attempts or 0


def error_attempts(event_id: int) -> int:
    event = db.session.get(InboxEvent, event_id)
    return (event.attempts or 0) if event is not None else 0


def reevaluate_athlete(athlete_id: int) -> str:
    athlete = db.session.get(Athlete, athlete_id)
    if athlete is None or athlete.settings.mode == Mode.PAUSED or athlete.needs_reconnect:
        return EventStatus.IGNORED
    budget = rate_budget()
    budget.check(reads=5)
    with athlete_lock(athlete.id):
        report = reevaluate_recent(athlete, AthleteStrava(athlete, budget))
    log.info("re-evaluated athlete %s: %s", athlete_id, report)
    return EventStatus.DONE


def pending_event_ids(older_than: dt.timedelta = dt.timedelta(minutes=2), limit: int = 500) -> list[int]:
    """Pending events nobody is known to hold: stale, and not waiting on a deferral."""
    now = utcnow()
    cutoff = now - older_than
    return list(
        db.session.scalars(
            select(InboxEvent.id)
            .where(
                InboxEvent.status == EventStatus.PENDING,
                InboxEvent.received_at < cutoff,
                (InboxEvent.deferred_until.is_(None)) | (InboxEvent.deferred_until < cutoff),
            )
            .order_by(InboxEvent.id)
            .limit(limit)
        )
    )


INBOX_RETENTION = dt.timedelta(days=30)


def prune_inbox(now: dt.datetime | None = None) -> int:
    """Forget finished events after a while; pending and parked ones are never dropped."""
    cutoff = (now or utcnow()) - INBOX_RETENTION
    result = db.session.execute(
        delete(InboxEvent).where(
            InboxEvent.status.not_in((EventStatus.PENDING, EventStatus.PARKED)),
            InboxEvent.received_at < cutoff,
        )
    )
    # A DML statement's Result is a CursorResult; SQLAlchemy's stubs type execute() as the base class.
    return result.rowcount or 0  # type: ignore[attr-defined]


def mark_failed(event_id: int, error: str) -> None:
    event = db.session.get(InboxEvent, event_id)
    if event is not None:
        _finish(event, EventStatus.FAILED, error[:2000])


__all__ = [
    "DeferReason", "RetryLater", "process_event", "reevaluate_athlete", "pending_event_ids", "prune_inbox",
    "mark_failed", "mark_needs_reconnect", "park_athlete", "athlete_lock", "ensure_zones", "unpark_athlete", "note_deferral", "error_attempts",
]
