"""Judging an athlete's activities and keeping Strava's descriptions in step.

This is the worker's core loop, kept out of the Celery task so it can be tested
and reused: pairs are recomputed from stored activities by the pure engine, the
Pair table is synced for the affected time range, and each later activity gets
exactly one block (or none), written only when the description would change.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import or_, select
from stravalib.exc import ObjectNotFound

from plugin.coaching import EngineOptions, evaluate
from plugin.description_block import is_opted_out, remove_block, render_block, upsert_block
from plugin.extensions import db
from plugin.models import Activity, Athlete, Pair, utcnow

log = logging.getLogger(__name__)

# Activities longer than this are not expected; it widens the range we load so a
# partner's nearest neighbour is never missed at the edge.
MAX_ACTIVITY = dt.timedelta(hours=12)
REEVALUATE_DAYS = 14


@dataclass
class SyncReport:
    written: int = 0
    unchanged: int = 0
    removed: int = 0
    previewed: int = 0
    opted_out: int = 0


def engine_options(athlete: Athlete) -> EngineOptions:
    s = athlete.settings
    return EngineOptions(
        lift_types=s.lift_type_set,
        run_types=s.run_type_set,
        window_hours=s.window_hours,
        language=s.language or "en",
        training_status=s.training_status,
    )


def settings_url() -> str:
    return f"{current_app.config['PUBLIC_URL']}/settings"


def _activities_between(athlete_id: int, start: dt.datetime, end: dt.datetime) -> list[Activity]:
    return list(
        db.session.scalars(
            select(Activity).where(
                Activity.athlete_id == athlete_id,
                Activity.start_date >= start,
                Activity.start_date <= end,
            )
        )
    )


def _choose(pairs):
    """One block per activity: the pair with the smallest gap wins (then the lower first id)."""
    return min(pairs, key=lambda p: (p.gap_minutes, p.first_id))


def sync_range(athlete: Athlete, client, start: dt.datetime, end: dt.datetime, *,
               rewrite_only_written: bool = False) -> SyncReport:
    """Re-judge pairs whose later activity starts in [start, end] and update Strava.

    An activity is only read from Strava when one of its pairs appeared,
    changed or disappeared, which keeps us well inside the rate limits. With
    `rewrite_only_written`, only activities that already carry our block are
    written (a settings change must not write pairs that were only previewed).
    """
    settings = athlete.settings
    window = dt.timedelta(hours=settings.window_hours)
    margin = window + MAX_ACTIVITY
    rows = _activities_between(athlete.id, start - 2 * margin, end + 2 * margin)
    by_id = {row.id: row for row in rows}
    evaluation = evaluate(
        [row.as_engine_input() for row in rows],
        settings.goal,
        zones=athlete.hr_zones,
        max_hr=athlete.max_hr,
        options=engine_options(athlete),
    )
    fresh = [p for p in evaluation.pairs if start <= by_id[p.later_id].start_date <= end]

    stored = list(
        db.session.scalars(
            select(Pair).where(
                Pair.athlete_id == athlete.id,
                or_(Pair.later_start.is_(None), Pair.later_start.between(start, end)),
            )
        )
    )
    stored_by_key = {(p.lift_id, p.run_id): p for p in stored}
    fresh_keys = {(p.lift_id, p.run_id) for p in fresh}
    for lift_id, run_id in fresh_keys - set(stored_by_key):
        # A pair stored under an older start time (the activity was edited) is the same pair.
        known = db.session.scalar(select(Pair).where(Pair.lift_id == lift_id, Pair.run_id == run_id))
        if known is not None:
            stored_by_key[(lift_id, run_id)] = known

    targets: dict[int, list] = {}
    for verdict in fresh:
        targets.setdefault(verdict.later_id, []).append(verdict)
    touched: set[int] = set()
    for key, row in stored_by_key.items():
        if key not in fresh_keys:
            if row.later_id in by_id and row.status == "written":
                touched.add(row.later_id)
            db.session.delete(row)

    report = SyncReport()
    now = utcnow()
    for later_id in sorted(set(targets) | touched):
        chosen = _choose(targets[later_id]) if later_id in targets else None
        rows_for_target = []
        changed = later_id in touched
        for verdict in targets.get(later_id, []):
            row = stored_by_key.get((verdict.lift_id, verdict.run_id))
            if row is None:
                row = Pair(athlete_id=athlete.id, lift_id=verdict.lift_id, run_id=verdict.run_id, status="pending")
                db.session.add(row)
                changed = True
            elif row.advice != verdict.advice or row.verdict != verdict.verdict:
                changed = True
            _copy_verdict(row, verdict, by_id[later_id].start_date)
            rows_for_target.append((row, verdict))

        already_written = any(row.status == "written" for row, _ in rows_for_target) or later_id in touched
        if settings.mode != "write":
            for row, _ in rows_for_target:
                row.status = "preview"
            report.previewed += len(rows_for_target)
            continue
        if not changed and all(row.status in ("written", "opted_out", "superseded") for row, _ in rows_for_target):
            report.unchanged += 1
            continue
        if rewrite_only_written and not already_written:
            for row, _ in rows_for_target:
                row.status = row.status if row.status != "pending" else "preview"
            continue

        block = render_block(chosen.advice, settings_url()) if chosen else None
        outcome = write_description(client, later_id, block)
        if outcome == "opted_out":
            report.opted_out += 1
        elif outcome == "written":
            report.written += 1 if block else 0
            report.removed += 0 if block else 1
        else:
            report.unchanged += 1
        for row, verdict in rows_for_target:
            if outcome == "opted_out":
                row.status = "opted_out"
            elif verdict is chosen:
                row.status = "written"
                row.written_at = now
            else:
                row.status = "superseded"
    db.session.commit()
    return report


def _copy_verdict(row: Pair, verdict, later_start: dt.datetime) -> None:
    row.later_id = verdict.later_id
    row.later_start = later_start
    row.order = verdict.order
    row.gap_minutes = verdict.gap_minutes
    row.tier = verdict.tier
    row.verdict = verdict.verdict
    row.fuel = verdict.fuel
    row.intensity = verdict.intensity
    row.intensity_source = verdict.intensity_source
    row.goal = verdict.goal
    row.headline = verdict.headline
    row.advice = verdict.advice


def write_description(client, activity_id: int, block: str | None) -> str:
    """Re-read the description, put our block in (or take it out), write once if changed.

    One PUT carries the whole new description, so a failure can never leave a
    half-written one on Strava.
    """
    try:
        current = client.get_activity(activity_id)
    except ObjectNotFound:
        log.info("activity %s is gone from Strava; nothing to write", activity_id)
        return "unchanged"
    description = current.description or ""
    if is_opted_out(current.name, description):
        log.info("activity %s carries the opt-out tag; not writing", activity_id)
        row = db.session.get(Activity, activity_id)
        if row is not None:
            row.opted_out = True
        return "opted_out"
    new = upsert_block(description, block) if block else remove_block(description)
    if new == description:
        return "unchanged"
    client.update_activity(activity_id, description=new)
    log.info("wrote advice block on activity %s", activity_id)
    return "written"


def forget_activity(athlete: Athlete, activity_id: int) -> tuple[dt.datetime, dt.datetime] | None:
    """Delete an activity; the range to re-judge (where its pairs were), if we knew it.

    Its pairs are left for `sync_range`, which takes our block off the partner.
    """
    row = db.session.get(Activity, activity_id)
    former = list(db.session.scalars(select(Pair).where(or_(Pair.lift_id == activity_id, Pair.run_id == activity_id))))
    starts = [p.later_start for p in former if p.later_start] + ([row.start_date] if row and row.start_date else [])
    if row is not None:
        db.session.delete(row)
    db.session.commit()
    if not starts:
        return None
    return min(starts), max(starts)


def reevaluate_recent(athlete: Athlete, client, now: dt.datetime | None = None) -> SyncReport:
    now = now or utcnow()
    return sync_range(
        athlete, client, now - dt.timedelta(days=REEVALUATE_DAYS), now + dt.timedelta(days=1),
        rewrite_only_written=True,
    )
