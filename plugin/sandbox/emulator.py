"""The emulator object and the athlete-side actions Strava notifies apps about.

Creating, editing and deleting activities and revoking access happen in three
places (the sandbox pages, the admin JSON API and Strava's own API); routing
them all through here keeps the webhook rules in one spot: events go only to
apps the owner has authorized, private activities only to apps holding
activity:read_all, and description-only edits send nothing.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask import current_app

from . import shapes
from .config import load_config
from .delivery import Deliverer
from .faults import Faults
from .ratelimit import RateLimiter
from .store import Store

# Fields whose change Strava reports in an update event, and the key it uses.
_EVENT_FIELDS = {"name": "title", "sport_type": "type", "private": "private"}


class InvalidInput(ValueError):
    """Input the emulator refuses, with the field Strava would name."""

    def __init__(self, field: str, message: str, code: str = "invalid"):
        super().__init__(message)
        self.field = field
        self.code = code


def as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def _number(values: dict[str, Any], key: str, kind=int, default: Any = None) -> Any:
    value = values.get(key)
    if value in (None, ""):
        return default
    try:
        return kind(float(value)) if kind is int else kind(value)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(key, f"{key} must be a number") from exc


def default_name(sport_type: str, local_hour: int) -> str:
    part = (
        "Morning" if 4 <= local_hour < 11
        else "Lunch" if local_hour < 14
        else "Afternoon" if local_hour < 18
        else "Evening" if local_hour < 22
        else "Night"
    )
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", sport_type)
    return f"{part} {words}"


class Emulator:
    def __init__(self, config: dict[str, Any] | None = None):
        self.config = load_config(config)
        self.store = Store(self.config["STATE_FILE"])
        self.limiter = RateLimiter(self.store, self.config)
        self.deliverer = Deliverer(self.store, self.config)
        self.faults = Faults(base_latency_ms=self.config["LATENCY_MS"])

    @property
    def client_id(self) -> str:
        return self.config["CLIENT_ID"]

    # ------------------------------------------------------------ activities

    def build_activity(self, athlete: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        """Validate loose input (forms, JSON) into a stored activity record."""
        sport_type = values.get("sport_type") or None
        if sport_type is None and values.get("type"):
            sport_type = shapes.sport_type_from_legacy(str(values["type"]))
            if sport_type is None:
                raise InvalidInput("type", f"unknown type {values['type']!r}")
        if sport_type is None:
            raise InvalidInput("sport_type", "sport_type is required", "missing")
        if sport_type not in shapes.SPORT_TYPES:
            raise InvalidInput("sport_type", f"unknown sport_type {sport_type!r}")

        try:
            if values.get("timezone"):
                tz_name = shapes.zone_name(str(values["timezone"]))
            elif values.get("utc_offset") not in (None, ""):
                tz_name = shapes.zone_from_offset(int(float(values["utc_offset"])))
            else:
                tz_name = athlete.get("timezone") or "Etc/UTC"
        except ValueError as exc:
            raise InvalidInput("timezone", str(exc)) from exc

        elapsed = _number(values, "elapsed_time", int, 3600)
        if elapsed <= 0:
            raise InvalidInput("elapsed_time", "elapsed_time must be positive")
        moving = _number(values, "moving_time", int, elapsed)

        try:
            if values.get("start_date"):
                start = shapes.parse_utc(str(values["start_date"]))
            elif values.get("start_date_local"):
                start = shapes.utc_from_local(str(values["start_date_local"]), tz_name)
            else:
                offset = _number(values, "start_offset_minutes", float, None)
                if offset is None:
                    offset = -elapsed / 60
                start = shapes.now_utc() + timedelta(minutes=offset)
        except ValueError as exc:
            raise InvalidInput("start_date", f"bad start date: {exc}") from exc
        start = start.replace(microsecond=0)

        avg_hr = _number(values, "average_heartrate", float, None)
        has_hr = as_bool(values["has_heartrate"]) if "has_heartrate" in values else avg_hr is not None
        if has_hr and avg_hr is None:
            avg_hr = 130.0
        max_hr = _number(values, "max_heartrate", float, None)
        if has_hr and max_hr is None:
            max_hr = float(min(avg_hr + 18, athlete.get("max_hr") or 200))

        default_distance = moving / 360 * 1000 if shapes.legacy_type(sport_type) == "Run" else 0.0
        distance = _number(values, "distance", float, round(default_distance, 1))
        manual = as_bool(values.get("manual", False))

        local, _ = shapes.local_start(shapes.format_utc(start), tz_name)
        return {
            "athlete_id": int(athlete["id"]),
            "name": str(values.get("name") or default_name(sport_type, local.hour)),
            "sport_type": sport_type,
            "start_date": shapes.format_utc(start),
            "timezone": tz_name,
            "elapsed_time": elapsed,
            "moving_time": moving,
            "distance": float(distance),
            "has_heartrate": has_hr,
            "average_heartrate": avg_hr if has_hr else None,
            "max_heartrate": max_hr if has_hr else None,
            "description": str(values.get("description") or ""),
            "manual": manual,
            "private": as_bool(values.get("private", False)),
            "trainer": as_bool(values.get("trainer", False)),
            "commute": as_bool(values.get("commute", False)),
            "hide_from_home": as_bool(values.get("hide_from_home", False)),
            "gear_id": values.get("gear_id") or None,
            "device_name": None if manual else (values.get("device_name") or "Sandbox Watch"),
            "external_id": None if manual else f"sandbox-{start.strftime('%Y%m%d%H%M%S')}.fit",
            "upload_id": None,
        }

    def create_activity(self, athlete_id: Any, values: dict[str, Any], deliver: bool = True) -> dict[str, Any]:
        athlete = self.store.athlete(athlete_id)
        if athlete is None:
            raise InvalidInput("athlete_id", f"no athlete {athlete_id}")
        record = self.build_activity(athlete, values)
        activity = self.store.add_activity(record)
        if not activity["manual"]:
            upload_id = activity["id"] * 10 + 7
            activity, _ = self.store.update_activity(activity["id"], {"upload_id": upload_id})
        if deliver:
            self._activity_event(activity, "create", {})
        return activity

    def clean_changes(self, activity: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        """Normalise a partial update by rebuilding the merged record."""
        athlete = self.store.athlete(activity["athlete_id"]) or {"id": activity["athlete_id"]}
        merged = {**activity, **values}
        if "type" in values and "sport_type" not in values:
            merged.pop("sport_type", None)
        if any(k in values for k in ("start_date_local", "start_offset_minutes")) and "start_date" not in values:
            merged.pop("start_date", None)
        if "average_heartrate" in values and "has_heartrate" not in values:
            merged["has_heartrate"] = values["average_heartrate"] not in (None, "")
        rebuilt = self.build_activity(athlete, merged)
        keep = {"device_name", "external_id", "upload_id"}
        return {k: v for k, v in rebuilt.items() if k not in keep and v != activity.get(k)}

    def update_activity(
        self, activity_id: Any, values: dict[str, Any], deliver: bool = True
    ) -> tuple[dict[str, Any], dict[str, Any]] | None:
        activity = self.store.activity(activity_id)
        if activity is None:
            return None
        changes = self.clean_changes(activity, values)
        activity, changed = self.store.update_activity(activity_id, changes)
        updates = {
            _EVENT_FIELDS[field]: (
                ("true" if value else "false") if field == "private" else value
            )
            for field, value in changed.items()
            if field in _EVENT_FIELDS
        }
        if deliver and updates:
            self._activity_event(activity, "update", updates, privacy_change="private" in changed)
        return activity, changed

    def delete_activity(self, activity_id: Any, deliver: bool = True) -> dict[str, Any] | None:
        activity = self.store.delete_activity(activity_id)
        if activity is not None and deliver:
            self._activity_event(activity, "delete", {})
        return activity

    def _activity_event(
        self, activity: dict[str, Any], aspect: str, updates: dict[str, Any], privacy_change: bool = False
    ) -> None:
        grant = self.store.grant(activity["athlete_id"], self.client_id)
        if grant is None:
            return
        if activity.get("private") and not privacy_change and "activity:read_all" not in grant["scopes"]:
            return
        self.deliverer.publish(self.client_id, {
            "object_type": "activity",
            "object_id": activity["id"],
            "aspect_type": aspect,
            "updates": updates,
            "owner_id": activity["athlete_id"],
            "event_time": int(self.store.now()),
        })

    # ------------------------------------------------------------ access

    def revoke(self, athlete_id: Any, deliver: bool = True) -> bool:
        """Remove the app for the athlete (Strava's My Apps page, or the app's deauthorize)."""
        had_grant = self.store.revoke(athlete_id, self.client_id)
        if had_grant and deliver:
            self.deliverer.publish(self.client_id, {
                "object_type": "athlete",
                "object_id": int(athlete_id),
                "aspect_type": "update",
                "updates": {"authorized": "false"},
                "owner_id": int(athlete_id),
                "event_time": int(self.store.now()),
            })
        return had_grant

    def reset(self) -> None:
        self.deliverer.wait(5)
        self.store.reset()
        self.faults.reset()


def current() -> Emulator:
    return current_app.extensions["strava_sandbox"]
