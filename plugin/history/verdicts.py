"""How the athlete-facing pages present the engine's verdict codes.

The codes are the engine's stable vocabulary (plugin.coaching.codes); this
module only groups them into three tones for colour and words them for counts.
"""

from __future__ import annotations

GOOD, CAUTION, RISK = "good", "caution", "risk"

VERDICT_TONES = {
    "cooldown_ok": GOOD,
    "warmup_ok": GOOD,
    "well_separated": GOOD,
    "fits_goal_lift_first": GOOD,
    "fits_goal_run_first": GOOD,
    "cooldown_borderline": CAUTION,
    "acceptable_gap": CAUTION,
    "keep_second_easy": CAUTION,
    "interference_risk": RISK,
    "lift_first_next_time": RISK,
}

TONE_COLOURS = {GOOD: "#2e7d32", CAUTION: "#e08e00", RISK: "#c62828"}
TONE_LABELS = {
    GOOD: "fits your goal",
    CAUTION: "could be better",
    RISK: "may cost gains",
}
UNKNOWN_COLOUR = "#6b7280"

# (singular, plural) for the weekly line: "2 well separated, 1 cool-down too long".
VERDICT_PHRASES = {
    "well_separated": ("well separated", "well separated"),
    "acceptable_gap": ("acceptable gap", "acceptable gaps"),
    "cooldown_ok": ("good cool-down", "good cool-downs"),
    "cooldown_borderline": ("borderline cool-down", "borderline cool-downs"),
    "interference_risk": ("cool-down too long", "cool-downs too long"),
    "warmup_ok": ("good warm-up", "good warm-ups"),
    "lift_first_next_time": ("run before lifting (lift first next time)", "runs before lifting (lift first next time)"),
    "fits_goal_lift_first": ("fitting your goal", "fitting your goal"),
    "fits_goal_run_first": ("fitting your goal", "fitting your goal"),
    "keep_second_easy": ("close together (keep the second easy)", "close together (keep the second easy)"),
}


def tone(verdict: str) -> str | None:
    return VERDICT_TONES.get(verdict)


def colour(verdict: str) -> str:
    t = tone(verdict)
    return TONE_COLOURS[t] if t else UNKNOWN_COLOUR
