from __future__ import annotations

import logging

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from plugin.extensions import db
from plugin.history import progress
from plugin.history.first_look import connect_summary
from plugin.models import utcnow
from plugin.services.advice_sync import REEVALUATE_DAYS
from plugin.queue import REEVALUATE_ATHLETE, enqueue
from plugin.settings import bp
from plugin.settings import forms
from plugin.settings.forms import SettingsForm
from plugin.settings.zones import describe_zones
from plugin.statuses import Mode

log = logging.getLogger(__name__)

# Settings whose change can change a verdict, so recent pairs are judged again.
# `mode` is not one of them: switching preview -> write must not write old pairs.
VERDICT_FIELDS = ("goal", "training_status", "lift_type_set", "run_type_set", "window_hours", "max_hr", "language")
# The welcome step's form says where it came from, so a refusal shows that step again.
WELCOME_STEP = "welcome"
# Folded sections, each opened when one of its fields was refused.
ADVANCED_SECTIONS = {
    "sports": ("lift_types", "run_types"),
    "pairing": ("window_hours",),
    "heart-rate": ("max_hr",),
    "language": ("language", "timezone"),
    "mode": ("mode",),
}


def _verdict_state(settings) -> dict:
    return {name: getattr(settings, name) for name in VERDICT_FIELDS}


def _render(form, *, welcome: bool, status: int = 200):
    settings = current_user.settings
    refused = {name for name, errors in form.errors.items() if errors}
    open_sections = {section for section, names in ADVANCED_SECTIONS.items() if refused & set(names)}
    return render_template(
        "settings.html", form=form, forms=forms, reevaluate_days=REEVALUATE_DAYS, welcome=welcome,
        welcome_step=WELCOME_STEP, goal_chosen=settings.goal_chosen_at is not None, open_sections=open_sections,
        zones=describe_zones(current_user.hr_zones, current_user.max_hr),
        notes=progress.work_in_progress(current_user), first_look=connect_summary(current_user),
    ), status


def _note_goal_choice(settings, goal_before: str) -> None:
    """Count a goal sent by the athlete as chosen: the welcome step is then over."""
    if "goal" in request.form and (settings.goal_chosen_at is None or settings.goal != goal_before):
        settings.goal_chosen_at = utcnow()


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def edit():
    settings = current_user.settings
    form = SettingsForm(settings=settings)
    from_welcome = request.form.get("step") == WELCOME_STEP
    if request.method == "POST":
        if not form.validate():
            log.info("refused settings form for athlete %s: %s", current_user.id, form.errors)
            return _render(form, welcome=from_welcome, status=400)
        before = _verdict_state(settings)
        previous_mode = settings.mode
        form.apply_to(settings)
        _note_goal_choice(settings, before["goal"])
        db.session.commit()
        after = _verdict_state(settings)
        changed = [name for name in VERDICT_FIELDS if after[name] != before[name]]
        if from_welcome:
            flash(f"Saved: your goal is {forms.GOAL_LABELS[settings.goal]}. Everything else below works as it is; "
                  "change it whenever you like.")
        elif changed and settings.mode != Mode.PAUSED:
            flash(f"Saved. Your pairs from the last {REEVALUATE_DAYS} days are being re-evaluated in the background; "
                  "your history and Strava descriptions update in a minute or two.")
        elif changed:
            flash("Saved. LiftRun Coach is paused, so nothing is re-evaluated until you switch it back on.")
        else:
            flash("Saved.")
        if changed and settings.mode != Mode.PAUSED:
            enqueue(REEVALUATE_ATHLETE, current_user.id)
            progress.start(progress.REEVALUATING, current_user.id)
        log.info("athlete %s saved settings (changed: %s, mode %s→%s)",
                 current_user.id, changed, previous_mode, settings.mode)
        return redirect(url_for("settings.edit"))
    welcome = settings.goal_chosen_at is None and request.args.get("all") != "1"
    if welcome:
        form.goal.data = None  # the welcome step asks; it does not preset General
    return _render(form, welcome=welcome)
