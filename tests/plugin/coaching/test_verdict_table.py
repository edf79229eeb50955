"""One test per row of the verdict table in rules.md, then its boundaries."""

from __future__ import annotations

import pytest

from plugin.coaching import evaluate

from .builders import H, M, ZONES, lift_then_run, run_then_lift

EASY, HARD = 140, 160  # with ZONES: zone 2 tops at 152


def only_pair(activities, goal, **kw):
    result = evaluate(activities, goal, **kw)
    assert len(result.pairs) == 1, result.to_dict()
    return result.pairs[0]


# --- rows of the table -------------------------------------------------------

@pytest.mark.parametrize("goal", ["strength", "hypertrophy"])
@pytest.mark.parametrize("hr", [EASY, None])
def test_row_cooldown_ok(goal, hr):
    pair = only_pair(lift_then_run(10 * M, 12 * M, hr=hr), goal, zones=ZONES)
    assert pair.verdict == "cooldown_ok"
    assert pair.order == "lift_first"


@pytest.mark.parametrize("goal", ["strength", "hypertrophy"])
@pytest.mark.parametrize("run_s,hr", [(18 * M, EASY), (12 * M, HARD), (18 * M, None), (20 * M, HARD)])
def test_row_cooldown_borderline(goal, run_s, hr):
    pair = only_pair(lift_then_run(10 * M, run_s, hr=hr), goal, zones=ZONES)
    assert pair.verdict == "cooldown_borderline"


@pytest.mark.parametrize("goal", ["strength", "hypertrophy"])
@pytest.mark.parametrize("hr", [EASY, HARD, None])
def test_row_interference_risk(goal, hr):
    pair = only_pair(lift_then_run(2 * H, 45 * M, hr=hr), goal, zones=ZONES)
    assert pair.verdict == "interference_risk"


@pytest.mark.parametrize("goal", ["strength", "hypertrophy"])
@pytest.mark.parametrize("hr", [EASY, None])
def test_row_warmup_ok(goal, hr):
    pair = only_pair(run_then_lift(5 * M, 10 * M, hr=hr), goal, zones=ZONES)
    assert (pair.verdict, pair.order) == ("warmup_ok", "run_first")


@pytest.mark.parametrize("goal", ["strength", "hypertrophy"])
@pytest.mark.parametrize("run_s,hr", [(10 * M, HARD), (16 * M, EASY), (40 * M, None)])
def test_row_lift_first_next_time(goal, run_s, hr):
    pair = only_pair(run_then_lift(30 * M, run_s, hr=hr), goal, zones=ZONES)
    assert pair.verdict == "lift_first_next_time"


@pytest.mark.parametrize("goal", ["endurance", "weight_loss"])
@pytest.mark.parametrize("run_s,hr", [(10 * M, EASY), (60 * M, HARD), (90 * M, None)])
def test_row_fits_goal_lift_first(goal, run_s, hr):
    pair = only_pair(lift_then_run(0, run_s, hr=hr), goal, zones=ZONES)
    assert pair.verdict == "fits_goal_lift_first"


@pytest.mark.parametrize("goal", ["endurance", "weight_loss"])
@pytest.mark.parametrize("run_s,hr", [(10 * M, EASY), (60 * M, HARD)])
def test_row_fits_goal_run_first(goal, run_s, hr):
    pair = only_pair(run_then_lift(H, run_s, hr=hr), goal, zones=ZONES)
    assert pair.verdict == "fits_goal_run_first"


@pytest.mark.parametrize("activities", [lift_then_run(H, 50 * M, hr=HARD),
                                        run_then_lift(0, 10 * M, hr=EASY)])
def test_row_general_keep_second_easy(activities):
    assert only_pair(activities, "general", zones=ZONES).verdict == "keep_second_easy"


@pytest.mark.parametrize("goal", ["strength", "hypertrophy", "endurance", "weight_loss", "general"])
@pytest.mark.parametrize("order", ["lift_first", "run_first"])
def test_row_acceptable_gap(goal, order):
    build = lift_then_run if order == "lift_first" else run_then_lift
    pair = only_pair(build(4 * H, 60 * M, hr=HARD), goal, zones=ZONES)
    assert (pair.verdict, pair.tier, pair.order) == ("acceptable_gap", "acceptable", order)


@pytest.mark.parametrize("goal", ["strength", "hypertrophy", "endurance", "weight_loss", "general"])
@pytest.mark.parametrize("order", ["lift_first", "run_first"])
@pytest.mark.parametrize("gap_s,tier", [(7 * H, "good"), (24 * H, "ideal")])
def test_row_well_separated(goal, order, gap_s, tier):
    build = lift_then_run if order == "lift_first" else run_then_lift
    pair = only_pair(build(gap_s, 60 * M, hr=HARD), goal, zones=ZONES)
    assert (pair.verdict, pair.tier) == ("well_separated", tier)


# --- boundaries ---------------------------------------------------------------

@pytest.mark.parametrize("run_s,verdict", [
    (900, "cooldown_ok"),           # exactly 15 min
    (901, "cooldown_borderline"),
    (1200, "cooldown_borderline"),  # exactly 20 min
    (1201, "interference_risk"),
])
def test_cooldown_minute_limits(run_s, verdict):
    assert only_pair(lift_then_run(0, run_s, hr=EASY), "strength", zones=ZONES).verdict == verdict


@pytest.mark.parametrize("run_s,verdict", [(900, "warmup_ok"), (901, "lift_first_next_time")])
def test_warmup_limit(run_s, verdict):
    assert only_pair(run_then_lift(0, run_s), "strength").verdict == verdict


@pytest.mark.parametrize("gap_s,verdict,tier", [
    (H - 1, "cooldown_ok", "same_session"),
    (H, "cooldown_ok", "short"),
    (3 * H - 1, "cooldown_ok", "short"),
    (3 * H, "acceptable_gap", "acceptable"),        # exactly 3 h
    (6 * H - 1, "acceptable_gap", "acceptable"),
    (6 * H, "well_separated", "good"),               # exactly 6 h
    (24 * H - 1, "well_separated", "good"),
])
def test_gap_limits(gap_s, verdict, tier):
    pair = only_pair(lift_then_run(gap_s, 10 * M), "strength")
    assert (pair.verdict, pair.tier) == (verdict, tier)
    assert pair.gap_minutes == gap_s // 60


@pytest.mark.parametrize("gap_s,fuel", [(8 * H - 1, True), (8 * H, False), (0, True), (20 * H, False)])
def test_fuel_below_eight_hours_whatever_the_goal(gap_s, fuel):
    for goal in ("strength", "endurance", "general"):
        assert only_pair(lift_then_run(gap_s, 10 * M), goal).fuel is fuel


def test_gap_minutes_round_down():
    assert only_pair(lift_then_run(10 * M + 59, 10 * M), "general").gap_minutes == 10


def test_zone2_boundary_counts_as_zone2():
    pair = only_pair(lift_then_run(0, 10 * M, hr=152), "strength", zones=ZONES)
    assert (pair.intensity, pair.verdict) == ("zone2", "cooldown_ok")
    pair = only_pair(lift_then_run(0, 10 * M, hr=152.1), "strength", zones=ZONES)
    assert (pair.intensity, pair.verdict) == ("zone3", "cooldown_borderline")


def test_run_duration_is_moving_time_not_elapsed():
    activities = lift_then_run(0, 10 * M)
    activities[1]["elapsed_time"] = 40 * M  # long stop at a traffic light
    pair = only_pair(activities, "strength")
    assert (pair.verdict, pair.run_minutes) == ("cooldown_ok", 10)
