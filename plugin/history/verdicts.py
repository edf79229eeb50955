"""How the athlete-facing pages present the engine's verdict codes.

The codes are the engine's stable vocabulary (plugin.coaching.codes); this
module words them for counts; their three tones live in plugin.verdict_tones.
"""

from __future__ import annotations

from plugin.verdict_tones import (  # noqa: F401 - the tones' home; re-exported for the history pages
    CAUTION,
    GOOD,
    RISK,
    TONE_COLOURS,
    TONE_LABELS,
    UNKNOWN_COLOUR,
    VERDICT_TONES,
    colour,
    tone,
)

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

