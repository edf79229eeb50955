"""Mirroring the Strava activities the engine needs into our database."""

from __future__ import annotations

from plugin.description_block import is_opted_out
from plugin.extensions import db
from plugin.models import Activity


def _plain(value):
    """stravalib wraps enums in pydantic RootModels and durations in an int subclass."""
    value = getattr(value, "root", value)
    return value


def _int_or_none(value):
    value = _plain(value)
    return None if value is None else int(value)


def store_strava_activity(athlete_id: int, strava_activity) -> Activity:
    """Upsert from a stravalib Summary- or DetailedActivity.

    A SummaryActivity has no description, so the opt-out flag is only updated
    from a detailed read (the flag is re-checked before every write anyway).
    """
    row = db.session.get(Activity, int(strava_activity.id))
    if row is None:
        row = Activity(id=int(strava_activity.id), athlete_id=athlete_id)
        db.session.add(row)
    row.name = strava_activity.name
    row.sport_type = _plain(strava_activity.sport_type) or _plain(strava_activity.type)
    row.start_date = strava_activity.start_date
    row.timezone = str(_plain(getattr(strava_activity, "timezone", None)) or "") or None
    row.elapsed_time = _int_or_none(strava_activity.elapsed_time)
    row.moving_time = _int_or_none(strava_activity.moving_time)
    row.average_heartrate = strava_activity.average_heartrate
    row.has_heartrate = bool(strava_activity.has_heartrate)
    row.manual = bool(strava_activity.manual)
    if "description" in type(strava_activity).model_fields:
        row.opted_out = is_opted_out(strava_activity.name, strava_activity.description)
    return row
