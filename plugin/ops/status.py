"""A snapshot of the deployment for `liftrun status`: what an operator would
otherwise piece together from SQL and redis-cli.

Each part is read on its own, so a database or Redis outage shows up as that
part being unavailable instead of hiding everything else.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from sqlalchemy import func, select

from plugin.extensions import db
from plugin.models import Athlete, InboxEvent
from plugin.ops import heartbeat
from plugin.redis_client import get_redis
from plugin.statuses import EventStatus

log = logging.getLogger(__name__)

RECENT_FAILURES = 5


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def _database_part(now: dt.datetime) -> dict[str, Any]:
    counts = {str(status): count for status, count in db.session.execute(
        select(InboxEvent.status, func.count()).group_by(InboxEvent.status)
    )}
    oldest = db.session.scalar(select(func.min(InboxEvent.received_at)).where(InboxEvent.status == EventStatus.PENDING))
    failures = db.session.scalars(
        select(InboxEvent).where(InboxEvent.status == EventStatus.FAILED)
        .order_by(InboxEvent.processed_at.desc(), InboxEvent.id.desc()).limit(RECENT_FAILURES)
    ).all()
    waiting = {str(reason or "unknown"): count for reason, count in db.session.execute(
        select(InboxEvent.deferred_reason, func.count())
        .where(InboxEvent.status == EventStatus.PENDING, InboxEvent.deferred_until > now)
        .group_by(InboxEvent.deferred_reason)
    )}
    connected = db.session.scalar(select(func.count()).select_from(Athlete)) or 0
    reconnect = db.session.scalar(select(func.count()).select_from(Athlete).where(Athlete.needs_reconnect)) or 0
    return {
        "inbox": dict(sorted(counts.items())),
        "oldest_pending_age_seconds": None if oldest is None else round((now - _utc(oldest)).total_seconds()),
        "deferred": dict(sorted(waiting.items())),
        "recent_failures": [
            {
                "event_id": event.id,
                "athlete_id": event.owner_id,
                "activity_id": event.object_id,
                "at": _utc(event.processed_at).isoformat() if event.processed_at else None,
                "reason": event.error or "",
            }
            for event in failures
        ],
        "athletes": {"connected": connected, "needs_reconnect": reconnect},
    }


def _redis_part(now: dt.datetime) -> dict[str, Any]:
    from plugin.strava.ratelimit import LONG_KEY, SHORT_KEY

    redis_client = get_redis()
    budget = {}
    for window, key in (("15m", SHORT_KEY), ("day", LONG_KEY)):
        raw = redis_client.get(key)
        budget[window] = json.loads(raw) if raw else None
    ages = heartbeat.heartbeats(redis_client, now.timestamp())
    return {
        "rate_budget": budget,
        "workers": {name: round(age, 1) for name, age in sorted(ages.items())},
        "worker_alive": heartbeat.is_fresh(min(ages.values()) if ages else None),
    }


def collect_status(now: dt.datetime | None = None) -> dict[str, Any]:
    """Everything `liftrun status` shows; call inside an app context."""
    now = now or dt.datetime.now(dt.timezone.utc)
    snapshot: dict[str, Any] = {"at": now.isoformat(timespec="seconds"), "unavailable": {}}
    try:
        snapshot.update(_database_part(now))
    except Exception as err:  # noqa: BLE001 - report the outage, keep the rest
        db.session.rollback()
        log.warning("status: database unavailable: %s", err)
        snapshot["unavailable"]["database"] = str(err).splitlines()[0]
    try:
        snapshot.update(_redis_part(now))
    except Exception as err:  # noqa: BLE001
        log.warning("status: redis unavailable: %s", err)
        snapshot["unavailable"]["redis"] = str(err).splitlines()[0]
    return snapshot


def _budget_line(window: str, state: dict | None) -> str:
    if not state:
        return f"  {window:>4}: no Strava answer recorded in this window"
    return (f"  {window:>4}: {state['usage']}/{state['limit']} requests, "
            f"{state['read_usage']}/{state['read_limit']} reads")


def format_status(snapshot: dict[str, Any]) -> str:
    """Lay the snapshot out as lines for a terminal."""
    lines = [f"LiftRun Coach status at {snapshot['at']}"]
    for part, reason in snapshot["unavailable"].items():
        lines.append(f"{part}: UNAVAILABLE ({reason})")
    if "inbox" in snapshot:
        inbox = snapshot["inbox"]
        lines.append("inbox: " + (", ".join(f"{status} {count}" for status, count in inbox.items()) or "empty"))
        age = snapshot["oldest_pending_age_seconds"]
        lines.append("oldest pending event: " + ("none" if age is None else f"{age}s old"))
        deferred = snapshot["deferred"]
        if deferred:
            lines.append("waiting (deferred): " + ", ".join(f"{reason} {count}" for reason, count in deferred.items()))
        athletes = snapshot["athletes"]
        lines.append(f"athletes connected: {athletes['connected']} ({athletes['needs_reconnect']} must reconnect)")
        failures = snapshot["recent_failures"]
        lines.append("recent failures: " + ("none" if not failures else ""))
        for failure in failures:
            lines.append(f"  event {failure['event_id']} (athlete {failure['athlete_id']}, activity "
                         f"{failure['activity_id']}) at {failure['at']}: {failure['reason']}")
    if "rate_budget" in snapshot:
        lines.append("Strava rate budget used:")
        for window, state in snapshot["rate_budget"].items():
            lines.append(_budget_line(window, state))
        workers = snapshot["workers"]
        state = "alive" if snapshot["worker_alive"] else "NOT ALIVE"
        lines.append(f"worker heartbeat: {state}" + ("" if workers else " (no worker ever beat)"))
        for name, age in workers.items():
            lines.append(f"  {name}: {age}s ago")
    return "\n".join(lines)
