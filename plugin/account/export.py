"""Everything we hold about an athlete, as JSON, without any token material.

Athlete columns are taken by name with token columns left out, so the export
never carries an access or refresh token, not even encrypted.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import inspect, select

from plugin.extensions import db
from plugin.models import Activity, Athlete, AthleteSettings, InboxEvent, Pair

# Never exported: tokens (even encrypted) and what only describes them.
TOKEN_COLUMNS = frozenset({"access_token_enc", "refresh_token_enc", "expires_at"})
EXPORT_FORMAT = 1


def _is_token_column(name: str) -> bool:
    return name in TOKEN_COLUMNS or "token" in name.lower()


def _value(value):
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return value


def row_dict(row, *, skip=lambda name: False) -> dict:
    return {
        attr.key: _value(getattr(row, attr.key))
        for attr in inspect(type(row)).column_attrs
        if not skip(attr.key)
    }


def athlete_export(athlete_id: int, *, now: dt.datetime | None = None) -> dict:
    athlete = db.session.get(Athlete, athlete_id)
    settings = db.session.get(AthleteSettings, athlete_id)
    activities = db.session.scalars(
        select(Activity).where(Activity.athlete_id == athlete_id).order_by(Activity.start_date, Activity.id))
    pairs = db.session.scalars(
        select(Pair).where(Pair.athlete_id == athlete_id).order_by(Pair.later_start, Pair.id))
    events = db.session.scalars(
        select(InboxEvent).where(InboxEvent.owner_id == athlete_id).order_by(InboxEvent.id))
    return {
        "format": EXPORT_FORMAT,
        "exported_at": (now or dt.datetime.now(dt.timezone.utc)).isoformat(),
        "athlete": row_dict(athlete, skip=_is_token_column) if athlete else None,
        "settings": row_dict(settings) if settings else None,
        "activities": [row_dict(a) for a in activities],
        "pairs": [row_dict(p) for p in pairs],
        "webhook_events": [row_dict(e) for e in events],
    }
