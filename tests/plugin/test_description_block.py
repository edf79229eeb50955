import pytest
from hypothesis import given
from hypothesis import strategies as st

from plugin.description_block import (
    has_block,
    is_opted_out,
    remove_block,
    render_block,
    signature_line,
    upsert_block,
)

URL = "https://coach.example/settings"
BLOCK = render_block("Your 45-min run 7 h after lifting kept the sessions well apart.", URL,
                     headline="Well separated")
NEW_BLOCK = render_block("Your 45-min run straight after lifting may have blunted some strength.", URL,
                         headline="This run may cost some strength")
# What the first release wrote: the advice paragraph, then its signature line.
OLD_BLOCK = ("Well separated: 7 h between lifting and running.\n"
             "— LiftRun Coach · settings: https://coach.example/settings")


def test_block_is_headline_advice_then_readable_signature():
    assert BLOCK.splitlines() == [
        "Well separated",
        "Your 45-min run 7 h after lifting kept the sessions well apart.",
        "— LiftRun Coach · https://coach.example/settings",
    ]
    assert signature_line(URL) == BLOCK.splitlines()[2]


def test_render_folds_headline_and_advice_to_one_line_each():
    assert render_block("a\nb\n\nc", URL, headline="x\ny").splitlines()[:2] == ["x y", "a b c"]
    assert render_block("a", URL) == OLD_BLOCK.replace(OLD_BLOCK.splitlines()[0], "a")


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


# Signature line: recognised exactly (rules.md) ------------------------------------------------

LOOKALIKES = [
    "— LiftRun Coach was right",
    "— LiftRun Coach",
    "— LiftRun Coach · settings: please stop",
    "— LiftRun Coach · settings: https://coach.example/settings and more",
    "— LiftRun Coach · https://coach.example/settings 👍",
    "— LiftRun Coachella 2024",
    "- LiftRun Coach · https://coach.example/settings",
    "— LiftRun Coach · https://www.strava.com/clubs/liftrun",
]


@pytest.mark.parametrize("line", LOOKALIKES)
def test_athlete_lines_like_the_signature_are_kept_byte_for_byte(line):
    athlete = f"Great session\n{line}\nThanks coach"
    assert not has_block(athlete)
    assert remove_block(athlete) == athlete
    assert upsert_block(athlete, BLOCK) == athlete + "\n\n" + BLOCK
    written = upsert_block(athlete, BLOCK)
    assert upsert_block(written, NEW_BLOCK) == athlete + "\n\n" + NEW_BLOCK
    assert remove_block(written) == athlete


@pytest.mark.parametrize("line", LOOKALIKES)
def test_lookalike_right_above_our_block_is_not_eaten(line):
    text = f"Felt good\n{line}\n" + BLOCK
    assert upsert_block(text, NEW_BLOCK) == f"Felt good\n{line}\n" + NEW_BLOCK
    assert remove_block(text) == f"Felt good\n{line}"


def test_lookalike_as_whole_description_survives_remove():
    assert remove_block("— LiftRun Coach was right") == "— LiftRun Coach was right"


def test_block_of_the_previous_format_is_replaced_in_place():
    text = "Leg day\n\n" + OLD_BLOCK + "\n\nweather line"
    assert has_block(text)
    assert upsert_block(text, BLOCK) == "Leg day\n\n" + BLOCK + "\n\nweather line"
    assert remove_block(text) == "Leg day\n\nweather line"
    # The old block owned one line above its signature, never two.
    tight = "Line one\n" + OLD_BLOCK
    assert upsert_block(tight, BLOCK) == "Line one\n" + BLOCK
    # An old and a new block (say from two versions racing) collapse into one.
    both = "Leg day\n\n" + OLD_BLOCK + "\n\n" + BLOCK
    assert upsert_block(both, NEW_BLOCK) == "Leg day\n\n" + NEW_BLOCK


def test_new_block_owns_exactly_headline_and_advice():
    text = "Line one\nLine two\n" + BLOCK
    assert upsert_block(text, NEW_BLOCK) == "Line one\nLine two\n" + NEW_BLOCK
    assert remove_block("Felt good\n\n" + BLOCK) == "Felt good"


# Athlete texts built from the pieces that make descriptions tricky: newlines,
# blank lines, our signature's prefix, lookalike lines and other apps' lines.
_PIECES = st.sampled_from(["\n", "\n\n", "Felt good", "— LiftRun Coach", "— LiftRun Coach was right",
                           "— LiftRun Coach · ", "squats 5×5", " ", "\r\n", "Logged with hevyapp.com"])


@given(st.lists(_PIECES, max_size=8).map("".join))
def test_remove_gives_back_any_athlete_text_byte_for_byte(athlete):
    written = upsert_block(athlete, BLOCK)
    assert remove_block(written) == athlete
    rewritten = upsert_block(written, NEW_BLOCK)
    assert rewritten.count(signature_line(URL)) == 1
    assert remove_block(rewritten) == athlete
