"""Turn stored records into the JSON Strava sends.

Kept apart from storage so that one place decides what Strava exposes at
each resource_state (meta 1, summary 2, detail 3), including its quirks: a
`start_date_local` with a misleading `Z`, a timezone label carrying the
standard-time offset, and heart-rate fields omitted without a sensor.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# SportType values (stravalib.strava_model.SportType) and the legacy `type`
# Strava derives from each; sport types newer than the `type` field map to
# the nearest old one.
_LEGACY_TYPE = {
    "MountainBikeRide": "Ride",
    "GravelRide": "Ride",
    "EMountainBikeRide": "EBikeRide",
    "TrailRun": "Run",
    "VirtualRow": "Rowing",
}
_OLD_TYPES = {
    "AlpineSki", "BackcountrySki", "Canoeing", "Crossfit", "EBikeRide",
    "Elliptical", "Golf", "Handcycle", "Hike", "IceSkate", "InlineSkate",
    "Kayaking", "Kitesurf", "NordicSki", "Ride", "RockClimbing", "RollerSki",
    "Rowing", "Run", "Sail", "Skateboard", "Snowboard", "Snowshoe", "Soccer",
    "StairStepper", "StandUpPaddling", "Surfing", "Swim", "Velomobile",
    "VirtualRide", "VirtualRun", "Walk", "WeightTraining", "Wheelchair",
    "Windsurf", "Workout", "Yoga",
}
SPORT_TYPES = sorted(
    _OLD_TYPES
    | set(_LEGACY_TYPE)
    | {
        "Badminton", "Basketball", "Cricket", "Dance",
        "HighIntensityIntervalTraining", "Padel", "Pickleball", "Pilates",
        "PhysicalTherapy", "Racquetball", "Squash", "TableTennis", "Tennis",
        "Volleyball",
    }
)
LIFT_SPORT_TYPES = ["WeightTraining", "Crossfit", "Workout", "HighIntensityIntervalTraining"]
RUN_SPORT_TYPES = ["Run", "TrailRun", "VirtualRun"]


def legacy_type(sport_type: str) -> str:
    if sport_type in _OLD_TYPES:
        return sport_type
    return _LEGACY_TYPE.get(sport_type, "Workout")


def sport_type_from_legacy(value: str) -> str | None:
    """Strava accepts the old `type` case-insensitively (stravalib lower-cases it)."""
    for sport in SPORT_TYPES:
        if sport.lower() == value.lower():
            return sport
    return None


# ---------------------------------------------------------------- time

def parse_utc(value: str) -> datetime:
    """ISO 8601 to an aware UTC datetime; a naive value is taken as UTC."""
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def format_utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def zone_for(name: str) -> ZoneInfo:
    """Accept "Europe/Berlin" or Strava's "(GMT+01:00) Europe/Berlin"."""
    if name.startswith("(") and " " in name:
        name = name.split(" ", 1)[1]
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def zone_name(name: str) -> str:
    return zone_for(name).key


def zone_from_offset(seconds: int) -> str:
    if seconds % 3600:
        raise ValueError("utc_offset without a timezone must be whole hours")
    hours = seconds // 3600
    if hours == 0:
        return "Etc/UTC"
    # POSIX Etc zones carry the inverted sign.
    return f"Etc/GMT{'-' if hours > 0 else '+'}{abs(hours)}"


def _format_offset(seconds: int) -> str:
    sign = "+" if seconds >= 0 else "-"
    seconds = abs(seconds)
    return f"{sign}{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def timezone_label(name: str) -> str:
    """Strava labels a zone with its standard (non-summer) offset."""
    zone = zone_for(name)
    offsets = []
    for month in (1, 7):
        probe = datetime(2024, month, 1, 12, tzinfo=timezone.utc).astimezone(zone)
        offsets.append(int(probe.utcoffset().total_seconds()))
    return f"(GMT{_format_offset(min(offsets))}) {zone.key}"


def local_start(start_date: str, tz_name: str) -> tuple[datetime, int]:
    """Return the local wall-clock start and the UTC offset in seconds on that day."""
    local = parse_utc(start_date).astimezone(zone_for(tz_name))
    return local, int(local.utcoffset().total_seconds())


