"""Storing one accepted event: the webhook's whole database work, in as few round trips as it can.

The common case (a known athlete who is not paused, a new event) is one
statement, INSERT … SELECT … WHERE the athlete may send events … ON CONFLICT
DO NOTHING RETURNING id, and the commit, in Core SQL: no ORM objects, no lazy
loads, no re-read of the row after commit. Only when nothing was inserted do
we look up why (unknown athlete, paused, or a duplicate delivery).
The event is committed before the webhook answers, so an acknowledged event
is never lost; queueing it is the caller's next step.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import JSON, cast, literal, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from plugin.extensions import db
from plugin.models import Athlete, AthleteSettings, InboxEvent, utcnow
from plugin.statuses import EventStatus, Mode
from plugin.webhook.events import WebhookEvent

log = logging.getLogger(__name__)


class Ack(StrEnum):
    """What the webhook answers (the JSON `status`); Strava only needs the 200."""

    QUEUED = "queued"
    DUPLICATE = "duplicate"
    DEAUTHORIZED = "deauthorized"
    OTHER_SUBSCRIPTION = "ignored: other subscription"
    UNKNOWN_ATHLETE = "ignored: unknown athlete"
    NOT_AN_ACTIVITY = "ignored: not an activity"
    PAUSED = "ignored: paused"


@dataclass(frozen=True)
class Stored:
    ack: Ack
    inbox_id: int | None = None  # set when the event should be queued

    @property
    def needs_queueing(self) -> bool:
        return self.inbox_id is not None


_UNKNOWN = object()


def athlete_mode(athlete_id: int):
    """Return the athlete's mode, None when they have no settings row, _UNKNOWN when no such athlete."""
    row = db.session.execute(
        select(Athlete.id, AthleteSettings.mode)
        .outerjoin(AthleteSettings, AthleteSettings.athlete_id == Athlete.id)
        .where(Athlete.id == athlete_id)
    ).first()
    return _UNKNOWN if row is None else row.mode


def is_known_athlete(athlete_id: int) -> bool:
    return athlete_mode(athlete_id) is not _UNKNOWN


def _insert_new(event: WebhookEvent) -> int | None:
    """Insert the event if its athlete exists and is not paused; its id, or None."""
    table = InboxEvent.__table__
    dialect = db.session.get_bind().dialect.name
    values = {
        "object_type": event.object_type,
        "object_id": event.object_id,
        "aspect_type": event.aspect_type,
        "owner_id": event.owner_id,
        "subscription_id": event.subscription_id,
        "event_time": event.event_time,
        "status": EventStatus.PENDING.value,
        "attempts": 0,
        "received_at": utcnow(),
    }
    columns = [table.c[name] for name in values] + [table.c.updates]
    selected = [literal(value, type_=table.c[name].type) for name, value in values.items()]
    # PostgreSQL types a bare parameter in a SELECT list as text; say it is JSON.
    updates = literal(event.updates, type_=JSON)
    selected.append(cast(updates, JSON) if dialect == "postgresql" else updates)
    eligible = (
        select(*selected)
        .select_from(Athlete.__table__.outerjoin(AthleteSettings.__table__,
                                                 AthleteSettings.athlete_id == Athlete.id))
        .where(Athlete.id == event.owner_id,
               or_(AthleteSettings.mode.is_(None), AthleteSettings.mode != Mode.PAUSED.value))
    )
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(table).from_select(columns, eligible).on_conflict_do_nothing().returning(table.c.id)
    return db.session.execute(stmt).scalar()


def _stored_twin(event: WebhookEvent):
    return db.session.execute(
        select(InboxEvent.id, InboxEvent.status).where(
            InboxEvent.object_type == event.object_type,
            InboxEvent.object_id == event.object_id,
            InboxEvent.aspect_type == event.aspect_type,
            InboxEvent.event_time == event.event_time,
        )
    ).one()


def store_activity_event(event: WebhookEvent) -> Stored:
    """Store an activity event of a known, active athlete (committed before returning)."""
    inbox_id = _insert_new(event)
    if inbox_id is not None:
        db.session.commit()
        return Stored(Ack.QUEUED, inbox_id)

    mode = athlete_mode(event.owner_id)
    if mode is _UNKNOWN:
        db.session.rollback()
        log.info("ignored %s event from unknown athlete %s", event.object_type, event.owner_id)
        return Stored(Ack.UNKNOWN_ATHLETE)
    if mode == Mode.PAUSED:
        db.session.rollback()
        log.info("dropped event for paused athlete %s", event.owner_id)
        return Stored(Ack.PAUSED)
    twin = _stored_twin(event)
    db.session.rollback()
    if twin.status != EventStatus.PENDING:
        log.info("duplicate delivery of event %s (already %s)", twin.id, twin.status)
        return Stored(Ack.DUPLICATE)
    # Its first enqueue may have been lost: queueing twice is safe, the worker settles it once.
    log.info("duplicate delivery of pending event %s; queueing it again", twin.id)
    return Stored(Ack.QUEUED, twin.id)
