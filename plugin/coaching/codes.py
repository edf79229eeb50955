"""The engine's stable vocabulary.

Other parts of the product (history pages, stored verdicts, translations)
key on these strings, so they are spelled once here and never change meaning.
"""

from __future__ import annotations

GOALS = ("strength", "hypertrophy", "endurance", "weight_loss", "general")
STRENGTH_GOALS = frozenset({"strength", "hypertrophy"})
ENDURANCE_GOALS = frozenset({"endurance", "weight_loss"})

TRAINING_STATUSES = ("beginner", "trained")

LIFT_FIRST = "lift_first"
RUN_FIRST = "run_first"
ORDERS = (LIFT_FIRST, RUN_FIRST)

TIERS = ("same_session", "short", "acceptable", "good", "ideal")

VERDICTS = (
    "cooldown_ok",
    "cooldown_borderline",
    "interference_risk",
    "warmup_ok",
    "lift_first_next_time",
    "fits_goal_lift_first",
    "fits_goal_run_first",
    "keep_second_easy",
    "acceptable_gap",
    "well_separated",
)

ZONE_INTENSITIES = ("zone1", "zone2", "zone3", "zone4", "zone5")
AT_OR_BELOW_ZONE2 = "at_or_below_zone2"
ABOVE_ZONE2 = "above_zone2"
UNKNOWN = "unknown"
INTENSITIES = ZONE_INTENSITIES + (AT_OR_BELOW_ZONE2, ABOVE_ZONE2, UNKNOWN)

SOURCE_ATHLETE_ZONES = "athlete_zones"
SOURCE_MAX_HR = "max_hr_estimate"
SOURCE_NONE = "none"
INTENSITY_SOURCES = (SOURCE_ATHLETE_ZONES, SOURCE_MAX_HR, SOURCE_NONE)


def is_easy(intensity: str) -> bool | None:
    """Collapse an intensity to the one question the verdicts ask.

    True = at or below Zone 2, False = above, None = not measured. Keeping the
    collapse in one place stops a verdict from treating "unknown" as easy by
    accident in one module and as hard in another.
    """
    if intensity in ("zone1", "zone2", AT_OR_BELOW_ZONE2):
        return True
    if intensity in ("zone3", "zone4", "zone5", ABOVE_ZONE2):
        return False
    return None

# What a lift trained, read from its exercise list (rules.md, second edition, point 7).
LOWER, UPPER, FULL = "lower", "upper", "full"
LIFT_FOCI = (LOWER, UPPER, FULL, UNKNOWN)

# Verdicts whose choice or wording uses the run's intensity: only these carry
# intensity notes ("not measured", "estimate"); rules.md second edition, point 2.
INTENSITY_VERDICTS = frozenset({
    "cooldown_ok", "cooldown_borderline", "warmup_ok", "lift_first_next_time", "fits_goal_run_first",
})
# Cool-downs and warm-ups the table judged fine: a 10-min jog needs no fuel plan.
NO_FUEL_VERDICTS = frozenset({"cooldown_ok", "warmup_ok"})
