"""The words an athlete reads under an activity: headline and advice for one pair.

rules.md ("Advice text, second edition") asks for text a coach would sign:
the real run length and gap, tier-true words, notes only where intensity
decided something, fuel that fits the order and goal, claims true to the
goal and to the muscles the lift trained, and not the same boilerplate
every day. All wording is in the catalogs; this module only decides which
text applies and fills in the facts.

Catalog texts are chosen by *qualifiers*. A verdict entry holds keys such as
`happened`, `happened-later` or `next-run_first-lower`: the part name, then
qualifiers that must all hold for the pair. The key with the most matching
qualifiers wins (on a tie, the key written later), so a coach adds a
special case by adding one key. Each key
holds one text or a list of wordings; the wording is picked from a stable
hash of the pair, so the same pair always gets the same words (idempotent
writes) while different days read differently.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from typing import Any

from .codes import (
    INTENSITY_VERDICTS,
    LIFT_FIRST,
    SOURCE_MAX_HR,
    UNKNOWN,
    is_easy,
)
from .durations import format_gap
from .errors import ConfigError
from .messages import Catalog, fit, one_line, placeholders
from .rules import Rules

# Intensity as the text sees it.
STATE_EASY, STATE_HARD = "easy", "hard"
STATE_NEAR = "near"            # max-HR estimate within the band around the Zone 2 line
STATE_NONE = "none"            # no heart rate at all
STATE_UNJUDGED = "unjudged"    # heart rate, but neither zones nor max HR


@dataclass(frozen=True)
class TextFacts:
    """Everything about one pair that the wording may use; plain data only."""

    verdict: str
    tier: str
    order: str
    goal: str
    gap_s: int
    run_minutes: int
    intensity: str
    intensity_source: str
    average_hr: float | None
    max_hr: float | None
    lift_focus: str
    fuel_sentence: bool
    weight_kg: float | None
    training_status: str | None
    seed: str                  # stable per pair, e.g. "lift_id:run_id"
    repeat_weekday: int | None = None  # 0 = Monday: the week's previous pair had this verdict
    repeat_same_day: bool = False


def intensity_state(facts: TextFacts, rules: Rules) -> str:
    if facts.intensity == UNKNOWN:
        return STATE_UNJUDGED if facts.average_hr is not None else STATE_NONE
    if facts.intensity_source == SOURCE_MAX_HR and facts.average_hr and facts.max_hr:
        share = facts.average_hr / facts.max_hr
        if rules.near_line_low_fraction <= share <= rules.near_line_high_fraction:
            return STATE_NEAR
    return STATE_EASY if is_easy(facts.intensity) else STATE_HARD


def protein_grams(weight_kg: float | None, rules: Rules) -> int | None:
    """0.25 g/kg (configurable) rounded half up to 5 g; None without a usable weight."""
    if weight_kg is None or not math.isfinite(weight_kg) or weight_kg <= 0:
        return None
    step = rules.protein_round_g
    grams = int(math.floor(weight_kg * rules.protein_g_per_kg / step + 0.5)) * step
    return max(grams, step)


def _stable_index(seed: str, part: str, count: int) -> int:
    return zlib.crc32(f"{seed}|{part}".encode()) % count


def _candidates(node: Any, part: str, active: frozenset[str]) -> list[tuple[int, int, list[str]]]:
    """(qualifier count, texts) for each key of `node` that applies to the pair."""
    if not isinstance(node, dict):
        return []
    found: list[tuple[int, int, list[str]]] = []
    for position, (key, value) in enumerate(node.items()):
        name, *qualifiers = key.split("-")
        if name != part or not set(qualifiers) <= active:
            continue
        texts = [value] if isinstance(value, str) else value
        if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
            raise ConfigError(f"message catalog: {key} must be a text or a list of texts")
        found.append((len(qualifiers), position, texts))
    return found


def wordings(nodes: list[Any], part: str, active: frozenset[str], seed: str) -> list[str]:
    """Return the most specific texts for `part` (first catalog that has any), this pair's pick first."""
    for node in nodes:
        found = _candidates(node, part, active)
        if found:
            _, _, texts = max(found, key=lambda item: item[:2])
            start = _stable_index(seed, part, len(texts))
            return texts[start:] + texts[:start]
    return []


