"""Strava-shaped activity dicts for the engine tests, placed by minutes and seconds."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

T0 = datetime(2024, 1, 5, 17, 0, 0, tzinfo=timezone.utc)
H = 3600
M = 60

ZONES = {  # GET /athlete/zones shape
    "heart_rate": {
        "custom_zones": False,
        "zones": [
            {"min": 0, "max": 115},
            {"min": 115, "max": 152},
            {"min": 152, "max": 171},
            {"min": 171, "max": 190},
            {"min": 190, "max": -1},
        ],
    },
    "power": None,
}


def iso(offset_s: int) -> str:
    return (T0 + timedelta(seconds=offset_s)).strftime("%Y-%m-%dT%H:%M:%SZ")


def activity(id, sport, start_s, elapsed, moving=None, hr=None, **extra):
    data = {
        "id": id,
        "sport_type": sport,
        "type": sport,
        "start_date": iso(start_s),
        "start_date_local": iso(start_s),
        "elapsed_time": elapsed,
        "moving_time": elapsed if moving is None else moving,
        "average_heartrate": hr,
        "has_heartrate": hr is not None,
        "manual": False,
    }
    data.update(extra)
    return data


def lift(id=1, start_s=0, elapsed=H, **kw):
    return activity(id, "WeightTraining", start_s, elapsed, **kw)


def run(id=2, start_s=H, elapsed=12 * M, hr=None, **kw):
    return activity(id, "Run", start_s, elapsed, hr=hr, **kw)


def lift_then_run(gap_s, run_s, hr=None, lift_s=H):
    """Build a lift from T0, then a run starting gap_s after the lift ends."""
    return [lift(1, 0, lift_s), run(2, lift_s + gap_s, run_s, hr=hr)]


def run_then_lift(gap_s, run_s, hr=None):
    return [run(2, 0, run_s, hr=hr), lift(1, run_s + gap_s, H)]
