"""Advice texts from the message catalogs (config/messages/<language>.toml).

Wording is data for two reasons: a coach edits it without touching code, and
a translation is one more file. The engine picks a text by verdict and by
what was measured about the run, then appends notes (intensity not measured,
generic estimate, fuel, beginner). A language or key missing from a catalog
falls back to English, so a partial translation still gives advice.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache

from .codes import LIFT_FIRST, SOURCE_MAX_HR, UNKNOWN, is_easy
from .config_files import message_catalog_files
from .errors import ConfigError
from .rules import Rules

FALLBACK_LANGUAGE = "en"
ELLIPSIS = "\u2026"


def discover_languages() -> tuple[str, ...]:
    found = message_catalog_files()
    if FALLBACK_LANGUAGE not in found:
        raise ConfigError("config/messages/en.toml is missing: English is the fallback catalog")
    return (FALLBACK_LANGUAGE,) + tuple(sorted(lang for lang in found if lang != FALLBACK_LANGUAGE))


LANGUAGES = discover_languages()


def resolve_language(language: str | None) -> str:
    """Best catalog for a setting like "de", "de-AT" or "DE"; English otherwise."""
    if not language:
        return FALLBACK_LANGUAGE
    code = language.strip().lower().replace("_", "-")
    available = message_catalog_files()
    if code in available:
        return code
    base = code.split("-", 1)[0]
    return base if base in available else FALLBACK_LANGUAGE


@lru_cache(maxsize=32)
def _load_catalog_file(path: str) -> dict:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read message catalog {path}: {exc}") from exc


def load_catalog(language: str) -> dict:
    path = message_catalog_files().get(language)
    return _load_catalog_file(str(path)) if path else {}


def _lookup(catalog: dict, *keys: str):
    node = catalog
    for key in keys:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


class Catalog:
    """One language's texts with per-key fallback to English."""

    def __init__(self, language: str):
        self.language = resolve_language(language)
        self._chain = [load_catalog(self.language)]
        if self.language != FALLBACK_LANGUAGE:
            self._chain.append(load_catalog(FALLBACK_LANGUAGE))

    def text(self, *keys: str) -> str | None:
        for catalog in self._chain:
            value = _lookup(catalog, *keys)
            if isinstance(value, str):
                return value
        return None

    def require(self, *keys: str) -> str:
        value = self.text(*keys)
        if value is None:
            raise ConfigError(f"message catalog has no text for {'.'.join(keys)}")
        return value

    @property
    def decimal_separator(self) -> str:
        return self.text("meta", "decimal_separator") or "."


def intensity_variant(intensity: str) -> str:
    easy = is_easy(intensity)
    if easy is None:
        return "unknown"
    return "easy" if easy else "hard"


def _number(value: float, separator: str) -> str:
    text = f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
    return text.replace(".", separator)


def placeholders(rules: Rules, run_minutes: int, catalog: Catalog) -> dict[str, str]:
    """Values a catalog text may use, so texts follow the configured thresholds."""
    sep = catalog.decimal_separator
    hours = lambda seconds: _number(seconds / 3600, sep)  # noqa: E731
    minutes = lambda seconds: _number(seconds / 60, sep)  # noqa: E731
    return {
        "run_minutes": str(run_minutes),
        "cooldown_minutes": minutes(rules.cooldown_ok_max_s),
        "cooldown_max_minutes": minutes(rules.cooldown_borderline_max_s),
        "close_gap_hours": hours(rules.close_gap_below_s),
        "well_separated_hours": hours(rules.well_separated_from_s),
        "fuel_hours": hours(rules.fuel_below_s),
        "zone2_percent": _number(round(rules.zone2_max_hr_fraction * 100, 1), sep),
    }


def one_line(text: str) -> str:
    """The block is pasted into a Strava description as-is: no line breaks."""
    return " ".join(text.split())


def fit(text: str, limit: int) -> str:
    """Last-resort cut at a word boundary; the shipped catalogs never need it."""
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 0)]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + ELLIPSIS


@dataclass(frozen=True)
class AdviceContext:
    verdict: str
    order: str
    intensity: str
    intensity_source: str
    heart_rate_recorded: bool
    fuel: bool
    training_status: str | None
    run_minutes: int


def compose(context: AdviceContext, rules: Rules, language: "str | Catalog") -> tuple[str, str]:
    """Return (headline, advice) for one pair, within the configured lengths.

    Pass a Catalog when wording many pairs, to resolve the language once.
    """
    catalog = language if isinstance(language, Catalog) else Catalog(language)
    values = placeholders(rules, context.run_minutes, catalog)

    def render(template: str) -> str:
        try:
            return one_line(template.format_map(values))
        except (KeyError, IndexError, ValueError) as exc:
            raise ConfigError(f"bad placeholder in message {template!r}: {exc}") from exc

    verdict = context.verdict
    variant = intensity_variant(context.intensity)
    body = catalog.text("verdicts", verdict, "advice", variant) \
        or catalog.require("verdicts", verdict, "advice", "default")
    headline = render(catalog.require("verdicts", verdict, "headline"))

    parts = [render(body)]
    if context.intensity == UNKNOWN:
        key = "intensity_unjudged" if context.heart_rate_recorded else "intensity_unknown"
        parts.append(render(catalog.require("notes", key)))
    if context.intensity_source == SOURCE_MAX_HR:
        parts.append(render(catalog.require("notes", "estimate")))
    optional = []
    if context.fuel:
        side = "lift_first" if context.order == LIFT_FIRST else "run_first"
        optional.append(render(catalog.require("fuel", side)))
    if context.training_status == "beginner" and verdict in rules.beginner_note_verdicts:
        optional.append(render(catalog.require("notes", "beginner")))

    advice = " ".join(parts + optional)
    # Guard for edited catalogs: drop the least essential notes before cutting.
    while len(advice) > rules.max_advice_chars and optional:
        optional.pop()
        advice = " ".join(parts + optional)
    return fit(headline, rules.max_headline_chars), fit(advice, rules.max_advice_chars)
