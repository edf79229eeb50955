from __future__ import annotations

import logging

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from plugin.extensions import db
from plugin.queue import REEVALUATE_ATHLETE, enqueue
from plugin.settings import bp
from plugin.settings.forms import SettingsForm

log = logging.getLogger(__name__)

# Fields whose change can change a verdict, so recent pairs are judged again.
VERDICT_FIELDS = ("goal", "window_hours")


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def edit():
    settings = current_user.settings
    form = SettingsForm(obj=settings)
    if request.method == "POST":
        if not form.validate():
            log.info("refused settings form for athlete %s: %s", current_user.id, form.errors)
            return render_template("settings.html", form=form), 400
        before = {name: getattr(settings, name) for name in VERDICT_FIELDS}
        previous_mode = settings.mode
        form.populate_obj(settings)
        db.session.commit()
        changed = [name for name in VERDICT_FIELDS if getattr(settings, name) != before[name]]
        if changed and settings.mode != "paused":
            enqueue(REEVALUATE_ATHLETE, current_user.id)
            flash("Saved. Your pairs from the last 14 days are being re-evaluated in the background.")
        else:
            flash("Saved.")
        log.info("athlete %s saved settings (changed: %s, mode %s→%s)", current_user.id, changed, previous_mode, settings.mode)
        return redirect(url_for("settings.edit"))
    return render_template("settings.html", form=form)
