from __future__ import annotations

import json
import logging

from flask import Response, flash, redirect, render_template, url_for
from flask_login import current_user, login_required, logout_user
from sqlalchemy import func, select

from plugin.account import bp
from plugin.account.export import athlete_export
from plugin.extensions import db
from plugin.models import Activity, Pair
from plugin.services.athletes import forget_athlete
from plugin.strava.client import athlete_client

log = logging.getLogger(__name__)


@bp.get("/account")
@login_required
def index():
    athlete_id = current_user.id
    counts = {
        "activities": db.session.scalar(select(func.count()).select_from(Activity).where(Activity.athlete_id == athlete_id)),
        "pairs": db.session.scalar(select(func.count()).select_from(Pair).where(Pair.athlete_id == athlete_id)),
    }
    return render_template("account.html", counts=counts)


@bp.get("/account/export")
@login_required
def export():
    data = athlete_export(current_user.id)
    body = json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True)
    log.info("athlete %s downloaded their data", current_user.id)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="liftrun-coach-data-{current_user.id}.json"',
            "Cache-Control": "no-store",
        },
    )


@bp.post("/account/disconnect")
@login_required
def disconnect():
    athlete = current_user._get_current_object()
    athlete_id = athlete.id
    try:
        athlete_client(athlete).deauthorize()
        log.info("deauthorized athlete %s at Strava", athlete_id)
    except Exception:  # noqa: BLE001 - a Strava failure must not keep the athlete's data
        log.exception("could not deauthorize athlete %s at Strava; deleting their data anyway", athlete_id)
        db.session.rollback()
    logout_user()
    forget_athlete(athlete_id)
    flash("You are disconnected: LiftRun Coach no longer has access to your Strava account, "
          "and everything we stored about you is deleted.")
    return redirect(url_for("pages.landing"))


@bp.post("/logout")
def logout():
    logout_user()
    flash("You are logged out. Your settings stay as they are; LiftRun Coach keeps working on your uploads.")
    return redirect(url_for("pages.landing"))
