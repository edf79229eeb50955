"""Server-rendered sandbox pages: what an athlete would do on strava.com.

A newcomer demos the product by "recording" a lift and a run here and then
reading the advice on the activity page, so the pages create activities with
the same webhooks Strava would send and show descriptions with their line
breaks intact. Plain forms, no JavaScript: a freshly saved activity's page
reloads itself (meta refresh) until the app's advice is there, so a demo
never needs a manual reload.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for

from . import shapes
from .emulator import InvalidInput, current

bp = Blueprint("sandbox_pages", __name__, template_folder="templates")

# A saved activity's page reloads this often while it waits for the app's advice,
# and gives up after this long (a lift saved first never gets advice of its own).
REFRESH_SECONDS = 2
WAIT_FOR_ADVICE_SECONDS = 60


def duration(seconds: int | None) -> str:
    seconds = int(seconds or 0)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def local_time(activity: dict[str, Any]) -> str:
    local, _ = shapes.local_start(activity["start_date"], activity["timezone"])
    return local.strftime("%a %d %b %Y, %H:%M")


@bp.app_template_filter("duration")
def _duration_filter(seconds):
    return duration(seconds)


@bp.app_template_filter("local_start")
def _local_start_filter(activity):
    return local_time(activity)


@bp.app_template_filter("tz_label")
def _tz_label_filter(name):
    return shapes.timezone_label(name)


def last_saved(emu, athlete_id: int) -> dict[str, Any] | None:
    """Return the athlete's most recently saved activity (ids grow with every save), whatever its start."""
    activities = emu.store.activities(athlete_id)
    return max(activities, key=lambda a: a["id"]) if activities else None


def start_after(activity: dict[str, Any], gap_minutes: float):
    """When an activity starting `gap_minutes` after `activity` ends begins (UTC)."""
    return shapes.parse_utc(activity["start_date"]) + timedelta(
        seconds=activity["elapsed_time"], minutes=max(gap_minutes, 0)
    )


def chain_previews(emu, athletes: list[dict[str, Any]], gap_minutes: float) -> list[dict[str, str]]:
    """For the home page: what "after the last saved activity" means for each athlete, before saving."""
    previews = []
    for athlete in athletes:
        anchor = last_saved(emu, athlete["id"])
        if anchor is None:
            continue
        ends = start_after(anchor, 0)
        starts = start_after(anchor, gap_minutes)
        zone = shapes.zone_for(anchor["timezone"])
        previews.append({
            "athlete": f"{athlete['firstname']} {athlete['lastname']}".strip(),
            "name": anchor["name"],
            "ends": ends.astimezone(zone).strftime("%a %d %b, %H:%M"),
            "starts": starts.astimezone(zone).strftime("%a %d %b, %H:%M"),
        })
    return previews


def waiting_for_advice(emu, activity: dict[str, Any]) -> bool:
    """Keep reloading while the app's block is missing and the activity is fresh."""
    if emu.config["APP_NAME"] in (activity.get("description") or ""):
        return False
    age = emu.store.now() - shapes.parse_utc(activity["created_at"]).timestamp()
    return age < WAIT_FOR_ADVICE_SECONDS


def not_found_page():
    return render_template("error.html", title="Not found", message="There is nothing at this address.", fault=None)


def _back_home(notice: str):
    return redirect(url_for("sandbox_pages.home", notice=notice), code=303)


# The run form's default: a short gap after the lift just saved (the classic cool-down jog).
RUN_DEFAULT_GAP = 30


@bp.get("/")
def home():
    emu = current()
    athletes = emu.store.athletes()
    names = {a["id"]: f"{a['firstname']} {a['lastname']}".strip() for a in athletes}
    now = emu.store.now()
    connections = {}
    for athlete in athletes:
        grant = emu.store.grant(athlete["id"], emu.client_id)
        connections[athlete["id"]] = grant
    deliveries = emu.store.snapshot("deliveries")[-10:][::-1]
    return render_template(
        "home.html",
        config=emu.config,
        athletes=athletes,
        names=names,
        connections=connections,
        activities=emu.store.activities(),
        subscriptions=emu.store.subscriptions(),
        deliveries=deliveries,
        rate=emu.limiter.status(),
        chain=chain_previews(emu, athletes, RUN_DEFAULT_GAP),
        run_gap=RUN_DEFAULT_GAP,
        lift_types=shapes.LIFT_SPORT_TYPES,
        run_types=shapes.RUN_SPORT_TYPES,
        notice=request.args.get("notice"),
        now=now,
    )


