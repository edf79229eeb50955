"""The stored state: athletes and their settings, activities, the webhook inbox
and the pairs we judged.

Strava ids exceed 2**31, so every Strava id is a BigInteger. Times are stored
as aware UTC datetimes through `UTCDateTime`, because SQLite drops the zone and
the engine's gap arithmetic must never mix local and UTC times.
"""

from __future__ import annotations

import datetime as dt

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from plugin.extensions import db
from plugin.statuses import EventStatus, Mode, PairOrigin, PairStatus

MODES = tuple(Mode)


def _default_types(kind: str) -> str:
    """Return the coach's default sport types (config/coaching.toml) as a settings row stores them."""
    from plugin.coaching.options import default_rules

    return ",".join(sorted(getattr(default_rules(), kind)))


# SQLite only auto-increments INTEGER PRIMARY KEY columns.
AutoId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class UTCDateTime(TypeDecorator):
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        value = value.astimezone(dt.timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


class Athlete(UserMixin, db.Model):
    __tablename__ = "athletes"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    firstname: Mapped[str | None] = mapped_column(String(100))
    lastname: Mapped[str | None] = mapped_column(String(100))
    access_token_enc: Mapped[str] = mapped_column(Text)
    refresh_token_enc: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[int] = mapped_column(BigInteger)
    scope: Mapped[str] = mapped_column(String(200), default="")
    hr_zones: Mapped[dict | None] = mapped_column(JSON)
    max_hr: Mapped[int | None] = mapped_column(Integer)
    # From the athlete's Strava profile (kg): sizes the protein advice.
    weight_kg: Mapped[float | None] = mapped_column(Float)
    # When the zones were last read, so they are refreshed on a schedule, not per event.
    zones_read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Strava refused even a token refresh: nothing can be read or written until they reconnect.
    needs_reconnect: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    # The look back over the last weeks on connect: when it finished.
    backfilled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    settings: Mapped["AthleteSettings"] = relationship(
        back_populates="athlete", uselist=False, cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.firstname, self.lastname) if p) or f"Athlete {self.id}"

    @property
    def scopes(self) -> set[str]:
        return {s for s in (self.scope or "").split(",") if s}


class AthleteSettings(db.Model):
    __tablename__ = "athlete_settings"

    athlete_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("athletes.id", ondelete="CASCADE"), primary_key=True
    )
    goal: Mapped[str] = mapped_column(String(20), default="general")
    mode: Mapped[str] = mapped_column(String(10), default="write")
    window_hours: Mapped[int] = mapped_column(Integer, default=24)
    training_status: Mapped[str | None] = mapped_column(String(10))
    lift_types: Mapped[str] = mapped_column(String(200), default=lambda: _default_types("lift_types"))
    run_types: Mapped[str] = mapped_column(String(200), default=lambda: _default_types("run_types"))
    language: Mapped[str] = mapped_column(String(5), default="en")
    timezone: Mapped[str | None] = mapped_column(String(64))
    # None until the athlete picks a goal (the welcome step); until then General applies.
    goal_chosen_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    athlete: Mapped[Athlete] = relationship(back_populates="settings")

    @property
    def max_hr(self) -> int | None:
        """Kept on the athlete (it is a fact about them); edited with the settings."""
        return self.athlete.max_hr if self.athlete is not None else None

    @property
    def lift_type_set(self) -> frozenset[str]:
        return frozenset(t for t in self.lift_types.split(",") if t)

    @property
    def run_type_set(self) -> frozenset[str]:
        return frozenset(t for t in self.run_types.split(",") if t)


