"""Judging an athlete's activities and keeping Strava's descriptions in step.

This is the worker's core loop, kept out of the Celery task so it can be tested
and reused: pairs are recomputed from stored activities by the pure engine, the
Pair table is synced for the affected time range (the plan), and each later
activity gets exactly one block (or none), written only when the description
would change. Nothing here commits: the task that called us owns the
transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select
from stravalib import Client
from stravalib.exc import ObjectNotFound

from plugin.coaching import EngineOptions, Evaluation, evaluate
from plugin.coaching.results import PairVerdict
from plugin.description_block import is_opted_out, remove_block, render_block, signature_line, upsert_block
from plugin.extensions import db
from plugin.models import Activity, Athlete, Pair, utcnow
from plugin.public_urls import public_url
from plugin.services.activities import store_strava_activity
from plugin.services.advice_week import week_inputs
from plugin.statuses import Mode, PairOrigin, PairStatus, WriteOutcome

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
        signature_chars=len(signature_line(settings_url())),
    )


def settings_url() -> str:
    """Return the link in every block: PUBLIC_URL's, whether built in a request or in the worker."""
    return public_url("settings.edit")


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


if TYPE_CHECKING:
    from plugin.strava.gateway import AthleteStrava


def _choose(pairs: list[PairVerdict]) -> PairVerdict:
    """One block per activity: the pair with the smallest gap wins (then the lower first id)."""
    return min(pairs, key=lambda p: (p.gap_minutes, p.first_id))


@dataclass
class Target:
    """One description to change: `block` goes on, or (None) ours comes off."""

    activity_id: int
    block: str | None
    rows: list[tuple[Pair, PairVerdict]]
    chosen: PairVerdict | None
    opted_out: bool = False


def evaluate_stored(athlete: Athlete, rows: list[Activity], **inputs: Any) -> Evaluation:
    """Judge stored activities with the athlete's goal, zones and options (one call for every caller)."""
    return evaluate(
        [row.as_engine_input() for row in rows],
        athlete.settings.goal,
        zones=athlete.hr_zones,
        max_hr=athlete.max_hr,
        options=engine_options(athlete),
        **inputs,
    )


