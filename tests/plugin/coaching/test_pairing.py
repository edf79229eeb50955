"""Which activities pair up, in which order, and with what gap."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from plugin.coaching import EngineOptions, evaluate

from .builders import H, M, T0, activity, lift, lift_then_run, run, run_then_lift


def pair_ids(result):
    return sorted((p.lift_id, p.run_id) for p in result.pairs)


def test_gap_exactly_the_window_is_still_a_pair():
    result = evaluate(lift_then_run(24 * H, 30 * M), "strength")
    assert len(result.pairs) == 1
    assert result.pairs[0].gap_minutes == 24 * 60


def test_gap_one_second_over_the_window_is_not_a_pair():
    result = evaluate(lift_then_run(24 * H + 1, 30 * M), "strength")
    assert result.pairs == []


def test_window_is_an_option():
    activities = lift_then_run(30 * H, 30 * M)
    assert evaluate(activities, "strength").pairs == []
    pair, = evaluate(activities, "strength", options=EngineOptions(window_hours=30)).pairs
    assert (pair.tier, pair.verdict) == ("ideal", "well_separated")


@pytest.mark.parametrize("build,order,first,later", [
    (lift_then_run, "lift_first", 1, 2),
    (run_then_lift, "run_first", 2, 1),
])
def test_both_orders_and_advice_goes_on_the_later(build, order, first, later):
    pair, = evaluate(build(2 * H, 30 * M), "general").pairs
    assert (pair.order, pair.first_id, pair.later_id) == (order, first, later)
    assert (pair.lift_id, pair.run_id) == (1, 2)


def test_overlap_gives_gap_zero():
    activities = [lift(1, 0, H), run(2, 30 * M, 40 * M)]  # run starts mid-lift
    pair, = evaluate(activities, "strength").pairs
    assert (pair.gap_minutes, pair.tier, pair.order) == (0, "same_session", "lift_first")


def test_activity_inside_another_gives_gap_zero():
    activities = [run(2, 0, 2 * H), lift(1, 30 * M, 20 * M)]  # lift inside the run
    pair, = evaluate(activities, "strength").pairs
    assert (pair.gap_minutes, pair.order, pair.first_id) == (0, "run_first", 2)


def test_same_second_start_counts_lift_first():
    activities = [run(2, 0, 10 * M), lift(1, 0, H)]
    pair, = evaluate(activities, "strength").pairs
    assert (pair.order, pair.first_id, pair.later_id, pair.gap_minutes) == ("lift_first", 1, 2, 0)


def test_time_zone_change_uses_utc_start_date_not_local():
    # Lift in Berlin 17:00 UTC (local 18:00), flight, run in New York at
    # 23:00 UTC whose local clock says 18:00: local times would say the run
    # started at the same time as the lift; UTC says 5 h after it ended.
    lift_act = lift(1, 0, H, start_date_local="2024-01-05T18:00:00Z")
    run_act = run(2, 6 * H, 30 * M, start_date_local="2024-01-05T18:00:00Z")
    pair, = evaluate([lift_act, run_act], "strength").pairs
    assert (pair.gap_minutes, pair.verdict, pair.order) == (300, "acceptable_gap", "lift_first")


def test_start_date_as_datetime_aware_naive_and_offset_string_agree():
    base = lift_then_run(2 * H, 10 * M)
    variants = []
    for convert in (
        lambda s: s,
        lambda s: datetime.fromisoformat(s.replace("Z", "+00:00")),
        lambda s: datetime.fromisoformat(s.replace("Z", "")),
        lambda s: datetime.fromisoformat(s.replace("Z", "+00:00")).astimezone(
            timezone(timedelta(hours=-5))).isoformat(),
    ):
        acts = [dict(a, start_date=convert(a["start_date"])) for a in base]
        variants.append(evaluate(acts, "strength").to_dict())
    assert all(v == variants[0] for v in variants)
    assert variants[0]["pairs"][0]["gap_minutes"] == 120


def test_nearest_partner_on_each_side_only():
    activities = [
        run(10, 0, 30 * M),          # far run before
        run(11, 2 * H, 20 * M),      # nearest run before the lift
        lift(1, 3 * H, H),
        run(12, 4 * H + 10 * M, 15 * M),  # nearest after
        run(13, 6 * H, 15 * M),      # farther after
    ]
    result = evaluate(activities, "strength")
    # lift 1 pairs with 11 and 12; runs 10 and 13 have lift 1 as their
    # nearest lift too, so the union includes them.
    assert pair_ids(result) == [(1, 10), (1, 11), (1, 12), (1, 13)]


def test_union_is_without_duplicates_and_two_lifts_share_a_run():
    activities = [lift(1, 0, H), lift(3, 2 * H, H), run(2, 3 * H + 5 * M, 10 * M)]
    result = evaluate(activities, "strength")
    assert pair_ids(result) == [(1, 2), (3, 2)]
    assert len({(p.lift_id, p.run_id) for p in result.pairs}) == len(result.pairs)


def test_tie_on_gap_goes_to_closer_start():
    # Runs 7 and 8 both end at 2 h, one hour before lift 1: equal gaps. Lift 1
    # picks run 8 (closer start). Lift 6, right after both runs, is each run's
    # own nearest lift, so the union does not hide lift 1's choice.
    activities = [
        run(7, 0, 2 * H),
        run(8, H + 30 * M, 30 * M),
        lift(6, 2 * H + 10 * M, 30 * M),
        lift(1, 3 * H, H),
    ]
    result = evaluate(activities, "strength")
    assert pair_ids(result) == [(1, 8), (6, 7), (6, 8)]


def test_full_tie_goes_to_lower_id():
    # Runs 9 and 4 start together an hour after lift 1: gap and start tie, so
    # lift 1 picks the lower id. Lift 5 is both runs' nearest lift before.
    activities = [
        lift(1, 0, H),
        lift(5, H, 50 * M),
        run(9, 2 * H, 10 * M),
        run(4, 2 * H, 10 * M),
    ]
    result = evaluate(activities, "strength")
    assert pair_ids(result) == [(1, 4), (5, 4), (5, 9)]


def test_each_side_pairs_once():
    # Two runs after the lift: only the nearer is the lift's pick; the other
    # run pairs only if the lift is its own nearest lift (it is here).
    activities = [lift(1, 0, H), run(2, H, 10 * M), run(3, 5 * H, 10 * M)]
    result = evaluate(activities, "strength")
    assert pair_ids(result) == [(1, 2), (1, 3)]
    activities.append(lift(4, 4 * H, 30 * M))  # now run 3 prefers lift 4
    assert pair_ids(evaluate(activities, "strength")) == [(1, 2), (4, 2), (4, 3)]


def test_workout_counts_only_when_opted_in():
    activities = [activity(1, "Workout", 0, H), run(2, H, 10 * M)]
    result = evaluate(activities, "strength")
    assert result.pairs == []
    assert [s.to_dict() for s in result.skipped] == [{"id": 1, "reason": "unsupported sport type"}]
    opted = EngineOptions(lift_types=frozenset({"WeightTraining", "Crossfit", "Workout"}))
    pair, = evaluate(activities, "strength", options=opted).pairs
    assert pair.lift_id == 1


def test_hiit_counts_only_when_opted_in():
    activities = [activity(1, "HighIntensityIntervalTraining", 0, H), run(2, H, 10 * M)]
    assert evaluate(activities, "strength").pairs == []
    opted = EngineOptions(lift_types={"WeightTraining", "HighIntensityIntervalTraining"})
    assert len(evaluate(activities, "strength", options=opted).pairs) == 1


def test_sport_type_wins_over_type():
    walk_typed_run = dict(run(2, H, 10 * M), sport_type="Walk", type="Run")
    result = evaluate([lift(1, 0, H), walk_typed_run], "strength")
    assert result.pairs == []
    assert result.skipped[0].reason == "unsupported sport type"
    trail = dict(run(2, H, 10 * M), sport_type="TrailRun", type="Walk")
    assert len(evaluate([lift(1, 0, H), trail], "strength").pairs) == 1


def test_type_used_when_sport_type_missing():
    old = run(2, H, 10 * M)
    del old["sport_type"]
    assert len(evaluate([lift(1, 0, H), old], "strength").pairs) == 1


def test_manual_activity_without_start_time_is_skipped_not_paired():
    manual = dict(run(2, H, 10 * M), manual=True, start_date=None)
    result = evaluate([lift(1, 0, H), manual], "strength")
    assert result.pairs == []
    assert [s.to_dict() for s in result.skipped] == [
        {"id": 2, "reason": "manual activity without start time"}]


def test_manual_activity_with_times_is_paired():
    manual = dict(run(2, H, 10 * M), manual=True)
    assert len(evaluate([lift(1, 0, H), manual], "strength").pairs) == 1


def test_large_ids_survive():
    big = 2**40 + 7
    pair, = evaluate([lift(big, 0, H), run(big + 1, H, 10 * M)], "strength").pairs
    assert (pair.lift_id, pair.run_id) == (big, big + 1)


def test_pairs_come_in_chronological_order_of_the_later_activity():
    activities = [
        lift(1, 0, H), run(2, H, 10 * M),
        lift(3, 48 * H, H), run(4, 47 * H, 30 * M),
    ]
    result = evaluate(activities, "general")
    assert [p.later_id for p in result.pairs] == [2, 3]
    assert result.pairs_written_on(3)[0].run_id == 4


def test_other_sports_do_not_block_pairing():
    activities = [lift(1, 0, H), activity(3, "Ride", H, 30 * M), run(2, 2 * H, 10 * M)]
    result = evaluate(activities, "strength")
    assert pair_ids(result) == [(1, 2)]
    assert result.pairs[0].gap_minutes == 60


def test_t0_is_utc():
    assert T0.utcoffset() == timedelta(0)
