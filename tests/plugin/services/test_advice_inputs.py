"""The worker feeds the engine's new inputs: Strava weight, lift focus, the week's earlier pairs.

In-process against the real emulator over HTTP and a real database, like test_events.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from plugin.account.export import athlete_export
from plugin.extensions import db
from plugin.models import Activity, Athlete, Pair
from tests.support.factories import ATHLETE_ID as ATHLETE

UPPER_DAY = ("Push day\nBench Press (Barbell)\nSet 1: 60 kg x 8 [Warm-up]\nSet 2: 80 kg x 5\n"
             "Set 3: 80 kg x 5\nOverhead Press (Barbell)\nSet 1: 40 kg x 8\n\nLogged with hevyapp.com")
MONDAY = dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.timezone.utc)


def pairs(world):
    with world.app.app_context():
        return list(db.session.scalars(select(Pair).order_by(Pair.later_start)))


def test_weight_from_the_token_exchange_and_lift_focus_reach_the_advice(world):
    world.set(goal="strength")
    with world.app.app_context():
        weight = db.session.get(Athlete, ATHLETE).weight_kg
    assert weight == 68.0  # the emulator's athlete, read once at connect
    lift = world.upload("WeightTraining", MONDAY, 60, description=UPPER_DAY)
    run = world.upload("Run", MONDAY + dt.timedelta(minutes=90), 40)
    assert world.deliver(lift) == "done" and world.deliver(run) == "done"
    pair, = pairs(world)
    assert (pair.verdict, pair.lift_focus) == ("interference_risk", "upper")
    with world.app.app_context():
        assert db.session.get(Activity, lift).lift_focus == "upper"
        assert athlete_export(ATHLETE)["pairs"][0]["lift_focus"] == "upper"
    text = world.description(run)
    assert "upper-body" in text and "about 15 g protein" in text  # 0.25 g/kg x 68 kg = 17 -> 15 g
    assert text.splitlines()[-3] == pair.headline and pair.advice in text


def test_the_weeks_earlier_pair_gives_the_short_form_and_the_weekly_fuel_once(world):
    world.set(goal="general")
    ids = []
    for day in (0, 2):  # Monday and Wednesday of one week, 4 h between lift and run
        start = MONDAY + dt.timedelta(days=day)
        ids.append((world.upload("WeightTraining", start, 60),
                    world.upload("Run", start + dt.timedelta(hours=5), 45)))
    for lift, run in ids:
        assert world.deliver(lift) == "done" and world.deliver(run) == "done"
    monday, wednesday = pairs(world)
    assert monday.verdict == wednesday.verdict == "acceptable_gap"
    assert "Monday" in wednesday.advice and "Monday" not in monday.advice
    assert "protein" in monday.advice and "protein" not in wednesday.advice
    # Re-processing Wednesday reads Monday from the database and writes the same text.
    before = world.description(ids[1][1])
    assert world.deliver(ids[1][1], aspect="update") == "done"
    assert world.description(ids[1][1]) == before
