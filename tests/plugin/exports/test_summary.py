import re
from collections import Counter
from datetime import timedelta

from plugin.coaching import EngineOptions
from plugin.exports import read_activities_csv
from plugin.exports.analysis import analyse
from plugin.exports.summary import render, summarise, top_changes
from tests.plugin.exports.builders import NEW_HEADER, T0, activity_row, known_pairs_rows, write_csv


def _activities(rows=None):
    return read_activities_csv(write_csv(NEW_HEADER, rows or known_pairs_rows())).activities


def _summary(goal, rows=None, **options):
    return summarise(analyse(_activities(rows), goal, EngineOptions(**options)))


def test_known_pairs_under_the_strength_goal():
    s = _summary("strength")
    assert (s.read, s.lifts, s.runs, s.pairs) == (8, 4, 4, 4)
    assert s.verdicts == Counter(cooldown_ok=1, interference_risk=1,
                                 lift_first_next_time=1, well_separated=1)
    assert s.tiers == Counter(same_session=3, good=1)
    assert (s.cooldown_ok, s.cooldown_of, s.fuel) == (1, 2, 4)
    assert [c.split(":")[0] for c in s.changes] == [
        "1 run after lifting lasted more than 20 min and may blunt your strength gains",
        "1 run less than 3 h before lifting lasted more than 15 min or went above Zone 2",
        "4 pairs were less than 8 h apart",
    ]


def test_cooldown_share_does_not_depend_on_the_goal():
    s = _summary("general")
    assert s.verdicts == Counter(keep_second_easy=3, well_separated=1)
    assert (s.cooldown_ok, s.cooldown_of) == (1, 2)


def test_rendered_summary_states_the_numbers_and_the_definition():
    text = render(_summary("strength"))
    assert "Activities read: 8; rows skipped: 0; not evaluated: 0" in text
    assert "Lift/run pairs: 4" in text
    assert "  same session (< 1 h)           3   75%" in text
    assert "  good (6 to < 24 h)             1   25%" in text
    assert re.search(r"^  Run of 20\+ min after lifting \(may cost gains\) +1   25%$", text, re.M)
    assert "interference_risk" not in text
    assert "Cool-down runs after lifting: 1 of 2 (50%)" in text
    assert "moved 15 min or less" in text
    assert "The three most useful changes:" in text
    assert "  1. 1 run after lifting" in text
    assert " will " not in text.replace("\n", " ")


def test_records_carry_the_engine_fields_plus_the_later_date():
    analysis = analyse(_activities(), "strength", EngineOptions())
    first = analysis.records[0]
    assert (first["lift_id"], first["run_id"], first["verdict"]) == (101, 102, "cooldown_ok")
    assert first["date"] == "2024-01-08"
    assert [r["date"] for r in analysis.records] == sorted(r["date"] for r in analysis.records)


def test_workouts_are_not_lifts_by_default_but_can_be():
    rows = [activity_row(1, "Workout", T0, 3600),
            activity_row(2, "Run", T0 + timedelta(hours=1, minutes=5), 600, moving_s=600)]
    rows += [activity_row(10 + i, "Workout", T0 + timedelta(days=3 * (i + 1)), 3600)
             for i in range(3)]
    default = _summary("strength", rows)
    assert (default.pairs, default.workouts_not_counted) == (0, 4)
    assert "4 Workout activities were not counted as lifting" in render(default)
    opted_in = _summary("strength", rows,
                        lift_types=frozenset({"WeightTraining", "Crossfit", "Workout"}))
    assert (opted_in.pairs, opted_in.workouts_not_counted) == (1, 0)
    assert "Workout activities were not counted" not in render(opted_in)


def test_no_pairs_and_nothing_to_change():
    rows = [activity_row(1, "Weight Training", T0, 3600),
            activity_row(2, "Run", T0 + timedelta(hours=20), 1800, moving_s=1800)]
    s = _summary("strength", rows)
    assert s.verdicts == Counter(well_separated=1) and s.changes == []
    assert "Nothing to change" in render(s)
    s = _summary("strength", rows[:1])
    assert s.pairs == 0 and "No lift/run pairs" in render(s)


def test_other_sports_are_not_counted_as_problems():
    rows = known_pairs_rows() + [activity_row(900, "Ride", T0, 3600)]
    s = _summary("general", rows)
    assert (s.other_sports, s.not_evaluated) == (1, 0)


def test_an_activity_the_engine_refuses_is_set_aside_not_fatal():
    activities = _activities()
    activities.append({"id": 77, "sport_type": "Run", "start_date": "not a date",
                       "elapsed_time": 600, "moving_time": 600})
    analysis = analyse(activities, "strength", EngineOptions())
    assert len(analysis.records) == 4
    assert [activity_id for activity_id, _ in analysis.refused] == [77]
    assert summarise(analysis).not_evaluated == 1


def test_top_changes_rank_by_weighted_count():
    s = _summary("strength")
    s.verdicts = Counter(cooldown_borderline=5, interference_risk=1)
    s.fuel = 0
    assert [c.split(" ")[1] for c in top_changes(s)] == ["post-lift", "run"]
