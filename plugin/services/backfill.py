"""The look back on connect, and writing its advice when the athlete asks.

An athlete who connects should see what we think of their recent training at
once, not after their next lift and run. One paged listing of the last four
weeks is enough (summaries carry sport type, times and heart rate), so the
look back costs a couple of requests however many activities there are.
Nothing is written to Strava here: the pairs are kept as previews marked
`PairOrigin.CONNECT` until the athlete presses "write advice on these".
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import select

from plugin.description_block import render_block
from plugin.extensions import db
from plugin.models import Activity, Athlete, Pair, utcnow
from plugin.services.activities import store_strava_activity
from plugin.services.advice_sync import _copy_verdict, evaluate_stored, settings_url, write_description
from plugin.services.events import CONNECT_LOOK_BACK, EventWork, athlete_lock, refresh_zones_if_due
from plugin.statuses import Mode, PairOrigin, PairStatus, WriteOutcome
from plugin.strava.client import rate_budget
from plugin.strava.gateway import AthleteStrava

log = logging.getLogger(__name__)

LOOK_BACK = CONNECT_LOOK_BACK
LOOK_BACK_DAYS = LOOK_BACK.days
# stravalib pages by Strava's largest page (200): four weeks of even a busy athlete
# fit in one or two requests. The cap only guards against a runaway listing.
LIST_CAP = 1000


@dataclass
class BackfillReport:
    activities: int = 0
    pairs: int = 0


@dataclass
class WriteReport:
    written: int = 0
    unchanged: int = 0
    opted_out: int = 0


def _wanted(athlete: Athlete) -> frozenset[str]:
    settings = athlete.settings
    return settings.lift_type_set | settings.run_type_set


def read_recent_activities(athlete: Athlete, strava: AthleteStrava, now: dt.datetime) -> int:
    """Store the athlete's lifts and runs of the last four weeks from one paged listing."""
    wanted = _wanted(athlete)
    stored = 0
    for summary in strava.list_activities(after=now - LOOK_BACK, before=now + dt.timedelta(hours=1), limit=LIST_CAP):
        sport = getattr(summary.sport_type, "root", summary.sport_type)
        if sport in wanted:
            store_strava_activity(athlete.id, summary)
            stored += 1
    db.session.commit()
    return stored


def judge_recent(athlete: Athlete, now: dt.datetime) -> int:
    """Judge the stored activities of the look-back period; new pairs become connect previews.

    Pairs we already know (an event judged them first) are left as they are:
    the look back must never downgrade advice that is already on Strava.
    """
    start = now - LOOK_BACK
    rows = list(db.session.scalars(
        select(Activity).where(Activity.athlete_id == athlete.id, Activity.start_date >= start)
    ))
    by_id = {row.id: row for row in rows}
    evaluation = evaluate_stored(athlete, rows, weight_kg=athlete.weight_kg)
    added = 0
    for verdict in evaluation.pairs:
        known = db.session.scalar(
            select(Pair).where(Pair.lift_id == verdict.lift_id, Pair.run_id == verdict.run_id)
        )
        if known is not None:
            continue
        row = Pair(athlete_id=athlete.id, lift_id=verdict.lift_id, run_id=verdict.run_id,
                   origin=PairOrigin.CONNECT, status=PairStatus.PREVIEW)
        _copy_verdict(row, verdict, by_id[verdict.later_id].start_date)
        db.session.add(row)
        added += 1
    db.session.commit()
    return added


def backfill_athlete(athlete_id: int, now: dt.datetime | None = None) -> BackfillReport | None:
    """Read, store and judge the last four weeks; None when the athlete is gone.

    Raises `RateLimitDeferred` / `RetryLater` (wait), `StravaUnavailable` (try again)
    or `ReconnectNeeded`; the task decides what each means.
    """
    athlete = db.session.get(Athlete, athlete_id)
    if athlete is None:
        return None
    now = now or utcnow()
    budget = rate_budget()
    budget.check(reads=3)
    with athlete_lock(athlete.id):
        strava = AthleteStrava(athlete, budget)
        # The event path's zone refresh, reused (it needs only the athlete and the gateway).
        refresh_zones_if_due(EventWork(event=None, athlete=athlete, strava=strava))  # type: ignore[arg-type]
        db.session.commit()
        report = BackfillReport(activities=read_recent_activities(athlete, strava, now))
        report.pairs = judge_recent(athlete, now)
        athlete.backfilled_at = utcnow()
        db.session.commit()
    log.info("looked back on connect for athlete %s: %s", athlete_id, report)
    return report


def connect_previews(athlete_id: int) -> list[Pair]:
    """Pairs judged on connect that are still waiting for the athlete's go-ahead."""
    return list(db.session.scalars(
        select(Pair).where(
            Pair.athlete_id == athlete_id,
            Pair.origin == PairOrigin.CONNECT,
            Pair.status == PairStatus.PREVIEW,
        ).order_by(Pair.later_start, Pair.id)
    ))


def preview_activity_count(athlete_id: int) -> int:
    """How many Strava activities "write advice on these" would write on (one block each)."""
    return len({pair.later_id for pair in connect_previews(athlete_id)})


def write_connect_advice(athlete_id: int) -> WriteReport | None:
    """Write the look back's advice, one activity at a time, committing as it goes.

    Each activity costs a read and (maybe) a write; when the rate budget runs
    out the task is retried and carries on with the activities still waiting,
    so nothing is written twice.
    """
    athlete = db.session.get(Athlete, athlete_id)
    if athlete is None or athlete.settings.mode != Mode.WRITE:
        return None
    budget = rate_budget()
    report = WriteReport()
    with athlete_lock(athlete.id):
        strava = AthleteStrava(athlete, budget)
        by_later: dict[int, list[Pair]] = {}
        for pair in connect_previews(athlete_id):
            by_later.setdefault(pair.later_id, []).append(pair)
        for later_id, pairs in by_later.items():
            budget.check(reads=1)
            chosen = _closest(pairs)
            block = render_block(chosen.advice, settings_url(), headline=chosen.headline)
            outcome = write_description(strava, later_id, block)
            now = utcnow()
            for pair in pairs:
                if outcome == WriteOutcome.OPTED_OUT:
                    pair.status = PairStatus.OPTED_OUT
                elif pair is chosen:
                    pair.status = PairStatus.WRITTEN
                    pair.written_at = now
                else:
                    pair.status = PairStatus.SUPERSEDED
            if outcome == WriteOutcome.OPTED_OUT:
                report.opted_out += 1
            elif outcome == WriteOutcome.WRITTEN:
                report.written += 1
            else:
                report.unchanged += 1
            db.session.commit()
    log.info("wrote look-back advice for athlete %s: %s", athlete_id, report)
    return report


def _closest(pairs: list[Pair]) -> Pair:
    """Make the same choice the event path makes: smallest gap, then the lower first id."""
    return min(pairs, key=lambda p: (p.gap_minutes, p.lift_id + p.run_id - p.later_id))
