"""Turn Strava-shaped activity dicts into the few facts the rules need.

Strava data arrives from three places (the API, bulk exports, hand-written
JSON for `liftrun advise`) with small differences: dates as strings or
datetimes, `type` vs `sport_type`, missing heart rate. Normalising once here
keeps the pairing and verdict code free of those cases, and is where input
that cannot be judged honestly is refused (EngineInputError) or set aside
(Skipped).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from .errors import EngineInputError
from .codes import UNKNOWN
from .intensity import HrBucket, parse_activity_hr_buckets
from .lift_focus import lift_focus_of
from .options import EngineOptions
from .results import Skipped

LIFT = "lift"
RUN = "run"

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_ONE_SECOND = timedelta(seconds=1)

REASON_UNSUPPORTED = "unsupported sport type"
REASON_NO_SPORT = "no sport type"
REASON_MANUAL_NO_START = "manual activity without start time"
REASON_MANUAL_NO_DURATION = "manual activity without duration"


@dataclass(frozen=True)
class Activity:
    id: int
    kind: str              # LIFT or RUN
    sport_type: str
    start: int             # UTC start, whole seconds since the epoch
    elapsed_s: int
    moving_s: int
    average_hr: float | None
    hr_buckets: tuple[HrBucket, ...] | None  # time in zone, if the caller had it
    lift_focus: str = UNKNOWN  # lifts only: lower / upper / full / unknown

    @property
    def end(self) -> int:
        return self.start + self.elapsed_s


def parse_start(value: Any, where: str) -> int:
    """UTC start as epoch seconds; naive values are UTC (Strava's start_date is).

    start_date_local is deliberately never read: it is local wall time with a
    misleading "Z", and using it would shift gaps across a time-zone change.
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            raise EngineInputError(f"{where}: start_date {value!r} is not an ISO date-time") from None
    else:
        raise EngineInputError(f"{where}: start_date must be an ISO date-time string")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return (moment - _EPOCH) // _ONE_SECOND


def _parse_seconds(value: Any, field: str, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise EngineInputError(f"{where}: {field} must be a number of seconds, got {value!r}")
    if not math.isfinite(value):
        raise EngineInputError(f"{where}: {field} must be a finite number, got {value!r}")
    if value < 0:
        raise EngineInputError(f"{where}: {field} must not be negative, got {value!r}")
    return int(value)


def _parse_id(raw: Mapping[str, Any], index: int) -> int:
    value = raw.get("id")
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise EngineInputError(f"activity #{index + 1}: missing or invalid id {value!r}")
    return value


def _sport(raw: Mapping[str, Any]) -> str | None:
    for key in ("sport_type", "type"):
        value = raw.get(key)
        value = getattr(value, "root", value)  # stravalib wraps types in RootModels
        value = getattr(value, "value", value)  # ... or enums
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _average_hr(raw: Mapping[str, Any], where: str) -> float | None:
    if raw.get("has_heartrate") is False:
        return None
    value = raw.get("average_heartrate")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise EngineInputError(f"{where}: average_heartrate must be a number, got {value!r}")
    if not math.isfinite(value) or value <= 0:
        return None  # a recorder glitch is "not measured", not an intensity
    return float(value)


def normalise_activity(raw: Any, index: int, options: EngineOptions) -> Activity | Skipped:
    if not isinstance(raw, Mapping):
        raise EngineInputError(f"activity #{index + 1} must be an object, got {type(raw).__name__}")
    activity_id = _parse_id(raw, index)
    where = f"activity {activity_id}"

    sport = _sport(raw)
    if sport is None:
        return Skipped(activity_id, REASON_NO_SPORT)
    if sport in options.lift_types:
        kind = LIFT
    elif sport in options.run_types:
        kind = RUN
    else:
        return Skipped(activity_id, REASON_UNSUPPORTED)

    manual = raw.get("manual") is True
    start_value = raw.get("start_date")
    if start_value is None or start_value == "":
        if manual:
            return Skipped(activity_id, REASON_MANUAL_NO_START)
        raise EngineInputError(f"{where}: missing start_date")
    elapsed_value = raw.get("elapsed_time")
    if elapsed_value is None:
        if manual:
            return Skipped(activity_id, REASON_MANUAL_NO_DURATION)
        raise EngineInputError(f"{where}: missing elapsed_time")

    start = parse_start(start_value, where)
    elapsed = _parse_seconds(elapsed_value, "elapsed_time", where)
    moving_value = raw.get("moving_time")
    # Strava always sends moving_time; hand-written input may not, and the
    # elapsed time is then the honest upper bound of the run's duration.
    moving = elapsed if moving_value is None else _parse_seconds(moving_value, "moving_time", where)
    hr_buckets = None
    if kind == RUN and raw.get("zones") is not None:
        hr_buckets = parse_activity_hr_buckets(raw["zones"], where)
    return Activity(
        id=activity_id,
        kind=kind,
        sport_type=sport,
        start=start,
        elapsed_s=elapsed,
        moving_s=moving,
        average_hr=_average_hr(raw, where),
        hr_buckets=hr_buckets,
        lift_focus=lift_focus_of(raw) if kind == LIFT else UNKNOWN,
    )


def normalise_activities(
    raw_activities: Any, options: EngineOptions,
) -> tuple[list[Activity], list[Activity], list[Skipped]]:
    """Split input into lifts, runs and skipped, refusing contradictory duplicates.

    Returns (lifts, runs, skipped). The same activity sent twice (a webhook
    retry, an overlapping fetch) is harmless; two different activities under
    one id would make the result depend on input order, so that is refused.
    """
    if isinstance(raw_activities, (str, bytes, Mapping)) or not hasattr(raw_activities, "__iter__"):
        raise EngineInputError("activities must be a list of activity objects")
    seen: dict[int, Mapping[str, Any]] = {}
    lifts: list[Activity] = []
    runs: list[Activity] = []
    skipped: list[Skipped] = []
    for index, raw in enumerate(raw_activities):
        item = normalise_activity(raw, index, options)
        if item.id in seen:
            if seen[item.id] != raw:
                raise EngineInputError(f"activity {item.id} appears twice with different data")
            continue
        seen[item.id] = raw
        if isinstance(item, Skipped):
            skipped.append(item)
        elif item.kind == LIFT:
            lifts.append(item)
        else:
            runs.append(item)
    return lifts, runs, skipped
