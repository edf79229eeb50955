"""The coaching engine: pure functions from Strava-shaped activities to advice.

No Flask, Celery, database or network here, so the web app, the worker and
the CLI share one implementation and every rule is testable in isolation.
"""

from __future__ import annotations

from .codes import GOALS, INTENSITIES, INTENSITY_SOURCES, TIERS, VERDICTS
from .engine import evaluate
from .errors import ConfigError, EngineInputError
from .messages import LANGUAGES
from .options import EngineOptions
from .results import Evaluation, PairVerdict, Skipped
from .rules import Rules, load_rules

__all__ = [
    "GOALS",
    "LANGUAGES",
    "TIERS",
    "VERDICTS",
    "INTENSITIES",
    "INTENSITY_SOURCES",
    "EngineOptions",
    "Evaluation",
    "PairVerdict",
    "Skipped",
    "Rules",
    "load_rules",
    "evaluate",
    "EngineInputError",
    "ConfigError",
]
