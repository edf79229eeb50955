"""The app's one Strava push subscription.

We keep its id so events for any other subscription can be told apart and
ignored (webhook POSTs are unsigned). The webhook needs the ids on every
event, so each process caches them and reloads only when a version counter in
Redis moves (bumped by every change made here; looked at no more than once
per VERSION_CHECK_INTERVAL_S) or the copy is older than CACHE_MAX_AGE_S (a row
edited by hand); without Redis it reads the table.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from typing import Any

import redis
from flask import current_app
from sqlalchemy import delete, select
from stravalib.model import Subscription as StravaSubscription

from plugin.extensions import db
from plugin.models import Subscription
from plugin.public_urls import public_url
from plugin.strava.client import app_client

log = logging.getLogger(__name__)


VERSION_KEY = "liftrun:subscriptions:version"
CACHE_MAX_AGE_S = 30.0
# A change reaches every web process within this long, at no Redis round trip per event.
VERSION_CHECK_INTERVAL_S = 1.0
# Strava waits 2 s for the webhook: a Redis that does not answer at once is skipped for a while.
REDIS_TIMEOUT_S = 0.25
REDIS_BACKOFF_S = 5.0


def callback_url() -> str:
    """PUBLIC_URL/webhook, or PUBLIC_URL/webhook/<secret> when STRAVA_WEBHOOK_SECRET is set."""
    return public_url("webhook.receive_event", secret=current_app.config.get("STRAVA_WEBHOOK_SECRET") or None)


def new_webhook_secret() -> str:
    return secrets.token_urlsafe(24)


def _credentials() -> dict[str, Any]:
    return {
        "client_id": current_app.config["STRAVA_CLIENT_ID"],
        "client_secret": current_app.config["STRAVA_CLIENT_SECRET"],
    }


def create_subscription(url: str | None = None) -> Subscription:
    """Strava calls our GET /webhook to verify before it answers, so the web app must be up."""
    url = url or callback_url()
    created = app_client().create_subscription(
        callback_url=url, verify_token=current_app.config["STRAVA_VERIFY_TOKEN"], **_credentials()
    )
    if created.id is None:
        raise ValueError("Strava answered a subscription request without an id")
    row = remember_subscription(int(created.id), url)
    log.info("created Strava push subscription %s → %s", created.id, url)
    return row


def remember_subscription(subscription_id: int, url: str) -> Subscription:
    """Store (or refresh) the subscription whose events the webhook accepts."""
    row = db.session.merge(Subscription(id=subscription_id, callback_url=url))
    db.session.commit()
    subscription_changed()
    return row


def list_subscriptions() -> list[StravaSubscription]:
    return list(app_client().list_subscriptions(**_credentials()))


def delete_subscription(subscription_id: int) -> None:
    app_client().delete_subscription(subscription_id=subscription_id, **_credentials())
    db.session.execute(delete(Subscription).where(Subscription.id == subscription_id))
    db.session.commit()
    subscription_changed()
    log.info("deleted Strava push subscription %s", subscription_id)


def stored_subscription_ids() -> list[int]:
    return list(db.session.scalars(select(Subscription.id)))


class SubscriptionCache:
    """This process's copy of the stored subscription ids (one per app)."""

    def __init__(self, redis_url: str):
        self._redis = redis.Redis.from_url(
            redis_url, socket_timeout=REDIS_TIMEOUT_S, socket_connect_timeout=REDIS_TIMEOUT_S
        )
        self._lock = threading.Lock()
        self._ids: frozenset[int] | None = None
        self._version: bytes | None = None
        self._loaded_at = 0.0
        self._checked_at = 0.0
        self._redis_skip_until = 0.0

    def _current_version(self) -> bytes | None:
        """Read the shared counter, b"0" before any change; None when Redis cannot say."""
        now = time.monotonic()
        if now < self._redis_skip_until:
            return None
        try:
            version = self._redis.get(VERSION_KEY)
            if isinstance(version, str):  # only with decode_responses, which this client never sets
                version = version.encode()
            return version or b"0"
        except redis.RedisError as err:
            self._redis_skip_until = now + REDIS_BACKOFF_S
            log.warning("subscription cache: Redis unavailable (%s); reading the table", err)
            return None

    def ids(self) -> frozenset[int]:
        now = time.monotonic()
        cached = self._ids
        if (cached is not None and now - self._checked_at < VERSION_CHECK_INTERVAL_S
                and now - self._loaded_at < CACHE_MAX_AGE_S):
            return cached
        version = self._current_version()
        self._checked_at = now
        with self._lock:
            ids = self._ids
            fresh = (
                ids is not None
                and version is not None
                and version == self._version
                and time.monotonic() - self._loaded_at < CACHE_MAX_AGE_S
            )
            if not fresh or ids is None:
                ids = frozenset(stored_subscription_ids())
                self._ids = ids
                self._version = version
                self._loaded_at = time.monotonic()
            return ids

    def invalidate(self) -> None:
        with self._lock:
            self._ids = None

    def bump(self) -> None:
        """Tell every process that the stored subscriptions changed."""
        self.invalidate()
        try:
            self._redis.incr(VERSION_KEY)
        except redis.RedisError as err:
            log.warning("could not announce the subscription change (%s); other processes see it within %d s",
                        err, CACHE_MAX_AGE_S)


def subscription_cache() -> SubscriptionCache:
    cache = current_app.extensions.get("subscription_cache")
    if cache is None:
        cache = current_app.extensions["subscription_cache"] = SubscriptionCache(current_app.config["REDIS_URL"])
    return cache


def accepted_subscription_ids() -> frozenset[int]:
    """Return the ids whose events the webhook accepts (empty: accept every event)."""
    return subscription_cache().ids()


def subscription_changed() -> None:
    subscription_cache().bump()
