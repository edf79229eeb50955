"""Injected faults and counted calls: the emulator misbehaving on purpose.

Real Strava has bad minutes (5xx, slow answers, a 429 before our own count
says so, a token refused early, an activity announced before it can be read).
The product's handling of each must be testable against a real HTTP server,
so the admin API can cast *spells*: a fault that hits matching calls for a
number of calls and/or a number of seconds. Calls are also counted by kind
(`GET /activities/{id}`, `PUT /activities/{id}`, ...) so benchmarks can tell
reads from writes without parsing the request log.

Kept in memory only: a fault must never survive a restart by surprise.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

# kind -> HTTP status sent instead of the real answer ("slow" answers normally, late).
FAULT_STATUS: dict[str, int | None] = {
    "500": 500,
    "502": 502,
    "503": 503,
    "429": 429,
    "401": 401,
    "404": 404,
    "slow": None,
}
MAX_LATENCY_MS = 60_000


def call_kind(method: str, rule: str | None, path: str) -> str:
    """`GET /activities/{id}` for `/api/v3/activities/<int:activity_id>`."""
    template = rule or path
    template = re.sub(r"<[^>]+>", "{id}", template)
    if template.startswith("/api/v3"):
        template = template[len("/api/v3"):] or "/"
    return f"{method.upper()} {template}"


def is_read(method: str) -> bool:
    return method.upper() in ("GET", "HEAD")


@dataclass
class Spell:
    id: int
    kind: str
    endpoint: str | None = None  # a call kind, "read", "write", or None for every API call
    athlete_id: int | None = None
    remaining: int | None = None  # calls left; None = unlimited
    until: float | None = None  # epoch; None = no time bound
    latency_ms: int = 0
    hits: int = 0
    created_at: float = field(default_factory=time.time)

    def matches(self, kind: str, athlete_id: int | None) -> bool:
        if self.athlete_id is not None and athlete_id != self.athlete_id:
            return False
        if self.endpoint is None:
            return not kind.split(" ", 1)[1].startswith("/oauth")
        if self.endpoint == "read":
            return is_read(kind.split(" ", 1)[0]) and not kind.split(" ", 1)[1].startswith("/oauth")
        if self.endpoint == "write":
            return not is_read(kind.split(" ", 1)[0]) and not kind.split(" ", 1)[1].startswith("/oauth")
        return self.endpoint == kind

    def live(self, now: float) -> bool:
        if self.remaining is not None and self.remaining <= 0:
            return False
        return self.until is None or now < self.until

    def view(self, now: float) -> dict[str, Any]:
        data = asdict(self)
        data["seconds_left"] = None if self.until is None else max(0.0, round(self.until - now, 1))
        return data


def _optional_int(body: dict[str, Any], key: str, low: int, high: int) -> int | None:
    value = body.get(key)
    if value in (None, ""):
        return None
    number = int(value)
    if not low <= number <= high:
        raise ValueError(f"{key} must be between {low} and {high}")
    return number


class Faults:
    """Spells to cast on matching calls, and the count of calls by kind."""

    def __init__(self, clock: Callable[[], float] = time.time, base_latency_ms: int = 0):
        self.lock = threading.Lock()
        self.clock = clock
        self.spells: list[Spell] = []
        self.calls: Counter[str] = Counter()
        self.statuses: Counter[str] = Counter()
        self.base_latency_ms = base_latency_ms
        self._ids = itertools.count(1)

    # ------------------------------------------------------------ configuring

    def add(self, body: dict[str, Any]) -> dict[str, Any]:
        """Validate and cast one spell; ValueError names what is wrong."""
        kind = str(body.get("kind", "")).strip()
        if kind not in FAULT_STATUS:
            raise ValueError(f"kind must be one of {', '.join(FAULT_STATUS)}")
        endpoint = body.get("endpoint") or None
        if endpoint is not None:
            endpoint = str(endpoint).strip()
            if endpoint not in ("read", "write") and not re.fullmatch(r"[A-Z]+ /\S*", endpoint):
                raise ValueError("endpoint must be 'read', 'write' or like 'GET /activities/{id}'")
        count = _optional_int(body, "count", 1, 1_000_000)
        seconds = body.get("seconds")
        seconds = None if seconds in (None, "") else float(seconds)
        if seconds is not None and not 0 < seconds <= 86_400:
            raise ValueError("seconds must be between 0 and 86400")
        latency = _optional_int(body, "latency_ms", 0, MAX_LATENCY_MS) or 0
        if kind == "slow" and latency <= 0:
            raise ValueError("a slow spell needs latency_ms > 0")
        athlete_id = _optional_int(body, "athlete_id", 1, 2**62)
        with self.lock:
            spell = Spell(
                id=next(self._ids), kind=kind, endpoint=endpoint, athlete_id=athlete_id,
                remaining=count, until=None if seconds is None else self.clock() + seconds,
                latency_ms=latency,
            )
            self.spells.append(spell)
            return spell.view(self.clock())

    def remove(self, spell_id: int) -> bool:
        with self.lock:
            before = len(self.spells)
            self.spells = [s for s in self.spells if s.id != spell_id]
            return len(self.spells) != before

    def clear(self) -> None:
        with self.lock:
            self.spells = []

    def set_latency(self, ms: int) -> None:
        if not 0 <= ms <= MAX_LATENCY_MS:
            raise ValueError(f"ms must be between 0 and {MAX_LATENCY_MS}")
        with self.lock:
            self.base_latency_ms = ms

    def active(self) -> list[dict[str, Any]]:
        with self.lock:
            now = self.clock()
            self.spells = [s for s in self.spells if s.live(now)]
            return [s.view(now) for s in self.spells]

    # ------------------------------------------------------------ per call

    def cast(self, kind: str, athlete_id: int | None) -> tuple[int, int | None]:
        """Count the call; (latency to add in ms, status to answer instead or None).

        Every matching live "slow" spell adds its latency; the first matching
        error spell (oldest first) decides the status and uses up one call.
        """
        with self.lock:
            self.calls[kind] += 1
            now = self.clock()
            latency = self.base_latency_ms
            status = None
            for spell in self.spells:
                if not spell.live(now) or not spell.matches(kind, athlete_id):
                    continue
                if spell.kind == "slow":
                    latency += spell.latency_ms
                elif status is not None:
                    continue
                else:
                    status = FAULT_STATUS[spell.kind]
                spell.hits += 1
                if spell.remaining is not None:
                    spell.remaining -= 1
            self.spells = [s for s in self.spells if s.live(now)]
            return latency, status

    def answered(self, kind: str, status: int) -> None:
        with self.lock:
            self.statuses[f"{kind} {status}"] += 1

    # ------------------------------------------------------------ counting

    def counts(self) -> dict[str, Any]:
        with self.lock:
            calls = dict(sorted(self.calls.items()))
            api = {k: v for k, v in calls.items() if not k.split(" ", 1)[1].startswith("/oauth")}
            return {
                "calls": calls,
                "statuses": dict(sorted(self.statuses.items())),
                "reads": sum(v for k, v in api.items() if is_read(k.split(" ", 1)[0])),
                "writes": sum(v for k, v in api.items() if not is_read(k.split(" ", 1)[0])),
                "total": sum(calls.values()),
            }

    def reset_counts(self) -> None:
        with self.lock:
            self.calls.clear()
            self.statuses.clear()

    def reset(self) -> None:
        with self.lock:
            self.spells = []
            self.calls.clear()
            self.statuses.clear()
