"""Connecting, and forgetting, athletes.

Disconnecting may first take our blocks off every activity we wrote on: that
is one read and one write per activity, so it runs in the worker within the
rate budget (`disconnect_athlete`), and only then are the tokens deleted.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import delete, select

from plugin.extensions import db
from plugin.models import Activity, Athlete, AthleteSettings, InboxEvent, Pair
from plugin.queue import PROCESS_EVENT, REEVALUATE_ATHLETE, enqueue
from plugin.services.advice_sync import write_description
from plugin.services.events import athlete_lock, unpark_athlete
from plugin.statuses import Mode, PairStatus
from plugin.strava.client import athlete_client, rate_budget, store_tokens
from plugin.strava.errors import ReconnectNeeded
from plugin.strava.gateway import AthleteStrava

log = logging.getLogger(__name__)

REQUESTED_SCOPES = ("read", "activity:read_all", "activity:write", "profile:read_all")
REQUIRED_SCOPES = ("activity:read_all", "activity:write")


def _weight(value: Any) -> float | None:
    """Strava's athlete weight in kg (0 or missing when not set); used for grams of protein."""
    try:
        weight = float(value)
    except (TypeError, ValueError):
        return None
    return weight if 20 <= weight <= 400 else None


def connect_athlete(athlete_data: dict[str, Any], access_info: dict[str, Any], granted: set[str]) -> Athlete:
    athlete = db.session.get(Athlete, int(athlete_data["id"]))
    if athlete is None:
        athlete = Athlete(id=int(athlete_data["id"]))
        athlete.settings = AthleteSettings()
        db.session.add(athlete)
        log.info("new athlete %s connected", athlete.id)
    athlete.firstname = athlete_data.get("firstname")
    athlete.lastname = athlete_data.get("lastname")
    athlete.weight_kg = _weight(athlete_data.get("weight"))
    athlete.scope = ",".join(sorted(granted))
    store_tokens(athlete, access_info)
    # Zones are fetched lazily by the worker; a reconnect may have changed scopes.
    athlete.hr_zones = None
    athlete.zones_read_at = None
    was_refused = bool(athlete.needs_reconnect)
    athlete.needs_reconnect = False
    parked = unpark_athlete(athlete.id)
    db.session.commit()
    for event_id in parked:  # replayed now that Strava accepts us again
        enqueue(PROCESS_EVENT, event_id)
    if was_refused:
        # A settings change while we had no access was judged but never written: catch up.
        enqueue(REEVALUATE_ATHLETE, athlete.id)
    return athlete


def forget_athlete(athlete_id: int) -> bool:
    """Delete every row about an athlete; True when there was one."""
    existed = db.session.get(Athlete, athlete_id) is not None
    for model, column in (
        (Pair, Pair.athlete_id),
        (Activity, Activity.athlete_id),
        (InboxEvent, InboxEvent.owner_id),
        (AthleteSettings, AthleteSettings.athlete_id),
        (Athlete, Athlete.id),
    ):
        db.session.execute(delete(model).where(column == athlete_id))
    db.session.commit()
    if existed:
        log.info("deleted all data of athlete %s", athlete_id)
    return existed


def written_activity_ids(athlete_id: int) -> list[int]:
    """Return the activities that carry (or last carried) our block, oldest first."""
    return list(db.session.scalars(
        select(Pair.later_id).where(Pair.athlete_id == athlete_id, Pair.status == PairStatus.WRITTEN)
        .group_by(Pair.later_id).order_by(Pair.later_id)
    ))


def stop_for_disconnect(athlete: Athlete) -> None:
    """While our blocks come off, nothing may write a new one: pause (events are then dropped)."""
    athlete.settings.mode = Mode.PAUSED
    db.session.commit()


def remove_our_blocks(athlete: Athlete) -> int:
    """Take our block off each activity we wrote on; the athlete's text stays byte for byte.

    Each activity's pairs are deleted once its block is off (committed as we
    go), so a retry after the rate budget runs out starts where this stopped.
    Raises `RateLimitDeferred` / `RetryLater` / `StravaUnavailable` for the task.
    """
    budget = rate_budget()
    removed = 0
    with athlete_lock(athlete.id):
        strava = AthleteStrava(athlete, budget)
        for activity_id in written_activity_ids(athlete.id):
            budget.check(reads=1)
            write_description(strava, activity_id, None)
            db.session.execute(delete(Pair).where(Pair.athlete_id == athlete.id, Pair.later_id == activity_id))
            db.session.commit()
            removed += 1
    return removed


def deauthorize_and_forget(athlete: Athlete) -> None:
    """Withdraw our access at Strava (best effort), then delete every row about the athlete."""
    athlete_id = athlete.id
    try:
        athlete_client(athlete).deauthorize()
        log.info("deauthorized athlete %s at Strava", athlete_id)
    except Exception:  # noqa: BLE001 - a Strava failure must not keep the athlete's data
        log.exception("could not deauthorize athlete %s at Strava; deleting their data anyway", athlete_id)
        db.session.rollback()
    forget_athlete(athlete_id)


def disconnect_athlete(athlete_id: int, *, remove_advice: bool) -> str | None:
    """Do the worker's half of "disconnect": blocks off first (if asked), then access and data gone.

    None when the athlete was already forgotten (a redelivered task).
    """
    athlete = db.session.get(Athlete, athlete_id)
    if athlete is None:
        return None
    if remove_advice:
        try:
            removed = remove_our_blocks(athlete)
            log.info("took our block off %s activities of athlete %s before disconnecting", removed, athlete_id)
        except ReconnectNeeded:
            db.session.rollback()
            log.warning("Strava refused athlete %s's token; their blocks cannot be removed, deleting anyway",
                        athlete_id)
    deauthorize_and_forget(athlete)
    return "done"
