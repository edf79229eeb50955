"""evaluate(): from a list of activities to judged, worded pairs.

Pure orchestration over plain data so the web app, the worker, the bulk
analyser and the CLI all get the same verdict for the same activities, and so
every rule can be tested without a database or Strava.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from .activities import Activity, normalise_activities
from .advice_text import TextFacts, compose
from .codes import GOALS, LIFT_FIRST, NO_FUEL_VERDICTS, RUN_FIRST, is_easy
from .errors import EngineInputError
from .intensity import HrZones, classify_intensity, parse_max_hr, parse_zones
from .messages import Catalog
from .options import EngineOptions, default_rules
from .pairing import find_pairs, first_and_later, gap_seconds
from .results import Evaluation, PairVerdict
from .rules import Rules
from .verdicts import needs_fuel, tier_for_gap, verdict_for
from .week import WeekHistory, parse_earlier_pairs


def evaluate(
    activities: list[dict[str, Any]],
    goal: str,
    *,
    zones: dict[str, Any] | None = None,
    max_hr: int | None = None,
    options: EngineOptions | None = None,
    rules: Rules | None = None,
    weight_kg: float | None = None,
    earlier_pairs: list[dict[str, Any]] | None = None,
    week_tz: dt.tzinfo | None = None,
) -> Evaluation:
    """Pair lifts with runs and judge each pair against the athlete's goal.

    `weight_kg` (the athlete's Strava weight) turns the fuel sentence into
    grams. `earlier_pairs` are the athlete's pairs judged before, of the same
    calendar week(s) as these activities, as plain dicts (`later_start`,
    `verdict`, `gap_minutes`, optionally `lift_id`/`run_id`); with them the
    text can use a short form for a repeated verdict and give the fuel
    sentence for gaps of 3 h or more at most once a week. `week_tz` is the
    athlete's time zone for "calendar week" (UTC without it).

    Raises EngineInputError for input that cannot be judged honestly; the
    result does not depend on the order of `activities`.
    """
    if not isinstance(goal, str) or goal not in GOALS:
        raise EngineInputError(f"unknown goal {goal!r} (expected one of: {', '.join(GOALS)})")
    rules = rules or default_rules()
    if options is None:
        options = EngineOptions.from_rules(rules)
    elif not isinstance(options, EngineOptions):
        raise EngineInputError("options must be an EngineOptions")
    options.validate()
    hr_zones = parse_zones(zones)
    max_hr_value = parse_max_hr(max_hr)

    weight = _parse_weight(weight_kg)
    if week_tz is not None and not isinstance(week_tz, dt.tzinfo):
        raise EngineInputError("week_tz must be a tzinfo")

    lifts, runs, skipped = normalise_activities(activities, options)
    catalog = Catalog(options.language)
    found = find_pairs(lifts, runs, options.window_hours * 3600)
    history = WeekHistory(parse_earlier_pairs(earlier_pairs), week_tz or dt.timezone.utc,
                          exclude={(lift.id, run.id) for lift, run in found})
    pairs = [
        _judge(lift, run, goal, hr_zones, max_hr_value, weight, history, options, rules, catalog)
        for lift, run in found
    ]
    skipped.sort(key=lambda item: (item.id, item.reason))
    return Evaluation(pairs=pairs, skipped=skipped)


def _parse_weight(value: Any) -> float | None:
    """Read the athlete's weight; Strava sends 0 or nothing when it is not set."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or value < 0:
        raise EngineInputError(f"weight_kg must be a positive number, got {value!r}")
    return float(value) if value > 0 else None


def _judge(lift: Activity, run: Activity, goal: str, hr_zones: HrZones | None, max_hr: float | None, weight: float | None,
           history: WeekHistory, options: EngineOptions, rules: Rules, catalog: Catalog) -> PairVerdict:
    first, later = first_and_later(lift, run)
    order = LIFT_FIRST if first is lift else RUN_FIRST
    gap = gap_seconds(lift, run)
    intensity, source = classify_intensity(
        run.average_hr, run.hr_buckets, hr_zones, max_hr,
        zone2_max_hr_fraction=rules.zone2_max_hr_fraction,
        above_zone2_time_share=rules.above_zone2_time_share,
    )
    verdict = verdict_for(goal, order, gap, run.moving_s, is_easy(intensity), rules)
    fuel = needs_fuel(gap, rules)
    tier = tier_for_gap(gap, rules)
    run_minutes = run.moving_s // 60
    previous = history.previous(later.start)
    weekly_fuel_given = history.fuel_given_for_spaced_gaps(later.start, rules)
    spaced = gap >= rules.close_gap_below_s
    fuel_sentence = fuel and verdict not in NO_FUEL_VERDICTS and not (spaced and weekly_fuel_given)
    repeat = previous is not None and previous.verdict == verdict
    headline, advice = compose(
        TextFacts(
            verdict=verdict,
            tier=tier,
            order=order,
            goal=goal,
            gap_s=gap,
            run_minutes=run_minutes,
            intensity=intensity,
            intensity_source=source,
            average_hr=run.average_hr,
            max_hr=max_hr,
            lift_focus=lift.lift_focus,
            fuel_sentence=fuel_sentence,
            weight_kg=weight,
            training_status=options.training_status,
            seed=f"{lift.id}:{run.id}",
            repeat_weekday=history.weekday(previous.later_start) if repeat and previous is not None else None,
            repeat_same_day=repeat and previous is not None and history.same_day(previous.later_start, later.start),
        ),
        rules,
        catalog,
        signature_chars=options.signature_chars,
    )
    history.add(later.start, verdict, gap)
    return PairVerdict(
        lift_id=lift.id,
        run_id=run.id,
        order=order,
        gap_minutes=gap // 60,
        tier=tier,
        verdict=verdict,
        fuel=fuel,
        intensity=intensity,
        intensity_source=source,
        first_id=first.id,
        later_id=later.id,
        goal=goal,
        run_minutes=run_minutes,
        headline=headline,
        advice=advice,
        lift_focus=lift.lift_focus,
    )
