"""The message catalogs: complete in every language, honest words, per-key fallback."""

from __future__ import annotations

import re
import tomllib

import pytest

from plugin.coaching import GOALS, LANGUAGES, VERDICTS, EngineOptions, evaluate
from plugin.coaching.config_files import message_catalog_files
from plugin.coaching.messages import find_language, goal_hints, resolve_language

from .builders import M, lift_then_run

PHRASES = ("run_plain", "run_easy", "run_hard", "after_now", "after_gap", "before_now", "before_gap",
           "day_today", "day_named", "protein_grams", "protein_unknown", "note_none", "note_unjudged",
           "note_near", "note_hard", "note_hard_estimate", "note_estimate", "note_beginner")


def catalog(language):
    return tomllib.loads(message_catalog_files()[language].read_text(encoding="utf-8"))


def texts(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, list):
        for item in node:
            yield from texts(item)
    elif isinstance(node, dict):
        for value in node.values():
            yield from texts(value)


def test_five_languages_ship_with_english_first():
    assert LANGUAGES == ("en", "de", "es", "fr", "pt-BR")


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_is_complete(language):
    data = catalog(language)
    assert len(data["meta"]["weekdays"]) == 7
    for key in PHRASES:
        assert data["phrases"][key], key
    for side in ("lift_first", "run_first"):
        assert data["fuel"][side] and data["fuel"][f"{side}-weight_loss"]
    for verdict in VERDICTS:
        parts = {key.split("-")[0] for key in data["verdicts"][verdict]}
        assert {"headline", "happened", "next", "again"} <= parts, (language, verdict)
    assert set(data["goal_hints"]) == set(GOALS)


@pytest.mark.parametrize("language", LANGUAGES)
def test_at_least_two_wordings_per_verdict_in_the_catalog(language):
    data = catalog(language)
    for verdict in VERDICTS:
        entry = data["verdicts"][verdict]
        for part in ("happened", "next"):
            lists = [v for k, v in entry.items() if k.split("-")[0] == part and isinstance(v, list)]
            assert any(len(v) >= 2 for v in lists), (language, verdict, part)


def test_english_says_may_never_will():
    for text in texts({k: v for k, v in catalog("en").items() if k != "meta"}):
        assert not re.search(r"\b(will|won't|guarantee[sd]?)\b", text, re.I), text


def test_german_makes_no_promises_either():
    for text in texts({k: v for k, v in catalog("de").items() if k != "meta"}):
        assert not re.search(r"\b(wird|werden|garantiert)\b", text, re.I), text


@pytest.mark.parametrize("language", LANGUAGES)
def test_ranges_use_en_dashes_and_no_placeholder_is_left(language):
    for text in texts(catalog(language)):
        assert not re.search(r"\d-\d|\}-\{|\d-\{|\}-\d", text), text
        assert "≈" not in text


def test_language_codes_resolve_case_insensitively():
    assert find_language("pt-br") == "pt-BR" == find_language("PT_BR") == find_language("pt")
    assert find_language("de-AT") == "de"
    assert find_language("xx") is None and resolve_language("xx") == "en"


def test_partial_catalog_falls_back_per_key(tmp_path, monkeypatch):
    (tmp_path / "messages").mkdir()
    (tmp_path / "messages" / "xx.toml").write_text(
        '[verdicts.cooldown_ok]\nheadline-now = "XX headline"\n', encoding="utf-8")
    monkeypatch.setenv("LIFTRUN_CONFIG_DIR", str(tmp_path))
    pair, = evaluate(lift_then_run(0, 10 * M), "strength", options=EngineOptions(language="xx")).pairs
    assert pair.headline == "XX headline"
    assert "keep it in Zone 2" in pair.advice  # English body


@pytest.mark.parametrize("language", LANGUAGES)
def test_goal_hints_are_translated_and_filled(language):
    hints = goal_hints(language)
    assert set(hints) == set(GOALS)
    for text in hints.values():
        assert "{" not in text and len(text) < 220
    if language != "en":
        assert hints != goal_hints("en")
