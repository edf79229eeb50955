"""One Redis connection pool per app, for locks and the Strava rate budget."""

from __future__ import annotations

import redis
from flask import current_app


def get_redis() -> redis.Redis:
    client = current_app.extensions.get("redis")
    if client is None:
        client = redis.Redis.from_url(current_app.config["REDIS_URL"], socket_timeout=5, socket_connect_timeout=2)
        current_app.extensions["redis"] = client
    return client
