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
FALLBACK_ADVICE = (
    "A 40-min run right after lifting may blunt the muscle-building signal. "
    "Next time separate them by 6-8 h, or keep it to a 10-15 min Zone 2 jog."
)


@dataclass(frozen=True)
class Example:
    advice: str
    run_minutes: int = RUN_MINUTES
    gap_minutes: int = GAP_MINUTES


@lru_cache(maxsize=1)
def example_advice() -> Example:
    start = dt.datetime(2024, 3, 4, 7, 0, tzinfo=dt.timezone.utc)
    lift = {"id": 1, "sport_type": "WeightTraining", "start_date": start,
            "elapsed_time": LIFT_MINUTES * 60, "moving_time": LIFT_MINUTES * 60}
    run = {"id": 2, "sport_type": "Run",
           "start_date": start + dt.timedelta(minutes=LIFT_MINUTES + GAP_MINUTES),
           "elapsed_time": RUN_MINUTES * 60, "moving_time": RUN_MINUTES * 60}
    try:
        from plugin.coaching import evaluate

        pairs = evaluate([lift, run], "strength").pairs
        return Example(advice=pairs[0].advice)
    except Exception:  # noqa: BLE001 - the landing page must render whatever the catalog says
        log.exception("could not build the landing page's example advice")
        return Example(advice=FALLBACK_ADVICE)


def example_block(public_url: str) -> dict:
    example = example_advice()
    return {
        "block": render_block(example.advice, f"{public_url}/settings"),
        "run_minutes": example.run_minutes,
        "gap_minutes": example.gap_minutes,
    }
