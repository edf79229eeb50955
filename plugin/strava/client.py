"""stravalib clients pointed at `STRAVA_BASE_URL`, with fresh tokens and the rate budget."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import requests
from flask import current_app
from stravalib import Client
from stravalib.exc import Fault

from plugin.crypto import TokenCipher
from plugin.extensions import db
from plugin.redis_client import get_redis
from plugin.strava.errors import ReconnectNeeded, StravaUnavailable, status_of
from plugin.strava.ratelimit import RateBudget
from plugin.strava.session import BaseUrlSession

if TYPE_CHECKING:
    from plugin.models import Athlete

log = logging.getLogger(__name__)

# Refresh this long before expiry so a task never starts with a dying token.
REFRESH_MARGIN_SECONDS = 600

# stravalib warns on every client about env credentials we deliberately manage ourselves.
os.environ.setdefault("SILENCE_TOKEN_WARNINGS", "true")


def _session() -> BaseUrlSession:
    return BaseUrlSession(current_app.config["STRAVA_BASE_URL"])


def app_client() -> Client:
    """Build a client without an athlete: OAuth exchanges and push subscriptions."""
    return Client(rate_limit_requests=False, requests_session=_session())


def rate_budget() -> RateBudget:
    return RateBudget(get_redis())


def _cipher() -> TokenCipher:
    cipher: TokenCipher = current_app.extensions["token_cipher"]
    return cipher


def store_tokens(athlete: Athlete, access_info: Mapping[str, Any]) -> None:
    cipher = _cipher()
    athlete.access_token_enc = cipher.encrypt(access_info["access_token"])
    athlete.refresh_token_enc = cipher.encrypt(access_info["refresh_token"])
    athlete.expires_at = int(access_info["expires_at"])


def refresh_athlete_token(athlete: Athlete) -> None:
    """Exchange the refresh token now and store the new tokens.

    Committed at once, whatever else the task has pending: Strava may rotate
    the refresh token, and losing the new one to a later rollback would
    disconnect the athlete. A refusal (400/401) raises `ReconnectNeeded`.
    """
    cipher = _cipher()
    try:
        refreshed = app_client().refresh_access_token(
            client_id=current_app.config["STRAVA_CLIENT_ID"],
            client_secret=current_app.config["STRAVA_CLIENT_SECRET"],
            refresh_token=cipher.decrypt(athlete.refresh_token_enc),
        )
    except Fault as exc:
        status = status_of(exc)
        if status in (400, 401, 403):
            raise ReconnectNeeded(f"Strava refused the token refresh ({status})") from None
        raise StravaUnavailable(f"token refresh answered {status}") from None
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise StravaUnavailable(f"token refresh failed: {type(exc).__name__}") from None
    store_tokens(athlete, refreshed)
    db.session.commit()
    log.info("refreshed Strava token for athlete %s", athlete.id)


def athlete_client(athlete: Athlete, *, budget: RateBudget | None = None) -> Client:
    """Build a client for one athlete, refreshing (and storing) the token first if needed."""
    if athlete.expires_at - REFRESH_MARGIN_SECONDS <= time.time():
        refresh_athlete_token(athlete)
    limiter = (budget or rate_budget()).record
    return Client(
        access_token=_cipher().decrypt(athlete.access_token_enc),
        # stravalib types this as its RateLimiter class but only ever calls it with (args, method).
        rate_limiter=limiter,  # type: ignore[arg-type]
        requests_session=_session(),
    )
