"""The scenario matrix of issue 7: every goal, order, gap, run length, HR setup and language.

Pairs are evaluated directly (no database), so the whole matrix runs in seconds.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache

from plugin.coaching import GOALS, LANGUAGES, EngineOptions, evaluate

from .builders import H, M, ZONES, lift_then_run, run_then_lift

GAPS = (0, 5 * M, 45 * M, H, 2 * H + 50 * M, 3 * H, 4 * H, 5 * H + 59 * M, 6 * H,
        7 * H + 59 * M, 8 * H, 10 * H)
RUN_MINUTES = (10, 15, 18, 20, 45)
HEART_RATES = {"zone2": 140, "zone4": 180, "none": None}  # 140 is 74 % of MAX_HR: near the line
SETUPS = ("athlete_zones", "max_hr_only", "neither")
MAX_HR = 190
WEIGHTS = (None, 62, 78, 91)
ORDERS = ("lift_first", "run_first")


@dataclass(frozen=True)
class Scenario:
    goal: str
    order: str
    gap_s: int
    run_minutes: int
    hr_name: str
    setup: str
    language: str
    weight_kg: float | None

    @property
    def hr(self) -> int | None:
        return HEART_RATES[self.hr_name]

    def activities(self):
        build = lift_then_run if self.order == "lift_first" else run_then_lift
        return build(self.gap_s, self.run_minutes * M, hr=self.hr)

    def evaluate(self, signature_chars=None, **extra):
        zones = ZONES if self.setup == "athlete_zones" else None
        max_hr = MAX_HR if self.setup == "max_hr_only" else None
        pair, = evaluate(self.activities(), self.goal, zones=zones, max_hr=max_hr,
                         weight_kg=self.weight_kg,
                         options=EngineOptions(language=self.language, signature_chars=signature_chars),
                         **extra).pairs
        return pair


def scenarios(languages=LANGUAGES):
    combos = itertools.product(GOALS, ORDERS, GAPS, RUN_MINUTES, HEART_RATES, SETUPS, languages)
    for index, (goal, order, gap, minutes, hr, setup, language) in enumerate(combos):
        yield Scenario(goal, order, gap, minutes, hr, setup, language, WEIGHTS[index % len(WEIGHTS)])


@lru_cache(maxsize=1)
def judged() -> tuple:
    """(scenario, pair) for the whole matrix, computed once per test session."""
    return tuple((scenario, scenario.evaluate()) for scenario in scenarios())
