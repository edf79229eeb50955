"""The verdict table of rules.md as code.

Kept separate from the wording so the verdict (a stable code other parts of
the product store and compare) can never depend on language or phrasing, and
so each table row maps to one visible branch here.
"""

from __future__ import annotations

from .codes import ENDURANCE_GOALS, LIFT_FIRST, STRENGTH_GOALS
from .rules import Rules


def tier_for_gap(gap_s: int, rules: Rules) -> str:
    if gap_s < rules.same_session_below_s:
        return "same_session"
    if gap_s < rules.short_below_s:
        return "short"
    if gap_s < rules.acceptable_below_s:
        return "acceptable"
    if gap_s < rules.good_below_s:
        return "good"
    return "ideal"


def needs_fuel(gap_s: int, rules: Rules) -> bool:
    """Whatever the goal: recovery this short calls for carbs + protein between."""
    return gap_s < rules.fuel_below_s


def verdict_for(goal: str, order: str, gap_s: int, run_s: int, easy: bool | None,
                rules: Rules) -> str:
    """One verdict code per pair.

    `easy` is True at or below Zone 2, False above it, None when not measured;
    the table treats "unknown" like easy for the short-run rows (the text then
    says intensity was not measured) and ignores it elsewhere.
    """
    if gap_s >= rules.well_separated_from_s:
        return "well_separated"
    if gap_s >= rules.close_gap_below_s:
        return "acceptable_gap"
    short_and_easy = run_s <= rules.cooldown_ok_max_s and easy is not False
    if goal in STRENGTH_GOALS:
        if order == LIFT_FIRST:
            if short_and_easy:
                return "cooldown_ok"
            if run_s <= rules.cooldown_borderline_max_s:
                return "cooldown_borderline"
            return "interference_risk"
        return "warmup_ok" if short_and_easy else "lift_first_next_time"
    if goal in ENDURANCE_GOALS:
        return "fits_goal_lift_first" if order == LIFT_FIRST else "fits_goal_run_first"
    return "keep_second_easy"
