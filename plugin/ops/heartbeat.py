"""The worker's sign of life, kept in Redis where the web app and the CLI can see it.

A worker that is up but stuck, or a deployment that forgot to start one, looks
healthy from the web process alone; a timestamp each worker refreshes on a
timer shows whether anything is consuming the queue.
"""

from __future__ import annotations

import time

HEARTBEAT_KEY = "liftrun:worker-heartbeats"
HEARTBEAT_INTERVAL_SECONDS = 15.0
# Three missed beats and a little slack: a busy worker's timer may run late.
HEARTBEAT_STALE_SECONDS = 60.0
# Workers that went away are forgotten after a day so the hash stays small.
FORGET_AFTER_SECONDS = 24 * 3600.0


def beat(redis_client, worker_name: str, now: float | None = None) -> None:
    """Record that `worker_name` is alive now, and drop long-gone workers."""
    now = time.time() if now is None else now
    redis_client.hset(HEARTBEAT_KEY, worker_name, f"{now:.3f}")
    for name, raw in redis_client.hgetall(HEARTBEAT_KEY).items():
        try:
            seen = float(raw)
        except ValueError:
            seen = 0.0
        if now - seen > FORGET_AFTER_SECONDS:
            redis_client.hdel(HEARTBEAT_KEY, name)


def heartbeats(redis_client, now: float | None = None) -> dict[str, float]:
    """Seconds since each known worker's last beat."""
    now = time.time() if now is None else now
    ages = {}
    for name, raw in redis_client.hgetall(HEARTBEAT_KEY).items():
        key = name.decode() if isinstance(name, bytes) else str(name)
        try:
            ages[key] = max(0.0, now - float(raw))
        except ValueError:
            continue
    return ages


def freshest_age(redis_client, now: float | None = None) -> float | None:
    """Age in seconds of the most recent beat of any worker, None if none ever beat."""
    ages = heartbeats(redis_client, now)
    return min(ages.values()) if ages else None


def is_fresh(age: float | None) -> bool:
    return age is not None and age <= HEARTBEAT_STALE_SECONDS
