"""Run the coaching engine over a whole export.

An export is years of data; one activity the engine refuses (EngineInputError)
must not sink the rest, so such activities are found, set aside with a
warning, and the evaluation is repeated without them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from plugin.coaching import EngineInputError, EngineOptions, evaluate

# The cool-down share asks a goal-independent question ("was the run after
# lifting short and easy enough to be a cool-down?"). The strength rules
# answer exactly that with `cooldown_ok`, so we ask the engine under them
# instead of copying its thresholds here.
COOLDOWN_GOAL = "strength"
CLOSE_TIERS = ("same_session", "short")


@dataclass
class Analysis:
    goal: str
    options: EngineOptions
    activities: list[dict]
    records: list[dict]
    engine_skipped: list = field(default_factory=list)
    refused: list[tuple[object, str]] = field(default_factory=list)
    cooldown_pairs: frozenset[tuple] = frozenset()

    @property
    def by_id(self) -> dict:
        return {activity.get("id"): activity for activity in self.activities}


def _evaluate_tolerant(activities, goal, options, max_hr, refused):
    try:
        return evaluate(activities, goal, options=options, max_hr=max_hr), activities
    except EngineInputError:
        pass
    kept = []
    for activity in activities:
        try:
            evaluate([activity], goal, options=options, max_hr=max_hr)
        except EngineInputError as exc:
            refused.append((activity.get("id"), str(exc)))
        else:
            kept.append(activity)
    return evaluate(kept, goal, options=options, max_hr=max_hr), kept


def _date_of(activity: dict | None) -> str | None:
    start = (activity or {}).get("start_date")
    if start is None:
        return None
    if hasattr(start, "isoformat"):
        start = start.isoformat()
    return str(start)[:10]


def analyse(activities: list[dict], goal: str, options: EngineOptions, *,
            max_hr: int | None = None) -> Analysis:
    """Evaluate under the athlete's goal, plus the cool-down view.

    An export has no heart-rate zones; `max_hr` lets the engine tell "Zone 2
    or below" from "above" with its generic estimate instead of "unknown".
    """
    options.validate()
    refused: list[tuple[object, str]] = []
    evaluation, kept = _evaluate_tolerant(activities, goal, options, max_hr, refused)
    by_id = {activity.get("id"): activity for activity in kept}
    records = []
    for pair in evaluation.pairs:
        record = pair.to_dict()
        record["date"] = _date_of(by_id.get(record.get("later_id")))
        records.append(record)
    records.sort(key=lambda r: (r.get("date") or "", str(r.get("later_id"))))
    if goal == COOLDOWN_GOAL:
        cooldown_view = records
    else:
        cooldown_view = [p.to_dict() for p in
                         evaluate(kept, COOLDOWN_GOAL, options=options, max_hr=max_hr).pairs]
    cooldown = frozenset(
        (r["lift_id"], r["run_id"]) for r in cooldown_view if r["verdict"] == "cooldown_ok"
    )
    return Analysis(goal=goal, options=options, activities=kept, records=records,
                    engine_skipped=list(evaluation.skipped), refused=refused,
                    cooldown_pairs=cooldown)
