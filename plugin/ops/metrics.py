"""Prometheus metrics, safe with several processes (gunicorn workers, Celery's
prefork children).

Counters and histograms are defined once here and updated wherever the fact
happens. When `PROMETHEUS_MULTIPROC_DIR` is set (it must be, before start-up,
for every web and worker process of a host, pointing at one shared empty
folder), prometheus_client writes each process's values to files there and a
scrape adds them up; without it the values are this process's own.

State that lives in Redis (the Strava rate budget, the queue length) is read at
scrape time instead of being copied into gauges, so it is never stale and
needs no per-process bookkeeping.
"""

from __future__ import annotations

import json
import logging
import os
import re

# A configured but missing folder would make the first counter update fail mid-request.
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest  # noqa: E402
from prometheus_client import REGISTRY as PROCESS_REGISTRY  # noqa: E402
from prometheus_client.core import GaugeMetricFamily  # noqa: E402

log = logging.getLogger(__name__)

EVENTS_RECEIVED = Counter(
    "liftrun_events_received", "Webhook deliveries answered, by what the webhook did with them.", ["outcome"]
)
EVENTS_PROCESSED = Counter(
    "liftrun_events_processed", "Inbox events the worker settled, by the status it left them in.", ["status"]
)
EVENTS_FAILED = Counter("liftrun_events_failed", "Inbox events given up on (recorded as failed).")
EVENTS_DEFERRED = Counter(
    "liftrun_events_deferred", "Task runs put off for later (rate budget, not readable yet, errors).", ["reason"]
)
STRAVA_CALLS = Counter(
    "liftrun_strava_calls", "HTTP calls to Strava, by endpoint and HTTP status ('error' without an answer).",
    ["method", "endpoint", "status"],
)
TASK_DURATION = Histogram(
    "liftrun_task_duration_seconds", "Time a Celery task run took, by task and outcome.", ["task", "state"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
)

_NUMBER = re.compile(r"/\d+(?=/|$)")


def endpoint_label(path: str) -> str:
    """/api/v3/activities/123/zones → /api/v3/activities/{id}/zones: one series per endpoint, not per id."""
    return _NUMBER.sub("/{id}", path.split("?", 1)[0]) or "/"


def count_event_received(outcome: str) -> None:
    # "ignored: paused" and friends: the part before the colon is a small fixed set.
    EVENTS_RECEIVED.labels(outcome.split(":", 1)[0].strip()).inc()


def count_strava_call(method: str, path: str, status: int | str) -> None:
    STRAVA_CALLS.labels(method.upper(), endpoint_label(path), str(status)).inc()


class RedisStateCollector:
    """Rate budget and queue depth, read from Redis when Prometheus asks."""

    def __init__(self, redis_client, queue_name: str):
        self.redis = redis_client
        self.queue_name = queue_name

    def collect(self):
        from plugin.strava.ratelimit import LONG_KEY, SHORT_KEY

        used = GaugeMetricFamily(
            "liftrun_strava_rate_used", "Strava requests used in the current window, as Strava reported.",
            labels=["window", "kind"],
        )
        limit = GaugeMetricFamily(
            "liftrun_strava_rate_limit", "Strava's request limit for the window.", labels=["window", "kind"]
        )
        depth = GaugeMetricFamily("liftrun_queue_depth", "Task messages waiting in the broker queue.", labels=["queue"])
        try:
            for window, key in (("15m", SHORT_KEY), ("day", LONG_KEY)):
                raw = self.redis.get(key)
                state = json.loads(raw) if raw else {"usage": 0, "limit": 0, "read_usage": 0, "read_limit": 0}
                used.add_metric([window, "all"], state["usage"])
                used.add_metric([window, "read"], state["read_usage"])
                limit.add_metric([window, "all"], state["limit"])
                limit.add_metric([window, "read"], state["read_limit"])
            depth.add_metric([self.queue_name], self.redis.llen(self.queue_name))
        except Exception as err:  # noqa: BLE001 - a scrape without Redis still shows the counters
            log.warning("metrics: could not read Redis state: %s", err)
            return
        yield used
        yield limit
        yield depth


class _ProcessCollector:
    """This process's own metrics, for deployments without a multi-process folder."""

    def collect(self):
        yield from PROCESS_REGISTRY.collect()


def render(extra_collectors=()) -> bytes:
    """Render every process's metrics plus the Redis-held state as Prometheus text."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ProcessCollector())
    for collector in extra_collectors:
        registry.register(collector)
    return generate_latest(registry)
