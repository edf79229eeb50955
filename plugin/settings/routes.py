from __future__ import annotations

import logging

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from plugin.extensions import db
from plugin.queue import REEVALUATE_ATHLETE, enqueue
from plugin.settings import bp
from plugin.settings import forms
from plugin.settings.forms import SettingsForm

log = logging.getLogger(__name__)

# Settings whose change can change a verdict, so recent pairs are judged again.
# `mode` is not one of them: switching preview -> write must not write old pairs.
VERDICT_FIELDS = ("goal", "training_status", "lift_type_set", "run_type_set", "window_hours", "max_hr", "language")
REEVALUATE_DAYS = 14


def _verdict_state(settings) -> dict:
    return {name: getattr(settings, name) for name in VERDICT_FIELDS}


def _render(form, status: int = 200):
    return render_template("settings.html", form=form, forms=forms, reevaluate_days=REEVALUATE_DAYS), status


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def edit():
    settings = current_user.settings
    form = SettingsForm(settings=settings)
    if request.method == "POST":
        if not form.validate():
            log.info("refused settings form for athlete %s: %s", current_user.id, form.errors)
            return _render(form, 400)
        before = _verdict_state(settings)
        previous_mode = settings.mode
        form.apply_to(settings)
        db.session.commit()
        after = _verdict_state(settings)
        changed = [name for name in VERDICT_FIELDS if after[name] != before[name]]
        if changed and settings.mode != "paused":
            enqueue(REEVALUATE_ATHLETE, current_user.id)
            flash(f"Saved. Your pairs from the last {REEVALUATE_DAYS} days are being re-evaluated in the background; "
                  "your history and Strava descriptions update in a minute or two.")
        elif changed:
            flash("Saved. LiftRun Coach is paused, so nothing is re-evaluated until you switch it back on.")
        else:
            flash("Saved.")
        log.info("athlete %s saved settings (changed: %s, mode %s→%s)",
                 current_user.id, changed, previous_mode, settings.mode)
        return redirect(url_for("settings.edit"))
    return _render(form)
