"""JSON controls for tests and scripts: set the scene, then inspect what the
product did to "Strava" (requests it made, webhooks it was sent).

Not part of Strava; everything lives under /sandbox/api/ so it cannot be
mistaken for a Strava endpoint.

Faults and counting (see `faults`; in memory, cleared by POST /reset):

- ``POST /sandbox/api/faults`` casts a spell, JSON body::

      {"kind": "500" | "502" | "503" | "429" | "401" | "404" | "slow",
       "endpoint": "GET /activities/{id}" | "read" | "write" | null,  # null: every API call
       "athlete_id": 123,          # optional: only this athlete's calls
       "count": 3,                 # optional: for this many matching calls
       "seconds": 20,              # optional: for this long (both: whichever ends first)
       "latency_ms": 250}          # "slow" only: added to each matching call

  Neither count nor seconds: until removed. Endpoints are call kinds as
  counted below (``POST /oauth/token`` is one: a 401 there refuses a
  refresh). A 429 answers with usage headers at the 15-minute limit.
  Answers 201 with the spell (``id``, ``remaining``, ``seconds_left``, ``hits``).
- ``GET /sandbox/api/faults`` lists live spells; ``DELETE /sandbox/api/faults``
  removes all, ``DELETE /sandbox/api/faults/<id>`` one.
- ``GET|POST /sandbox/api/latency`` reads or sets (``{"ms": 100}``) the
  latency added to every call (also ``SANDBOX_LATENCY_MS`` at start).
- ``GET /sandbox/api/calls`` counts calls by kind since the last reset:
  ``{"calls": {"GET /activities/{id}": 12, ...}, "statuses": {"GET
  /activities/{id} 200": 11, ...}, "reads": n, "writes": n, "total": n}``
  (reads and writes count /api/v3 only); ``DELETE /sandbox/api/calls`` zeroes it.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, jsonify, make_response, request

from .emulator import InvalidInput, as_bool, current

bp = Blueprint("sandbox_admin", __name__, url_prefix="/sandbox/api")


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True) if request.data else None
    if isinstance(body, dict):
        return body
    return request.form.to_dict()


def _error(status: int, message: str, field: str | None = None):
    abort(make_response(jsonify({"error": message, "field": field}), status))


def _deliver(body: dict[str, Any]) -> bool:
    if "deliver" in request.args:
        return as_bool(request.args["deliver"])
    return as_bool(body.pop("deliver", True))


def _athlete_view(athlete: dict[str, Any]) -> dict[str, Any]:
    grants = current().store.grants(athlete["id"])
    return {**athlete, "authorizations": grants, "connected": bool(grants)}


@bp.get("/athletes")
def list_athletes():
    return jsonify([_athlete_view(a) for a in current().store.athletes()])


@bp.post("/athletes")
def create_athlete():
    body = _body()
    firstname = str(body.pop("firstname", "") or "").strip()
    lastname = str(body.pop("lastname", "") or "").strip()
    if not firstname:
        _error(400, "firstname is required", "firstname")
    zones = body.pop("zones", None)
    if isinstance(zones, dict):  # Strava's {"heart_rate": {"zones": [...]}} shape
        zones = (zones.get("heart_rate") or {}).get("zones") or zones.get("zones")
    if zones is not None and (not isinstance(zones, list) or len(zones) != 5):
        _error(400, "zones must be a list of 5 {min, max} ranges", "zones")
    max_hr = body.pop("max_hr", None)
    athlete = current().store.add_athlete(
        firstname, lastname, max_hr=int(max_hr) if max_hr else None, zones=zones, **body
    )
    return jsonify(_athlete_view(athlete)), 201


@bp.get("/athletes/<int:athlete_id>")
def get_athlete(athlete_id: int):
    athlete = current().store.athlete(athlete_id)
    if athlete is None:
        _error(404, "no such athlete")
    return jsonify(_athlete_view(athlete))


@bp.post("/athletes/<int:athlete_id>/revoke")
def revoke(athlete_id: int):
    emu = current()
    if emu.store.athlete(athlete_id) is None:
        _error(404, "no such athlete")
    revoked = emu.revoke(athlete_id, deliver=_deliver(_body()))
    return jsonify({"athlete_id": athlete_id, "revoked": revoked})


@bp.get("/activities")
def list_activities():
    return jsonify(current().store.activities(request.args.get("athlete_id", type=int)))


@bp.post("/activities")
def create_activity():
    body = _body()
    deliver = _deliver(body)
    athlete_id = body.pop("athlete_id", None) or current().store.athletes()[0]["id"]
    try:
        activity = current().create_activity(athlete_id, body, deliver=deliver)
    except InvalidInput as exc:
        _error(400, str(exc), exc.field)
    return jsonify(activity), 201


@bp.get("/activities/<int:activity_id>")
def get_activity(activity_id: int):
    activity = current().store.activity(activity_id)
    if activity is None:
        _error(404, "no such activity")
    return jsonify(activity)


@bp.patch("/activities/<int:activity_id>")
def update_activity(activity_id: int):
    body = _body()
    deliver = _deliver(body)
    try:
        result = current().update_activity(activity_id, body, deliver=deliver)
    except InvalidInput as exc:
        _error(400, str(exc), exc.field)
    if result is None:
        _error(404, "no such activity")
    activity, changed = result
    return jsonify({**activity, "changed": sorted(changed)})


@bp.delete("/activities/<int:activity_id>")
def delete_activity(activity_id: int):
    activity = current().delete_activity(activity_id, deliver=_deliver(_body()))
    if activity is None:
        _error(404, "no such activity")
    return jsonify(activity)


@bp.get("/requests")
def list_requests():
    return jsonify(current().store.snapshot("requests"))


@bp.delete("/requests")
def clear_requests():
    current().store.clear_requests()
    return "", 204


@bp.get("/deliveries")
def list_deliveries():
    """`?wait=SECONDS` first lets in-flight deliveries (and retries) finish."""
    emu = current()
    wait = request.args.get("wait", type=float)
    if wait:
        emu.deliverer.wait(min(wait, 30.0))
    return jsonify(emu.store.snapshot("deliveries"))


@bp.delete("/deliveries")
def clear_deliveries():
    current().store.clear_deliveries()
    return "", 204


@bp.get("/subscriptions")
def list_subscriptions():
    return jsonify(current().store.subscriptions())


@bp.get("/rate-limit")
def rate_limit_status():
    return jsonify(current().limiter.status())


@bp.post("/rate-limit")
def set_rate_limit():
    body = _body()
    try:
        return jsonify(current().limiter.configure(body))
    except (TypeError, ValueError) as exc:
        _error(400, str(exc))


@bp.post("/tokens/expire")
def expire_tokens():
    """Lets tests exercise the product's refresh path without waiting 6 h."""
    body = _body()
    count = current().store.expire_tokens(body.get("athlete_id"))
    return jsonify({"expired": count})


@bp.get("/faults")
def list_faults():
    return jsonify(current().faults.active())


@bp.post("/faults")
def add_fault():
    try:
        return jsonify(current().faults.add(_body())), 201
    except (TypeError, ValueError) as exc:
        _error(400, str(exc))


@bp.delete("/faults")
def clear_faults():
    current().faults.clear()
    return "", 204


@bp.delete("/faults/<int:spell_id>")
def remove_fault(spell_id: int):
    if not current().faults.remove(spell_id):
        _error(404, "no such fault")
    return "", 204


@bp.get("/latency")
def get_latency():
    return jsonify({"ms": current().faults.base_latency_ms})


@bp.post("/latency")
def set_latency():
    try:
        current().faults.set_latency(int(_body().get("ms", 0)))
    except (TypeError, ValueError) as exc:
        _error(400, str(exc), "ms")
    return jsonify({"ms": current().faults.base_latency_ms})


@bp.get("/calls")
def count_calls():
    return jsonify(current().faults.counts())


@bp.delete("/calls")
def reset_calls():
    current().faults.reset_counts()
    return "", 204


@bp.post("/reset")
def reset():
    current().reset()
    return jsonify({"status": "reset"})
