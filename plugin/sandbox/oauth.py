"""Strava's OAuth endpoints: the consent page, token exchange, deauthorization.

The consent page lets the athlete untick scopes like Strava's does, because a
product that assumes it got every scope it asked for is a common bug; codes
are single use and the refresh grant reuses a still-valid access token, as
Strava does.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from flask import Blueprint, g, jsonify, redirect, render_template, request

from . import fixtures, shapes
from .auth import bearer_token, fail, request_values
from .emulator import current

bp = Blueprint("strava_oauth", __name__)

SCOPES = {
    "read": "View data about your public profile and public segments, routes and events",
    "read_all": "View data about your private routes, segments and events",
    "profile:read_all": "View your complete Strava profile, including heart-rate zones",
    "profile:write": "Update your weight, FTP and star segments for you",
    "activity:read": "View data about your activities",
    "activity:read_all": "View data about your private activities (Only You)",
    "activity:write": "Upload activities and edit their titles and descriptions",
}


def _with_params(url: str, params: list[tuple[str, str]]) -> str:
    parts = urlsplit(url)
    extra = "&".join(f"{quote(k)}={quote(v, safe=',:')}" for k, v in params)
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def _error_page(field: str, message: str):
    body = shapes.fault("Bad Request", "Application" if field == "client_id" else "Authorize", field, "invalid")
    return render_template("error.html", title="Bad request", message=message, fault=body), 400


def _requested_scopes(raw: str | None) -> list[str] | None:
    requested = [s.strip() for s in (raw or "read").replace(" ", ",").split(",") if s.strip()]
    if any(s not in SCOPES for s in requested):
        return None
    return list(dict.fromkeys(requested))  # request order, like Strava's callback


def _check_request(values: dict[str, Any]):
    """Return the parsed request, or the 400 page Strava would show instead."""
    emu = current()
    if str(values.get("client_id", "")).strip() != emu.client_id:
        return None, _error_page("client_id", "Unknown client_id: this application is not registered.")
    if not values.get("redirect_uri"):
        return None, _error_page("redirect_uri", "redirect_uri is required.")
    scopes = _requested_scopes(values.get("scope"))
    if scopes is None:
        return None, _error_page("scope", f"Invalid scope: {values.get('scope')!r}.")
    return scopes, None


def _athlete_id(values: dict[str, Any]) -> int:
    try:
        athlete_id = int(values.get("athlete_id") or fixtures.DEMO_ATHLETE_ID)
    except ValueError:
        athlete_id = fixtures.DEMO_ATHLETE_ID
    if current().store.athlete(athlete_id) is None:
        athlete_id = fixtures.DEMO_ATHLETE_ID
    return athlete_id


def _approve(values: dict[str, Any], athlete_id: int, granted: list[str]):
    emu = current()
    code = emu.store.issue_code(athlete_id, emu.client_id, granted)
    params = [("state", values.get("state") or ""), ("code", code), ("scope", ",".join(granted))]
    return redirect(_with_params(values["redirect_uri"], params), code=302)


@bp.get("/oauth/authorize")
def authorize_page():
    values = request.args.to_dict()
    if values.get("response_type", "code") != "code":
        return _error_page("response_type", "response_type must be 'code'.")
    scopes, error = _check_request(values)
    if error:
        return error
    emu = current()
    if emu.config["AUTO_APPROVE"] and values.get("approval_prompt", "auto") == "auto":
        return _approve(values, _athlete_id(values), scopes)
    return render_template(
        "authorize.html",
        app_name=emu.config["APP_NAME"],
        values=values,
        scopes=[(s, SCOPES[s]) for s in scopes],
        requested=",".join(scopes),
        athletes=emu.store.athletes(),
        selected=_athlete_id(values),
    )


@bp.post("/oauth/authorize")
def authorize_decision():
    values = request.form.to_dict()
    scopes, error = _check_request(values)
    if error:
        return error
    if values.get("decision") != "authorize":
        params = [("state", values.get("state") or ""), ("error", "access_denied")]
        return redirect(_with_params(values["redirect_uri"], params), code=302)
    ticked = set(request.form.getlist("granted"))
    granted = [s for s in scopes if s in ticked or s == "read"]
    return _approve(values, _athlete_id(values), granted)


def _token_body(tokens: dict[str, Any], ttl_now: float) -> dict[str, Any]:
    return {
        "token_type": "Bearer",
        "expires_at": tokens["expires_at"],
        "expires_in": max(0, int(tokens["expires_at"] - ttl_now)),
        "refresh_token": tokens["refresh_token"],
        "access_token": tokens["access_token"],
    }


@bp.post("/oauth/token")
def token():
    emu = current()
    values = request_values()
    if str(values.get("client_id", "")).strip() != emu.client_id:
        fail(400, shapes.fault("Bad Request", "Application", "client_id", "invalid"))
    if values.get("client_secret") != emu.config["CLIENT_SECRET"]:
        fail(400, shapes.fault("Bad Request", "Application", "client_secret", "invalid"))
    ttl = emu.config["TOKEN_TTL"]
    grant_type = values.get("grant_type")
    if grant_type == "authorization_code":
        record = emu.store.redeem_code(str(values.get("code") or ""), emu.client_id)
        if record is None:
            fail(400, shapes.fault("Bad Request", "AuthorizationCode", "code", "invalid"))
        tokens = emu.store.issue_tokens(record["athlete_id"], emu.client_id, record["scopes"], ttl)
        body = _token_body(tokens, emu.store.now())
        body["athlete"] = shapes.summary_athlete(emu.store.athlete(record["athlete_id"]))
        g.athlete_id = record["athlete_id"]
        return jsonify(body)
    if grant_type == "refresh_token":
        tokens = emu.store.refresh(str(values.get("refresh_token") or ""), emu.client_id, ttl)
        if tokens is None:
            fail(400, shapes.fault("Bad Request", "RefreshToken", "refresh_token", "invalid"))
        g.athlete_id = tokens["athlete_id"]
        return jsonify(_token_body(tokens, emu.store.now()))
    fail(400, shapes.fault("Bad Request", "Application", "grant_type", "invalid"))


@bp.post("/oauth/deauthorize")
@bp.post("/api/v3/oauth/deauthorize")
def deauthorize():
    emu = current()
    access_token = bearer_token()
    info = emu.store.token(access_token)
    if info is None:
        fail(401, shapes.fault("Authorization Error", "Athlete", "access_token", "invalid"))
    g.athlete_id = info["athlete_id"]
    emu.revoke(info["athlete_id"])
    return jsonify({"access_token": access_token})
