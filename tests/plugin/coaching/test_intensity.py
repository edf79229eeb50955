"""Run intensity: only what was measured, against the athlete's own zones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import stravalib

from plugin.coaching import EngineInputError, evaluate

from .builders import M, ZONES, lift_then_run

STRAVALIB_ZONES = Path(stravalib.__file__).parent / "tests" / "resources" / "example_zone_response.json"


def pair_for(hr, **kw):
    pair, = evaluate(lift_then_run(0, 10 * M, hr=hr), "strength", **kw).pairs
    return pair


@pytest.mark.parametrize("hr,zone", [(90, "zone1"), (115, "zone1"), (130, "zone2"), (152, "zone2"),
                                     (160, "zone3"), (180, "zone4"), (190, "zone4"), (195, "zone5")])
def test_zone_from_athlete_zones(hr, zone):
    pair = pair_for(hr, zones=ZONES)
    assert (pair.intensity, pair.intensity_source) == (zone, "athlete_zones")


def test_missing_hr_is_unknown_and_judged_on_duration():
    pair = pair_for(None, zones=ZONES, max_hr=190)
    assert (pair.intensity, pair.intensity_source, pair.verdict) == ("unknown", "none", "cooldown_ok")
    assert "not measured" in pair.advice
    assert "keep it in Zone 2" in pair.advice


def test_has_heartrate_false_ignores_a_stale_average():
    activities = lift_then_run(0, 10 * M, hr=175)
    activities[1]["has_heartrate"] = False
    pair, = evaluate(activities, "strength", zones=ZONES).pairs
    assert pair.intensity == "unknown"


@pytest.mark.parametrize("hr,intensity,verdict", [
    (133, "at_or_below_zone2", "cooldown_ok"),        # 70 % of 190 = 133: equal counts
    (133.5, "above_zone2", "cooldown_borderline"),
])
def test_no_zones_uses_max_hr_estimate(hr, intensity, verdict):
    pair = pair_for(hr, max_hr=190)
    assert (pair.intensity, pair.intensity_source, pair.verdict) == (intensity, "max_hr_estimate", verdict)
    assert f"avg HR {hr:.0f}, about 70 % of your max" in pair.advice  # near the line: the number
    assert "rough call" in pair.advice and "above Zone 2" not in pair.advice


def test_zones_win_over_max_hr():
    assert pair_for(140, zones=ZONES, max_hr=150).intensity_source == "athlete_zones"


def test_hr_without_zones_or_max_hr_is_unknown():
    pair = pair_for(170)
    assert (pair.intensity, pair.intensity_source, pair.verdict) == ("unknown", "none", "cooldown_ok")
    assert "HR recorded but not judged" in pair.advice and "settings" in pair.advice
    assert "not measured" not in pair.advice


def test_zones_in_stravalib_example_shape():
    zones = json.loads(STRAVALIB_ZONES.read_text())
    # heart-rate buckets there: 0-120, 120-149, 149-164, 164-179, 179-
    assert pair_for(149, zones=zones).intensity == "zone2"
    assert pair_for(150, zones=zones).intensity == "zone3"
    assert pair_for(200, zones=zones).intensity == "zone5"


@pytest.mark.parametrize("shape", [
    ZONES,
    {"heart_rate": {"zones": ZONES["heart_rate"]["zones"]}},
    {"zones": ZONES["heart_rate"]["zones"]},
    ZONES["heart_rate"]["zones"],
    list(reversed(ZONES["heart_rate"]["zones"])),
])
def test_accepted_zone_shapes(shape):
    assert pair_for(150, zones=shape).intensity == "zone2"
    assert pair_for(153, zones=shape).intensity == "zone3"


def test_athlete_without_heart_rate_zones_falls_back():
    pair = pair_for(150, zones={"heart_rate": None, "power": {"zones": []}}, max_hr=200)
    assert pair.intensity_source == "max_hr_estimate"
    assert pair_for(150, zones={"heart_rate": {"zones": []}}).intensity == "unknown"


def test_time_in_zone_of_the_run_when_no_average():
    activities = lift_then_run(0, 10 * M)
    buckets = [{"min": 0, "max": 115, "time": 100}, {"min": 115, "max": 152, "time": 100},
               {"min": 152, "max": 171, "time": 300}, {"min": 171, "max": 190, "time": 100},
               {"min": 190, "max": -1, "time": 0}]
    activities[1]["zones"] = [{"type": "heartrate", "distribution_buckets": buckets}]
    pair, = evaluate(activities, "strength").pairs
    assert (pair.intensity, pair.intensity_source, pair.verdict) == (
        "above_zone2", "athlete_zones", "cooldown_borderline")


@pytest.mark.parametrize("zones", [
    {"heart_rate": {"zones": [{"min": 0, "max": "high"}, {"min": 1, "max": -1}]}},
    {"heart_rate": {"zones": [{"min": 0, "max": 100}]}},
    {"hr": []},
    "zone2",
])
def test_broken_zones_are_input_errors(zones):
    with pytest.raises(EngineInputError):
        pair_for(140, zones=zones)


@pytest.mark.parametrize("max_hr", [0, -5, "190", True, float("nan")])
def test_bad_max_hr(max_hr):
    with pytest.raises(EngineInputError, match="max_hr"):
        pair_for(140, max_hr=max_hr)
