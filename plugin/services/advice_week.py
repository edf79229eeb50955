"""What the advice text needs beyond the activities: weight and the athlete's week so far.

The engine is pure, so the worker hands it the athlete's Strava weight (for
grams of protein) and the pairs already judged earlier in the same calendar
week, in the athlete's time zone (for the short form of a repeated verdict
and for giving the weekly fuel sentence once). Kept out of advice_sync so the
sync code only gains one call.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from plugin.extensions import db
from plugin.models import Activity, Athlete, Pair


def week_start(moment: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """Monday 00:00 (local) of the calendar week that holds `moment`, in UTC."""
    local = moment.astimezone(zone)
    monday = (local - dt.timedelta(days=local.weekday())).date()
    return dt.datetime.combine(monday, dt.time(), tzinfo=zone).astimezone(dt.timezone.utc)


def _started(row: Activity) -> dt.datetime:
    """Order rows already filtered to those with a start; a row without one is a caller's bug."""
    if row.start_date is None:
        raise ValueError(f"activity {row.id} has no start")
    return row.start_date


def week_inputs(athlete: Athlete, rows: list[Activity], start: dt.datetime) -> dict[str, Any]:
    """evaluate() keyword arguments: weight_kg, earlier_pairs and week_tz."""
    # The history package's time-zone rule is the one home of "this week"; imported
    # here, not at module level, because plugin.history pulls in the web routes.
    from plugin.history.timezones import athlete_zone

    latest = max((r for r in rows if r.timezone and r.start_date), key=_started, default=None)
    zone = athlete_zone(athlete.settings.timezone if athlete.settings else None,
                        latest.timezone if latest else None)
    since = week_start(start, zone)
    stored = db.session.scalars(
        select(Pair).where(Pair.athlete_id == athlete.id, Pair.later_start >= since,
                           Pair.later_start < start, Pair.verdict.is_not(None)))
    earlier = [{"lift_id": p.lift_id, "run_id": p.run_id, "later_start": p.later_start,
                "verdict": p.verdict, "gap_minutes": p.gap_minutes}
               for p in stored if p.gap_minutes is not None]
    return {"weight_kg": athlete.weight_kg, "earlier_pairs": earlier, "week_tz": zone}
