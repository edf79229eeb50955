"""Rows the tests need: sensible defaults, keyword overrides for what a test is about.

`make_athlete` goes through the product's own connect service and commits; the
others add their row to the session (the test commits when its rows are in),
so one test can build several rows and the partners they refer to.
"""

from __future__ import annotations

import datetime as dt
import itertools
import time

from plugin.extensions import db
from plugin.models import Activity, Athlete, InboxEvent, Pair
from plugin.services.athletes import connect_athlete
from plugin.statuses import PairOrigin, PairStatus

ATHLETE_ID = 123456789  # the emulator's demo athlete, and the athlete every factory defaults to
_ids = itertools.count(9_000_000_001)  # activity ids no test spells out
_event_times = itertools.count(1_700_000_000)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def make_athlete(athlete_id: int = ATHLETE_ID, goal: str = "general", mode: str = "write", **settings) -> Athlete:
    """Connect an athlete as the OAuth callback would (all scopes), with these settings; commits."""
    athlete = connect_athlete(
        {"id": athlete_id, "firstname": "Sam", "lastname": "Sandbox"},
        {"access_token": f"access-{athlete_id}", "refresh_token": f"refresh-{athlete_id}", "expires_at": int(time.time()) + 21600},
        {"read", "activity:read_all", "activity:write", "profile:read_all"},
    )
    athlete.settings.goal = goal
    athlete.settings.mode = mode
    for key, value in settings.items():
        setattr(athlete.settings, key, value)
    db.session.commit()
    return athlete


def make_activity(activity_id: int | None = None, sport_type: str = "Run", start_date: dt.datetime | None = None, *,
                  athlete_id: int = ATHLETE_ID, minutes: int = 30, **fields) -> Activity:
    """Add a stored Strava activity (a 30-min run starting now unless told otherwise)."""
    activity = Activity(id=activity_id if activity_id is not None else next(_ids), athlete_id=athlete_id,
                        sport_type=sport_type, start_date=start_date or _now(),
                        **{"name": sport_type, "elapsed_time": minutes * 60, **fields})
    db.session.add(activity)
    return activity


def make_pair(lift_id: int | None = None, run_id: int | None = None, *, athlete_id: int = ATHLETE_ID,
              order: str = "lift_first", later_start: dt.datetime | None = None, gap_minutes: int = 420,
              tier: str = "good", verdict: str = "well_separated", goal: str = "general",
              status: str = PairStatus.WRITTEN, origin: str = PairOrigin.EVENT, **fields) -> Pair:
    """Add a judged pair: a lift, then 7 h later a run, well separated, its advice written.

    The later activity (where the advice goes) follows from `order`; the ids
    need no stored activities unless the test reads them.
    """
    lift_id = lift_id if lift_id is not None else next(_ids)
    run_id = run_id if run_id is not None else next(_ids)
    pair = Pair(athlete_id=athlete_id, lift_id=lift_id, run_id=run_id,
                later_id=fields.pop("later_id", run_id if order == "lift_first" else lift_id),
                later_start=later_start or _now(), order=order, gap_minutes=gap_minutes, tier=tier,
                verdict=verdict, goal=goal, status=status, origin=origin, **fields)
    db.session.add(pair)
    return pair


def make_inbox_event(object_id: int | None = None, aspect_type: str = "create", *, owner_id: int = ATHLETE_ID,
                     object_type: str = "activity", event_time: int | None = None, **fields) -> InboxEvent:
    """Add a webhook event as the webhook stores it (pending unless `status` says otherwise)."""
    event = InboxEvent(object_type=object_type, object_id=object_id if object_id is not None else next(_ids),
                       aspect_type=aspect_type, owner_id=owner_id,
                       event_time=event_time if event_time is not None else next(_event_times), **fields)
    db.session.add(event)
    return event


def login(client, athlete_id: int) -> None:
    """Log the test client in as this athlete (Flask-Login's session keys)."""
    with client.session_transaction() as session:
        session["_user_id"] = str(athlete_id)
        session["_fresh"] = True
