"""What the look back on connect found, for history and settings.

A new athlete's first question is "did it work?": this says how many of the
last four weeks' lifts and runs we paired and how they fared, or, for an
empty account, what will happen next. `connect_summary(athlete)` is the one
entry point; `look_back_line` is its pure wording, testable without a database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select

from plugin.extensions import db
from plugin.history.summary import phrase_counts
from plugin.models import Activity, Athlete, Pair, utcnow
from plugin.services.backfill import LOOK_BACK, LOOK_BACK_DAYS
from plugin.statuses import PairOrigin, PairStatus

LOOKING, FOUND, NO_PAIRS, EMPTY = "looking", "found", "no_pairs", "empty"
# The look back normally takes seconds; past this we stop saying it is under way.
LOOK_BACK_SHOWN_FOR = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class ConnectSummary:
    """`state` is one of LOOKING, FOUND, NO_PAIRS, EMPTY; `waiting` counts activities
    whose advice is only previewed and could be written with one button."""

    state: str
    text: str
    pairs: int = 0
    activities: int = 0
    waiting: int = 0


def _weeks() -> str:
    weeks = LOOK_BACK_DAYS // 7
    return f"{weeks} weeks" if LOOK_BACK_DAYS % 7 == 0 else f"{LOOK_BACK_DAYS} days"


def look_back_line(verdicts: Iterable[str], activities: int, window_hours: int) -> tuple[str, str]:
    """(state, words): "We looked at your last 4 weeks: 6 pairs, 4 well separated"."""
    verdicts = list(verdicts)
    if verdicts:
        return FOUND, f"We looked at your last {_weeks()}: {phrase_counts(verdicts)}."
    if activities:
        noun = "lift or run" if activities == 1 else "lifts and runs"
        return NO_PAIRS, (f"We looked at your last {_weeks()}: {activities} {noun}, but no lift and run "
                          f"within {window_hours} h of each other, so nothing to judge yet.")
    return EMPTY, (f"We looked at your last {_weeks()} and found no lifts or runs yet. "
                   f"When you upload a lift and a run within {window_hours} h of each other, "
                   "we judge the pair and our advice appears on the later one's Strava description.")


def connect_summary(athlete: Athlete, now: dt.datetime | None = None) -> ConnectSummary | None:
    """None when there is nothing to say: the look back never ran (an account from
    before it existed) and is not under way either."""
    if athlete.backfilled_at is None:
        if (now or utcnow()) - athlete.created_at < LOOK_BACK_SHOWN_FOR:
            return ConnectSummary(LOOKING, f"We are looking at your last {_weeks()} on Strava; "
                                           "what we find shows here in a minute.")
        return None
    verdicts = list(db.session.scalars(
        select(Pair.verdict).where(Pair.athlete_id == athlete.id, Pair.origin == PairOrigin.CONNECT)
    ))
    activities = db.session.scalar(
        select(func.count()).select_from(Activity).where(
            Activity.athlete_id == athlete.id, Activity.start_date >= athlete.backfilled_at - LOOK_BACK,
            Activity.start_date <= athlete.backfilled_at,
        )
    ) or 0
    waiting = db.session.scalar(
        select(func.count(func.distinct(Pair.later_id))).where(
            Pair.athlete_id == athlete.id, Pair.origin == PairOrigin.CONNECT, Pair.status == PairStatus.PREVIEW,
        )
    ) or 0
    state, text = look_back_line(verdicts, activities, athlete.settings.window_hours)
    return ConnectSummary(state, text, pairs=len(verdicts), activities=activities, waiting=waiting)
