from __future__ import annotations

import datetime as dt

import logging

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import func, select

from plugin.coaching.codes import FULL, LIFT_FIRST, LOWER, RUN_FIRST, UPPER
from plugin.coaching.durations import format_gap as format_gap_seconds
from plugin.coaching.options import default_rules
from plugin.extensions import db
from plugin.history import bp
from plugin.history import progress
from plugin.history.chart import LEGEND, ChartPoint, chart_range, render_gap_chart
from plugin.history.first_look import connect_summary
from plugin.history.summary import weekly_line
from plugin.history.timezones import athlete_zone, zone_label
from plugin.history.verdicts import tone
from plugin.models import Activity, Pair
from plugin.queue import WRITE_CONNECT_ADVICE, enqueue
from plugin.services.backfill import preview_activity_count
from plugin.settings.forms import GOAL_LABELS
from plugin.statuses import Mode, PairOrigin, PairStatus

log = logging.getLogger(__name__)

CHART_WEEKS = 8
LIST_LIMIT = 200

STATUS_LABELS = {
    PairStatus.WRITTEN: "Written to Strava",
    PairStatus.PREVIEW: "Preview only (not written to Strava)",
    PairStatus.OPTED_OUT: "Opted out (#noliftrun): not written",
    PairStatus.SUPERSEDED: "Not written: a closer pair's advice is on this activity",
    PairStatus.PENDING: "Waiting to be written",
}
ORIGIN_LABELS = {PairOrigin.CONNECT: "Judged on connect"}
ORDER_LABELS = {LIFT_FIRST: "Lift, then run", RUN_FIRST: "Run, then lift"}
# What the lift trained, as told by its exercise list; a lift without one says nothing.
FOCUS_LABELS = {LOWER: "Lower body", UPPER: "Upper body", FULL: "Full body"}


def format_gap(minutes: int | None) -> str:
    if minutes is None:
        return "unknown"
    if minutes <= 0:
        return "none (they overlap or follow at once)"
    return format_gap_seconds(int(minutes) * 60)


def format_local(moment: dt.datetime | None, zone: dt.tzinfo) -> str:
    if moment is None:
        return "unknown time"
    local = moment.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"


def latest_activity_zone(athlete_id: int) -> str | None:
    return db.session.scalar(
        select(Activity.timezone)
        .where(Activity.athlete_id == athlete_id, Activity.timezone.is_not(None), Activity.timezone != "")
        .order_by(Activity.start_date.desc().nulls_last(), Activity.id.desc())
        .limit(1)
    )


def goal_name(goal: str) -> str:
    """"Strength", from the settings' "Strength — lift heavier"."""
    return GOAL_LABELS.get(goal, goal.replace("_", " ")).split(" — ")[0]