def select(nodes: list[Any], part: str, active: frozenset[str], seed: str) -> str | None:
    found = wordings(nodes, part, active, seed)
    return found[0] if found else None


def _with_note(sentence: str, note: str | None) -> str:
    """Put a note in brackets before the sentence's final mark: still one sentence."""
    if not note:
        return sentence
    sentence = sentence.rstrip()
    end = sentence[-1] if sentence and sentence[-1] in ".!?" else ""
    body = sentence[:-1] if end else sentence
    return f"{body} ({note}){end or '.'}"


def _present(text: str | None, part: str) -> str:
    """Narrow a wording that compose() checked exists before relying on it."""
    if text is None:
        raise ConfigError(f"message catalog has no {part} text")
    return text


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


class _Renderer:
    def __init__(self, facts: TextFacts, rules: Rules, catalog: Catalog, compact: bool = False):
        self.facts = facts
        self.rules = rules
        self.catalog = catalog
        self.state = intensity_state(facts, rules) if facts.verdict in INTENSITY_VERDICTS else None
        self.active = self._qualifiers() | ({"compact"} if compact else set())
        self.values = self._values()

    def _qualifiers(self) -> frozenset[str]:
        facts, rules = self.facts, self.rules
        active = {
            "now" if facts.tier == "same_session" else "later",
            facts.order,
            facts.goal,
            facts.lift_focus,
        }
        if facts.run_minutes * 60 <= rules.cooldown_ok_max_s:
            active.add("brief")
        if facts.order != LIFT_FIRST and facts.lift_focus == "lower" and facts.gap_s < rules.legs_tired_below_s:
            active.add("legs_tired")
        if self.state in (STATE_EASY, STATE_HARD):
            active.add(self.state)
        if facts.training_status:
            active.add(facts.training_status)
        return frozenset(active)

    def phrase(self, key: str, **values: Any) -> str:
        template = select(self.catalog.nodes("phrases"), key, self.active, self.facts.seed)
        if template is None:
            raise ConfigError(f"message catalog has no phrase {key!r}")
        return self.render(template, {**getattr(self, "values", {}), **values})

    def render(self, template: str, values: dict[str, Any] | None = None) -> str:
        try:
            return one_line(template.format_map(values if values is not None else self.values))
        except (KeyError, IndexError, ValueError) as exc:
            raise ConfigError(f"bad placeholder in message {template!r}: {exc}") from exc

    def _values(self) -> dict[str, str]:
        facts, rules = self.facts, self.rules
        values = placeholders(rules, facts.run_minutes, self.catalog)
        values["gap"] = format_gap(facts.gap_s)
        grams = protein_grams(facts.weight_kg, rules)
        self.values = values
        values["protein"] = (self.phrase("protein_grams", grams=grams) if grams is not None
                             else self.phrase("protein_unknown"))
        run_keys: dict[str | None, str] = {STATE_EASY: "run_easy", STATE_HARD: "run_hard"}
        run_key = run_keys.get(self.state, "run_plain")
        values["run"] = self.phrase(run_key)
        values["run_lc"] = _lower_first(values["run"])
        straight = facts.tier == "same_session" and facts.gap_s < rules.straight_after_below_s
        side = "after" if facts.order == LIFT_FIRST else "before"
        values["when"] = self.phrase(f"{side}_now" if straight else f"{side}_gap")
        if facts.average_hr is not None:
            values["avg_hr"] = f"{facts.average_hr:.0f}"
        if facts.average_hr is not None and facts.max_hr:
            values["hr_percent"] = f"{100 * facts.average_hr / facts.max_hr:.0f}"
        if facts.repeat_weekday is not None:
            if facts.repeat_same_day:
                values["day"] = self.phrase("day_today")
            else:
                weekdays = self.catalog.nodes("meta", "weekdays")
                if not weekdays or len(weekdays[0]) != 7:
                    raise ConfigError("message catalog: meta.weekdays must list 7 day names")
                values["day"] = self.phrase("day_named", weekday=weekdays[0][facts.repeat_weekday])
        return values

    def verdict_text(self, part: str, shortest: bool = False) -> str | None:
        """Return this pair's wording of a part; with `shortest`, the shortest wording instead."""
        texts = [self.render(t) for t in wordings(self.catalog.nodes("verdicts", self.facts.verdict),
                                                  part, self.active, self.facts.seed)]
        if not texts:
            return None
        return min(texts, key=len) if shortest else texts[0]

    def intensity_note(self) -> str | None:
        if self.state is None:
            return None
        if self.state in (STATE_NONE, STATE_UNJUDGED, STATE_NEAR):
            return self.phrase(f"note_{self.state}")
        estimate = self.facts.intensity_source == SOURCE_MAX_HR
        if self.state == STATE_HARD:  # stated as a fact, kindly, next to the run it describes
            return self.phrase("note_hard_estimate" if estimate else "note_hard")
        return self.phrase("note_estimate") if estimate else None

    def beginner_note(self) -> str | None:
        if self.facts.training_status == "beginner" and self.facts.verdict in self.rules.beginner_note_verdicts:
            return self.phrase("note_beginner")
        return None

    def fuel(self, shortest: bool = False) -> str | None:
        if not self.facts.fuel_sentence:
            return None
        texts = [self.render(t) for t in wordings(self.catalog.nodes("fuel"), self.facts.order,
                                                  self.active, self.facts.seed)]
        if not texts:
            raise ConfigError("message catalog has no fuel text")
        return min(texts, key=len) if shortest else texts[0]


