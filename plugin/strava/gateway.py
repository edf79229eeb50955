"""One athlete's Strava calls for the length of one task.

Three rules live here so the pipeline does not repeat them at every call:
a 401 refreshes the token once and retries (only a refused refresh means
"reconnect"); every failure is translated by kind (`errors`); and each
detailed read is remembered, so an activity read earlier in the same task is
not read again just to write on it.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any, Callable

import requests
from stravalib import Client
from stravalib.exc import AccessUnauthorized, Fault, ObjectNotFound
from stravalib.model import ActivityZone, DetailedActivity, SummaryActivity
from stravalib.strava_model import Zones

from plugin.strava.client import athlete_client, refresh_athlete_token
from plugin.strava.errors import ReconnectNeeded, StravaUnavailable, status_of
from plugin.strava.ratelimit import RateBudget, RateLimitDeferred, seconds_to_next_quarter

if TYPE_CHECKING:
    import datetime as dt

    from plugin.models import Athlete

log = logging.getLogger(__name__)

# A read this recent, in this same task, is what the athlete's description is now
# (as far as Strava lets anyone know); older ones are read again before a write.
READ_FRESH_SECONDS = 10.0


class AthleteStrava:
    def __init__(self, athlete: Athlete, budget: RateBudget, keepalive: Callable[[], None] | None = None) -> None:
        self.athlete = athlete
        self.budget = budget
        self.keepalive = keepalive  # called before each call: e.g. renew the athlete's lock
        self._client: Client | None = None
        self._refreshed = False
        self.read_now: dict[int, Any] = {}  # activity id -> DetailedActivity read in this task
        self._read_at: dict[int, float] = {}
        self.calls = 0

    @property
    def client(self) -> Client:
        if self._client is None:
            self._client = athlete_client(self.athlete, budget=self.budget)
        return self._client

    def _call(self, what: Callable[[Client], Any]) -> Any:
        try:
            return self._translate(what)
        except AccessUnauthorized:
            if self._refreshed:
                raise ReconnectNeeded("Strava refused the athlete's token even after a refresh") from None
            log.info("Strava refused the token of athlete %s; refreshing once", self.athlete.id)
            refresh_athlete_token(self.athlete)
            self._refreshed = True
            self._client = None
            try:
                return self._translate(what)
            except AccessUnauthorized:
                raise ReconnectNeeded("Strava refused the athlete's fresh token") from None

    def _translate(self, what: Callable[[Client], Any]) -> Any:
        self.calls += 1
        if self.keepalive is not None:
            self.keepalive()
        try:
            return what(self.client)
        except (ObjectNotFound, AccessUnauthorized):
            raise
        except Fault as exc:
            status = status_of(exc)
            if status == 429:
                raise RateLimitDeferred(seconds_to_next_quarter(self.budget.clock()), "Strava answered 429") from None
            if status is not None and status >= 500:
                raise StravaUnavailable(f"Strava answered {status}") from None
            raise
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise StravaUnavailable(f"Strava unreachable: {type(exc).__name__}") from None

    # ------------------------------------------------------------ calls

    def get_activity(self, activity_id: int) -> DetailedActivity:
        activity: DetailedActivity = self._call(lambda c: c.get_activity(activity_id))
        self._remember(activity_id, activity)
        return activity

    def _remember(self, activity_id: int, activity: DetailedActivity) -> None:
        self.read_now[int(activity_id)] = activity
        self._read_at[int(activity_id)] = time.monotonic()

    def fresh_activity(self, activity_id: int) -> DetailedActivity:
        """Return the activity as read moments ago in this task, or read now: never an older copy."""
        read_at = self._read_at.get(int(activity_id))
        if read_at is not None and time.monotonic() - read_at <= READ_FRESH_SECONDS:
            known: DetailedActivity = self.read_now[int(activity_id)]
            return known
        return self.get_activity(activity_id)

    def list_activities(self, after: dt.datetime | str | None, before: dt.datetime | str | None,
                        limit: int = 100) -> list[SummaryActivity]:
        found: list[SummaryActivity] = self._call(
            lambda c: list(c.get_activities(after=after, before=before, limit=limit)))
        return found

    def get_athlete_zones(self) -> Zones:
        zones: Zones = self._call(lambda c: c.get_athlete_zones())
        return zones

    def get_activity_zones(self, activity_id: int) -> list[ActivityZone]:
        zones: list[ActivityZone] = self._call(lambda c: list(c.get_activity_zones(activity_id)))
        return zones

    def update_description(self, activity_id: int, description: str) -> DetailedActivity:
        updated: DetailedActivity = self._call(lambda c: c.update_activity(activity_id, description=description))
        self._remember(activity_id, updated)
        return updated
