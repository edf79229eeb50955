from __future__ import annotations

import json
import logging

from flask import Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user
from sqlalchemy import func, select

from plugin.account import bp
from plugin.account.export import athlete_export
from plugin.extensions import db
from plugin.models import Activity, Pair
from plugin.queue import DISCONNECT_ATHLETE, enqueue
from plugin.services.athletes import deauthorize_and_forget, stop_for_disconnect, written_activity_ids

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


@bp.get("/account/disconnect")
@login_required
def confirm_disconnect():
    """Show a page of its own, so nobody disconnects by one stray click; its form posts below."""
    return render_template("disconnect.html", written=len(written_activity_ids(current_user.id)))


@bp.post("/account/disconnect")
@login_required
def disconnect():
    """One step for scripts (contract); `remove_advice=1` takes our blocks off first, in the worker."""
    athlete = current_user._get_current_object()
    athlete_id = athlete.id
    written = written_activity_ids(athlete_id) if request.form.get("remove_advice") == "1" else []
    if written:
        previous_mode = athlete.settings.mode
        stop_for_disconnect(athlete)
        if not enqueue(DISCONNECT_ATHLETE, athlete_id, True):
            athlete.settings.mode = previous_mode
            db.session.commit()
            flash("We could not start removing our advice just now, so nothing was changed and you are still "
                  "connected. Please try again in a minute.")
            return redirect(url_for("account.confirm_disconnect"), code=303)
        logout_user()
        log.info("athlete %s disconnects; removing our block from %s activities first", athlete_id, len(written))
        flash(f"We are taking LiftRun Coach's advice off your {len(written)} "
              f"{'activity' if len(written) == 1 else 'activities'} (your own text stays exactly as it is), then we "
              "withdraw our access and delete everything we stored about you. This usually takes under a minute; "
              "if Strava's rate limit is reached, it finishes as soon as the limit resets.")
        return redirect(url_for("pages.landing"))
    logout_user()
    deauthorize_and_forget(athlete)
    flash("You are disconnected: LiftRun Coach no longer has access to your Strava account, "
          "and everything we stored about you is deleted.")
    return redirect(url_for("pages.landing"))


@bp.post("/logout")
def logout():
    logout_user()
    flash("You are logged out. Your settings stay as they are; LiftRun Coach keeps working on your uploads.")
    return redirect(url_for("pages.landing"))
