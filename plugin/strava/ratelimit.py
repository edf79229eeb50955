"""A rate budget driven by Strava's response headers, shared by all workers.

Strava counts requests per app in a 15-minute window and per UTC day. A
limiter that sleeps would block a worker for minutes; instead every response's
`X-RateLimit-*` headers are recorded in Redis and a task checks the budget
before it starts, raising `RateLimitDeferred` so the task retries after the
window resets.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Mapping

import redis

log = logging.getLogger(__name__)

SHORT_KEY = "liftrun:strava-rate:15m"
LONG_KEY = "liftrun:strava-rate:day"
# Leave room for the write that usually follows a read.
RESERVE = 2


class RateLimitDeferred(Exception):
    def __init__(self, countdown: int, reason: str):
        super().__init__(f"{reason}; retry in {countdown}s")
        self.countdown = countdown
        self.reason = reason


def _parse_pair(value: str | None) -> tuple[int, int] | None:
    if not value:
        return None
    try:
        first, second = (int(part) for part in value.split(","))
    except ValueError:
        return None
    return first, second


def seconds_to_next_quarter(now: dt.datetime) -> int:
    minute = (now.minute // 15 + 1) * 15
    boundary = now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(minutes=minute)
    return max(1, int((boundary - now).total_seconds()) + 1)


def seconds_to_midnight(now: dt.datetime) -> int:
    boundary = (now + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, int((boundary - now).total_seconds()) + 1)


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class RateBudget:
    def __init__(self, redis_client: redis.Redis, clock: Callable[[], dt.datetime] = _utc_now) -> None:
        self.redis = redis_client
        self.clock = clock

    def record(self, headers: Mapping[str, str], method: str = "GET") -> None:
        """stravalib calls this with every API response's headers."""
        headers = {k.lower(): v for k, v in dict(headers).items()}
        usage = _parse_pair(headers.get("x-ratelimit-usage"))
        limit = _parse_pair(headers.get("x-ratelimit-limit"))
        if not usage or not limit:
            return
        read_usage = _parse_pair(headers.get("x-readratelimit-usage")) or (0, 0)
        read_limit = _parse_pair(headers.get("x-readratelimit-limit")) or limit
        now = self.clock()
        short = {"usage": usage[0], "limit": limit[0], "read_usage": read_usage[0], "read_limit": read_limit[0]}
        long = {"usage": usage[1], "limit": limit[1], "read_usage": read_usage[1], "read_limit": read_limit[1]}
        try:
            self.redis.set(SHORT_KEY, json.dumps(short), ex=seconds_to_next_quarter(now))
            self.redis.set(LONG_KEY, json.dumps(long), ex=seconds_to_midnight(now))
        except Exception:  # noqa: BLE001 - a missing budget record must not fail a Strava call
            log.warning("could not record Strava rate usage", exc_info=True)
        if usage[0] >= limit[0] or read_usage[0] >= read_limit[0]:
            raise RateLimitDeferred(seconds_to_next_quarter(now), "Strava 15-minute rate limit reached")
        if usage[1] >= limit[1] or read_usage[1] >= read_limit[1]:
            raise RateLimitDeferred(seconds_to_midnight(now), "Strava daily rate limit reached")

    def check(self, reads: int = 1) -> None:
        """Raise `RateLimitDeferred` when the recorded usage leaves no room."""
        now = self.clock()
        for key, countdown, label in (
            (SHORT_KEY, seconds_to_next_quarter(now), "15-minute"),
            (LONG_KEY, seconds_to_midnight(now), "daily"),
        ):
            raw = self.redis.get(key)
            if not raw:
                continue
            state = json.loads(raw)
            if state["usage"] + reads + RESERVE > state["limit"] or state["read_usage"] + reads > state["read_limit"]:
                raise RateLimitDeferred(countdown, f"Strava {label} rate budget spent")
