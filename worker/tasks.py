"""Thin tasks: load, call the services, translate 'not now' into a retry.

Tasks are idempotent (an event already processed is a no-op and a rewritten
description equal to the current one is never sent), so `acks_late`
redelivery after a crash is safe.
"""

from __future__ import annotations

import logging

from celery import shared_task
from stravalib.exc import AccessUnauthorized

from plugin.queue import PROCESS_EVENT, REEVALUATE_ATHLETE
from plugin.redis_client import get_redis
from plugin.services import events
from plugin.strava.ratelimit import RateLimitDeferred

log = logging.getLogger(__name__)

SWEEP_INBOX = "liftrun.sweep_inbox"
MAX_RETRIES = 12
MAX_ERROR_RETRIES = 3
DEFERRED_KEY = "liftrun:deferred-event:{}"


def _defer(task, err: Exception, countdown: int, event_id: int | None = None):
    """Retry later; mark the event so the inbox sweep does not queue it a second time."""
    log.info("task %s deferred for %ss: %s", task.name, countdown, err)
    if event_id is not None:
        try:
            get_redis().set(DEFERRED_KEY.format(event_id), 1, ex=countdown + 300)
        except Exception:  # noqa: BLE001 - the marker only saves duplicate work
            log.warning("could not mark event %s as deferred", event_id)
    raise task.retry(countdown=countdown, max_retries=MAX_RETRIES, exc=err)


@shared_task(name=PROCESS_EVENT, bind=True, acks_late=True)
def process_event(self, event_id: int) -> str:
    try:
        return events.process_event(event_id)
    except (RateLimitDeferred, events.RetryLater) as err:
        _defer(self, err, err.countdown, event_id)
    except AccessUnauthorized as err:
        log.warning("Strava refused the athlete's token for event %s: %s", event_id, err)
        events.mark_failed(event_id, f"unauthorized: {err}")
        return "failed"
    except Exception as err:  # noqa: BLE001 - Strava 5xx, network, unexpected data
        from plugin.extensions import db

        db.session.rollback()
        if self.request.retries < MAX_ERROR_RETRIES:
            log.warning("event %s failed (%s); retrying", event_id, err)
            _defer(self, err, 30 * (self.request.retries + 1), event_id)
        log.exception("event %s failed for good", event_id)
        events.mark_failed(event_id, repr(err))
        return "failed"


@shared_task(name=REEVALUATE_ATHLETE, bind=True, acks_late=True)
def reevaluate_athlete(self, athlete_id: int) -> str:
    try:
        return events.reevaluate_athlete(athlete_id)
    except (RateLimitDeferred, events.RetryLater) as err:
        _defer(self, err, err.countdown)


@shared_task(name=SWEEP_INBOX)
def sweep_inbox() -> int:
    """Queue events whose enqueue was lost (broker down while the webhook answered)
    and forget finished ones past their retention."""
    pruned = events.prune_inbox()
    if pruned:
        log.info("pruned %s finished inbox events", pruned)
    redis = get_redis()
    queued = 0
    for event_id in events.pending_event_ids():
        if redis.exists(DEFERRED_KEY.format(event_id)):
            continue
        process_event.delay(event_id)
        queued += 1
    return queued


# ---------------------------------------------------------------- the first week (plugin/services/backfill.py)

from plugin.history import progress  # noqa: E402
from plugin.queue import BACKFILL_ATHLETE, WRITE_CONNECT_ADVICE  # noqa: E402
from plugin.services import backfill  # noqa: E402


@shared_task(name=BACKFILL_ATHLETE, bind=True, acks_late=True)
def backfill_athlete(self, athlete_id: int) -> str:
    try:
        report = backfill.backfill_athlete(athlete_id)
    except (RateLimitDeferred, events.RetryLater) as err:
        _defer(self, err, err.countdown)
    except AccessUnauthorized as err:
        log.warning("Strava refused athlete %s's token for the look back: %s", athlete_id, err)
        return "failed"
    return "missing" if report is None else "done"


@shared_task(name=WRITE_CONNECT_ADVICE, bind=True, acks_late=True)
def write_connect_advice(self, athlete_id: int) -> str:
    try:
        report = backfill.write_connect_advice(athlete_id)
    except (RateLimitDeferred, events.RetryLater) as err:
        _defer(self, err, err.countdown)
    progress.finish(progress.WRITING, athlete_id)
    return "ignored" if report is None else "done"

