"""The worker's core loop in-process, against the real emulator over HTTP and a real database."""

from __future__ import annotations

import datetime as dt

import pytest
import requests
from sqlalchemy import select

from plugin.extensions import db
from plugin.models import Activity, Athlete, Pair
from plugin.services.events import reevaluate_athlete

ATHLETE = 123456789
SIGNATURE = "— LiftRun Coach · http://127.0.0.1:5000/settings"
LIFT_START = dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.timezone.utc)


def test_lift_then_long_run_for_strength_gets_interference_advice(world):
    world.set(goal="strength")
    lift = world.upload("WeightTraining", LIFT_START, 60, description="Squats 5x5")
    run = world.upload("Run", LIFT_START + dt.timedelta(minutes=90), 40, description="Felt good")
    assert world.deliver(lift, times=2) == "done"
    assert world.deliver(run, times=2) == "done"

    text = world.description(run)
    assert text.startswith("Felt good\n\n")
    assert text.count(SIGNATURE) == 1
    assert text.endswith(SIGNATURE)
    assert world.description(lift) == "Squats 5x5"
    with world.app.app_context():
        pair = db.session.scalars(select(Pair)).one()
        assert (pair.lift_id, pair.run_id, pair.later_id) == (lift, run, run)
        assert pair.verdict == "interference_risk"
        assert pair.status == "written"
        assert pair.advice in text


def test_reprocessing_and_reordered_events_never_add_a_second_block(world):
    world.set(goal="strength")
    lift = world.upload("WeightTraining", LIFT_START, 60)
    run = world.upload("Run", LIFT_START + dt.timedelta(minutes=90), 40, description="Felt good")
    world.deliver(run)  # the run's event arrives first
    world.deliver(lift)
    first = world.description(run)
    writes = len(world.strava_writes())
    world.deliver(run, aspect="update")
    world.deliver(lift, aspect="update")
    assert world.description(run) == first
    assert first.count(SIGNATURE) == 1
    assert len(world.strava_writes()) == writes  # nothing new to say, nothing written


def test_goal_change_rewrites_our_block_only(world):
    world.set(goal="strength")
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    lift = world.upload("WeightTraining", now - dt.timedelta(hours=5), 60)
    run = world.upload("Run", now - dt.timedelta(hours=3, minutes=30), 40, description="Felt good")
    world.deliver(lift)
    world.deliver(run)
    before = world.description(run)
    world.set(goal="endurance")
    with world.app.app_context():
        assert reevaluate_athlete(ATHLETE) == "done"
        db.session.commit()
        assert db.session.scalars(select(Pair.verdict)).one() == "fits_goal_lift_first"
    after = world.description(run)
    assert after != before
    assert after.startswith("Felt good\n\n")
    assert after.count(SIGNATURE) == 1


def test_preview_mode_records_but_never_writes(world):
    world.set(goal="strength", mode="preview")
    _, run = world.lift_then_run(LIFT_START, 70, 12, "Felt good")
    assert world.description(run) == "Felt good"
    assert world.strava_writes() == []
    with world.app.app_context():
        pair = db.session.scalars(select(Pair)).one()
        assert pair.status == "preview"
        assert pair.verdict == "cooldown_ok"


def test_opt_out_hashtag_is_respected(world):
    world.set(goal="strength")
    _, run = world.lift_then_run(LIFT_START, 90, 40, "No coaching #noliftrun")
    assert world.description(run) == "No coaching #noliftrun"
    assert world.strava_writes() == []
    with world.app.app_context():
        assert db.session.scalars(select(Pair.status)).one() == "opted_out"


def test_deleting_the_partner_removes_our_block(world):
    world.set(goal="strength")
    lift, run = world.lift_then_run(LIFT_START, 90, 40, "Felt good")
    assert SIGNATURE in world.description(run)
    requests.delete(f"{world.emu}/sandbox/api/activities/{lift}", params={"deliver": "false"})
    world.deliver(lift, aspect="delete")
    assert world.description(run) == "Felt good"
    with world.app.app_context():
        assert db.session.scalars(select(Pair)).all() == []
        assert db.session.get(Activity, lift) is None


def test_partner_uploaded_before_connecting_is_found_through_the_list(world):
    world.set(goal="endurance")
    lift = world.upload("WeightTraining", LIFT_START, 60)  # no event ever arrives for it
    run = world.upload("Run", LIFT_START + dt.timedelta(minutes=65), 30, description="")
    world.deliver(run)
    with world.app.app_context():
        pair = db.session.scalars(select(Pair)).one()
        assert (pair.lift_id, pair.verdict) == (lift, "fits_goal_lift_first")
    assert world.description(run).endswith(SIGNATURE)