class Activity(db.Model):
    __tablename__ = "activities"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    athlete_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("athletes.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str | None] = mapped_column(String(255))
    sport_type: Mapped[str | None] = mapped_column(String(50))
    start_date: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    timezone: Mapped[str | None] = mapped_column(String(64))
    elapsed_time: Mapped[int | None] = mapped_column(Integer)
    moving_time: Mapped[int | None] = mapped_column(Integer)
    average_heartrate: Mapped[float | None] = mapped_column(Float)
    has_heartrate: Mapped[bool] = mapped_column(Boolean, default=False)
    manual: Mapped[bool] = mapped_column(Boolean, default=False)
    opted_out: Mapped[bool] = mapped_column(Boolean, default=False)
    # Time in heart-rate zones (GET /activities/{id}/zones), read only when the
    # athlete's own zones are unknown: the buckets' bounds are their zones.
    hr_zone_buckets: Mapped[list | None] = mapped_column(JSON)
    # lower / upper / full / unknown, read from the exercise list apps write into a lift's description.
    lift_focus: Mapped[str | None] = mapped_column(String(10))
    fetched_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def as_engine_input(self) -> dict:
        return {
            "id": self.id,
            "sport_type": self.sport_type,
            "start_date": self.start_date,
            "elapsed_time": self.elapsed_time,
            "moving_time": self.moving_time,
            "average_heartrate": self.average_heartrate,
            "has_heartrate": self.has_heartrate,
            "manual": self.manual,
            "name": self.name,
            **({"lift_focus": self.lift_focus} if self.lift_focus else {}),
            **({"zones": self.hr_zone_buckets} if self.hr_zone_buckets else {}),
        }


class InboxEvent(db.Model):
    """Every accepted webhook event, stored before it is queued so none is lost."""

    __tablename__ = "inbox_events"
    __table_args__ = (
        UniqueConstraint("object_type", "object_id", "aspect_type", "event_time", name="uq_inbox_event"),
    )

    id: Mapped[int] = mapped_column(AutoId, primary_key=True)
    object_type: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[int] = mapped_column(BigInteger, index=True)
    aspect_type: Mapped[str] = mapped_column(String(20))
    owner_id: Mapped[int] = mapped_column(BigInteger, index=True)
    subscription_id: Mapped[int | None] = mapped_column(BigInteger)
    event_time: Mapped[int] = mapped_column(BigInteger)
    updates: Mapped[dict | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default=EventStatus.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Set while the event waits (rate budget, busy lock, Strava fault): shown to the athlete.
    deferred_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    deferred_reason: Mapped[str | None] = mapped_column(String(40))
    error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    processed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Pair(db.Model):
    """One judged lift/run pair and what we did with its advice."""

    __tablename__ = "pairs"
    __table_args__ = (UniqueConstraint("lift_id", "run_id", name="uq_pair"),)

    id: Mapped[int] = mapped_column(AutoId, primary_key=True)
    athlete_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("athletes.id", ondelete="CASCADE"), index=True
    )
    lift_id: Mapped[int] = mapped_column(BigInteger)
    run_id: Mapped[int] = mapped_column(BigInteger)
    later_id: Mapped[int] = mapped_column(BigInteger, index=True)
    later_start: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    order: Mapped[str] = mapped_column(String(12))
    gap_minutes: Mapped[int] = mapped_column(Integer)
    tier: Mapped[str] = mapped_column(String(20))
    verdict: Mapped[str] = mapped_column(String(40))
    fuel: Mapped[bool] = mapped_column(Boolean, default=False)
    intensity: Mapped[str] = mapped_column(String(20), default="unknown")
    intensity_source: Mapped[str] = mapped_column(String(20), default="none")
    goal: Mapped[str] = mapped_column(String(20))
    headline: Mapped[str] = mapped_column(String(120), default="")
    advice: Mapped[str] = mapped_column(Text, default="")
    lift_focus: Mapped[str | None] = mapped_column(String(10))
    origin: Mapped[str] = mapped_column(String(20), default=PairOrigin.EVENT, server_default=PairOrigin.EVENT.value)
    status: Mapped[str] = mapped_column(String(20), default=PairStatus.PENDING)
    written_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class OAuthState(db.Model):
    """A login attempt's `state`, kept server-side so a callback is accepted once."""

    __tablename__ = "oauth_states"

    state: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Subscription(db.Model):
    """The app's Strava push subscription, used to reject events meant for another one."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    callback_url: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
