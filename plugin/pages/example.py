"""The example advice block on the landing page, produced by the real engine.

Showing the engine's own output (instead of a hand-written sample) keeps the
landing page honest when a coach edits the message catalog.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from functools import lru_cache

from plugin.description_block import render_block

log = logging.getLogger(__name__)

LIFT_MINUTES = 60
GAP_MINUTES = 30
RUN_MINUTES = 40
WEIGHT_KG = 75
# What Hevy writes into a lift's description: the engine reads the leg day from it.
LIFT_DESCRIPTION = (
    "Squat (Barbell)\nSet 1: 60 kg x 8 [Warm-up]\nSet 2: 100 kg x 5\nSet 3: 100 kg x 5\n\n"
    "Romanian Deadlift (Barbell)\nSet 1: 80 kg x 8\nSet 2: 80 kg x 8\n\nLogged with hevyapp.com"
)
FALLBACK_HEADLINE = "This run may cost some strength"
FALLBACK_ADVICE = (
    "Your 40-min run 30 min after lifting may have blunted some of the strength signal. "
    "Next time separate them by 6–8 h, or keep it to a 10–15 min Zone 2 jog."
)


@dataclass(frozen=True)
class Example:
    advice: str
    headline: str = FALLBACK_HEADLINE
    run_minutes: int = RUN_MINUTES
    gap_minutes: int = GAP_MINUTES


@lru_cache(maxsize=1)
def example_advice() -> Example:
    start = dt.datetime(2024, 3, 4, 7, 0, tzinfo=dt.timezone.utc)
    lift = {"id": 1, "sport_type": "WeightTraining", "start_date": start,
            "elapsed_time": LIFT_MINUTES * 60, "moving_time": LIFT_MINUTES * 60,
            "description": LIFT_DESCRIPTION}
    run = {"id": 2, "sport_type": "Run",
           "start_date": start + dt.timedelta(minutes=LIFT_MINUTES + GAP_MINUTES),
           "elapsed_time": RUN_MINUTES * 60, "moving_time": RUN_MINUTES * 60}
    try:
        from plugin.coaching import evaluate

        pair, = evaluate([lift, run], "strength", weight_kg=WEIGHT_KG).pairs
        return Example(advice=pair.advice, headline=pair.headline)
    except Exception:  # noqa: BLE001 - the landing page must render whatever the catalog says
        log.exception("could not build the landing page's example advice")
        return Example(advice=FALLBACK_ADVICE)


def example_block(public_url: str) -> dict:
    example = example_advice()
    return {
        "block": render_block(example.advice, f"{public_url}/settings", headline=example.headline),
        "run_minutes": example.run_minutes,
        "gap_minutes": example.gap_minutes,
    }
