"""Per-athlete settings that change how activities are paired and worded.

Defaults are the coach's defaults from config/coaching.toml, read on first
use (never at import: the engine touches no file until asked) and then kept,
so that EngineOptions() means "what the coach configured", not a second copy
of the numbers in code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from .codes import TRAINING_STATUSES
from .errors import EngineInputError
from .rules import Rules, load_rules


@cache
def default_rules() -> Rules:
    """Return the coach's thresholds, read once; evaluate() uses them unless given others."""
    return load_rules()


@dataclass(frozen=True)
class EngineOptions:
    lift_types: frozenset[str] = field(default_factory=lambda: default_rules().lift_types)
    run_types: frozenset[str] = field(default_factory=lambda: default_rules().run_types)
    window_hours: float = field(default_factory=lambda: default_rules().window_hours)
    language: str = "en"
    training_status: str | None = None
    # Length of the signature line the caller will put under the advice (its link is the
    # deployment's): the block keeps to max_block_chars whatever PUBLIC_URL is. Up to the
    # coach's signature_budget_chars (or None) it changes nothing.
    signature_chars: int | None = None

    def __post_init__(self) -> None:
        # Callers build options from JSON or form data; accept any iterable of
        # names so a list does not silently become "no types at all".
        for name in ("lift_types", "run_types"):
            value = getattr(self, name)
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, frozenset):
                try:
                    value = frozenset(value)
                except TypeError:
                    raise EngineInputError(f"{name} must be a list of sport type names") from None
                object.__setattr__(self, name, value)

    @classmethod
    def from_rules(cls, rules: Rules, **overrides: Any) -> "EngineOptions":
        base = cls(lift_types=rules.lift_types, run_types=rules.run_types,
                   window_hours=rules.window_hours)
        return replace(base, **overrides)

    def validate(self) -> None:
        """Refuse settings that would make the verdicts meaningless."""
        for name in ("lift_types", "run_types"):
            if not all(isinstance(t, str) and t for t in getattr(self, name)):
                raise EngineInputError(f"{name} must be a list of sport type names")
        both = self.lift_types & self.run_types
        if both:
            raise EngineInputError(
                f"sport type(s) {', '.join(sorted(both))} cannot be both a lift and a run")
        w = self.window_hours
        if isinstance(w, bool) or not isinstance(w, (int, float)) or not math.isfinite(w) or w <= 0:
            raise EngineInputError(f"window_hours must be a positive number, got {w!r}")
        if not isinstance(self.language, str):
            raise EngineInputError(f"language must be a string, got {self.language!r}")
        if self.training_status is not None and self.training_status not in TRAINING_STATUSES:
            raise EngineInputError(
                f"unknown training_status {self.training_status!r} "
                f"(expected one of: {', '.join(TRAINING_STATUSES)})")
        sig = self.signature_chars
        if sig is not None and (isinstance(sig, bool) or not isinstance(sig, int) or sig < 0):
            raise EngineInputError(f"signature_chars must be a non-negative whole number, got {sig!r}")