def compose(facts: TextFacts, rules: Rules, catalog: Catalog, *,
            signature_chars: int | None = None) -> tuple[str, str]:
    """(headline, advice) for one pair, within the block's length budget.

    The pair's own wordings come first; only when they would not fit are the
    shortest wordings used, then the beginner note dropped, then the
    catalog's compact forms; only an edited catalog that still runs long is cut.
    """
    words = _Renderer(facts, rules, catalog)
    # A longer signature than the coach budgeted for shortens the advice; a shorter one
    # changes nothing, so the product and `liftrun advise` word a pair alike.
    signature = max(rules.signature_budget_chars, signature_chars or 0)
    if words.verdict_text("headline") is None:
        raise ConfigError(f"message catalog has no headline for {facts.verdict}")

    def headline_and_budget(shortest: bool) -> tuple[str, int]:
        headline = fit(_capitalised(_present(words.verdict_text("headline", shortest), "headline")), rules.max_headline_chars)
        return headline, min(rules.max_advice_chars,
                             rules.max_block_chars - signature - 2 - len(headline))

    repeat = facts.repeat_weekday is not None and words.verdict_text("again") is not None

    def advice(shortest: bool, beginner: bool, words: _Renderer = words) -> str:
        note = words.intensity_note()
        if repeat:
            sentences = [_with_note(_capitalised(_present(words.verdict_text("again", shortest), "again")), note)]
        else:
            happened = words.verdict_text("happened", shortest)
            following = words.verdict_text("next", shortest)
            if happened is None or following is None:
                raise ConfigError(f"message catalog needs happened and next texts for {facts.verdict}")
            extra = words.beginner_note() if beginner else None
            sentences = [_with_note(_capitalised(happened), note),
                         _with_note(_capitalised(following), extra)]
        fuel = words.fuel(shortest)
        return " ".join(sentences + ([fuel] if fuel else []))

    # Last resort before cutting: the catalog's "compact" forms (notes, fuel), if it has them.
    for shortest, beginner, compact in ((False, True, False), (True, True, False),
                                        (True, False, False), (True, False, True)):
        headline, budget = headline_and_budget(shortest)
        text = advice(shortest, beginner, _Renderer(facts, rules, catalog, compact=True) if compact else words)
        if len(text) <= budget:
            return headline, text
    return headline, fit(text, budget)
