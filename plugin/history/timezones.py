"""The athlete's time zone for dates and for "this week".

Strava writes an activity's zone as "(GMT+01:00) Europe/Berlin"; the IANA name
after the offset is what counts (the offset changes with daylight saving).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC = dt.timezone.utc


def zone_from_name(name: str | None) -> ZoneInfo | None:
    """Return a zone from an IANA name or a Strava label; None when it is not a known zone."""
    if not name:
        return None
    text = name.strip()
    if text.startswith("(") and ")" in text:
        text = text.split(")", 1)[1].strip()
    if not text:
        return None
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def athlete_zone(setting: str | None, latest_activity_zone: str | None) -> dt.tzinfo:
    """Return the athlete's chosen zone, else their latest activity's, else UTC."""
    return zone_from_name(setting) or zone_from_name(latest_activity_zone) or UTC


def zone_label(zone: dt.tzinfo) -> str:
    return getattr(zone, "key", None) or "UTC"
