"""What is happening right now on the athlete's behalf, in words.

Work waits for good reasons (Strava's rate limit, a busy lock, a refused
token), and silence makes an athlete think nothing works. History and
settings both call `work_in_progress(athlete)` and show its notes; the
background jobs that have no row of their own to show (writing the look
back's advice, re-evaluating after a settings change) leave a short-lived
Redis marker through `start` / `finish`, which expires by itself if a
worker dies before clearing it.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import func, select

from plugin.extensions import db
from plugin.models import Athlete, InboxEvent, utcnow
from plugin.redis_client import get_redis
from plugin.statuses import DeferReason, EventStatus

log = logging.getLogger(__name__)

WRITING = "writing"
REEVALUATING = "reevaluating"
MARKER_KEY = "liftrun:progress:{kind}:{athlete_id}"
MARKER_TTL = dt.timedelta(minutes=20)

# deferred_reason (set by the worker) → what the athlete reads.
REASON_WORDS = {
    DeferReason.RATE_LIMIT: "waiting for Strava's rate limit",
    DeferReason.ATHLETE_BUSY: "waiting for another update of yours to finish",
    DeferReason.NOT_READABLE_YET: "waiting for Strava to make them readable",
    DeferReason.RECONNECT: "waiting for you to reconnect with Strava",
}
OTHER_REASON = "waiting to be retried after a Strava error"
# Events that failed for good are told for a day; after that they are history.
FAILED_SHOWN_FOR = dt.timedelta(days=1)


@dataclass(frozen=True)
class ProgressNote:
    """One line for the athlete; `action_*` is a button when they must act."""

    kind: str
    text: str
    action_url: str | None = None
    action_label: str | None = None


def _key(kind: str, athlete_id: int) -> str:
    return MARKER_KEY.format(kind=kind, athlete_id=athlete_id)


def start(kind: str, athlete_id: int, count: int = 0) -> None:
    """Say that a background job for this athlete is under way (`count`: activities concerned)."""
    try:
        get_redis().set(_key(kind, athlete_id), count, ex=int(MARKER_TTL.total_seconds()))
    except Exception:  # noqa: BLE001 - the note is a courtesy; the job itself is queued
        log.warning("could not mark %s in progress for athlete %s", kind, athlete_id)


def finish(kind: str, athlete_id: int) -> None:
    try:
        get_redis().delete(_key(kind, athlete_id))
    except Exception:  # noqa: BLE001
        log.warning("could not clear the %s marker of athlete %s", kind, athlete_id)


def _marker(kind: str, athlete_id: int) -> int | None:
    try:
        raw = get_redis().get(_key(kind, athlete_id))
    except Exception:  # noqa: BLE001 - without Redis we simply show no note
        return None
    return None if raw is None else int(raw)


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


def reason_words(reason: str | None) -> str:
    return REASON_WORDS.get(reason, OTHER_REASON) if reason else OTHER_REASON


def about(seconds: float) -> str:
    """"about 6 min" (never "about 0 min")."""
    minutes = max(1, math.ceil(seconds / 60))
    if minutes < 90:
        return f"about {minutes} min"
    return f"about {round(minutes / 60)} h"


def waiting_notes(events: list[InboxEvent], now: dt.datetime) -> list[ProgressNote]:
    """Pending events grouped by why they wait: "2 activities waiting for Strava's rate limit, about 6 min"."""
    groups: dict[str, tuple[set[int], dt.datetime]] = {}
    working: set[int] = set()
    for event in events:
        if event.deferred_until is not None and event.deferred_until > now:
            words = reason_words(event.deferred_reason)
            ids, latest = groups.get(words, (set(), event.deferred_until))
            ids.add(event.object_id)
            groups[words] = (ids, max(latest, event.deferred_until))
        else:
            working.add(event.object_id)
    notes = [
        ProgressNote("waiting", f"{_plural(len(ids), 'activity', 'activities')} {words}, "
                                f"{about((latest - now).total_seconds())}")
        for words, (ids, latest) in sorted(groups.items(), key=lambda item: item[1][1])
    ]
    working -= {i for ids, _ in groups.values() for i in ids}
    if working:
        notes.append(ProgressNote("working", f"{_plural(len(working), 'activity', 'activities')} being judged now"))
    return notes


def _count_events(athlete_id: int, status: EventStatus, since: dt.datetime | None = None) -> int:
    query = select(func.count(func.distinct(InboxEvent.object_id))).where(
        InboxEvent.owner_id == athlete_id, InboxEvent.status == status)
    if since is not None:
        query = query.where(InboxEvent.received_at >= since)
    return db.session.scalar(query) or 0


def work_in_progress(athlete: Athlete, now: dt.datetime | None = None) -> list[ProgressNote]:
    """Every note for this athlete, the one that needs them first."""
    now = now or utcnow()
    notes: list[ProgressNote] = []
    if athlete.needs_reconnect:
        parked = _count_events(athlete.id, EventStatus.PARKED)
        kept = f" {_plural(parked, 'activity waits', 'activities wait')} for it." if parked else ""
        notes.append(ProgressNote(
            DeferReason.RECONNECT, "Strava refused our access, so nothing can be read or written: reconnect to carry on."
            + kept,
            action_url=url_for("auth.start"), action_label="Reconnect with Strava",
        ))
    failed = _count_events(athlete.id, EventStatus.FAILED, since=now - FAILED_SHOWN_FOR)
    if failed:
        notes.append(ProgressNote(
            "failed", f"{_plural(failed, 'activity', 'activities')} could not be judged in the last day because "
                      "Strava kept failing. Editing the activity on Strava (its title, say) makes us try again.",
        ))
    pending = list(db.session.scalars(
        select(InboxEvent).where(InboxEvent.owner_id == athlete.id, InboxEvent.status == EventStatus.PENDING)
    ))
    notes.extend(waiting_notes(pending, now))
    writing = _marker(WRITING, athlete.id)
    if writing is not None:
        notes.append(ProgressNote("writing", f"Writing advice on {_plural(writing, 'activity', 'activities')} "
                                             "(within Strava's rate limit; this page updates when you reload it)."))
    if _marker(REEVALUATING, athlete.id) is not None:
        notes.append(ProgressNote("reevaluating", "Your recent pairs are being re-evaluated after your settings change."))
    return notes
