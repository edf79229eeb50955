"""Which muscles a lift trained, read from the exercise list apps write into it.

Interference between running and lifting shows mainly in the legs (Eddens
2018, Sporer & Wenger 2003), so the advice can be truer when it knows whether
the lift was a leg day. Hevy, Strong and similar apps put the workout into
the activity's description as exercise titles followed by set lines; this
module reads that text and nothing else. A description without set lines
(an athlete writing "squats felt heavy") is `unknown`, never guessed.

Exercise names live in config/exercises/*.toml (one file per language, all
merged), read on first use rather than at import.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .codes import FULL, LIFT_FOCI, LOWER, UNKNOWN, UPPER
from .config_files import exercise_list_files
from .errors import ConfigError

REGIONS = ("lower", "upper", "core", "other")  # "other": cardio machines, carries; not counted

# Classification limits (share of working sets on recognised lower-body exercises).
LOWER_FROM_SHARE = 0.40
UPPER_UP_TO_SHARE = 0.15
# Below this share of recognised working sets the list is too foreign to judge.
RECOGNISED_FROM_SHARE = 0.5

# "Set 1:", "Satz 2:", "Série 3:", "Serie 4:" (Hevy in several languages) and
# Strong's "W1:" (warm-up), "D1:" (drop set), "F1:" (failure) prefixes.
_SET_LINE = re.compile(
    r"^\s*(?:(?P<label>sets?|satz|s[ée]rie|serie)\s*\d+|(?P<strong>[wdf])\d+)\s*[:.)]\s*(?P<body>.*)$",
    re.IGNORECASE,
)
# What follows the label must look like a set: a load x reps, reps, a time or a distance.
_SET_BODY = re.compile(r"^[+\-−]?\s*\d")
_WARMUP_TAG = re.compile(
    r"\[\s*(?:warm[\s-]?up|aufw[äa]rm(?:en|satz)|[ée]chauffement|calentamiento|aquecimento)\s*\]",
    re.IGNORECASE,
)
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_LEADING_INDEX = re.compile(r"^\s*(?:[a-z]?\d+[.)]|[-*•]|\d+\s*x)\s*", re.IGNORECASE)
_NON_WORD = re.compile(r"[^\w]+")


def _normalise(text: str) -> str:
    """Lower-case words separated by single spaces ("Pull-Up (Band)" -> "pull up")."""
    text = unicodedata.normalize("NFC", text).casefold()
    text = _BRACKETS.sub(" ", text)
    text = _LEADING_INDEX.sub("", text)
    return " ".join(_NON_WORD.sub(" ", text).split())


@dataclass(frozen=True)
class ExerciseIndex:
    """Exercise names -> body region; the longest name found in a title wins."""

    regions: dict[str, str]  # normalised name -> region
    longest_name_words: int

    def region_of(self, title: str) -> str | None:
        words = _normalise(title).split()
        for size in range(min(self.longest_name_words, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                gram = words[start:start + size]
                for last in _singulars(gram[-1]):
                    region = self.regions.get(" ".join(gram[:-1] + [last]))
                    if region is not None:
                        return region
        return None

    def __len__(self) -> int:
        return len(self.regions)


def _singulars(word: str) -> tuple[str, ...]:
    """Return the word and the forms a plural ending may hide ("lunges" -> "lunge", "presses" -> "press")."""
    forms = [word]
    if len(word) > 3 and word.endswith("es"):
        forms.append(word[:-2])
    if len(word) > 2 and word.endswith("s"):
        forms.append(word[:-1])
    return tuple(forms)


def build_index(entries: Iterable[tuple[str, str]]) -> ExerciseIndex:
    regions: dict[str, str] = {}
    for name, region in entries:
        if region not in REGIONS:
            raise ConfigError(f"exercise list: unknown body region {region!r} for {name!r}")
        key = _normalise(name)
        if key:
            regions.setdefault(key, region)
    longest = max((len(name.split()) for name in regions), default=0)
    return ExerciseIndex(regions, longest)


def _entries_from_file(path: Path) -> list[tuple[str, str]]:
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read exercise list {path}: {exc}") from exc
    entries: list[tuple[str, str]] = []
    for region, names in data.items():
        if region == "meta":
            continue
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise ConfigError(f"{path}: [{region}] must be a list of exercise names")
        entries.extend((name, region) for name in names)
    return entries


@lru_cache(maxsize=1)
def default_index() -> ExerciseIndex:
    files = exercise_list_files()
    if not files:
        raise ConfigError("no exercise list found (config/exercises/*.toml)")
    entries: list[tuple[str, str]] = []
    for path in files:
        entries.extend(_entries_from_file(path))
    return build_index(entries)


def _is_warmup(match: re.Match[str]) -> bool:
    strong = match.group("strong")
    if strong and strong.lower() == "w":
        return True
    return bool(_WARMUP_TAG.search(match.group("body")))


def working_sets_by_exercise(text: str, index: ExerciseIndex | None = None) -> list[tuple[str, int]]:
    """(exercise title, working sets) in the order they appear; warm-up sets skipped.

    The title is the line just above a run of set lines; when an app put a
    note line between title and sets, the nearer of the two lines that names
    a known exercise wins.
    """
    result: list[tuple[str, int]] = []
    recent: list[str] = []  # non-set lines since the last set line, newest last
    in_sets = False
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        match = _SET_LINE.match(stripped)
        if match and _SET_BODY.match(match.group("body")):
            if not in_sets:
                if not recent:
                    continue  # sets without a title cannot be placed
                candidates = recent[-2:][::-1]
                known = [c for c in candidates if index is not None and index.region_of(c)]
                result.append(((known or candidates)[0], 0))
                in_sets = True
            if not _is_warmup(match):
                name, sets = result[-1]
                result[-1] = (name, sets + 1)
            continue
        if in_sets:
            recent = []
            in_sets = False
        recent.append(stripped)
    return [(name, sets) for name, sets in result if sets > 0]


def classify_text(text: str | None, index: ExerciseIndex | None = None) -> str:
    """lower / upper / full by the share of working sets on lower-body exercises; else unknown."""
    if not text or not isinstance(text, str):
        return UNKNOWN
    index = index or default_index()
    counted = {region: 0 for region in REGIONS}
    unrecognised = 0
    for title, sets in working_sets_by_exercise(text, index):
        region = index.region_of(title)
        if region is None:
            unrecognised += sets
        else:
            counted[region] += sets
    judged = counted["lower"] + counted["upper"] + counted["core"]
    if judged == 0 or judged < RECOGNISED_FROM_SHARE * (judged + unrecognised):
        return UNKNOWN
    share = counted["lower"] / judged
    if share >= LOWER_FROM_SHARE:
        return LOWER
    if share <= UPPER_UP_TO_SHARE:
        return UPPER
    return FULL


def lift_focus_of(raw: Mapping[str, Any]) -> str:
    """Return a lift's focus: a precomputed `lift_focus`, else read from description and name."""
    given = raw.get("lift_focus")
    if isinstance(given, str) and given in LIFT_FOCI:
        return given
    texts = [raw.get("description"), raw.get("name")]
    for text in texts:
        focus = classify_text(text if isinstance(text, str) else None)
        if focus != UNKNOWN:
            return focus
    return UNKNOWN