def plan_range(athlete: Athlete, start: dt.datetime, end: dt.datetime, *,
               rewrite_only_written: bool = False,
               carry: frozenset[int] = frozenset(),
               about: frozenset[int] = frozenset()) -> tuple[list[Target], SyncReport]:
    """Re-judge pairs whose later activity starts in [start, end], from stored activities only.

    Updates the Pair rows in the session and returns the descriptions that
    must change; nothing is read from or written to Strava here. With
    `rewrite_only_written`, only activities that already carry our block are
    targets (a settings change must not write pairs that were only previewed).
    `about` names the activities the caller's event is about: a pair judged
    on connect is written only with the athlete's go-ahead, unless an event
    about one of its own activities arrives (the upload the look back saw
    first) or a new pair joins it.
    """
    settings = athlete.settings
    window = dt.timedelta(hours=settings.window_hours)
    margin = window + MAX_ACTIVITY
    rows = _activities_between(athlete.id, start - 2 * margin, end + 2 * margin)
    by_id = {row.id: row for row in rows}
    evaluation = evaluate_stored(athlete, rows, **week_inputs(athlete, rows, start))
    # Every stored row here has a start (the query bounds it), and only those can be in a pair.
    starts = {row.id: row.start_date for row in rows if row.start_date is not None}
    fresh = [p for p in evaluation.pairs if start <= starts[p.later_id] <= end]

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

    targets: dict[int, list[PairVerdict]] = {}
    for verdict in fresh:
        targets.setdefault(verdict.later_id, []).append(verdict)
    touched: set[int] = {activity_id for activity_id in carry if activity_id in by_id}
    for key, row in stored_by_key.items():
        if key not in fresh_keys:
            if row.later_id in by_id and row.status == PairStatus.WRITTEN:
                touched.add(row.later_id)
            db.session.delete(row)

    report = SyncReport()
    plan: list[Target] = []
    for later_id in sorted(set(targets) | touched):
        chosen = _choose(targets[later_id]) if later_id in targets else None
        rows_for_target = []
        changed = later_id in touched
        for verdict in targets.get(later_id, []):
            found = stored_by_key.get((verdict.lift_id, verdict.run_id))
            if found is None:
                row = Pair(athlete_id=athlete.id, lift_id=verdict.lift_id, run_id=verdict.run_id,
                           status=PairStatus.PENDING)
                db.session.add(row)
                changed = True
            else:
                row = found
                if row.advice != verdict.advice or row.verdict != verdict.verdict:
                    changed = True
            _copy_verdict(row, verdict, by_id[later_id].start_date)
            rows_for_target.append((row, verdict))

        already_written = any(row.status == PairStatus.WRITTEN for row, _ in rows_for_target) or later_id in touched
        if by_id[later_id].opted_out:
            # The athlete opted out: our block comes off once (if it is there), then never again.
            for row, _ in rows_for_target:
                row.status = PairStatus.OPTED_OUT
            report.opted_out += 1
            if already_written and settings.mode == Mode.WRITE:
                plan.append(Target(later_id, None, rows_for_target, None, opted_out=True))
            continue
        if settings.mode != Mode.WRITE:
            for row, _ in rows_for_target:
                row.status = PairStatus.PREVIEW
            report.previewed += len(rows_for_target)
            continue
        if not changed and all(row.status in _SETTLED for row, _ in rows_for_target):
            report.unchanged += 1
            continue
        if _awaits_go_ahead(rows_for_target, about) and later_id not in touched:
            report.previewed += len(rows_for_target)
            continue
        if rewrite_only_written and not already_written:
            for row, _ in rows_for_target:
                row.status = row.status if row.status != PairStatus.PENDING else PairStatus.PREVIEW
            continue
        block = render_block(chosen.advice, settings_url(), headline=chosen.headline) if chosen else None
        plan.append(Target(later_id, block, rows_for_target, chosen))
    return plan, report


_SETTLED = (PairStatus.WRITTEN, PairStatus.OPTED_OUT, PairStatus.SUPERSEDED)
# Re-plans allowed when fresh reads show the stored activities were out of date.
MAX_REPLANS = 2


def _awaits_go_ahead(rows: list[tuple[Pair, PairVerdict]], about: frozenset[int]) -> bool:
    """Tell whether every pair of the target is a look-back preview that no event of its own has reached."""
    return all(
        row.origin == PairOrigin.CONNECT and row.status == PairStatus.PREVIEW
        and row.lift_id not in about and row.run_id not in about
        for row, _ in rows
    )


def sync_range(athlete: Athlete, strava: AthleteStrava, start: dt.datetime, end: dt.datetime, *,
               rewrite_only_written: bool = False, about: frozenset[int] = frozenset()) -> SyncReport:
    """Plan from stored activities, then write each changed description (compare before write).

    Each write is built from the description as read in this task. When that
    read shows the activity changed in a way that alters the plan (sport
    type, times, the opt-out tag), the range is planned again from the fresh
    data before anything is written.
    """
    carry: frozenset[int] = frozenset()
    for _ in range(MAX_REPLANS + 1):
        plan, report = plan_range(athlete, start, end, rewrite_only_written=rewrite_only_written,
                                  carry=carry, about=about)
        carry = carry | {t.activity_id for t in plan if t.block is None}
        stale = _refresh_targets(athlete, strava, plan)
        if not stale:
            break
        log.info("activities %s changed on Strava since planning; planning again", sorted(stale))
    now = utcnow()
    for target in plan:
        outcome = write_description(strava, target.activity_id, target.block, opted_out=target.opted_out)
        if outcome == WriteOutcome.OPTED_OUT:
            report.opted_out += 0 if target.opted_out else 1
        elif outcome == WriteOutcome.WRITTEN:
            report.written += 1 if target.block else 0
            report.removed += 0 if target.block else 1
        else:
            report.unchanged += 1
        for row, verdict in target.rows:
            if outcome == WriteOutcome.OPTED_OUT or target.opted_out:
                row.status = PairStatus.OPTED_OUT
            elif verdict is target.chosen:
                row.status = PairStatus.WRITTEN
                row.written_at = now
            else:
                row.status = PairStatus.SUPERSEDED
    db.session.flush()
    return report