def utc_from_local(local_text: str, tz_name: str) -> datetime:
    """Strava treats start_date_local as wall-clock time, whatever suffix it has."""
    text = local_text.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1]
    naive = datetime.fromisoformat(text).replace(tzinfo=None)
    return naive.replace(tzinfo=zone_for(tz_name)).astimezone(timezone.utc)


# ---------------------------------------------------------------- athletes

_SUMMARY_ATHLETE_FIELDS = (
    "id", "username", "firstname", "lastname", "bio", "city", "state",
    "country", "sex", "premium", "summit", "created_at", "updated_at",
    "badge_type_id", "weight",
)


def summary_athlete(athlete: dict[str, Any]) -> dict[str, Any]:
    body = {key: athlete.get(key) for key in _SUMMARY_ATHLETE_FIELDS}
    body.update(
        resource_state=2,
        profile_medium="avatar/athlete/medium.png",
        profile="avatar/athlete/large.png",
        friend=None,
        follower=None,
    )
    return body


def detailed_athlete(athlete: dict[str, Any]) -> dict[str, Any]:
    body = summary_athlete(athlete)
    body.update(
        resource_state=3,
        follower_count=athlete.get("follower_count", 0),
        friend_count=athlete.get("friend_count", 0),
        mutual_friend_count=athlete.get("mutual_friend_count", 0),
        athlete_type=athlete.get("athlete_type", 0),
        date_preference=athlete.get("date_preference", "%m/%d/%Y"),
        measurement_preference=athlete.get("measurement_preference", "meters"),
        clubs=[],
        ftp=athlete.get("ftp"),
        bikes=[],
        shoes=[],
    )
    return body


def athlete_zones(athlete: dict[str, Any]) -> dict[str, Any]:
    return {
        "heart_rate": {
            "custom_zones": bool(athlete.get("custom_zones")),
            "zones": [dict(z) for z in athlete["hr_zones"]],
        }
    }


# ---------------------------------------------------------------- activities

def _speed(activity: dict[str, Any]) -> tuple[float, float]:
    moving = activity.get("moving_time") or 0
    distance = activity.get("distance") or 0.0
    average = round(distance / moving, 3) if moving else 0.0
    return average, round(average * 1.35, 3)


def summary_activity(activity: dict[str, Any]) -> dict[str, Any]:
    local, offset = local_start(activity["start_date"], activity["timezone"])
    average_speed, max_speed = _speed(activity)
    body: dict[str, Any] = {
        "resource_state": 2,
        "athlete": {"id": activity["athlete_id"], "resource_state": 1},
        "name": activity["name"],
        "distance": float(activity.get("distance") or 0.0),
        "moving_time": int(activity["moving_time"]),
        "elapsed_time": int(activity["elapsed_time"]),
        "total_elevation_gain": 0.0,
        "type": legacy_type(activity["sport_type"]),
        "sport_type": activity["sport_type"],
        "workout_type": None,
        "id": activity["id"],
        "external_id": activity.get("external_id"),
        "upload_id": activity.get("upload_id"),
        "upload_id_str": (
            str(activity["upload_id"]) if activity.get("upload_id") else None
        ),
        "start_date": activity["start_date"],
        "start_date_local": local.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "timezone": timezone_label(activity["timezone"]),
        "utc_offset": float(offset),
        "location_city": None,
        "location_state": None,
        "location_country": None,
        "achievement_count": 0,
        "kudos_count": 0,
        "comment_count": 0,
        "athlete_count": 1,
        "photo_count": 0,
        "map": {"id": f"a{activity['id']}", "summary_polyline": "", "resource_state": 2},
        "trainer": bool(activity.get("trainer")),
        "commute": bool(activity.get("commute")),
        "manual": bool(activity.get("manual")),
        "private": bool(activity.get("private")),
        "visibility": "only_me" if activity.get("private") else "everyone",
        "flagged": False,
        "from_accepted_tag": False,
        "gear_id": activity.get("gear_id"),
        "start_latlng": [],
        "end_latlng": [],
        "average_speed": average_speed,
        "max_speed": max_speed,
        "has_heartrate": bool(activity.get("has_heartrate")),
        "heartrate_opt_out": False,
        "display_hide_heartrate_option": bool(activity.get("has_heartrate")),
        "pr_count": 0,
        "total_photo_count": 0,
        "has_kudoed": False,
    }
    if activity.get("has_heartrate"):
        body["average_heartrate"] = float(activity["average_heartrate"])
        body["max_heartrate"] = float(activity["max_heartrate"])
        body["suffer_score"] = suffer_score(activity)
    return body


