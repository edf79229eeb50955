"""Thresholds of the coaching rules, read from config/coaching.toml.

The numbers come from studies a coach may reread differently, so none of them
is written into the engine's logic; the engine only ever asks a Rules value.
Everything is converted to whole seconds once here because rules.md defines
every comparison in seconds.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .codes import VERDICTS
from .config_files import find_config_file
from .errors import ConfigError

RULES_FILE = "coaching.toml"


@dataclass(frozen=True)
class Rules:
    same_session_below_s: int
    short_below_s: int
    acceptable_below_s: int
    good_below_s: int
    close_gap_below_s: int
    well_separated_from_s: int
    cooldown_ok_max_s: int
    cooldown_borderline_max_s: int
    fuel_below_s: int
    window_hours: float
    lift_types: frozenset[str]
    run_types: frozenset[str]
    optional_lift_types: frozenset[str]
    zone2_max_hr_fraction: float
    above_zone2_time_share: float
    max_headline_chars: int
    max_advice_chars: int
    beginner_note_verdicts: frozenset[str]
    # Second edition of the advice text (rules.md); defaults keep older config copies loadable.
    max_block_chars: int = 400
    signature_budget_chars: int = 56
    straight_after_below_s: int = 600
    near_line_low_fraction: float = 0.65
    near_line_high_fraction: float = 0.75
    legs_tired_below_s: int = 8 * 3600
    protein_g_per_kg: float = 0.25
    protein_round_g: int = 5

    def __post_init__(self) -> None:
        tiers = (self.same_session_below_s, self.short_below_s,
                 self.acceptable_below_s, self.good_below_s)
        if any(b <= a for a, b in zip(tiers, tiers[1:])) or tiers[0] <= 0:
            raise ConfigError("gap tier limits must be positive and increasing")
        if not 0 < self.close_gap_below_s <= self.well_separated_from_s:
            raise ConfigError("verdicts: close_gap_below_hours must be > 0 and "
                              "<= well_separated_from_hours")
        if not 0 <= self.cooldown_ok_max_s <= self.cooldown_borderline_max_s:
            raise ConfigError("cooldown: ok_max_minutes must be <= borderline_max_minutes")
        if self.fuel_below_s < 0:
            raise ConfigError("fuel: below_hours must not be negative")
        if not (math.isfinite(self.window_hours) and self.window_hours > 0):
            raise ConfigError("pairing: window_hours must be a positive number")
        if self.lift_types & self.run_types:
            raise ConfigError("pairing: a sport type cannot be both a lift and a run")
        if not 0 < self.zone2_max_hr_fraction < 1:
            raise ConfigError("intensity: zone2_max_hr_fraction must be between 0 and 1")
        if not 0 <= self.above_zone2_time_share < 1:
            raise ConfigError("intensity: above_zone2_time_share must be in [0, 1)")
        if not 0 < self.near_line_low_fraction <= self.near_line_high_fraction < 1:
            raise ConfigError("intensity: near_line_low/high must satisfy 0 < low <= high < 1")
        if self.protein_g_per_kg <= 0 or self.protein_round_g <= 0:
            raise ConfigError("fuel: protein_g_per_kg and protein_round_g must be positive")
        if self.max_advice_chars + 2 + self.signature_budget_chars \
                > self.max_block_chars:
            raise ConfigError("text: advice + signature budget exceed max_block_chars")
        unknown = self.beginner_note_verdicts - set(VERDICTS)
        if unknown:
            raise ConfigError(f"text: unknown verdicts in beginner_note_verdicts: {sorted(unknown)}")

    @property
    def window_s(self) -> float:
        return self.window_hours * 3600


def _number(table: dict[str, Any], key: str, section: str) -> float:
    value = table.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigError(f"{RULES_FILE}: [{section}] {key} must be a number")
    return value


def _seconds(table: dict[str, Any], key: str, section: str, unit: int) -> int:
    return round(_number(table, key, section) * unit)


def _names(table: dict[str, Any], key: str, section: str) -> frozenset[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{RULES_FILE}: [{section}] {key} must be a list of strings")
    return frozenset(value)


def _optional(table: dict[str, Any], key: str, section: str, default: float) -> float:
    return _number(table, key, section) if key in table else default


def rules_from_mapping(data: dict[str, Any]) -> Rules:
    """Build Rules from the parsed TOML; also lets tests state thresholds inline."""

    def section(name: str) -> dict[str, Any]:
        table = data.get(name)
        if not isinstance(table, dict):
            raise ConfigError(f"{RULES_FILE}: missing section [{name}]")
        return table

    tiers = section("gap_tiers")
    verdicts = section("verdicts")
    cooldown = section("cooldown")
    fuel = section("fuel")
    pairing = section("pairing")
    intensity = section("intensity")
    text = section("text")
    hour, minute = 3600, 60
    return Rules(
        same_session_below_s=_seconds(tiers, "same_session_below_hours", "gap_tiers", hour),
        short_below_s=_seconds(tiers, "short_below_hours", "gap_tiers", hour),
        acceptable_below_s=_seconds(tiers, "acceptable_below_hours", "gap_tiers", hour),
        good_below_s=_seconds(tiers, "good_below_hours", "gap_tiers", hour),
        close_gap_below_s=_seconds(verdicts, "close_gap_below_hours", "verdicts", hour),
        well_separated_from_s=_seconds(verdicts, "well_separated_from_hours", "verdicts", hour),
        cooldown_ok_max_s=_seconds(cooldown, "ok_max_minutes", "cooldown", minute),
        cooldown_borderline_max_s=_seconds(cooldown, "borderline_max_minutes", "cooldown", minute),
        fuel_below_s=_seconds(fuel, "below_hours", "fuel", hour),
        window_hours=float(_number(pairing, "window_hours", "pairing")),
        lift_types=_names(pairing, "lift_types", "pairing"),
        run_types=_names(pairing, "run_types", "pairing"),
        optional_lift_types=_names(pairing, "optional_lift_types", "pairing"),
        zone2_max_hr_fraction=float(_number(intensity, "zone2_max_hr_fraction", "intensity")),
        above_zone2_time_share=float(_number(intensity, "above_zone2_time_share", "intensity")),
        max_headline_chars=int(_number(text, "max_headline_chars", "text")),
        max_advice_chars=int(_number(text, "max_advice_chars", "text")),
        beginner_note_verdicts=_names(text, "beginner_note_verdicts", "text"),
        max_block_chars=int(_optional(text, "max_block_chars", "text", 400)),
        signature_budget_chars=int(_optional(text, "signature_budget_chars", "text", 56)),
        straight_after_below_s=round(_optional(text, "straight_after_below_minutes", "text", 10) * minute),
        near_line_low_fraction=float(_optional(intensity, "near_line_low_fraction", "intensity", 0.65)),
        near_line_high_fraction=float(_optional(intensity, "near_line_high_fraction", "intensity", 0.75)),
        legs_tired_below_s=round(_optional(text, "legs_tired_below_hours", "text", 8) * hour),
        protein_g_per_kg=float(_optional(fuel, "protein_g_per_kg", "fuel", 0.25)),
        protein_round_g=int(_optional(fuel, "protein_round_g", "fuel", 5)),
    )


def load_rules(path: str | Path | None = None) -> Rules:
    """Read the thresholds; without a path, from the configured config dir."""
    if path is None:
        path = find_config_file(RULES_FILE)
        if path is None:
            raise ConfigError(f"{RULES_FILE} not found (set LIFTRUN_CONFIG_DIR)")
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc
    return rules_from_mapping(data)
