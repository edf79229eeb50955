"""Validation of webhook bodies.

Strava's POSTs are unsigned, so a body is only trusted for *which* object
changed; what changed is always re-read from the API by the worker.
"""

from __future__ import annotations

from dataclasses import dataclass

OBJECT_TYPES = ("activity", "athlete")
ASPECT_TYPES = ("create", "update", "delete")
MAX_ID = 2**63 - 1


class InvalidEvent(ValueError):
    pass


@dataclass(frozen=True)
class WebhookEvent:
    object_type: str
    object_id: int
    aspect_type: str
    owner_id: int
    subscription_id: int | None
    event_time: int
    updates: dict

    @property
    def is_deauthorization(self) -> bool:
        return (
            self.object_type == "athlete"
            and self.aspect_type == "update"
            and str(self.updates.get("authorized", "")).lower() == "false"
        )


def _int_field(body: dict, name: str, *, required: bool = True) -> int | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidEvent(f"field {name!r} must be an integer")
    if not 0 <= value <= MAX_ID:
        raise InvalidEvent(f"field {name!r} is out of range")
    return value


def parse_event(body) -> WebhookEvent:
    if not isinstance(body, dict):
        raise InvalidEvent("body must be a JSON object")
    object_type = body.get("object_type")
    if object_type not in OBJECT_TYPES:
        raise InvalidEvent(f"unknown object_type {object_type!r}")
    aspect_type = body.get("aspect_type")
    if aspect_type not in ASPECT_TYPES:
        raise InvalidEvent(f"unknown aspect_type {aspect_type!r}")
    updates = body.get("updates") or {}
    if not isinstance(updates, dict):
        raise InvalidEvent("field 'updates' must be an object")
    return WebhookEvent(
        object_type=object_type,
        object_id=_int_field(body, "object_id"),
        aspect_type=aspect_type,
        owner_id=_int_field(body, "owner_id"),
        subscription_id=_int_field(body, "subscription_id", required=False),
        event_time=_int_field(body, "event_time"),
        updates=updates,
    )
