"""OAuth routes. The `state` parameter is bound to the browser session so a
forged callback cannot attach someone else's Strava account, and stored
server-side (plugin/auth/states.py) so a replayed one is refused."""

from __future__ import annotations

import hmac
import logging
from urllib.parse import urlencode

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_login import login_user
from stravalib.exc import Fault
from stravalib.model import SummaryAthlete

from plugin.auth import bp
from plugin.auth.states import MAX_STATE_CHARS, consume_state, issue_state
from plugin.public_urls import public_url
from plugin.queue import BACKFILL_ATHLETE, enqueue
from plugin.services.athletes import REQUIRED_SCOPES, REQUESTED_SCOPES, connect_athlete
from plugin.strava.client import app_client

log = logging.getLogger(__name__)
STATE_KEY = "oauth_state"
# Longest value Strava sends for each callback parameter, with room to spare.
CALLBACK_LIMITS = {"state": MAX_STATE_CHARS, "code": 255, "scope": 255, "error": 100}


@bp.get("/strava")
def start():
    state = issue_state()
    session[STATE_KEY] = state
    params = {
        "client_id": current_app.config["STRAVA_CLIENT_ID"],
        "redirect_uri": public_url("auth.callback"),
        "response_type": "code",
        "approval_prompt": "auto",
        "scope": ",".join(REQUESTED_SCOPES),
        "state": state,
    }
    return redirect(f"{current_app.config['STRAVA_BASE_URL']}/oauth/authorize?{urlencode(params)}")


def _malformed_callback() -> str | None:
    for name, limit in CALLBACK_LIMITS.items():
        values = request.args.getlist(name)
        if len(values) > 1:
            return f"repeated {name}"
        if values and len(values[0]) > limit:
            return f"{name} longer than {limit} characters"
    return None


@bp.get("/strava/callback")
def callback():
    expected = session.pop(STATE_KEY, None)
    problem = _malformed_callback()
    if problem:
        log.warning("OAuth callback refused: %s", problem)
        return render_template("auth_error.html", reason="state"), 400
    given = request.args.get("state", "")
    if not expected or not hmac.compare_digest(expected.encode(), given.encode()):
        log.warning("OAuth callback with a missing or forged state from %s", request.remote_addr)
        return render_template("auth_error.html", reason="state"), 400
    if not consume_state(given):
        log.warning("OAuth callback with a used or expired state (a replay?) from %s", request.remote_addr)
        return render_template("auth_error.html", reason="state"), 400
    if request.args.get("error"):
        log.info("athlete declined the Strava authorization: %s", request.args.get("error"))
        return render_template("auth_error.html", reason="denied"), 400
    code = request.args.get("code", "")
    if not code:
        log.warning("OAuth callback without a code")
        return render_template("auth_error.html", reason="code"), 400

    granted = {s for s in request.args.get("scope", "").split(",") if s}
    missing = [s for s in REQUIRED_SCOPES if s not in granted]
    if missing:
        log.info("athlete did not grant %s; nothing stored", missing)
        return render_template("auth_scopes.html", missing=missing), 400

    try:
        # The protocol call keeps the raw athlete: stravalib's SummaryAthlete drops `weight`,
        # which the advice uses for grams of protein (no extra Strava read for it).
        access_info, raw_athlete = app_client().protocol.exchange_code_for_token(
            client_id=current_app.config["STRAVA_CLIENT_ID"],
            client_secret=current_app.config["STRAVA_CLIENT_SECRET"],
            code=code,
            return_athlete=True,
        )
        athlete_data = SummaryAthlete.model_validate(raw_athlete) if raw_athlete else None
    except Fault as err:
        log.warning("Strava refused the code exchange: %s", err)
        return render_template("auth_error.html", reason="exchange"), 400
    except Exception:  # noqa: BLE001 - Strava unreachable must not become a 500 page
        log.exception("Strava token exchange failed")
        return render_template("auth_error.html", reason="unreachable"), 502
    if athlete_data is None or athlete_data.id is None:
        log.warning("token response without an athlete")
        abort(502)
    athlete_data = athlete_data.model_dump(include={"id", "firstname", "lastname"})
    athlete_data["weight"] = raw_athlete.get("weight")

    athlete = connect_athlete(athlete_data, dict(access_info), granted)
    login_user(athlete, remember=True)
    enqueue(BACKFILL_ATHLETE, athlete.id)  # the look back on connect (plugin/services/backfill.py)
    return redirect(url_for("settings.edit"))
