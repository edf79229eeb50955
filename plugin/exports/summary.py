"""Statistics of an analysed export and the few changes most worth making.

The changes are ranked by how many pairs they concern, weighted by how much
the evidence says they matter (interference in the same session outweighs a
missed snack), so the athlete reads the biggest lever first. Wording follows
rules.md: "may", never "will" — the mechanisms are hypotheses in humans.
"""

from __future__ import annotations

import re
import textwrap
from collections import Counter
from dataclasses import dataclass, field

from plugin.coaching.codes import STRENGTH_GOALS, VERDICTS
from plugin.coaching.durations import format_hours, format_number
from plugin.coaching.messages import FALLBACK_LANGUAGE, verdict_label
from plugin.coaching.options import default_rules
from plugin.exports.analysis import CLOSE_TIERS, Analysis
from plugin.verdict_tones import TONE_LABELS, tone


# The limits come from config/coaching.toml, so a coach's change shows here too.
_R = default_rules()
SAME_H, SHORT_H = format_hours(_R.same_session_below_s), format_hours(_R.short_below_s)
ACCEPT_H, GOOD_H = format_hours(_R.acceptable_below_s), format_hours(_R.good_below_s)
CLOSE_H, SEP_H, FUEL_H = format_hours(_R.close_gap_below_s), format_hours(_R.well_separated_from_s), format_hours(_R.fuel_below_s)
COOL_MIN, BORDER_MIN = format_number(_R.cooldown_ok_max_s / 60), format_number(_R.cooldown_borderline_max_s / 60)

TIER_LABELS = {
    "same_session": f"same session (< {SAME_H} h)",
    "short": f"short ({SAME_H} to < {SHORT_H} h)",
    "acceptable": f"acceptable ({SHORT_H} to < {ACCEPT_H} h)",
    "good": f"good ({ACCEPT_H} to < {GOOD_H} h)",
    "ideal": f"ideal (>= {GOOD_H} h)",
}


def verdict_words(verdict: str) -> str:
    """Word the verdict as athletes read it on Strava and the site: its headline and its tone."""
    headline = verdict_label(verdict, FALLBACK_LANGUAGE)
    label = TONE_LABELS.get(tone(verdict) or "")
    return f"{headline} ({label})" if label else headline

# The engine "skips" every ride or swim; those are not problems to report.
OTHER_SPORT_REASON = "unsupported sport type"
WORKOUT_HINT_MIN = 3

COOLDOWN_DEFINITION = (
    f"  A run counts as a cool-down when it started less than {CLOSE_H} h after a lift ended,\n"
    f"  moved {COOL_MIN} min or less and stayed in Zone 2 or below (or had no heart rate);\n"
    f"  the share is out of all runs that started less than {CLOSE_H} h after a lift ended."
)


@dataclass
class Summary:
    goal: str
    source: str
    read: int
    rows_skipped: int
    not_evaluated: int
    other_sports: int
    lifts: int
    runs: int
    pairs: int
    tiers: Counter
    verdicts: Counter
    fuel: int
    cooldown_ok: int
    cooldown_of: int
    workouts_not_counted: int
    changes: list[str] = field(default_factory=list)


def _count_types(activities, types) -> int:
    return sum(1 for a in activities if (a.get("sport_type") or a.get("type")) in types)


def summarise(analysis: Analysis, *, source: str = "", rows_skipped: int = 0) -> Summary:
    records = analysis.records
    options = analysis.options
    close_lift_first = [
        r for r in records if r["order"] == "lift_first" and r["tier"] in CLOSE_TIERS
    ]
    workouts = 0
    if "Workout" not in options.lift_types and "Workout" not in options.run_types:
        workouts = _count_types(analysis.activities, {"Workout"})
    summary = Summary(
        goal=analysis.goal,
        source=source,
        read=len(analysis.activities) + len(analysis.refused),
        rows_skipped=rows_skipped,
        not_evaluated=len(analysis.refused) + sum(
            1 for item in analysis.engine_skipped if item.reason != OTHER_SPORT_REASON),
        other_sports=sum(
            1 for item in analysis.engine_skipped if item.reason == OTHER_SPORT_REASON),
        lifts=_count_types(analysis.activities, options.lift_types),
        runs=_count_types(analysis.activities, options.run_types),
        pairs=len(records),
        tiers=Counter(r["tier"] for r in records),
        verdicts=Counter(r["verdict"] for r in records),
        fuel=sum(1 for r in records if r.get("fuel")),
        cooldown_ok=sum(
            1 for r in close_lift_first if (r["lift_id"], r["run_id"]) in analysis.cooldown_pairs
        ),
        cooldown_of=len(close_lift_first),
        workouts_not_counted=workouts,
    )
    summary.changes = top_changes(summary)
    return summary


