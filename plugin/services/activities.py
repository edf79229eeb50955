"""Mirroring the Strava activities the engine needs into our database."""

from __future__ import annotations

from typing import Any, Callable, cast

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from stravalib.model import DetailedActivity, SummaryActivity

from plugin.coaching.lift_focus import lift_focus_of
from plugin.description_block import is_opted_out
from plugin.extensions import db
from plugin.models import Activity, utcnow


def _plain(value: Any) -> Any:
    """stravalib wraps enums in pydantic RootModels and durations in an int subclass."""
    value = getattr(value, "root", value)
    return value


def _int_or_none(value: Any) -> int | None:
    value = _plain(value)
    return None if value is None else int(value)


# The dialects the product runs on, each with its own INSERT … ON CONFLICT construct.
_UPSERT_INSERTS: dict[str, Callable[..., Any]] = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}


def _columns_of(strava_activity: SummaryActivity | DetailedActivity) -> dict[str, Any]:
    """Map a Strava read to the columns it sets (opted_out and lift_focus only from a detailed read)."""
    columns: dict[str, Any] = {
        "name": strava_activity.name,
        "sport_type": _plain(strava_activity.sport_type) or _plain(strava_activity.type),
        "start_date": strava_activity.start_date,
        "timezone": str(_plain(getattr(strava_activity, "timezone", None)) or "") or None,
        "elapsed_time": _int_or_none(strava_activity.elapsed_time),
        "moving_time": _int_or_none(strava_activity.moving_time),
        "average_heartrate": strava_activity.average_heartrate,
        "has_heartrate": bool(strava_activity.has_heartrate),
        "manual": bool(strava_activity.manual),
    }
    if "description" in type(strava_activity).model_fields:
        detailed = cast(DetailedActivity, strava_activity)  # the field check above is what tells them apart
        columns["opted_out"] = is_opted_out(detailed.name, detailed.description)
        columns["lift_focus"] = lift_focus_of({"name": detailed.name, "description": detailed.description})
    return columns


def store_strava_activity(athlete_id: int, strava_activity: SummaryActivity | DetailedActivity) -> Activity:
    """Upsert from a stravalib Summary- or DetailedActivity; the stored row, fresh from the database.

    One INSERT … ON CONFLICT (id) DO UPDATE, so two workers storing the same
    new activity at once both succeed (the second waits for the first's row,
    then updates it) instead of one of them hitting the primary key. The
    athlete of an existing row is kept. A SummaryActivity has no description,
    so the opt-out flag (and the lift's focus) is only updated from a
    detailed read (the flag is re-checked before every write anyway).
    """
    if strava_activity.id is None:
        raise ValueError("Strava sent an activity without an id")
    activity_id = int(strava_activity.id)
    columns = _columns_of(strava_activity)
    dialect = db.session.get_bind(mapper=Activity.__mapper__).dialect.name
    if dialect not in _UPSERT_INSERTS:
        raise RuntimeError(f"no upsert for the {dialect} database")
    # Pending changes first: populate_existing below must not overwrite unflushed attributes.
    db.session.flush()
    insert = _UPSERT_INSERTS[dialect](Activity).values(id=activity_id, athlete_id=athlete_id, **columns)
    # ON CONFLICT's UPDATE runs no Python-side onupdate, so the read time is set here.
    updates = {name: insert.excluded[name] for name in columns}
    updates["fetched_at"] = utcnow()
    db.session.execute(insert.on_conflict_do_update(index_elements=[Activity.id], set_=updates))
    row = db.session.get(Activity, activity_id, populate_existing=True)
    if row is None:  # the upsert just wrote it, in this transaction
        raise RuntimeError(f"activity {activity_id} vanished after its upsert")
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
