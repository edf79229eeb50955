"""Thin tasks: load, call the services, translate 'not now' into a retry.

Tasks are idempotent (an event already processed is a no-op and a rewritten
description equal to the current one is never sent), so `acks_late` redelivery
after a crash is safe.
"""

from __future__ import annotations

import logging

from celery import shared_task
from stravalib.exc import AccessUnauthorized, Fault

from plugin.queue import PROCESS_EVENT, REEVALUATE_ATHLETE
from plugin.services import events
from plugin.strava.ratelimit import RateLimitDeferred

log = logging.getLogger(__name__)

SWEEP_INBOX = "liftrun.sweep_inbox"
MAX_RETRIES = 12


def _retry(task, err: Exception, countdown: int):
    log.info("task %s deferred for %ss: %s", task.name, countdown, err)
    raise task.retry(countdown=countdown, max_retries=MAX_RETRIES, exc=err)


@shared_task(name=PROCESS_EVENT, bind=True, acks_late=True)
def process_event(self, event_id: int) -> str:
    try:
        return events.process_event(event_id)
    except RateLimitDeferred as err:
        _retry(self, err, err.countdown)
    except events.RetryLater as err:
        _retry(self, err, err.countdown)
    except AccessUnauthorized as err:
        log.warning("Strava refused the athlete's token for event %s: %s", event_id, err)
        events.mark_failed(event_id, f"unauthorized: {err}")
        return "failed"
    except Fault as err:
        if self.request.retries < 3:
            _retry(self, err, 30 * (self.request.retries + 1))
        events.mark_failed(event_id, str(err))
        return "failed"


@shared_task(name=REEVALUATE_ATHLETE, bind=True, acks_late=True)
def reevaluate_athlete(self, athlete_id: int) -> str:
    try:
        return events.reevaluate_athlete(athlete_id)
    except RateLimitDeferred as err:
        _retry(self, err, err.countdown)
    except events.RetryLater as err:
        _retry(self, err, err.countdown)


@shared_task(name=SWEEP_INBOX)
def sweep_inbox() -> int:
    """Queue events whose enqueue was lost (broker down while the webhook answered)."""
    ids = events.pending_event_ids()
    for event_id in ids:
        process_event.delay(event_id)
    return len(ids)
