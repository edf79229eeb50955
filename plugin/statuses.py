"""Every status the product stores or returns, spelled once.

Stored as their string values (StrEnum compares equal to the plain string), so
existing rows and templates keep working while a typo in code fails loudly at
import instead of silently matching nothing.
"""

from __future__ import annotations

from enum import StrEnum


class EventStatus(StrEnum):
    """An inbox event's life: pending until the worker settles it."""

    PENDING = "pending"
    DONE = "done"
    IGNORED = "ignored"
    SUPERSEDED = "superseded"
    FAILED = "failed"
    # Kept for later: the athlete must reconnect before we can read or write.
    PARKED = "parked"
    # Returned only: the row vanished (athlete deleted) before the task ran.
    MISSING = "missing"


class PairStatus(StrEnum):
    """What we did with one judged pair's advice."""

    PENDING = "pending"
    WRITTEN = "written"
    PREVIEW = "preview"
    OPTED_OUT = "opted_out"
    SUPERSEDED = "superseded"


class PairOrigin(StrEnum):
    """Why a pair was judged: a webhook event, or the look back on connect."""

    EVENT = "event"
    CONNECT = "connect"


class WriteOutcome(StrEnum):
    """The result of putting our block on (or off) one activity."""

    WRITTEN = "written"
    UNCHANGED = "unchanged"
    OPTED_OUT = "opted_out"


class Mode(StrEnum):
    """The athlete's choice of what we do with advice."""

    WRITE = "write"
    PREVIEW = "preview"
    PAUSED = "paused"


class DeferReason(StrEnum):
    """Why an event waits (inbox_events.deferred_reason); the athlete reads it in words."""

    RATE_LIMIT = "rate_limit"
    ATHLETE_BUSY = "athlete_busy"
    NOT_READABLE_YET = "not_readable_yet"
    STRAVA_ERROR = "strava_error"
    RECONNECT = "reconnect"