@bp.post("/simulate")
def simulate():
    emu = current()
    form = request.form
    try:
        athlete_id = int(form.get("athlete_id") or 0)
        minutes = float(form.get("duration_minutes") or 60)
        offset = float(form.get("start_offset_minutes") or 0)
    except ValueError:
        return _back_home("Duration and start offset must be numbers.")
    athlete = emu.store.athlete(athlete_id)
    if athlete is None:
        return _back_home("Choose an athlete.")
    elapsed = int(minutes * 60)
    values: dict[str, Any] = {
        "sport_type": form.get("sport_type"),
        "name": form.get("name") or None,
        "description": form.get("description") or "",
        "elapsed_time": elapsed,
        "moving_time": elapsed,
    }
    if form.get("start_mode") == "after_last":
        anchor = last_saved(emu, athlete_id)
        if anchor is not None:
            values["start_date"] = shapes.format_utc(start_after(anchor, offset))
        else:
            values["start_offset_minutes"] = -minutes
    else:
        values["start_offset_minutes"] = offset
    if form.get("average_heartrate"):
        values["average_heartrate"] = form["average_heartrate"]
    try:
        activity = emu.create_activity(athlete_id, values)
    except InvalidInput as exc:
        return _back_home(f"Not created: {exc}")
    return redirect(url_for("sandbox_pages.activity_page", activity_id=activity["id"], waiting=1,
                            notice="Activity created; the create event is on its way."), code=303)


@bp.get("/activities/<int:activity_id>")
def activity_page(activity_id: int):
    emu = current()
    activity = emu.store.activity(activity_id)
    if activity is None:
        return not_found_page(), 404
    athlete = emu.store.athlete(activity["athlete_id"]) or {}
    watching = request.args.get("waiting") == "1"
    return render_template(
        "activity.html",
        activity=activity,
        athlete=athlete,
        watching=watching,
        app_name=emu.config["APP_NAME"],
        refresh=REFRESH_SECONDS if watching and waiting_for_advice(emu, activity) else None,
        wait_seconds=WAIT_FOR_ADVICE_SECONDS,
        sport_types=shapes.SPORT_TYPES,
        notice=request.args.get("notice"),
    )


@bp.post("/activities/<int:activity_id>/edit")
def edit_activity(activity_id: int):
    form = request.form
    values = {
        "name": form.get("name", ""),
        "sport_type": form.get("sport_type"),
        "description": form.get("description", "").replace("\r\n", "\n"),
        "private": "private" in form,
    }
    try:
        result = current().update_activity(activity_id, values)
    except InvalidInput as exc:
        return redirect(url_for("sandbox_pages.activity_page", activity_id=activity_id,
                                notice=f"Not saved: {exc}"), code=303)
    if result is None:
        return not_found_page(), 404
    _, changed = result
    notice = "Saved." if changed else "Nothing changed."
    if changed and set(changed) <= {"description"}:
        notice = "Saved. (Strava sends no webhook for description edits.)"
    return redirect(url_for("sandbox_pages.activity_page", activity_id=activity_id, notice=notice), code=303)


@bp.post("/activities/<int:activity_id>/delete")
def delete_activity(activity_id: int):
    if current().delete_activity(activity_id) is None:
        return not_found_page(), 404
    return _back_home(f"Activity {activity_id} deleted; the delete event is on its way.")


@bp.post("/athletes/<int:athlete_id>/revoke")
def revoke(athlete_id: int):
    revoked = current().revoke(athlete_id)
    return _back_home("Access revoked; the deauthorization event is on its way." if revoked
                      else "That athlete had not authorized the app.")


@bp.post("/athletes")
def create_athlete():
    form = request.form
    firstname = form.get("firstname", "").strip()
    if not firstname:
        return _back_home("A first name is needed.")
    try:
        max_hr = int(form.get("max_hr") or 0) or None
    except ValueError:
        return _back_home("Max HR must be a whole number.")
    athlete = current().store.add_athlete(firstname, form.get("lastname", "").strip(), max_hr=max_hr)
    return _back_home(f"Athlete {athlete['firstname']} created (id {athlete['id']}).")