def earlier_goal_note(pair_goal: str | None, current_goal: str) -> str | None:
    """Said on a pair judged under another goal than today's, whose colour follows that goal."""
    if not pair_goal or pair_goal == current_goal:
        return None
    return f"Judged for your earlier goal ({goal_name(pair_goal)}), not for {goal_name(current_goal)}"


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@bp.get("/history")
@login_required
def index():
    athlete = current_user
    settings = athlete.settings
    zone = athlete_zone(settings.timezone, latest_activity_zone(athlete.id))
    # Only what the page shows: the newest LIST_LIMIT rows, and the chart's weeks (which hold this week).
    pairs = list(db.session.scalars(
        select(Pair)
        .where(Pair.athlete_id == athlete.id)
        .order_by(Pair.later_start.desc().nulls_last(), Pair.id.desc())
        .limit(LIST_LIMIT)
    ))
    total = db.session.scalar(select(func.count()).select_from(Pair).where(Pair.athlete_id == athlete.id))
    now = now_utc()
    chart_start, chart_end = chart_range(now, zone, CHART_WEEKS)
    recent = list(db.session.scalars(
        select(Pair).where(Pair.athlete_id == athlete.id, Pair.later_start >= chart_start,
                           Pair.later_start < chart_end)
    ))
    ids = {p.lift_id for p in pairs} | {p.run_id for p in pairs}
    activities = {
        a.id: a for a in db.session.scalars(select(Activity).where(Activity.id.in_(ids)))
    } if ids else {}
    base = current_app.config["STRAVA_BASE_URL"]

    def side(activity_id: int, kind: str) -> dict:
        activity = activities.get(activity_id)
        return {
            "id": activity_id,
            "kind": kind,
            "name": (activity.name if activity and activity.name else f"{kind.capitalize()} {activity_id}"),
            "sport_type": activity.sport_type if activity else None,
            "start": format_local(activity.start_date, zone) if activity else None,
            "url": f"{base}/activities/{activity_id}",
        }

    rows = [
        {
            "id": p.id,
            "date": format_local(p.later_start, zone),
            "lift": side(p.lift_id, "lift"),
            "run": side(p.run_id, "run"),
            "order": ORDER_LABELS.get(p.order, p.order),
            "gap": format_gap(p.gap_minutes),
            "verdict": p.verdict,
            "tone": tone(p.verdict) or "",
            "headline": p.headline or p.verdict.replace("_", " "),
            "lift_focus": FOCUS_LABELS.get(p.lift_focus or ""),
            "advice": p.advice,
            "status": p.status,
            "status_label": STATUS_LABELS.get(p.status, p.status.replace("_", " ")),
            "origin": p.origin,
            "origin_label": ORIGIN_LABELS.get(p.origin),
            "earlier_goal": earlier_goal_note(p.goal, settings.goal),
        }
        for p in pairs
    ]
    chart = render_gap_chart(
        [ChartPoint(p.later_start, p.gap_minutes, p.verdict, p.headline) for p in recent],
        now=now, zone=zone, goal=settings.goal, rules=default_rules(), weeks=CHART_WEEKS,
    )
    notes = progress.work_in_progress(athlete)
    return render_template(
        "history.html",
        rows=rows,
        total=total,
        chart=chart,
        chart_svg=Markup(chart.svg),  # built from escaped parts in plugin.history.chart
        legend=LEGEND,
        weekly=weekly_line(((p.later_start, p.verdict) for p in recent), now, zone),
        zone_name=zone_label(zone),
        mode=settings.mode,
        weeks=CHART_WEEKS,
        first_look=connect_summary(athlete),
        notes=notes,
        can_write=settings.mode == Mode.WRITE,
        writing=any(note.kind == progress.WRITING for note in notes),
    )


@bp.post("/history/write-connect-advice")
@login_required
def write_connect_advice():
    """Record the athlete's go-ahead for the look back's previews; the worker writes them within the rate budget."""
    athlete = current_user
    count = preview_activity_count(athlete.id)
    if count == 0:
        flash("There is no advice from the look back waiting to be written.")
        return redirect(url_for("history.index"), code=303)
    if athlete.settings.mode != Mode.WRITE:
        log.info("athlete %s asked to write look-back advice in %s mode; refused", athlete.id, athlete.settings.mode)
        flash("LiftRun Coach is not in write mode, so nothing was written. "
              "Switch to \"write advice to Strava\" in your settings first.")
        return redirect(url_for("history.index"), code=303)
    # Marked before queueing: a fast worker clears the marker when it is done.
    progress.start(progress.WRITING, athlete.id, count)
    if not enqueue(WRITE_CONNECT_ADVICE, athlete.id):
        progress.finish(progress.WRITING, athlete.id)
        flash("We could not start writing just now; nothing was written. Please try again in a minute.")
        return redirect(url_for("history.index"), code=303)
    log.info("athlete %s asked to write look-back advice on %s activities", athlete.id, count)
    flash(f"Writing advice on {count} {'activity' if count == 1 else 'activities'} in the background, "
          "within Strava's rate limit. Each one keeps your own text exactly as it is.")
    return redirect(url_for("history.index"), code=303)
