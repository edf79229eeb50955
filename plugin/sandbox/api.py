"""The slice of Strava's /api/v3 that the product calls.

Responses are built by `shapes` so that stravalib parses them into its models
exactly as it parses Strava's; visibility follows Strava: other athletes'
activities are 404, private ones need activity:read_all.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify

from . import shapes
from .auth import (
    bad_request,
    has_scope,
    not_found,
    request_values,
    require_scope,
    require_token,
)
from .emulator import InvalidInput, as_bool, current

bp = Blueprint("strava_api", __name__, url_prefix="/api/v3")

_UPDATABLE = ("commute", "description", "gear_id", "hide_from_home", "name", "sport_type", "trainer")


def _athlete_or_401(info: dict[str, Any]) -> dict[str, Any]:
    athlete = current().store.athlete(info["athlete_id"])
    if athlete is None:
        not_found("Athlete")
    return athlete


def _visible_activity(info: dict[str, Any], activity_id: int) -> dict[str, Any]:
    activity = current().store.activity(activity_id)
    if activity is None or activity["athlete_id"] != info["athlete_id"]:
        not_found()
    if activity.get("private") and not has_scope(info, "activity:read_all"):
        not_found()
    return activity


@bp.get("/athlete")
def get_athlete():
    info = require_token()
    require_scope(info, "read")
    athlete = _athlete_or_401(info)
    if has_scope(info, "profile:read_all"):
        return jsonify(shapes.detailed_athlete(athlete))
    return jsonify(shapes.summary_athlete(athlete))


@bp.get("/athlete/zones")
def get_athlete_zones():
    info = require_token()
    require_scope(info, "profile:read_all")
    return jsonify(shapes.athlete_zones(_athlete_or_401(info)))


def _int_param(values: dict[str, Any], key: str, default: int | None) -> int | None:
    value = values.get(key)
    if value in (None, ""):
        return default
    try:
        return int(float(value))
    except ValueError:
        bad_request("Application", key)


@bp.get("/athlete/activities")
def list_activities():
    info = require_token()
    require_scope(info, "activity:read")
    values = request_values()
    before = _int_param(values, "before", None)
    after = _int_param(values, "after", None)
    page = _int_param(values, "page", 1)
    per_page = _int_param(values, "per_page", 30)
    if page < 1 or per_page < 1:
        bad_request("Application", "page" if page < 1 else "per_page")
    per_page = min(per_page, 200)

    found = []
    for activity in current().store.activities(info["athlete_id"]):
        if activity.get("private") and not has_scope(info, "activity:read_all"):
            continue
        start = shapes.parse_utc(activity["start_date"]).timestamp()
        if before is not None and not start < before:
            continue
        if after is not None and not start > after:
            continue
        found.append(activity)
    # Strava pages forward in time when `after` is given, backward otherwise.
    if after is not None:
        found.reverse()
    chunk = found[(page - 1) * per_page: page * per_page]
    return jsonify([shapes.summary_activity(a) for a in chunk])


@bp.get("/activities/<int:activity_id>")
def get_activity(activity_id: int):
    info = require_token()
    require_scope(info, "activity:read")
    return jsonify(shapes.detailed_activity(_visible_activity(info, activity_id)))


@bp.put("/activities/<int:activity_id>")
def update_activity(activity_id: int):
    info = require_token()
    require_scope(info, "activity:write")
    _visible_activity(info, activity_id)
    values = request_values()
    changes: dict[str, Any] = {}
    for key in _UPDATABLE:
        if key in values and values[key] is not None:
            changes[key] = values[key]
    if "sport_type" not in changes and values.get("type"):
        sport = shapes.sport_type_from_legacy(str(values["type"]))
        if sport is None:
            bad_request("Activity", "type")
        changes["sport_type"] = sport
    for key in ("commute", "trainer", "hide_from_home"):
        if key in changes:
            changes[key] = as_bool(changes[key])
    if changes.get("gear_id") == "none":
        changes["gear_id"] = None
    try:
        activity, _ = current().update_activity(activity_id, changes)
    except InvalidInput as exc:
        bad_request("Activity", exc.field, exc.code)
    return jsonify(shapes.detailed_activity(activity))


@bp.post("/activities")
def create_activity():
    info = require_token()
    require_scope(info, "activity:write")
    values = request_values()
    for field in ("name", "start_date_local", "elapsed_time"):
        if values.get(field) in (None, ""):
            bad_request("Activity", field, "missing")
    if not values.get("sport_type") and not values.get("type"):
        bad_request("Activity", "sport_type", "missing")
    allowed = ("name", "sport_type", "type", "start_date_local", "elapsed_time",
               "description", "distance", "trainer", "commute")
    fields = {key: values[key] for key in allowed if key in values}
    fields["manual"] = True
    try:
        activity = current().create_activity(info["athlete_id"], fields)
    except InvalidInput as exc:
        bad_request("Activity", exc.field, exc.code)
    return jsonify(shapes.detailed_activity(activity)), 201


@bp.get("/activities/<int:activity_id>/zones")
def get_activity_zones(activity_id: int):
    info = require_token()
    require_scope(info, "activity:read")
    activity = _visible_activity(info, activity_id)
    athlete = _athlete_or_401(info)
    return jsonify(shapes.activity_zones(activity, athlete))