def test_activity_of_another_sport_changes_nothing(world):
    ride = world.upload("Ride", LIFT_START, 60, description="Spin")
    assert world.deliver(ride) == "done"
    assert world.description(ride) == "Spin"
    assert world.strava_writes() == []


def test_rate_limit_defers_instead_of_sleeping(world):
    from plugin.strava.ratelimit import RateLimitDeferred

    run = world.upload("Run", LIFT_START, 30)
    requests.post(f"{world.emu}/sandbox/api/rate-limit", json={"limit_15min": 1})
    with pytest.raises(RateLimitDeferred) as err:
        world.deliver(run)
    assert 0 < err.value.countdown <= 15 * 60 + 1


def test_expired_token_is_refreshed_and_stored_before_calls(world):
    with world.app.app_context():
        athlete = db.session.get(Athlete, ATHLETE)
        cipher = world.app.extensions["token_cipher"]
        old_token = cipher.decrypt(athlete.access_token_enc)
        athlete.expires_at = 0  # as if six hours had passed
        db.session.commit()
    requests.post(f"{world.emu}/sandbox/api/tokens/expire", json={"athlete_id": ATHLETE})
    run = world.upload("Run", LIFT_START, 30)
    assert world.deliver(run) == "done"
    with world.app.app_context():
        athlete = db.session.get(Athlete, ATHLETE)
        assert cipher.decrypt(athlete.access_token_enc) != old_token
        assert athlete.expires_at > 1_700_000_000
    calls = requests.get(f"{world.emu}/sandbox/api/requests").json()
    assert any(c["path"] == "/oauth/token" for c in calls)
    assert not [c for c in calls if c["path"].startswith("/api/") and c["status"] == 401]


def test_token_refused_early_is_refreshed_once_and_the_event_completes(world):
    world.set(goal="strength")
    lift = world.upload("WeightTraining", LIFT_START, 60)
    run = world.upload("Run", LIFT_START + dt.timedelta(minutes=90), 40, description="Felt good")
    world.deliver(lift)
    # Strava invalidates the token we believe valid for hours yet (revoked, or expired early).
    requests.post(f"{world.emu}/sandbox/api/tokens/expire", json={"athlete_id": ATHLETE})
    assert world.deliver(run) == "done"
    assert world.description(run).count(SIGNATURE) == 1
    statuses = requests.get(f"{world.emu}/sandbox/api/calls").json()["statuses"]
    assert statuses.get("POST /oauth/token 200", 0) == 2  # connect, then the one refresh
    assert sum(v for k, v in statuses.items() if k.endswith(" 401")) == 1


def test_refused_refresh_parks_the_event_and_flags_the_athlete(world):
    from plugin.strava.errors import ReconnectNeeded

    run = world.upload("Run", LIFT_START, 30)
    requests.post(f"{world.emu}/sandbox/api/faults", json={"kind": "401"})
    requests.post(f"{world.emu}/sandbox/api/faults", json={"kind": "401", "endpoint": "POST /oauth/token"})
    with pytest.raises(ReconnectNeeded):
        world.deliver(run)


def test_moving_an_activity_in_time_updates_the_same_pair(world):
    world.set(goal="strength")
    lift, run = world.lift_then_run(LIFT_START, 90, 40, "Felt good")
    # The athlete corrects the run's start: it was really 7 h after the lift.
    resp = requests.patch(f"{world.emu}/sandbox/api/activities/{run}",
                          json={"start_date": (LIFT_START + dt.timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                                "deliver": False})
    assert resp.status_code == 200, resp.text
    world.deliver(run, aspect="update")
    with world.app.app_context():
        pair = db.session.scalars(select(Pair)).one()
        assert pair.verdict == "well_separated"
    text = world.description(run)
    assert text.startswith("Felt good\n\n") and text.count(SIGNATURE) == 1


def test_without_athlete_zones_the_runs_time_in_zones_tells_intensity(world):
    world.set(goal="strength")
    with world.app.app_context():
        athlete = db.session.get(Athlete, ATHLETE)
        athlete.scope = "read,activity:read_all,activity:write"  # profile:read_all not granted
        athlete.hr_zones = None
        db.session.commit()
    _, run = world.lift_then_run(LIFT_START, 70, 12, hr=171)
    calls = [c["path"] for c in requests.get(f"{world.emu}/sandbox/api/requests").json()]
    assert "/api/v3/athlete/zones" not in calls
    assert f"/api/v3/activities/{run}/zones" in calls
    with world.app.app_context():
        pair = db.session.scalars(select(Pair)).one()
        assert pair.intensity_source == "athlete_zones"
        assert pair.intensity not in ("unknown", "zone1", "zone2")
        assert pair.verdict == "cooldown_borderline"
