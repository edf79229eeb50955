"""Advice texts from the message catalogs (config/messages/<language>.toml).

Wording is data for two reasons: a coach edits it without touching code, and
a translation is one more file. advice_text.py composes the sentences; this
module only finds texts. A key missing from a catalog falls back to English,
so a partial translation still gives advice.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from typing import Any

from .config_files import message_catalog_files
from .durations import format_hours, format_number
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
    """Best catalog for a setting like "de", "de-AT", "DE" or "pt_br"; English otherwise."""
    found = find_language(language)
    return found or FALLBACK_LANGUAGE


def find_language(language: str | None) -> str | None:
    """Return the catalog's code for a language setting, or None when no catalog fits."""
    if not language or not isinstance(language, str):
        return None
    code = language.strip().lower().replace("_", "-")
    by_lower = {name.lower(): name for name in message_catalog_files()}
    if code in by_lower:
        return by_lower[code]
    base = code.split("-", 1)[0]
    if base in by_lower:
        return by_lower[base]
    regional = sorted(name for lower, name in by_lower.items() if lower.split("-", 1)[0] == base)
    return regional[0] if regional else None


@lru_cache(maxsize=32)
def _load_catalog_file(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read message catalog {path}: {exc}") from exc


def load_catalog(language: str) -> dict[str, Any]:
    path = message_catalog_files().get(language)
    return _load_catalog_file(str(path)) if path else {}


def _lookup(catalog: dict[str, Any], *keys: str) -> Any:
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

    def nodes(self, *keys: str) -> list[Any]:
        """Return the value at `keys` in each catalog of the chain that has it, own language first."""
        found = (_lookup(catalog, *keys) for catalog in self._chain)
        return [value for value in found if value is not None]

    def require(self, *keys: str) -> str:
        value = self.text(*keys)
        if value is None:
            raise ConfigError(f"message catalog has no text for {'.'.join(keys)}")
        return value

    @property
    def decimal_separator(self) -> str:
        return self.text("meta", "decimal_separator") or "."


def placeholders(rules: Rules, run_minutes: int, catalog: Catalog) -> dict[str, str]:
    """Values a catalog text may use, so texts follow the configured thresholds."""
    sep = catalog.decimal_separator

    def hours(seconds: float) -> str:
        return format_hours(seconds, sep)

    def minutes(seconds: float) -> str:
        return format_number(seconds / 60, sep)

    return {
        "run_minutes": str(run_minutes),
        "cooldown_minutes": minutes(rules.cooldown_ok_max_s),
        "cooldown_max_minutes": minutes(rules.cooldown_borderline_max_s),
        "close_gap_hours": hours(rules.close_gap_below_s),
        "well_separated_hours": hours(rules.well_separated_from_s),
        "fuel_hours": hours(rules.fuel_below_s),
        "zone2_percent": format_number(round(rules.zone2_max_hr_fraction * 100, 1), sep),
    }


def one_line(text: str) -> str:
    """Fold to one line: the block is pasted into a Strava description as-is, with no line breaks."""
    return " ".join(text.split())


def fit(text: str, limit: int) -> str:
    """Last-resort cut at a word boundary; the shipped catalogs never need it."""
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 0)]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + ELLIPSIS




def goal_hints(language: str | None = None, rules: Rules | None = None) -> dict[str, str]:
    """Goal -> the settings page's one-line hint, in the athlete's language (English fallback).

    The hints make the same claims as the advice, so they live in the same
    catalogs and use the same thresholds.
    """
    from .codes import GOALS
    from .options import default_rules

    catalog = Catalog(language or FALLBACK_LANGUAGE)
    values = placeholders(rules or default_rules(), 0, catalog)
    hints = {}
    for goal in GOALS:
        text = catalog.text("goal_hints", goal)
        if text:
            hints[goal] = one_line(text.format_map(values))
    return hints


def verdict_label(verdict: str, language: str | None = None, rules: Rules | None = None) -> str:
    """Return a verdict's fixed name for tables and legends (the advice itself has per-pair headlines)."""
    from .options import default_rules

    catalog = Catalog(language or FALLBACK_LANGUAGE)
    text = catalog.text("labels", verdict)
    if not text:
        return verdict.replace("_", " ")
    return one_line(text.format_map(placeholders(rules or default_rules(), 0, catalog)))
