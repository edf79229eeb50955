import pytest

from plugin.description_block import (
    has_block,
    is_opted_out,
    remove_block,
    render_block,
    signature_line,
    upsert_block,
)

URL = "https://coach.example/settings"
BLOCK = render_block("Well separated: 7 h between lifting and running.", URL)
NEW_BLOCK = render_block("This run may blunt your strength gains.", URL)


def test_block_is_advice_then_readable_signature():
    assert BLOCK.splitlines() == [
        "Well separated: 7 h between lifting and running.",
        "— LiftRun Coach · settings: https://coach.example/settings",
    ]
    assert signature_line(URL) == BLOCK.splitlines()[1]


def test_render_folds_advice_to_one_line():
    assert render_block("a\nb\n\nc", URL).splitlines()[0] == "a b c"


@pytest.mark.parametrize("empty", [None, ""])
def test_insert_into_empty_description(empty):
    assert upsert_block(empty, BLOCK) == BLOCK


def test_insert_after_athlete_text_with_blank_line():
    assert upsert_block("Felt good", BLOCK) == "Felt good\n\n" + BLOCK


@pytest.mark.parametrize("text", ["Felt good\n", "Felt good\n\n", "Felt good\n\n\n"])
def test_insert_keeps_trailing_newlines_of_athlete_text(text):
    result = upsert_block(text, BLOCK)
    assert result.startswith(text)
    assert result.endswith("\n\n" + BLOCK) or result == text + BLOCK


def test_replace_keeps_every_other_byte():
    athlete = "Leg day 🦵  \r\n  squats 5×5\ttabs\u00a0nbsp"
    written = upsert_block(athlete, BLOCK)
    replaced = upsert_block(written, NEW_BLOCK)
    assert replaced == athlete + "\n\n" + NEW_BLOCK
    assert replaced.count("— LiftRun Coach") == 1


def test_reprocessing_is_idempotent():
    once = upsert_block("Felt good", BLOCK)
    assert upsert_block(once, BLOCK) == once


def test_other_app_block_before_ours_is_kept():
    hevy = "Felt good\n\nBench Press\nSet 1: 80 kg x 5\n\nLogged with Hevy"
    written = upsert_block(hevy, BLOCK)
    assert written == hevy + "\n\n" + BLOCK
    assert upsert_block(written, NEW_BLOCK) == hevy + "\n\n" + NEW_BLOCK


def test_other_app_lines_after_ours_stay_in_place():
    text = "Felt good\n\n" + BLOCK + "\n\n☀️ 18°C, sunny — by klimat.app"
    replaced = upsert_block(text, NEW_BLOCK)
    assert replaced == "Felt good\n\n" + NEW_BLOCK + "\n\n☀️ 18°C, sunny — by klimat.app"


def test_duplicate_blocks_collapse_into_one():
    text = "Felt good\n\n" + BLOCK + "\n\n" + BLOCK
    result = upsert_block(text, NEW_BLOCK)
    assert result.count("— LiftRun Coach") == 1
    assert result.startswith("Felt good\n\n" + NEW_BLOCK)


def test_remove_restores_athlete_text():
    assert remove_block(upsert_block("Felt good", BLOCK)) == "Felt good"
    assert remove_block(BLOCK) == ""
    assert remove_block(None) == ""


def test_remove_keeps_lines_after_our_block():
    text = "Felt good\n\n" + BLOCK + "\n\nweather line"
    assert remove_block(text) == "Felt good\n\nweather line"


def test_remove_without_block_changes_nothing():
    text = "Felt good\n— not our signature"
    assert remove_block(text) == text
    assert not has_block(text)
    assert has_block(upsert_block(text, BLOCK))


def test_block_never_eats_more_than_the_line_before_the_signature():
    # The athlete deleted the blank line before our block.
    text = "Line one\nLine two\n" + BLOCK
    assert upsert_block(text, NEW_BLOCK) == "Line one\nLine two\n" + NEW_BLOCK


@pytest.mark.parametrize(
    "name, description, expected",
    [
        ("Morning run #noliftrun", None, True),
        ("Morning run", "easy one #NoLiftRun please", True),
        ("Morning run", "#noliftrunning is a different tag", False),
        ("Morning run", "mail#noliftrun", False),
        ("Morning run", "", False),
        (None, None, False),
    ],
)
def test_opt_out_hashtag(name, description, expected):
    assert is_opted_out(name, description) is expected
