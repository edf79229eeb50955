"""Strava's side as the tests play it: activities uploaded through the emulator's admin API,
what it holds and was asked, and the webhook events Strava would post about them."""

from __future__ import annotations

import datetime as dt

import requests

from tests.support.factories import ATHLETE_ID


def iso(moment: dt.datetime) -> str:
    """Format a moment as Strava's API writes start dates."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def upload(emulator_url: str, sport_type: str, start: dt.datetime, minutes: int, description: str = "",
           hr: float | None = None, *, athlete_id: int = ATHLETE_ID, **fields) -> int:
    """Upload an activity to the emulator without its webhook event (the test delivers it); return its id."""
    body = {"athlete_id": athlete_id, "sport_type": sport_type, "start_date": iso(start),
            "elapsed_time": minutes * 60, "moving_time": minutes * 60, "description": description, "deliver": False}
    if hr is not None:
        body.update(average_heartrate=hr, has_heartrate=True)
    body.update(fields)
    resp = requests.post(f"{emulator_url}/sandbox/api/activities", json=body, timeout=10)
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def description(emulator_url: str, activity_id: int) -> str:
    """Return the activity's description as Strava holds it now."""
    return requests.get(f"{emulator_url}/sandbox/api/activities/{activity_id}", timeout=10).json()["description"] or ""


def calls(emulator_url: str) -> list[dict]:
    """Return the requests the emulator has answered, oldest first."""
    return requests.get(f"{emulator_url}/sandbox/api/requests", timeout=10).json()


def activity_event(object_id: int, event_time: int, aspect: str = "create", updates: dict | None = None, *,
                   owner_id: int = ATHLETE_ID, object_type: str = "activity") -> dict:
    """Build the webhook body Strava posts about one activity (or athlete) change."""
    return {"object_type": object_type, "object_id": object_id, "aspect_type": aspect, "updates": updates or {},
            "owner_id": owner_id, "subscription_id": 1, "event_time": event_time}
