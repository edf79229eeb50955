"""The three tones every product surface tells verdicts by: site, chart and CLI plot.

Kept apart from the web code so the command line can colour and word its
plot and summary exactly like the site without importing Flask. The codes
are the engine's stable vocabulary (plugin.coaching.codes).
"""

from __future__ import annotations

GOOD, CAUTION, RISK = "good", "caution", "risk"
TONES = (GOOD, CAUTION, RISK)

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

TONE_COLOURS = {GOOD: "#2e7d32", CAUTION: "#a65f00", RISK: "#c62828"}
TONE_LABELS = {
    GOOD: "fits your goal",
    CAUTION: "could be better",
    RISK: "may cost gains",
}
UNKNOWN_COLOUR = "#6b7280"


def tone(verdict: str) -> str | None:
    return VERDICT_TONES.get(verdict)


def colour(verdict: str) -> str:
    t = tone(verdict)
    return TONE_COLOURS[t] if t else UNKNOWN_COLOUR
