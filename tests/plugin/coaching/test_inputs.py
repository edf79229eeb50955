"""Input the engine refuses (EngineInputError) or sets aside (skipped)."""

from __future__ import annotations

import pytest

from plugin.coaching import EngineInputError, EngineOptions, evaluate

from .builders import H, M, lift, lift_then_run, run


def evaluate_with(change, **kw):
    activities = lift_then_run(0, 10 * M)
    change(activities[1])
    return evaluate(activities, "strength", **kw)


@pytest.mark.parametrize("goal", ["Strength", "power", "", None, 3])
def test_unknown_goal(goal):
    with pytest.raises(EngineInputError, match="goal"):
        evaluate(lift_then_run(0, 10 * M), goal)


@pytest.mark.parametrize("field", ["elapsed_time", "moving_time"])
def test_negative_durations(field):
    with pytest.raises(EngineInputError, match=f"{field} must not be negative"):
        evaluate_with(lambda a: a.update({field: -1}))


@pytest.mark.parametrize("value", ["10", None, float("inf"), True])
def test_bad_or_missing_elapsed_time(value):
    with pytest.raises(EngineInputError, match="elapsed_time"):
        evaluate_with(lambda a: a.update(elapsed_time=value))


@pytest.mark.parametrize("value", [None, ""])
def test_non_manual_without_start_date(value):
    with pytest.raises(EngineInputError, match="activity 2: missing start_date"):
        evaluate_with(lambda a: a.update(start_date=value))


def test_start_date_missing_entirely():
    with pytest.raises(EngineInputError, match="start_date"):
        evaluate_with(lambda a: a.pop("start_date"))


@pytest.mark.parametrize("value", ["yesterday", 1704474000, ["2024"]])
def test_bad_start_date(value):
    with pytest.raises(EngineInputError, match="start_date"):
        evaluate_with(lambda a: a.update(start_date=value))


def test_manual_without_elapsed_time_is_skipped():
    result = evaluate_with(lambda a: a.update(manual=True, elapsed_time=None))
    assert result.pairs == [] and result.skipped[0].reason == "manual activity without duration"


@pytest.mark.parametrize("bad", [{"sport_type": "Run"}, {"id": True}, {"id": "abc"}])
def test_bad_ids(bad):
    with pytest.raises(EngineInputError, match="id"):
        evaluate([lift(1, 0, H), bad], "strength")


def test_numeric_string_id_is_accepted():
    pair, = evaluate([lift(1, 0, H), dict(run(2, H, 60), id="2")], "strength").pairs
    assert pair.run_id == 2


def test_activity_must_be_an_object():
    with pytest.raises(EngineInputError, match="activity #2"):
        evaluate([lift(1, 0, H), "run"], "strength")


@pytest.mark.parametrize("activities", ["[]", {"id": 1}, None, 5])
def test_activities_must_be_a_list(activities):
    with pytest.raises(EngineInputError):
        evaluate(activities, "strength")


def test_duplicate_ids():
    same = lift_then_run(0, 10 * M)
    assert len(evaluate(same + [dict(same[1])], "strength").pairs) == 1
    clash = dict(same[1], moving_time=3000)
    with pytest.raises(EngineInputError, match="twice"):
        evaluate(same + [clash], "strength")


def test_missing_sport_is_skipped():
    result = evaluate_with(lambda a: (a.pop("sport_type"), a.pop("type")))
    assert result.skipped[0].reason == "no sport type"


def test_bad_heart_rate_value():
    with pytest.raises(EngineInputError, match="average_heartrate"):
        evaluate_with(lambda a: a.update(average_heartrate="fast", has_heartrate=True))


def test_zero_heart_rate_is_not_measured():
    pair, = evaluate_with(lambda a: a.update(average_heartrate=0.0, has_heartrate=True),
                          max_hr=190).pairs
    assert pair.intensity == "unknown"


def test_moving_time_missing_falls_back_to_elapsed():
    pair, = evaluate_with(lambda a: a.pop("moving_time")).pairs
    assert pair.run_minutes == 10


@pytest.mark.parametrize("options,match", [
    (EngineOptions(window_hours=0), "window_hours"),
    (EngineOptions(window_hours=float("nan")), "window_hours"),
    (EngineOptions(training_status="expert"), "training_status"),
    (EngineOptions(lift_types={"Run"}), "both a lift and a run"),
    (EngineOptions(language=None), "language"),
])
def test_bad_options(options, match):
    with pytest.raises(EngineInputError, match=match):
        evaluate(lift_then_run(0, 10 * M), "strength", options=options)


def test_engine_input_error_is_a_value_error():
    assert issubclass(EngineInputError, ValueError)


@pytest.mark.parametrize("value", [-1, 2.5, True, "56"])
def test_signature_length_must_be_a_whole_number(value):
    with pytest.raises(EngineInputError, match="signature_chars"):
        evaluate([], "general", options=EngineOptions(signature_chars=value))
