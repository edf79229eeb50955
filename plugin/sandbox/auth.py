"""Bearer-token and scope checks with Strava's exact error bodies.

Products branch on these bodies (401 means "refresh or reconnect", a missing
`*_permission` means "ask for more scope"), so the emulator must answer with
the same statuses and shapes Strava does.
"""

from __future__ import annotations

from typing import Any, NoReturn

from flask import abort, g, jsonify, make_response, request

from .emulator import current
from .shapes import fault

# A granted scope also satisfies the narrower one it includes.
_IMPLIED = {
    "read": {"read", "read_all"},
    "activity:read": {"activity:read", "activity:read_all"},
    "activity:read_all": {"activity:read_all"},
    "activity:write": {"activity:write"},
    "profile:read_all": {"profile:read_all"},
}


def fail(status: int, body: dict[str, Any]) -> NoReturn:
    abort(make_response(jsonify(body), status))


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return request.values.get("access_token") or None


def require_token() -> dict[str, Any]:
    """Return the caller's token grant, or a Strava 401."""
    info = current().store.token(bearer_token())
    if info is None:
        fail(401, fault("Authorization Error", "Athlete", "access_token", "invalid"))
    g.athlete_id = info["athlete_id"]
    return info


def has_scope(info: dict[str, Any], scope: str) -> bool:
    return bool(_IMPLIED.get(scope, {scope}) & set(info["scopes"]))


def require_scope(info: dict[str, Any], scope: str) -> None:
    if not has_scope(info, scope):
        fail(401, fault("Authorization Error", "AccessToken", f"{scope}_permission", "missing"))


def not_found(resource: str = "Activity") -> NoReturn:
    fail(404, fault("Record Not Found", resource, "id", "invalid"))


def bad_request(resource: str, field: str, code: str = "invalid") -> NoReturn:
    fail(400, fault("Bad Request", resource, field, code))


def request_values() -> dict[str, Any]:
    """Strava reads parameters from the query, a form body or a JSON body."""
    values: dict[str, Any] = dict(request.args.items())
    values.update(request.form.items())
    if request.is_json:
        body = request.get_json(silent=True)
        if isinstance(body, dict):
            values.update(body)
    return values
