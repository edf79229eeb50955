"""Readiness: can this deployment do its job right now?

`/healthz` answers whether the web process is alive (cheap, for a load
balancer); readiness also asks the database, Redis and the worker heartbeat so
an operator learns *which* part is down.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import text

from plugin.extensions import db
from plugin.ops import heartbeat
from plugin.redis_client import get_redis

log = logging.getLogger(__name__)


@dataclass
class Readiness:
    checks: dict[str, str] = field(default_factory=dict)
    worker_heartbeat_age_seconds: float | None = None

    @property
    def down(self) -> list[str]:
        return [name for name, state in self.checks.items() if state != "ok"]

    @property
    def ready(self) -> bool:
        return not self.down

    def as_json(self) -> dict:
        age = self.worker_heartbeat_age_seconds
        return {
            "status": "ready" if self.ready else "not ready",
            "down": self.down,
            "checks": self.checks,
            "worker_heartbeat_age_seconds": None if age is None else round(age, 1),
        }


def check_readiness() -> Readiness:
    result = Readiness()
    try:
        db.session.execute(text("SELECT 1"))
        result.checks["database"] = "ok"
    except Exception as err:  # noqa: BLE001 - any failure means "not ready", reported by name
        db.session.rollback()
        log.error("readiness: database unavailable: %s", err)
        result.checks["database"] = "unavailable"
    try:
        redis_client = get_redis()
        redis_client.ping()
        result.checks["redis"] = "ok"
    except Exception as err:  # noqa: BLE001
        log.error("readiness: redis unavailable: %s", err)
        result.checks["redis"] = "unavailable"
        # Without Redis the heartbeat cannot be read either.
        result.checks["worker"] = "unknown (redis unavailable)"
        return result
    age = heartbeat.freshest_age(redis_client)
    result.worker_heartbeat_age_seconds = age
    if age is None:
        result.checks["worker"] = "no heartbeat"
    elif not heartbeat.is_fresh(age):
        result.checks["worker"] = f"stale heartbeat ({age:.0f}s old)"
    else:
        result.checks["worker"] = "ok"
    if result.down:
        log.warning("readiness: not ready: %s", ", ".join(result.down))
    return result
