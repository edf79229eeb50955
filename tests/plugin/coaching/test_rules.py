"""Thresholds come from config/coaching.toml, with the defaults of rules.md."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from plugin.coaching import EngineOptions, evaluate, load_rules
from plugin.coaching.errors import ConfigError
from plugin.coaching.advice_text import TextFacts, compose
from plugin.coaching.messages import Catalog
from plugin.coaching.options import default_rules

from .builders import H, M, lift_then_run

REPO_CONFIG = Path(__file__).resolve().parents[3] / "config" / "coaching.toml"


def test_defaults_match_rules_md():
    rules = load_rules()
    assert (rules.same_session_below_s, rules.short_below_s, rules.acceptable_below_s,
            rules.good_below_s) == (3600, 10800, 21600, 86400)
    assert (rules.close_gap_below_s, rules.well_separated_from_s) == (10800, 21600)
    assert (rules.cooldown_ok_max_s, rules.cooldown_borderline_max_s) == (900, 1200)
    assert rules.fuel_below_s == 8 * 3600
    assert rules.window_hours == 24
    assert rules.zone2_max_hr_fraction == 0.70
    assert rules.lift_types == {"WeightTraining", "Crossfit"}
    assert rules.run_types == {"Run", "TrailRun", "VirtualRun"}
    assert {"Workout", "HighIntensityIntervalTraining"} <= rules.optional_lift_types
    assert rules.max_block_chars == 400
    assert rules.max_advice_chars + 2 + rules.signature_budget_chars <= rules.max_block_chars
    assert (rules.near_line_low_fraction, rules.near_line_high_fraction) == (0.65, 0.75)
    assert (rules.protein_g_per_kg, rules.protein_round_g) == (0.25, 5)


def test_engine_options_defaults_come_from_config():
    options = EngineOptions()
    assert options.lift_types == frozenset({"WeightTraining", "Crossfit"})
    assert options.run_types == frozenset({"Run", "TrailRun", "VirtualRun"})
    assert (options.window_hours, options.language, options.training_status) == (24, "en", None)
    assert isinstance(EngineOptions(lift_types=["Workout"]).lift_types, frozenset)


def test_a_coach_can_change_a_threshold_without_code(tmp_path):
    text = REPO_CONFIG.read_text().replace("ok_max_minutes = 15", "ok_max_minutes = 10")
    path = tmp_path / "coaching.toml"
    path.write_text(text)
    rules = load_rules(path)
    assert rules.cooldown_ok_max_s == 600
    activities = lift_then_run(0, 12 * M)
    assert evaluate(activities, "strength").pairs[0].verdict == "cooldown_ok"
    pair, = evaluate(activities, "strength", rules=rules).pairs
    assert pair.verdict == "cooldown_borderline"
    assert "10–10 min" in pair.advice  # the text follows the configured limit


def test_rules_window_and_types_apply_when_no_options(tmp_path):
    text = REPO_CONFIG.read_text().replace("window_hours = 24", "window_hours = 2")
    path = tmp_path / "coaching.toml"
    path.write_text(text)
    rules = load_rules(path)
    assert evaluate(lift_then_run(3 * H, 10 * M), "strength", rules=rules).pairs == []


def test_config_dir_override(tmp_path, monkeypatch):
    text = REPO_CONFIG.read_text().replace("below_hours = 8", "below_hours = 10")
    (tmp_path / "coaching.toml").write_text(text)
    monkeypatch.setenv("LIFTRUN_CONFIG_DIR", str(tmp_path))
    assert load_rules().fuel_below_s == 36000
    monkeypatch.setenv("LIFTRUN_CONFIG_DIR", str(tmp_path / "missing"))
    assert load_rules().fuel_below_s == 28800  # falls back to the repository default


@pytest.mark.parametrize("old,new", [
    ("short_below_hours = 3", "short_below_hours = 0.5"),
    ("ok_max_minutes = 15", "ok_max_minutes = 25"),
    ("zone2_max_hr_fraction = 0.70", "zone2_max_hr_fraction = 7"),
    ('run_types = ["Run",', 'run_types = ["WeightTraining", "Run",'),
    ("[fuel]", "[fool]"),
    ("window_hours = 24", 'window_hours = "a day"'),
])
def test_broken_config_is_a_config_error(tmp_path, old, new):
    text = REPO_CONFIG.read_text()
    assert old in text
    path = tmp_path / "coaching.toml"
    path.write_text(text.replace(old, new))
    with pytest.raises(ConfigError):
        load_rules(path)


def test_length_guard_for_edited_catalogs():
    tight = dataclasses.replace(default_rules(), max_advice_chars=120, max_headline_chars=10)
    facts = TextFacts(verdict="interference_risk", tier="same_session", order="lift_first",
                      goal="strength", gap_s=0, run_minutes=45, intensity="unknown",
                      intensity_source="none", average_hr=None, max_hr=None, lift_focus="unknown",
                      fuel_sentence=True, weight_kg=None, training_status="beginner", seed="1:2")
    headline, advice = compose(facts, tight, Catalog("en"))
    assert len(advice) <= 120 and len(headline) <= 10
    assert advice.endswith("\u2026")
