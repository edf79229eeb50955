"""The advice texts: length, one line, honest wording, every language."""

from __future__ import annotations

import dataclasses
import itertools
import re
import tomllib

import pytest

from plugin.coaching import (
    GOALS,
    INTENSITIES,
    LANGUAGES,
    VERDICTS,
    EngineOptions,
    evaluate,
)
from plugin.coaching.config_files import message_catalog_files
from plugin.coaching.messages import AdviceContext, compose
from plugin.coaching.options import default_rules

from .builders import H, M, ZONES, lift_then_run, run_then_lift

RULES = default_rules()
SOURCE_FOR = {
    "unknown": ["none"],
    "at_or_below_zone2": ["max_hr_estimate", "athlete_zones"],  # time-in-zone gives these too
    "above_zone2": ["max_hr_estimate", "athlete_zones"],
}


def combinations():
    for language, verdict, intensity, fuel, status, order in itertools.product(
            LANGUAGES, VERDICTS, INTENSITIES, (True, False), (None, "beginner", "trained"),
            ("lift_first", "run_first")):
        for source in SOURCE_FOR.get(intensity, ["athlete_zones"]):
            for hr_recorded in ((True, False) if intensity == "unknown" else (True,)):
                for minutes in (0, 15, 1440, 99999):
                    yield language, AdviceContext(verdict, order, intensity, source, hr_recorded,
                                                  fuel, status, minutes)


def test_languages_are_discovered_with_english_first():
    assert LANGUAGES[0] == "en"
    assert "de" in LANGUAGES


def test_every_combination_fits_without_dropping_notes():
    """<= 400 chars, one line, in every language and combination, notes intact."""
    unlimited = dataclasses.replace(RULES, max_advice_chars=10_000)
    checked = 0
    for language, context in combinations():
        headline, advice = compose(context, unlimited, language)
        assert len(advice) <= RULES.max_advice_chars, (language, context, len(advice), advice)
        assert len(headline) <= RULES.max_headline_chars, (language, headline)
        assert "\n" not in advice and "\r" not in advice and "\n" not in headline
        assert advice and headline
        assert "{" not in advice and "}" not in advice, advice
        checked += 1
    assert checked > 1000


def test_catalogs_cover_every_verdict_with_headline_and_default():
    for language, path in message_catalog_files().items():
        catalog = tomllib.loads(path.read_text(encoding="utf-8"))
        for verdict in VERDICTS:
            entry = catalog["verdicts"][verdict]
            assert entry["headline"], (language, verdict)
            assert entry["advice"]["default"], (language, verdict)
        for key in ("intensity_unknown", "intensity_unjudged", "estimate", "beginner"):
            assert catalog["notes"][key]
        assert catalog["fuel"]["lift_first"] and catalog["fuel"]["run_first"]


def _all_texts(language):
    path = message_catalog_files()[language]
    catalog = tomllib.loads(path.read_text(encoding="utf-8"))

    def walk(node):
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            for value in node.values():
                yield from walk(value)
    return catalog, list(walk({k: v for k, v in catalog.items() if k != "meta"}))


def test_english_says_may_never_will():
    _, texts = _all_texts("en")
    for text in texts:
        assert not re.search(r"\b(will|won't|guarantee[sd]?)\b", text, re.I), text


def test_german_makes_no_promises_either():
    _, texts = _all_texts("de")
    for text in texts:
        assert not re.search(r"\b(wird|werden|garantiert)\b", text, re.I), text


@pytest.mark.parametrize("language,phrase", [("en", "next time"), ("de", "nächste")])
def test_every_advice_says_what_to_do_next_time(language, phrase):
    catalog, _ = _all_texts(language)
    for verdict, entry in catalog["verdicts"].items():
        for variant, text in entry["advice"].items():
            assert phrase in text.lower(), (verdict, variant)


@pytest.mark.parametrize("language,phrase", [("en", "not measured"), ("de", "nicht gemessen")])
def test_unknown_intensity_says_not_measured(language, phrase):
    for verdict in VERDICTS:
        for recorded in (True, False):
            context = AdviceContext(verdict, "lift_first", "unknown", "none", recorded, True, None, 10)
            _, advice = compose(context, RULES, language)
            assert phrase in advice, (verdict, advice)


@pytest.mark.parametrize("language,phrase", [("en", "generic estimate"), ("de", "generische Schätzung")])
def test_max_hr_estimate_is_called_generic(language, phrase):
    for intensity in ("at_or_below_zone2", "above_zone2"):
        context = AdviceContext("cooldown_ok", "lift_first", intensity, "max_hr_estimate", True,
                                False, None, 10)
        assert phrase in compose(context, RULES, language)[1]


