"""Strava's per-application rate limits, with its headers and windows.

Usage counts reset when the wall clock enters a new quarter hour (:00, :15,
:30, :45 UTC) and at midnight UTC, not on a sliding window; a product that
assumes a sliding window or ignores the read limit should feel it here.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from .store import Store


def windows(epoch: float) -> tuple[int, str]:
    """Return the quarter-hour index and the UTC day that `epoch` falls into."""
    return int(epoch // 900), datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%d")


class RateLimiter:
    def __init__(self, store: Store, config: dict[str, Any]):
        self.store = store
        self.defaults = {
            "limit_15min": config["RATE_LIMIT_15MIN"],
            "limit_daily": config["RATE_LIMIT_DAILY"],
            "read_limit_15min": config["READ_RATE_LIMIT_15MIN"],
            "read_limit_daily": config["READ_RATE_LIMIT_DAILY"],
        }

    def _state(self) -> dict[str, Any]:
        """Return the rate section, with counters rolled over to the current windows."""
        rate = self.store.data["rate"]
        for key, value in self.defaults.items():
            rate.setdefault(key, value)
        quarter, day = windows(self.store.now())
        if rate.get("quarter") != quarter:
            rate.update(quarter=quarter, usage_15min=0, read_usage_15min=0)
        if rate.get("day") != day:
            rate.update(day=day, usage_daily=0, read_usage_daily=0)
        return rate

    def admit(self, is_read: bool) -> tuple[bool, dict[str, str]]:
        """Count the request if it is within the limits; refused ones are not counted."""
        with self.store.lock:
            rate = self._state()
            over = (
                rate["usage_15min"] >= rate["limit_15min"]
                or rate["usage_daily"] >= rate["limit_daily"]
            )
            if is_read:
                over = over or (
                    rate["read_usage_15min"] >= rate["read_limit_15min"]
                    or rate["read_usage_daily"] >= rate["read_limit_daily"]
                )
            if not over:
                rate["usage_15min"] += 1
                rate["usage_daily"] += 1
                if is_read:
                    rate["read_usage_15min"] += 1
                    rate["read_usage_daily"] += 1
            return not over, self._headers(rate)

    def headers(self) -> dict[str, str]:
        with self.store.lock:
            return self._headers(self._state())

    def headers_at_limit(self) -> dict[str, str]:
        """Headers of a 429: the 15-minute window (and its read share) used up."""
        with self.store.lock:
            rate = dict(self._state())
        rate["usage_15min"] = max(rate["usage_15min"], rate["limit_15min"])
        rate["read_usage_15min"] = max(rate["read_usage_15min"], rate["read_limit_15min"])
        return self._headers(rate)

    @staticmethod
    def _headers(rate: dict[str, Any]) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": f"{rate['limit_15min']},{rate['limit_daily']}",
            "X-RateLimit-Usage": f"{rate['usage_15min']},{rate['usage_daily']}",
            "X-ReadRateLimit-Limit": f"{rate['read_limit_15min']},{rate['read_limit_daily']}",
            "X-ReadRateLimit-Usage": f"{rate['read_usage_15min']},{rate['read_usage_daily']}",
        }

    _SETTABLE = (
        "limit_15min", "limit_daily", "read_limit_15min", "read_limit_daily",
        "usage_15min", "usage_daily", "read_usage_15min", "read_usage_daily",
    )

    def configure(self, values: dict[str, Any]) -> dict[str, Any]:
        """Set limits and/or usage (tests use it to reach the limit quickly)."""
        unknown = set(values) - set(self._SETTABLE)
        if unknown:
            raise ValueError(f"unknown keys: {', '.join(sorted(unknown))}")
        with self.store.lock:
            rate = self._state()
            for key, value in values.items():
                rate[key] = int(value)
            self.store.save()
            return self.status()

    def status(self) -> dict[str, Any]:
        with self.store.lock:
            rate = self._state()
            return {key: rate[key] for key in self._SETTABLE}
