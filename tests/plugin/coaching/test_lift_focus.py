"""Lift focus from the exercise list an app wrote into the lift (rules.md second edition, point 7).

Every description here is made up for the test; none is a real athlete's.
"""

from __future__ import annotations

import pytest

from plugin.coaching import evaluate
from plugin.coaching.lift_focus import build_index, classify_text, default_index, working_sets_by_exercise

from .builders import M, lift_then_run

HEVY_LEGS = """Leg day
Squat (Barbell)
Set 1: 60 kg x 8 [Warm-up]
Set 2: 100 kg x 5
Set 3: 100 kg x 5
Set 4: 100 kg x 4 [Failure]

Bench Press (Barbell)
Set 1: 70 kg x 8
Set 2: 70 kg x 8

Logged with hevyapp.com"""

HEVY_UPPER_LBS = """Push
Incline Bench Press (Dumbbell)
Set 1: 50 lbs x 10 [Warm-up]
Set 2: 70 lbs x 8
Set 3: 70 lbs x 8
Pull Up
Set 1: 10 reps
Set 2: 8 reps
Plank
Set 1: 0:45
Set 2: 1:00
Seated Calf Raise (Machine)
Set 1: 40 lbs x 15
Rowing (Machine)
Set 1: 2 km
Logged with hevyapp.com"""

HEVY_GERMAN = """Mit hevyapp.com protokolliert
Kniebeuge (Langhantel)
Satz 1: 60 kg x 5 [Aufwärmen]
Satz 2: 90 kg x 5
Satz 3: 90 kg x 5
Bankdrücken (Langhantel)
Satz 1: 60 kg x 8
Satz 2: 60 kg x 8
Satz 3: 60 kg x 8"""

HEVY_FRENCH = """Développé couché (Barre)
Série 1: 10 kg x 12 [Échauffement]
Série 2: 40 kg x 10
Série 3: 40 kg x 10
Tractions
Série 1: 8 reps
Fentes (Haltère)
Série 1: 10 kg x 12
Série 2: 10 kg x 12
Série 3: 10 kg x 12

Enregistré avec hevyapp.com"""

STRONG = """Morning session
Deadlift (Barbell)
W1: 60 kg × 5
W2: 100 kg × 3
Set 1: 315 lb × 4
Set 2: 315 lb × 4
Overhead Press (Barbell)
Set 1: 40 kg × 8
Set 2: 40 kg × 8
Lat Pulldown (Cable)
Set 1: 50 kg × 10
Set 2: 50 kg × 10
Set 3: 50 kg × 10
D1: 35 kg × 12"""


@pytest.mark.parametrize("text,focus", [
    (HEVY_LEGS, "lower"), (HEVY_UPPER_LBS, "upper"), (HEVY_GERMAN, "lower"),
    (HEVY_FRENCH, "lower"), (STRONG, "full"),
])
def test_every_format_is_read(text, focus):
    assert classify_text(text) == focus
    assert working_sets_by_exercise(text, default_index())


def test_hevy_english_working_sets_skip_warm_ups_and_count_tags():
    assert working_sets_by_exercise(HEVY_LEGS, default_index()) == [
        ("Squat (Barbell)", 3), ("Bench Press (Barbell)", 2)]
    assert classify_text(HEVY_LEGS) == "lower"  # 3 of 5 working sets


def test_lbs_reps_only_timed_and_distance_sets_count():
    sets = working_sets_by_exercise(HEVY_UPPER_LBS, default_index())
    assert sets == [("Incline Bench Press (Dumbbell)", 2), ("Pull Up", 2), ("Plank", 2),
                    ("Seated Calf Raise (Machine)", 1), ("Rowing (Machine)", 1)]
    # Rowing is not counted; 1 lower of 7 counted sets (14 %) -> upper.
    assert classify_text(HEVY_UPPER_LBS) == "upper"


def test_hevy_german_and_french_headers_and_names():
    assert working_sets_by_exercise(HEVY_GERMAN, default_index()) == [
        ("Kniebeuge (Langhantel)", 2), ("Bankdrücken (Langhantel)", 3)]
    assert classify_text(HEVY_GERMAN) == "lower"   # 2 of 5 = 40 % counts as lower
    assert working_sets_by_exercise(HEVY_FRENCH, default_index())[0] == ("Développé couché (Barre)", 2)
    assert classify_text(HEVY_FRENCH) == "lower"    # 3 lunge sets of 6 = 50 %


def test_strong_warm_ups_w_are_skipped_and_drop_sets_count():
    assert working_sets_by_exercise(STRONG, default_index()) == [
        ("Deadlift (Barbell)", 2), ("Overhead Press (Barbell)", 2), ("Lat Pulldown (Cable)", 4)]
    assert classify_text(STRONG) == "full"  # 2 of 8 = 25 %


@pytest.mark.parametrize("text", [
    None, "", "Felt strong today.", "Squats felt heavy, legs are toast", "Set 1: 100 kg x 5",
    "Squat\nfelt good\n\nBench\nno sets logged",
])
def test_no_exercise_list_is_unknown(text):
    assert classify_text(text) == "unknown"


def test_mostly_unknown_exercises_are_not_guessed():
    text = "Zottman Thing\nSet 1: 10 kg x 10\nSet 2: 10 kg x 10\nSet 3: 10 kg x 10\nSquat\nSet 1: 50 kg x 5"
    assert classify_text(text) == "unknown"


def test_longest_name_wins_and_matching_ignores_case_hyphens_and_plurals():
    index = default_index()
    assert index.region_of("Seated Leg Curl (Machine)") == "lower"
    assert index.region_of("Hammer Curl (Dumbbell)") == "upper"
    assert index.region_of("PULL-UPS") == "upper"
    assert index.region_of("Walking Lunges") == "lower"
    assert index.region_of("Bulgarian Split Squat") == "lower"
    assert index.region_of("Romanian Deadlift (Dumbbell)") == "lower"
    assert index.region_of("Triceps Kickback") == "upper" and index.region_of("Glute Kickback") == "lower"
    assert index.region_of("Squatting thoughts") is None


def test_the_exercise_list_is_data_with_at_least_150_entries():
    index = default_index()
    assert len(index) >= 150
    custom = build_index([("Sissy Thing", "lower")])
    assert custom.region_of("sissy thing (band)") == "lower"


def test_thresholds_40_and_15_percent():
    def session(lower_sets, upper_sets):
        return ("Squat\n" + "".join(f"Set {i}: 10 kg x 5\n" for i in range(1, lower_sets + 1)) +
                "Bench Press\n" + "".join(f"Set {i}: 10 kg x 5\n" for i in range(1, upper_sets + 1)))
    assert classify_text(session(4, 6)) == "lower"   # 40 %
    assert classify_text(session(3, 6)) == "full"    # 33 %
    assert classify_text(session(3, 17)) == "upper"  # 15 %
    assert classify_text(session(3, 16)) == "full"   # 15.8 %


def test_engine_reads_the_lift_description_and_a_precomputed_focus():
    activities = lift_then_run(0, 45 * M)
    activities[0]["description"] = HEVY_LEGS
    pair, = evaluate(activities, "strength").pairs
    assert pair.lift_focus == "lower" and pair.to_dict()["lift_focus"] == "lower"
    activities[0]["lift_focus"] = "upper"
    assert evaluate(activities, "strength").pairs[0].lift_focus == "upper"
    plain, = evaluate(lift_then_run(0, 45 * M), "strength").pairs
    assert plain.lift_focus == "unknown" and plain.verdict == pair.verdict
