"""The demo athlete and the defaults every new athlete gets.

A newcomer starts the sandbox and should be able to connect at once, so one
athlete exists from the start; its id is above 2^31 like real Strava ids so
that 32-bit assumptions in the product break here rather than in production.
"""

from __future__ import annotations

from typing import Any

DEMO_ATHLETE_ID = 123456789
FIRST_ATHLETE_ID = 3_000_000_001
FIRST_ACTIVITY_ID = 10_000_000_001
DEFAULT_TIMEZONE = "Europe/Berlin"
DEFAULT_MAX_HR = 190

# Strava's default heart-rate zones are fractions of max HR; the last zone is
# open-ended, which Strava writes as max -1.
_ZONE_FRACTIONS = (0.65, 0.81, 0.89, 0.97)


def default_hr_zones(max_hr: int) -> list[dict[str, int]]:
    bounds = [0] + [round(max_hr * f) for f in _ZONE_FRACTIONS] + [-1]
    return [{"min": bounds[i], "max": bounds[i + 1]} for i in range(5)]


def new_athlete(
    athlete_id: int,
    firstname: str,
    lastname: str,
    *,
    max_hr: int | None = None,
    zones: list[dict[str, int]] | None = None,
    timezone: str = DEFAULT_TIMEZONE,
    created_at: str,
    **extra: Any,
) -> dict[str, Any]:
    """Build an athlete as the store keeps it: Strava's profile fields plus HR data."""
    max_hr = int(max_hr or DEFAULT_MAX_HR)
    athlete = {
        "id": int(athlete_id),
        "username": f"{firstname}{lastname}".lower().replace(" ", "") or None,
        "firstname": firstname,
        "lastname": lastname,
        "bio": "",
        "city": "Berlin",
        "state": "Berlin",
        "country": "Germany",
        "sex": "F",
        "premium": False,
        "summit": False,
        "created_at": created_at,
        "updated_at": created_at,
        "badge_type_id": 0,
        "weight": 68.0,
        "measurement_preference": "meters",
        "date_preference": "%d/%m/%Y",
        "athlete_type": 0,
        "ftp": None,
        "follower_count": 0,
        "friend_count": 0,
        "mutual_friend_count": 0,
        "max_hr": max_hr,
        "hr_zones": zones or default_hr_zones(max_hr),
        "custom_zones": bool(zones),
        "timezone": timezone,
    }
    for key, value in extra.items():
        if key in athlete and key not in {"id", "max_hr", "hr_zones"}:
            athlete[key] = value
    return athlete


def demo_athlete(created_at: str) -> dict[str, Any]:
    return new_athlete(
        DEMO_ATHLETE_ID,
        "Sam",
        "Sandbox",
        max_hr=DEFAULT_MAX_HR,
        created_at=created_at,
        username="samsandbox",
        bio="Lifts on Mondays, runs whenever.",
    )
