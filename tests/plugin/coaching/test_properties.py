"""Properties over arbitrary (valid-shaped) activity lists."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plugin.coaching import GOALS, INTENSITIES, LANGUAGES, TIERS, VERDICTS, EngineOptions, evaluate

from .builders import T0, ZONES

SPORTS = ["WeightTraining", "Crossfit", "Workout", "HighIntensityIntervalTraining",
          "Run", "TrailRun", "VirtualRun", "Ride", "Walk"]
LIFTS = {"WeightTraining", "Crossfit"}
RUNS = {"Run", "TrailRun", "VirtualRun"}
SIX_H = 6 * 3600


@st.composite
def activities(draw):
    offset = draw(st.integers(0, 4 * 24 * 3600))
    moment = T0 + timedelta(seconds=offset)
    start = draw(st.sampled_from([
        moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        moment,
        moment.replace(tzinfo=None),
        moment.isoformat(),
    ]))
    manual = draw(st.booleans())
    if manual and draw(st.booleans()):
        start = None
    elapsed = draw(st.integers(0, SIX_H))
    hr = draw(st.none() | st.floats(40, 220))
    data = {
        "id": draw(st.integers(1, 2**53)),
        "sport_type": draw(st.sampled_from(SPORTS)),
        "type": draw(st.sampled_from(SPORTS)),
        "start_date": start,
        "start_date_local": "2024-01-01T00:00:00Z",
        "elapsed_time": elapsed,
        "moving_time": draw(st.none() | st.integers(0, elapsed)),
        "average_heartrate": hr,
        "has_heartrate": hr is not None,
        "manual": manual,
    }
    if draw(st.booleans()):
        del data["sport_type"]
    return data


activity_lists = st.lists(activities(), max_size=14, unique_by=lambda a: a["id"])
arguments = st.fixed_dictionaries({
    "goal": st.sampled_from(GOALS),
    "zones": st.sampled_from([None, ZONES, ZONES["heart_rate"]["zones"]]),
    "max_hr": st.none() | st.integers(150, 210),
    "options": st.builds(
        EngineOptions,
        lift_types=st.sampled_from([frozenset(LIFTS), frozenset(LIFTS | {"Workout"})]),
        run_types=st.just(frozenset(RUNS)),
        window_hours=st.floats(1, 72),
        language=st.sampled_from(LANGUAGES + ("fr",)),
        training_status=st.sampled_from([None, "beginner", "trained"]),
    ),
})


def _start(value):
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        return value.replace(tzinfo=T0.tzinfo)
    return value


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(acts=activity_lists, kw=arguments)
def test_evaluate_never_raises_and_output_is_well_formed(acts, kw):
    result = evaluate(acts, **kw)
    by_id = {a["id"]: a for a in acts}
    options = kw["options"]
    seen = set()
    for pair in result.pairs:
        assert (pair.lift_id, pair.run_id) not in seen
        seen.add((pair.lift_id, pair.run_id))
        lift, run = by_id[pair.lift_id], by_id[pair.run_id]
        assert (lift.get("sport_type") or lift["type"]) in options.lift_types
        assert (run.get("sport_type") or run["type"]) in options.run_types
        assert pair.verdict in VERDICTS and pair.tier in TIERS and pair.intensity in INTENSITIES
        assert {pair.first_id, pair.later_id} == {pair.lift_id, pair.run_id}
        assert _start(by_id[pair.first_id]["start_date"]) <= _start(by_id[pair.later_id]["start_date"])
        assert 0 <= pair.gap_minutes <= options.window_hours * 60
        assert pair.fuel == (pair.gap_minutes < 8 * 60)
        assert len(pair.advice) <= 400 and "\n" not in pair.advice and "\r" not in pair.advice
        assert len(pair.headline) <= 60 and pair.advice
        assert pair.goal == kw["goal"]
    paired = {i for p in result.pairs for i in (p.lift_id, p.run_id)}
    skipped = {s.id for s in result.skipped}
    assert not paired & skipped


@settings(max_examples=200, deadline=None)
@given(acts=activity_lists, kw=arguments, data=st.data())
def test_input_order_never_changes_the_result(acts, kw, data):
    shuffled = data.draw(st.permutations(acts))
    assert evaluate(shuffled, **kw).to_dict() == evaluate(acts, **kw).to_dict()


@settings(max_examples=200, deadline=None)
@given(acts=activity_lists, kw=arguments)
def test_every_lift_with_a_run_in_the_window_gets_a_pair(acts, kw):
    result = evaluate(acts, **kw)
    options = kw["options"]
    timed = [a for a in acts if a["start_date"] is not None]

    def kind(a):
        sport = a.get("sport_type") or a["type"]
        return "lift" if sport in options.lift_types else "run" if sport in options.run_types else None

    paired = {i for p in result.pairs for i in (p.lift_id, p.run_id)}
    for a in timed:
        for b in timed:
            if kind(a) == "lift" and kind(b) == "run":
                sa, sb = _start(a["start_date"]), _start(b["start_date"])
                first, later = (b, a) if sb < sa else (a, b)
                gap = max(0.0, (_start(later["start_date"]) - _start(first["start_date"])).total_seconds()
                          - first["elapsed_time"])
                if gap <= options.window_hours * 3600:
                    assert a["id"] in paired and b["id"] in paired
