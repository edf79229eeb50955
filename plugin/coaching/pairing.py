"""Which lifts and runs belong together, and in what order.

rules.md pins the details so that the same activities always give the same
pairs, whatever order they arrive in: gap = later start - earlier end in UTC
seconds (0 on overlap), the window bounds the gap inclusively, and each
activity pairs with its nearest partner on each side (smallest gap, then
closer start, then lower id).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from .activities import Activity


def first_and_later(lift: Activity, run: Activity) -> tuple[Activity, Activity]:
    """Return the activity that started first; on the same second the lift counts as first."""
    if run.start < lift.start:
        return run, lift
    return lift, run


def gap_seconds(lift: Activity, run: Activity) -> int:
    first, later = first_and_later(lift, run)
    return max(0, later.start - first.end)


class _ByStart:
    """Activities sorted by start, so each search only looks inside the window."""

    def __init__(self, activities: Iterable[Activity]):
        self.items = sorted(activities, key=lambda a: (a.start, a.id))
        self.starts = [a.start for a in self.items]
        self.longest = max((a.elapsed_s for a in self.items), default=0)

    def near(self, activity: Activity, window_s: float) -> list[Activity]:
        # A partner that started first must end within the window before us,
        # so it cannot have started earlier than this (its length is bounded
        # by the longest candidate); one that starts after us must start
        # within the window after our end.
        low = activity.start - window_s - self.longest
        high = activity.end + window_s
        lo = bisect.bisect_left(self.starts, low)
        hi = bisect.bisect_right(self.starts, high)
        return self.items[lo:hi]


def _nearest_each_side(activity: Activity, candidates: list[Activity], window_s: float,
                       activity_is_lift: bool) -> list[Activity]:
    best: dict[bool, tuple[tuple[float, int, int], Activity]] = {}
    for other in candidates:
        lift, run = (activity, other) if activity_is_lift else (other, activity)
        first, _ = first_and_later(lift, run)
        gap = gap_seconds(lift, run)
        if gap > window_s:
            continue
        other_is_first = first is other
        key = (gap, abs(other.start - activity.start), other.id)
        if other_is_first not in best or key < best[other_is_first][0]:
            best[other_is_first] = (key, other)
    return [other for _, other in best.values()]


def find_pairs(lifts: list[Activity], runs: list[Activity],
               window_s: float) -> list[tuple[Activity, Activity]]:
    """Union of every lift's nearest runs and every run's nearest lifts.

    Returned as (lift, run) tuples without duplicates, in a fixed order
    (by the later activity's start, then the first's, then ids).
    """
    runs_by_start = _ByStart(runs)
    lifts_by_start = _ByStart(lifts)
    found: dict[tuple[int, int], tuple[Activity, Activity]] = {}
    for lift in lifts:
        for run in _nearest_each_side(lift, runs_by_start.near(lift, window_s), window_s, True):
            found[(lift.id, run.id)] = (lift, run)
    for run in runs:
        for lift in _nearest_each_side(run, lifts_by_start.near(run, window_s), window_s, False):
            found[(lift.id, run.id)] = (lift, run)

    def order(pair: tuple[Activity, Activity]) -> tuple[int, int, int, int]:
        first, later = first_and_later(*pair)
        return (later.start, first.start, pair[0].id, pair[1].id)

    return sorted(found.values(), key=order)
