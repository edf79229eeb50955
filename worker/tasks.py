"""Thin tasks: run one service call as one transaction, and say what a failure means.

- waiting (rate budget, a 429, the athlete's lock, an activity not readable
  yet) is a deferral: recorded on the inbox row, retried at the window's
  reset, and never counted against the error retries;
- Strava's bad minutes (5xx, timeouts) are retried with exponential backoff
  and jitter, counted on the inbox row (`attempts`), then recorded as failed;
- a refused token refresh parks the athlete's events until they reconnect;
- anything else cannot succeed by trying again and fails at once.

Tasks are idempotent (an event already processed is a no-op and a rewritten
description equal to the current one is never sent), so `acks_late`
redelivery after a crash is safe.
"""

from __future__ import annotations

import logging
import os
import random

from celery import shared_task

from plugin.extensions import db
from plugin.history import progress
from plugin.queue import PROCESS_EVENT, REEVALUATE_ATHLETE
from plugin.services import events
from plugin.statuses import DeferReason, EventStatus
from plugin.strava.errors import ReconnectNeeded, is_transient
from plugin.strava.ratelimit import RateLimitDeferred

log = logging.getLogger(__name__)

SWEEP_INBOX = "liftrun.sweep_inbox"
MAX_ERROR_RETRIES = 3
# First pause after a Strava error; doubled per attempt, plus up to half again of jitter.
ERROR_BACKOFF_SECONDS = float(os.environ.get("LIFTRUN_ERROR_BACKOFF_SECONDS", "15"))
ERROR_BACKOFF_MAX = 900


def error_backoff(attempt: int) -> int:
    base = min(ERROR_BACKOFF_MAX, ERROR_BACKOFF_SECONDS * 2 ** max(0, attempt - 1))
    return max(1, int(base + random.uniform(0, base / 2)))


def _wait(task, err: Exception, countdown: int):
    """Retry later without limit: waiting is not failing (deferrals are bounded by their causes)."""
    raise task.retry(countdown=countdown, max_retries=None, exc=err)


def _deferral(err: Exception) -> tuple[int, DeferReason] | None:
    if isinstance(err, RateLimitDeferred):
        return err.countdown, DeferReason.RATE_LIMIT
    if isinstance(err, events.RetryLater):
        return err.countdown, err.reason
    return None


@shared_task(name=PROCESS_EVENT, bind=True, acks_late=True)
def process_event(self, event_id: int) -> str:
    try:
        status = events.process_event(event_id)
        db.session.commit()
        return status
    except ReconnectNeeded as err:
        db.session.rollback()
        status = events.park_athlete(event_id, str(err))
        db.session.commit()
        return status
    except Exception as err:  # noqa: BLE001 - sorted by kind below
        db.session.rollback()
        deferral = _deferral(err)
        if deferral is not None:
            countdown, reason = deferral
            log.info("event %s waits %ss (%s): %s", event_id, countdown, reason, err)
            events.note_deferral(event_id, countdown, reason)
            db.session.commit()
            _wait(self, err, countdown)
        if is_transient(err):
            attempts = events.error_attempts(event_id) + 1
            if attempts <= MAX_ERROR_RETRIES:
                countdown = error_backoff(attempts)
                log.warning("event %s failed (%s); retry %s in %ss", event_id, err, attempts, countdown)
                events.note_deferral(event_id, countdown, DeferReason.STRAVA_ERROR, error=True)
                db.session.commit()
                _wait(self, err, countdown)
            log.error("event %s failed for good after %s attempts: %s", event_id, attempts, err)
        else:
            log.exception("event %s cannot succeed; failed at once", event_id)
        events.mark_failed(event_id, repr(err))
        db.session.commit()
        return EventStatus.FAILED


@shared_task(name=REEVALUATE_ATHLETE, bind=True, acks_late=True)
def reevaluate_athlete(self, athlete_id: int) -> str:
    try:
        status = events.reevaluate_athlete(athlete_id)
        db.session.commit()
    except ReconnectNeeded as err:
        db.session.rollback()
        events.mark_needs_reconnect(athlete_id, f"re-evaluation: {err}")
        db.session.commit()
        status = EventStatus.IGNORED  # the marker goes below: the athlete now reads "reconnect"
    except Exception as err:  # noqa: BLE001
        db.session.rollback()
        deferral = _deferral(err)
        if deferral is not None:
            _wait(self, err, deferral[0])
        if is_transient(err) and self.request.retries < MAX_ERROR_RETRIES:
            _wait(self, err, error_backoff(self.request.retries + 1))
        progress.finish(progress.REEVALUATING, athlete_id)
        raise
    # The settings page said "being re-evaluated" since the save; it is over now.
    progress.finish(progress.REEVALUATING, athlete_id)
    return status


@shared_task(name=SWEEP_INBOX)
def sweep_inbox() -> int:
    """Queue events whose enqueue was lost (broker down while the webhook answered)
    and forget finished ones past their retention."""
    pruned = events.prune_inbox()
    db.session.commit()
    if pruned:
        log.info("pruned %s finished inbox events", pruned)
    queued = 0
    for event_id in events.pending_event_ids():
        process_event.delay(event_id)
        queued += 1
    return queued


# ---------------------------------------------------------------- the first week (plugin/services/backfill.py)

from plugin.queue import BACKFILL_ATHLETE, DISCONNECT_ATHLETE, WRITE_CONNECT_ADVICE  # noqa: E402
from plugin.services import athletes, backfill  # noqa: E402


def _athlete_task(task, athlete_id: int, work) -> str:
    """Run an athlete-level job: wait on deferrals, back off on Strava's bad minutes, give up on a refused token.

    The services commit as they go (each written activity is kept), so a retry
    carries on where the last attempt stopped.
    """
    try:
        result = work(athlete_id)
        db.session.commit()
        return "missing" if result is None else "done"
    except ReconnectNeeded as err:
        db.session.rollback()
        events.mark_needs_reconnect(athlete_id, f"{task.name}: {err}")
        db.session.commit()
        return EventStatus.FAILED
    except Exception as err:  # noqa: BLE001 - sorted by kind below
        db.session.rollback()
        deferral = _deferral(err)
        if deferral is not None:
            log.info("%s for athlete %s waits %ss: %s", task.name, athlete_id, deferral[0], err)
            _wait(task, err, deferral[0])
        if is_transient(err) and task.request.retries < MAX_ERROR_RETRIES:
            _wait(task, err, error_backoff(task.request.retries + 1))
        raise


@shared_task(name=BACKFILL_ATHLETE, bind=True, acks_late=True)
def backfill_athlete(self, athlete_id: int) -> str:
    return _athlete_task(self, athlete_id, backfill.backfill_athlete)


@shared_task(name=WRITE_CONNECT_ADVICE, bind=True, acks_late=True)
def write_connect_advice(self, athlete_id: int) -> str:
    status = _athlete_task(self, athlete_id, backfill.write_connect_advice)
    progress.finish(progress.WRITING, athlete_id)  # not reached while the task waits: the note stays
    return status


@shared_task(name=DISCONNECT_ATHLETE, bind=True, acks_late=True)
def disconnect_athlete(self, athlete_id: int, remove_advice: bool = True) -> str:
    return _athlete_task(self, athlete_id, lambda a: athletes.disconnect_athlete(a, remove_advice=remove_advice))