def _n(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


def _candidates(s: Summary):
    """(weight, count, text) for every change the verdicts point to."""
    v = s.verdicts
    yield 3.0, v["interference_risk"], (
        f"{_n(v['interference_risk'], 'run', 'runs')} after lifting lasted more than "
        f"{BORDER_MIN} min and may blunt your strength gains: separate lifting and running by "
        f"{SEP_H}-{FUEL_H} h, or keep post-lift runs to 10-{COOL_MIN} min in Zone 2.")
    yield 2.0, v["lift_first_next_time"], (
        f"{_n(v['lift_first_next_time'], 'run', 'runs')} less than {CLOSE_H} h before lifting "
        f"lasted more than {COOL_MIN} min or went above Zone 2: lift first when you do both "
        "together; lower-body strength gains may be a bit better.")
    yield 1.5, v["cooldown_borderline"], (
        f"{_n(v['cooldown_borderline'], 'post-lift run was', 'post-lift runs were')} "
        f"borderline: keep them to 10-{COOL_MIN} min in Zone 2 so they stay a cool-down.")
    yield 1.0, v["keep_second_easy"], (
        f"{_n(v['keep_second_easy'], 'pair was', 'pairs were')} less than {CLOSE_H} h apart: "
        f"keep the second session easy, or separate them by {CLOSE_H} h or more.")
    yield 0.8, v["fits_goal_lift_first"], (
        f"{_n(v['fits_goal_lift_first'], 'run', 'runs')} came soon after lifting: that "
        "fits your goal, but fatigue may cost run quality; do key runs on fresh legs.")
    yield 0.8, v["fits_goal_run_first"], (
        f"{_n(v['fits_goal_run_first'], 'lift', 'lifts')} came soon after a run: keep "
        "that run easy, as a hard run first may take quality from the lift.")
    protein = "a protein-rich snack" if s.goal == "weight_loss" else "a small carb + protein snack"
    yield 0.5, s.fuel, (
        f"{_n(s.fuel, 'pair was', 'pairs were')} less than {FUEL_H} h apart: {protein} "
        "between the sessions helps (about 0.25 g protein per kg body weight).")
    if s.goal in STRENGTH_GOALS:
        yield 0.4, v["acceptable_gap"], (
            f"{_n(v['acceptable_gap'], 'pair was', 'pairs were')} {CLOSE_H}-{SEP_H} h apart: stretching "
            f"that to {SEP_H}-{FUEL_H} h may protect more of your strength gains.")


def top_changes(s: Summary, limit: int = 3) -> list[str]:
    ranked = sorted(
        ((weight * count, -index, text)
         for index, (weight, count, text) in enumerate(_candidates(s)) if count > 0),
        reverse=True,
    )
    return [text for _, _, text in ranked[:limit]]


def _share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "n/a"


def workout_hint(s: Summary) -> str | None:
    if s.workouts_not_counted < WORKOUT_HINT_MIN:
        return None
    return (f"{s.workouts_not_counted} Workout activities were not counted as lifting; "
            "pass --lift-types WeightTraining,Crossfit,Workout")


def _wrap(text: str, first_indent: str) -> list[str]:
    # Keep "Zone 2", "15 min" and "6-8 h" on one line: split they read wrong.
    glued = re.sub(r"(Zone|\d) (\d|min\b|h\b|g\b)", "\\1\u00a0\\2", text)
    wrapped = textwrap.wrap(glued, width=88, initial_indent=first_indent,
                            subsequent_indent=" " * len(first_indent), break_on_hyphens=False)
    return [line.replace("\u00a0", " ") for line in wrapped]


def render(s: Summary) -> str:
    """Render the human summary printed by `liftrun analyze`."""
    lines = [f"LiftRun Coach: export summary for goal '{s.goal}'"]
    if s.source:
        lines.append(f"Source: {s.source}")
    lines.append(f"Activities read: {s.read}; rows skipped: {s.rows_skipped}; "
                 f"not evaluated: {s.not_evaluated}")
    lines.append(f"Lifts: {s.lifts}; runs: {s.runs}; other sports: {s.other_sports}")
    lines.append(f"Lift/run pairs: {s.pairs}")
    if s.pairs:
        lines.append("")
        lines.append("Gap tiers:")
        for tier, label in TIER_LABELS.items():
            n = s.tiers[tier]
            lines.append(f"  {label:<26} {n:>5}  {_share(n, s.pairs):>4}")
        lines.append("")
        lines.append("Verdicts:")
        shown = [(verdict_words(v), s.verdicts[v]) for v in VERDICTS if s.verdicts[v]]
        width = max((len(words) for words, _ in shown), default=0)
        for words, n in shown:
            lines.append(f"  {words:<{width}} {n:>5}  {_share(n, s.pairs):>4}")
        lines.append(f"Pairs less than {FUEL_H} h apart (fuel between sessions): {s.fuel}")
    lines.append("")
    lines.append(f"Cool-down runs after lifting: {s.cooldown_ok} of {s.cooldown_of} "
                 f"({_share(s.cooldown_ok, s.cooldown_of)})")
    lines.append(COOLDOWN_DEFINITION)
    lines.append("")
    if s.changes:
        lines.append("The three most useful changes:" if len(s.changes) == 3
                     else "Most useful changes:")
        for i, text in enumerate(s.changes, start=1):
            lines.extend(_wrap(text, f"  {i}. "))
    elif s.pairs:
        lines.append("Nothing to change: your lifts and runs are well separated. Keep it up.")
    else:
        lines.append("No lift/run pairs found within the pairing window.")
    hint = workout_hint(s)
    if hint:
        lines.append("")
        lines.append(f"Hint: {hint}")
    return "\n".join(lines)
