"""Connecting, and forgetting, athletes."""

from __future__ import annotations

import logging

from sqlalchemy import delete

from plugin.extensions import db
from plugin.models import Activity, Athlete, AthleteSettings, InboxEvent, Pair
from plugin.queue import PROCESS_EVENT, enqueue
from plugin.services.events import unpark_athlete
from plugin.strava.client import store_tokens

log = logging.getLogger(__name__)

REQUESTED_SCOPES = ("read", "activity:read_all", "activity:write", "profile:read_all")
REQUIRED_SCOPES = ("activity:read_all", "activity:write")


def connect_athlete(athlete_data: dict, access_info: dict, granted: set[str]) -> Athlete:
    athlete = db.session.get(Athlete, int(athlete_data["id"]))
    if athlete is None:
        athlete = Athlete(id=int(athlete_data["id"]))
        athlete.settings = AthleteSettings()
        db.session.add(athlete)
        log.info("new athlete %s connected", athlete.id)
    athlete.firstname = athlete_data.get("firstname")
    athlete.lastname = athlete_data.get("lastname")
    athlete.scope = ",".join(sorted(granted))
    store_tokens(athlete, access_info)
    # Zones are fetched lazily by the worker; a reconnect may have changed scopes.
    athlete.hr_zones = None
    athlete.zones_read_at = None
    athlete.needs_reconnect = False
    parked = unpark_athlete(athlete.id)
    db.session.commit()
    for event_id in parked:  # replayed now that Strava accepts us again
        enqueue(PROCESS_EVENT, event_id)
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