def _refresh_targets(athlete: Athlete, strava: AthleteStrava, plan: list[Target]) -> set[int]:
    """Read each target fresh (or reuse this task's read) and store it; ids whose engine input moved."""
    stale: set[int] = set()
    for target in plan:
        try:
            current = strava.fresh_activity(target.activity_id)
        except ObjectNotFound:
            continue
        row = db.session.get(Activity, target.activity_id)
        before = row.as_engine_input() if row is not None else None
        opted_before = row.opted_out if row is not None else False
        row = store_strava_activity(athlete.id, current)
        if before != row.as_engine_input() or opted_before != row.opted_out:
            stale.add(target.activity_id)
    if stale:
        db.session.flush()
    return stale


def _copy_verdict(row: Pair, verdict: PairVerdict, later_start: dt.datetime | None) -> None:
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
    row.lift_focus = verdict.lift_focus
    row.advice = verdict.advice


def write_description(strava: AthleteStrava | Client, activity_id: int, block: str | None, *, opted_out: bool = False) -> WriteOutcome:
    """Put our block in (or take it out) of the fresh description; one PUT only if it changes.

    One PUT carries the whole new description, so a failure can never leave a
    half-written one on Strava; everything that is not our block is kept.
    `strava` is an `AthleteStrava` (reuses this task's read) or a bare
    stravalib client (reads now).
    """
    read = getattr(strava, "fresh_activity", None) or strava.get_activity
    try:
        current = read(activity_id)
    except ObjectNotFound:
        log.info("activity %s is gone from Strava; nothing to write", activity_id)
        return WriteOutcome.UNCHANGED
    description = current.description or ""
    opted_out = opted_out or is_opted_out(current.name, description)
    if opted_out:
        row = db.session.get(Activity, activity_id)
        if row is not None:
            row.opted_out = True
    new = remove_block(description) if opted_out or not block else upsert_block(description, block)
    if new == description:
        return WriteOutcome.OPTED_OUT if opted_out else WriteOutcome.UNCHANGED
    if hasattr(strava, "update_description"):
        strava.update_description(activity_id, new)
    else:
        strava.update_activity(activity_id, description=new)
    log.info("%s advice block on activity %s", "took off" if opted_out or not block else "wrote", activity_id)
    return WriteOutcome.OPTED_OUT if opted_out else WriteOutcome.WRITTEN


def forget_activity(athlete: Athlete, activity_id: int) -> tuple[dt.datetime, dt.datetime] | None:
    """Delete an activity; the range to re-judge (where its pairs were), if we knew it.

    Its pairs are left for `sync_range`, which takes our block off the partner.
    """
    row = db.session.get(Activity, activity_id)
    former = list(db.session.scalars(select(Pair).where(or_(Pair.lift_id == activity_id, Pair.run_id == activity_id))))
    starts = [p.later_start for p in former if p.later_start] + ([row.start_date] if row and row.start_date else [])
    if row is not None:
        db.session.delete(row)
    db.session.flush()
    if not starts:
        return None
    return min(starts), max(starts)


def reevaluate_recent(athlete: Athlete, strava: AthleteStrava, now: dt.datetime | None = None) -> SyncReport:
    now = now or utcnow()
    return sync_range(
        athlete, strava, now - dt.timedelta(days=REEVALUATE_DAYS), now + dt.timedelta(days=1),
        rewrite_only_written=True,
    )
