"""evaluate(): from a list of activities to judged, worded pairs.

Pure orchestration over plain data so the web app, the worker, the bulk
analyser and the CLI all get the same verdict for the same activities, and so
every rule can be tested without a database or Strava.
"""

from __future__ import annotations

from .activities import Activity, normalise_activities
from .codes import GOALS, LIFT_FIRST, RUN_FIRST, is_easy
from .errors import EngineInputError
from .intensity import classify_intensity, parse_max_hr, parse_zones
from .messages import AdviceContext, Catalog, compose
from .options import EngineOptions, default_rules
from .pairing import find_pairs, first_and_later, gap_seconds
from .results import Evaluation, PairVerdict
from .rules import Rules
from .verdicts import needs_fuel, tier_for_gap, verdict_for


def evaluate(
    activities: list[dict],
    goal: str,
    *,
    zones: dict | None = None,
    max_hr: int | None = None,
    options: EngineOptions | None = None,
    rules: Rules | None = None,
) -> Evaluation:
    """Pair lifts with runs and judge each pair against the athlete's goal.

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

    lifts, runs, skipped = normalise_activities(activities, options)
    catalog = Catalog(options.language)
    pairs = [
        _judge(lift, run, goal, hr_zones, max_hr_value, options, rules, catalog)
        for lift, run in find_pairs(lifts, runs, options.window_hours * 3600)
    ]
    skipped.sort(key=lambda item: (item.id, item.reason))
    return Evaluation(pairs=pairs, skipped=skipped)


def _judge(lift: Activity, run: Activity, goal: str, hr_zones, max_hr, options: EngineOptions,
           rules: Rules, catalog: Catalog) -> PairVerdict:
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
    run_minutes = run.moving_s // 60
    headline, advice = compose(
        AdviceContext(
            verdict=verdict,
            order=order,
            intensity=intensity,
            intensity_source=source,
            heart_rate_recorded=run.average_hr is not None,
            fuel=fuel,
            training_status=options.training_status,
            run_minutes=run_minutes,
        ),
        rules,
        catalog,
    )
    return PairVerdict(
        lift_id=lift.id,
        run_id=run.id,
        order=order,
        gap_minutes=gap // 60,
        tier=tier_for_gap(gap, rules),
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
    )
