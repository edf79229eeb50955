"""Rows the tests need, built through the product's own services."""

from __future__ import annotations

import time

from plugin.services.athletes import connect_athlete


def make_athlete(athlete_id: int = 123456789, goal: str = "general", mode: str = "write", **settings):
    athlete = connect_athlete(
        {"id": athlete_id, "firstname": "Sam", "lastname": "Sandbox"},
        {"access_token": f"access-{athlete_id}", "refresh_token": f"refresh-{athlete_id}", "expires_at": int(time.time()) + 21600},
        {"read", "activity:read_all", "activity:write", "profile:read_all"},
    )
    athlete.settings.goal = goal
    athlete.settings.mode = mode
    for key, value in settings.items():
        setattr(athlete.settings, key, value)
    from plugin.extensions import db

    db.session.commit()
    return athlete


def login(client, athlete_id: int) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = str(athlete_id)
        session["_fresh"] = True