def test_measured_intensity_is_never_claimed_when_unknown():
    for language, context in combinations():
        if context.intensity != "unknown":
            continue
        advice = compose(context, RULES, language)[1].lower()
        for claim in ("was above zone 2", "at zone 2 or below", "easy run", "lag über zone 2",
                      "oder darunter", "lockerer lauf"):
            assert claim not in advice, (language, context.verdict, advice)


def test_cooldown_ok_with_unknown_intensity_says_keep_it_in_zone_2():
    pair, = evaluate(lift_then_run(0, 10 * M), "strength").pairs
    assert (pair.verdict, pair.intensity) == ("cooldown_ok", "unknown")
    assert "keep it in Zone 2" in pair.advice
    assert "not measured" in pair.advice


def test_headline_good_cooldown():
    pair, = evaluate(lift_then_run(0, 10 * M, hr=130), "strength", zones=ZONES).pairs
    assert pair.headline == "Good cool-down"


@pytest.mark.parametrize("goal", ["endurance", "weight_loss"])
def test_endurance_goals_do_not_promise_more_fat_loss(goal):
    for build in (lift_then_run, run_then_lift):
        for language in LANGUAGES:
            pair, = evaluate(build(0, 40 * M, hr=140), goal, zones=ZONES,
                             options=EngineOptions(language=language)).pairs
            text = pair.advice.lower()
            for promise in ("more fat loss", "burn more fat", "lose more fat", "mehr fett verbrennen"):
                assert promise not in text
    pair, = evaluate(lift_then_run(0, 40 * M), goal).pairs
    assert "not been shown to change fat loss" in pair.advice


def test_interference_risk_wording_from_the_seed():
    pair, = evaluate(lift_then_run(0, 45 * M, hr=165), "strength", zones=ZONES).pairs
    assert pair.verdict == "interference_risk"
    assert "may blunt" in pair.advice
    assert "6-8 h" in pair.advice and "10-15 min Zone 2" in pair.advice


def test_fuel_tip_with_protein_amount_only_when_fuel():
    near, = evaluate(lift_then_run(2 * H, 10 * M), "strength").pairs
    far, = evaluate(lift_then_run(9 * H, 10 * M), "strength").pairs
    assert near.fuel and "0.25 g protein/kg" in near.advice and "carbs" in near.advice
    assert not far.fuel and "protein" not in far.advice


def test_beginner_note_only_for_beginners_on_interference_verdicts():
    activities = lift_then_run(0, 45 * M)
    beginner = EngineOptions(training_status="beginner")
    trained = EngineOptions(training_status="trained")
    note = "beginner"
    assert note in evaluate(activities, "strength", options=beginner).pairs[0].advice
    assert note not in evaluate(activities, "strength", options=trained).pairs[0].advice
    assert note not in evaluate(activities, "strength").pairs[0].advice
    ok = lift_then_run(0, 10 * M)
    assert note not in evaluate(ok, "strength", options=beginner).pairs[0].advice


def test_german_and_language_fallback():
    activities = lift_then_run(0, 10 * M, hr=130)
    de, = evaluate(activities, "strength", zones=ZONES, options=EngineOptions(language="de")).pairs
    de_at, = evaluate(activities, "strength", zones=ZONES, options=EngineOptions(language="de-AT")).pairs
    fr, = evaluate(activities, "strength", zones=ZONES, options=EngineOptions(language="fr")).pairs
    en, = evaluate(activities, "strength", zones=ZONES).pairs
    assert de.headline == "Gutes Cool-down" == de_at.headline
    assert "0,25 g" in de.advice
    assert fr.to_dict() == en.to_dict()
    assert de.verdict == en.verdict


def test_partial_catalog_falls_back_per_key(tmp_path, monkeypatch):
    (tmp_path / "messages").mkdir()
    (tmp_path / "messages" / "xx.toml").write_text(
        '[verdicts.cooldown_ok]\nheadline = "XX headline"\n', encoding="utf-8")
    monkeypatch.setenv("LIFTRUN_CONFIG_DIR", str(tmp_path))
    pair, = evaluate(lift_then_run(0, 10 * M), "strength",
                     options=EngineOptions(language="xx")).pairs
    assert pair.headline == "XX headline"
    assert "keep it in Zone 2" in pair.advice  # English body


def test_advice_fits_through_evaluate_for_every_goal_and_language():
    for goal, language in itertools.product(GOALS, LANGUAGES):
        for build, gap in itertools.product((lift_then_run, run_then_lift), (0, 4 * H, 7 * H)):
            for hr in (None, 130, 175):
                options = EngineOptions(language=language, training_status="beginner")
                pair, = evaluate(build(gap, 25 * M, hr=hr), goal, zones=ZONES, options=options).pairs
                assert len(pair.advice) <= 400 and "\n" not in pair.advice
