"""What the settings page says about the heart-rate zones we judge runs by.

The athlete's own Strava zones beat any estimate, so the page shows which one
is in use; the athlete cannot tell otherwise why a run was judged "above Zone 2".
"""

from __future__ import annotations

from dataclasses import dataclass

from plugin.settings.forms import ZONE2_PERCENT

_ZONE2_FRACTION = float(ZONE2_PERCENT) / 100


@dataclass(frozen=True)
class ZoneInfo:
    source: str  # "strava", "estimate", "none" or "unread"
    text: str
    short: str  # one phrase for the folded section's summary
    low: int | None = None
    high: int | None = None


def _zone_ranges(hr_zones) -> list[tuple[int, int]]:
    zones = ((hr_zones or {}).get("heart_rate") or {}).get("zones") or []
    ranges = []
    for zone in zones:
        if isinstance(zone, dict) and isinstance(zone.get("max"), (int, float)):
            ranges.append((int(zone.get("min") or 0), int(zone["max"])))
    return sorted(ranges)


def describe_zones(hr_zones, max_hr: int | None) -> ZoneInfo:
    """Zone 2 as read from Strava (athletes.hr_zones), else the max-HR estimate, else nothing."""
    ranges = _zone_ranges(hr_zones)
    if len(ranges) >= 2:
        low, high = ranges[1]
        return ZoneInfo("strava", f"From your Strava heart-rate zones: Zone 2 is {low}–{high} bpm. "
                        "Runs are judged against these; change them on Strava and we read them again.",
                        f"Zone 2 {low}–{high} bpm, from Strava", low, high)
    if hr_zones is None:
        lead = "We have not read your heart-rate zones from Strava yet (we do when we first judge one of your runs)."
    else:
        lead = "Strava has no heart-rate zones for you."
    if max_hr:
        top = round(max_hr * _ZONE2_FRACTION)
        return ZoneInfo("estimate", f"{lead} So the maximum-heart-rate estimate is used: Zone 2 up "
                        f"to {top} bpm ({ZONE2_PERCENT} % of your maximum of {max_hr} bpm).",
                        f"Zone 2 up to {top} bpm, estimated", None, top)
    source = "unread" if hr_zones is None else "none"
    return ZoneInfo(source, f"{lead} Give your maximum heart rate below and the estimate is used instead: Zone 2 up "
                    f"to {ZONE2_PERCENT} % of it. Without either, a run's intensity comes from the time in zones "
                    "Strava recorded for it, or is called unknown.",
                    "zones not read yet" if hr_zones is None else "no zones on Strava")
