"""Mirroring the Strava activities the engine needs into our database."""

from __future__ import annotations

from typing import Any, cast

from stravalib.model import DetailedActivity, SummaryActivity

from plugin.coaching.lift_focus import lift_focus_of
from plugin.description_block import is_opted_out
from plugin.extensions import db
from plugin.models import Activity


def _plain(value: Any) -> Any:
    """stravalib wraps enums in pydantic RootModels and durations in an int subclass."""
    value = getattr(value, "root", value)
    return value


def _int_or_none(value: Any) -> int | None:
    value = _plain(value)
    return None if value is None else int(value)


def store_strava_activity(athlete_id: int, strava_activity: SummaryActivity | DetailedActivity) -> Activity:
    """Upsert from a stravalib Summary- or DetailedActivity.

    A SummaryActivity has no description, so the opt-out flag is only updated
    from a detailed read (the flag is re-checked before every write anyway).
    """
    if strava_activity.id is None:
        raise ValueError("Strava sent an activity without an id")
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
        detailed = cast(DetailedActivity, strava_activity)  # the field check above is what tells them apart
        row.opted_out = is_opted_out(detailed.name, detailed.description)
        row.lift_focus = lift_focus_of({"name": detailed.name, "description": detailed.description})
    return row


# What Strava's `updates` payload of an activity update event can say, and the column it sets.
PAYLOAD_COLUMNS = {"title": "name", "type": "sport_type", "private": None}


def payload_suffices(row: Activity | None, updates: dict[str, Any] | None) -> bool:
    """Tell whether the event's `updates` say everything that changed on a stored activity.

    An empty payload says nothing (something else changed), and a title that
    drops the opt-out tag needs a read: the tag may still be in the description.
    """
    if row is None or not updates or not set(updates) <= set(PAYLOAD_COLUMNS):
        return False
    if row.opted_out and "title" in updates and not is_opted_out(str(updates["title"])):
        return False
    return True


def apply_update_payload(row: Activity, updates: dict[str, Any]) -> None:
    """Change the stored activity as the event's payload says, without reading Strava."""
    for key, value in updates.items():
        column = PAYLOAD_COLUMNS[key]
        if column is not None:
            setattr(row, column, str(value))
    if "title" in updates and is_opted_out(row.name):
        row.opted_out = True
