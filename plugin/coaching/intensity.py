"""How hard a run was, judged only from what was actually measured.

The seed's advice hinges on "Zone 2", which only means something against the
athlete's own zones (Strava's second heart-rate zone). Without them a generic
70 %-of-max-HR line can still tell "Zone 2 or below" from "above", but nothing
finer; without either, or without heart rate at all, the honest answer is
"unknown" and the advice must say so instead of guessing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .codes import (
    ABOVE_ZONE2,
    AT_OR_BELOW_ZONE2,
    SOURCE_ATHLETE_ZONES,
    SOURCE_MAX_HR,
    SOURCE_NONE,
    UNKNOWN,
    ZONE_INTENSITIES,
)
from .errors import EngineInputError

# (zone min bpm, zone max bpm or inf, seconds spent) from GET /activities/{id}/zones
HrBucket = tuple[float, float, float]


@dataclass(frozen=True)
class HrZones:
    """Upper bound of each heart-rate zone, lowest zone first (last is inf)."""

    tops: tuple[float, ...]

    def zone_index(self, heart_rate: float) -> int:
        # A value equal to a zone's top belongs to that zone (rules.md:
        # "equal counts as zone 2").
        for index, top in enumerate(self.tops):
            if heart_rate <= top:
                return index
        return len(self.tops) - 1


def _plain(value: Any) -> Any:
    """stravalib returns pydantic models; the engine works on plain data."""
    dump = getattr(value, "model_dump", None)
    return dump() if callable(dump) else value


def _bound(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise EngineInputError(f"{where}: zone bounds must be numbers, got {value!r}")
    return float(value)


def _zones_from_ranges(ranges: Sequence[Any], where: str) -> HrZones | None:
    parsed = []
    for item in ranges:
        item = _plain(item)
        if not isinstance(item, Mapping) or "max" not in item:
            raise EngineInputError(f"{where}: each zone needs min and max, got {item!r}")
        low = _bound(item.get("min", 0) or 0, where)
        high_raw = item.get("max")
        high = math.inf if high_raw is None or high_raw == -1 else _bound(high_raw, where)
        parsed.append((low, high))
    if not parsed:
        return None
    if len(parsed) < 2:
        raise EngineInputError(f"{where}: at least two heart-rate zones are needed to find Zone 2")
    parsed.sort()
    tops = tuple(high for _, high in parsed)
    if any(b < a for a, b in zip(tops, tops[1:])):
        raise EngineInputError(f"{where}: heart-rate zones overlap or are out of order")
    return HrZones(tops)


def _heartrate_buckets(items: Sequence[Any]) -> Sequence[Any] | None:
    for item in items:
        item = _plain(item)
        if isinstance(item, Mapping) and item.get("type") == "heartrate":
            return item.get("distribution_buckets") or []
    return None


def parse_zones(zones: Any) -> HrZones | None:
    """Accept the shapes zones reach the engine in; None when no HR zones exist.

    Shapes: GET /athlete/zones (`{"heart_rate": {"zones": [...]}}`), the bare
    `{"zones": [...]}` or list of ranges, and GET /activities/{id}/zones (a
    list of `{"type": "heartrate", "distribution_buckets": [...]}`), whose
    bucket bounds are the athlete's zones at the time.
    """
    where = "zones"
    zones = _plain(zones)
    if zones is None:
        return None
    if isinstance(zones, Mapping):
        if "heart_rate" in zones:
            return parse_zones(zones["heart_rate"])
        if "zones" in zones:
            ranges = zones["zones"]
        elif "distribution_buckets" in zones:
            ranges = zones["distribution_buckets"]
        elif set(zones) <= {"custom_zones", "power", "resource_state"}:
            return None  # e.g. power zones only: no heart-rate zones to judge by
        else:
            raise EngineInputError(f"{where}: expected Strava heart-rate zones")
    elif isinstance(zones, Sequence) and not isinstance(zones, (str, bytes)):
        ranges = zones
        if any(isinstance(_plain(i), Mapping) and "distribution_buckets" in _plain(i) for i in zones):
            ranges = _heartrate_buckets(zones)
            if ranges is None:
                return None
    else:
        raise EngineInputError(f"{where}: expected Strava heart-rate zones")
    if isinstance(ranges, (str, bytes)) or not isinstance(ranges, Sequence):
        raise EngineInputError(f"{where}: zones must be a list of {{min, max}} ranges")
    return _zones_from_ranges(ranges, where)


def parse_activity_hr_buckets(value: Any, where: str) -> tuple[HrBucket, ...] | None:
    """Time-in-zone of one activity (GET /activities/{id}/zones), if it has HR."""
    where = f"{where}: zones"
    value = _plain(value)
    if isinstance(value, Mapping):
        value = [value]
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise EngineInputError(f"{where} must be a list")
    buckets = _heartrate_buckets(value)
    if not buckets:
        return None
    parsed = []
    for item in buckets:
        item = _plain(item)
        if not isinstance(item, Mapping):
            raise EngineInputError(f"{where}: bucket must be an object, got {item!r}")
        low = _bound(item.get("min", 0) or 0, where)
        high_raw = item.get("max")
        high = math.inf if high_raw is None or high_raw == -1 else _bound(high_raw, where)
        spent = _bound(item.get("time", 0) or 0, where)
        if spent < 0:
            raise EngineInputError(f"{where}: time in zone must not be negative")
        parsed.append((low, high, spent))
    parsed.sort()
    return tuple(parsed) if len(parsed) >= 2 else None


def parse_max_hr(max_hr: Any) -> float | None:
    if max_hr is None:
        return None
    if isinstance(max_hr, bool) or not isinstance(max_hr, (int, float)) \
            or not math.isfinite(max_hr) or max_hr <= 0:
        raise EngineInputError(f"max_hr must be a positive number, got {max_hr!r}")
    return float(max_hr)


def classify_intensity(
    average_hr: float | None,
    hr_buckets: tuple[HrBucket, ...] | None,
    zones: HrZones | None,
    max_hr: float | None,
    *,
    zone2_max_hr_fraction: float,
    above_zone2_time_share: float,
) -> tuple[str, str]:
    """Return (intensity, intensity_source) for one run."""
    if average_hr is not None:
        if zones is None and hr_buckets is not None:
            zones = HrZones(tuple(high for _, high, _ in hr_buckets))
        if zones is not None:
            index = min(zones.zone_index(average_hr), len(ZONE_INTENSITIES) - 1)
            return ZONE_INTENSITIES[index], SOURCE_ATHLETE_ZONES
        if max_hr is not None:
            easy = average_hr <= zone2_max_hr_fraction * max_hr
            return (AT_OR_BELOW_ZONE2 if easy else ABOVE_ZONE2), SOURCE_MAX_HR
        return UNKNOWN, SOURCE_NONE
    if hr_buckets is not None:
        total = sum(spent for _, _, spent in hr_buckets)
        if total > 0:
            above = sum(spent for _, _, spent in hr_buckets[2:])
            hard = above / total > above_zone2_time_share
            return (ABOVE_ZONE2 if hard else AT_OR_BELOW_ZONE2), SOURCE_ATHLETE_ZONES
    return UNKNOWN, SOURCE_NONE
