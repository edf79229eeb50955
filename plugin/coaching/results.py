"""What the engine hands back: plain, frozen, JSON-ready records.

The web app stores these, the worker writes `advice` to Strava and the CLI
prints them, so the field names are a contract (see to_dict) and the records
carry everything a caller needs without reaching back into the engine.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class PairVerdict:
    lift_id: int
    run_id: int
    order: str
    gap_minutes: int
    tier: str
    verdict: str
    fuel: bool
    intensity: str
    intensity_source: str
    first_id: int
    later_id: int
    goal: str
    run_minutes: int
    headline: str
    advice: str
    lift_focus: str = "unknown"  # lower / upper / full / unknown, from the lift's exercise list

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Skipped:
    id: int
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Evaluation:
    pairs: list[PairVerdict] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "pairs": [pair.to_dict() for pair in self.pairs],
            "skipped": [item.to_dict() for item in self.skipped],
        }

    def pairs_written_on(self, activity_id: int) -> list[PairVerdict]:
        """Pairs whose advice belongs in this activity's description.

        Advice goes on the later activity only (one write per pair: writes
        count against Strava's rate limit).
        """
        return [pair for pair in self.pairs if pair.later_id == activity_id]