def detailed_activity(activity: dict[str, Any]) -> dict[str, Any]:
    body = summary_activity(activity)
    body["resource_state"] = 3
    body["map"] = {
        "id": f"a{activity['id']}",
        "polyline": "",
        "summary_polyline": "",
        "resource_state": 3,
    }
    body.update(
        description=activity.get("description") or "",
        calories=calories(activity),
        perceived_exertion=None,
        prefer_perceived_exertion=False,
        segment_efforts=[],
        splits_metric=[],
        splits_standard=[],
        laps=[],
        best_efforts=[],
        photos={"primary": None, "count": 0},
        stats_visibility=[
            {"type": "heart_rate", "visibility": "everyone"},
            {"type": "pace", "visibility": "everyone"},
        ],
        hide_from_home=bool(activity.get("hide_from_home")),
        device_name=activity.get("device_name"),
        embed_token=f"emb{activity['id']:x}",
        available_zones=["heartrate"] if activity.get("has_heartrate") else [],
    )
    return body


def calories(activity: dict[str, Any]) -> float:
    minutes = (activity.get("moving_time") or 0) / 60
    return round(minutes * (9.0 if activity.get("has_heartrate") else 6.0), 1)


def suffer_score(activity: dict[str, Any]) -> int:
    minutes = (activity.get("moving_time") or 0) / 60
    avg = float(activity.get("average_heartrate") or 0)
    return max(0, int(minutes * max(avg - 100, 0) / 40))


def activity_zones(activity: dict[str, Any], athlete: dict[str, Any]) -> list[dict[str, Any]]:
    """Time in each HR zone, spread triangularly around the average HR.

    There are no streams in the emulator; a plausible distribution whose
    buckets add up to the moving time is what the product can rely on.
    """
    if not activity.get("has_heartrate"):
        return []
    zones = athlete["hr_zones"]
    avg = float(activity["average_heartrate"])
    peak = float(activity.get("max_heartrate") or avg + 15)
    spread = max(peak - avg, 8.0)
    total = int(activity["moving_time"])

    def mass_below(hr: float) -> float:
        lo, hi = avg - spread, avg + spread
        if hr <= lo:
            return 0.0
        if hr >= hi:
            return 1.0
        if hr <= avg:
            return (hr - lo) ** 2 / (2 * spread * spread)
        return 1 - (hi - hr) ** 2 / (2 * spread * spread)

    buckets = []
    assigned = 0
    for i, zone in enumerate(zones):
        upper = zone["max"] if zone["max"] != -1 else 10_000
        if i == len(zones) - 1:
            seconds = total - assigned
        else:
            seconds = round(total * (mass_below(upper) - mass_below(zone["min"])))
            seconds = min(seconds, total - assigned)
        assigned += seconds
        buckets.append({"min": zone["min"], "max": zone["max"], "time": seconds})
    return [
        {
            "score": suffer_score(activity),
            "distribution_buckets": buckets,
            "type": "heartrate",
            "resource_state": 3,
            "sensor_based": True,
            "points": suffer_score(activity),
            "custom_zones": bool(athlete.get("custom_zones")),
            "max": int(athlete.get("max_hr") or 0),
        }
    ]


def subscription(sub: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": sub["id"],
        "resource_state": 2,
        "application_id": int(sub["application_id"]),
        "callback_url": sub["callback_url"],
        "created_at": sub["created_at"],
        "updated_at": sub["updated_at"],
    }


def fault(message: str, resource: str, field: str, code: str) -> dict[str, Any]:
    return {"message": message, "errors": [{"resource": resource, "field": field, "code": code}]}


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def plus_seconds(start_date: str, seconds: int) -> str:
    return format_utc(parse_utc(start_date) + timedelta(seconds=seconds))
