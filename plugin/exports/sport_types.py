"""Map the human activity-type names of an export to API `sport_type` codes.

The engine speaks the API's CamelCase codes; the export writes "Weight
Training". Removing the spaces gives the code for nearly every type; the
table holds the ones where that is not enough or that we must get right.
"""

from __future__ import annotations

import re

_KNOWN = {
    "weight training": "WeightTraining",
    "weighttraining": "WeightTraining",
    "workout": "Workout",
    "crossfit": "Crossfit",
    "run": "Run",
    "trail run": "TrailRun",
    "virtual run": "VirtualRun",
    "high intensity interval training": "HighIntensityIntervalTraining",
    "hiit": "HighIntensityIntervalTraining",
    "e-bike ride": "EBikeRide",
    "e-mountain bike ride": "EMountainBikeRide",
}

def to_sport_type(name: str) -> str:
    """Return the API code for an export type name (codes pass through)."""
    cleaned = re.sub(r"\s+", " ", (name or "").strip())
    known = _KNOWN.get(cleaned.lower())
    if known:
        return known
    words = re.split(r"[\s\-_]+", cleaned)
    return "".join(word[:1].upper() + word[1:] for word in words if word)


def parse_type_list(text: str | None) -> frozenset[str] | None:
    """Read a comma-separated `--lift-types` value; human names are fine too."""
    if text is None:
        return None
    types = frozenset(to_sport_type(part) for part in text.split(",") if part.strip())
    return types or None
