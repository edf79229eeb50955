"""The look back on connect and its "write advice on these", against the emulator over HTTP."""

from __future__ import annotations

import datetime as dt

import pytest
import requests
from sqlalchemy import select

from plugin.extensions import db
from plugin.models import Activity, Athlete, Pair
from plugin.services.backfill import backfill_athlete, preview_activity_count, write_connect_advice
from plugin.statuses import PairOrigin, PairStatus
from plugin.strava.ratelimit import RateLimitDeferred
from tests.support.apps import build_app
from tests.support.tasks import queued_tasks
from tests.support import strava
from tests.support.factories import make_pair
from tests.support.servers import connect_through_oauth

ATHLETE = 123456789
SIGNATURE = "— LiftRun Coach · http://127.0.0.1:5000/settings"
NOW = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def upload(emulator, sport_type, start, minutes, description="", hr=None):
    return strava.upload(emulator.url, sport_type, start, minutes, description, hr,
                         name=f"{sport_type} at {start:%d %H:%M}")


def four_weeks(emulator) -> dict[str, list[int]]:
    """Three lift-then-run pairs in the last four weeks, one pair too old, one session we do not count."""
    runs, lifts = [], []
    for days_ago in (3, 10, 17):
        lift_start = NOW - dt.timedelta(days=days_ago, hours=2)
        lifts.append(upload(emulator, "WeightTraining", lift_start, 60, description=f"Squats, day -{days_ago}"))
        runs.append(upload(emulator, "Run", lift_start + dt.timedelta(minutes=70), 40,
                           description=f"Felt good 🙂\r\n  day -{days_ago}  ", hr=150))
    old_lift = upload(emulator, "WeightTraining", NOW - dt.timedelta(days=40), 60)
    old_run = upload(emulator, "Run", NOW - dt.timedelta(days=40) + dt.timedelta(minutes=70), 30)
    yoga = upload(emulator, "Yoga", NOW - dt.timedelta(days=5), 45)
    requests.delete(f"{emulator.url}/sandbox/api/requests")
    return {"lifts": lifts, "runs": runs, "old": [old_lift, old_run], "yoga": [yoga]}


def calls(emulator) -> list[dict]:
    return strava.calls(emulator.url)


def description(emulator, activity_id) -> str:
    return strava.description(emulator.url, activity_id)


def test_connect_queues_the_look_back_by_name(product, redis_client):
    assert {"task": "liftrun.backfill_athlete", "args": [ATHLETE]} in queued_tasks(redis_client)


def test_look_back_judges_four_weeks_from_one_listing_and_writes_nothing(product, emulator):
    made = four_weeks(emulator)
    with product.app_context():
        db.session.get(Athlete, ATHLETE).settings.goal = "strength"
        db.session.commit()
        report = backfill_athlete(ATHLETE)
        assert (report.activities, report.pairs) == (6, 3)
        pairs = list(db.session.scalars(select(Pair).order_by(Pair.later_start)))
        assert [(p.lift_id, p.run_id) for p in pairs] == list(zip(made["lifts"][::-1], made["runs"][::-1]))
        assert {(p.origin, p.status, p.goal) for p in pairs} == {(PairOrigin.CONNECT, PairStatus.PREVIEW, "strength")}
        assert all(p.advice and p.verdict == "interference_risk" for p in pairs)
        stored = set(db.session.scalars(select(Activity.id)))
        assert stored == set(made["lifts"] + made["runs"])  # neither the old pair nor the yoga
        assert db.session.get(Athlete, ATHLETE).backfilled_at is not None
        assert preview_activity_count(ATHLETE) == 3
    api = [c for c in calls(emulator) if c["path"].startswith("/api/v3/")]
    listings = [c for c in api if c["path"] == "/api/v3/athlete/activities"]
    assert len(listings) == 1 and listings[0]["query"]["per_page"] == "200"
    assert not [c for c in api if c["path"].startswith("/api/v3/activities/")]  # no per-activity reads
    assert not [c for c in api if c["method"] != "GET"]
    for run in made["runs"]:
        assert SIGNATURE not in description(emulator, run)


def test_write_connect_advice_writes_each_once_and_keeps_the_athletes_text(product, emulator):
    made = four_weeks(emulator)
    before = {run: description(emulator, run) for run in made["runs"]}
    with product.app_context():
        backfill_athlete(ATHLETE)
        report = write_connect_advice(ATHLETE)
        assert report.written == 3
        assert {p.status for p in db.session.scalars(select(Pair))} == {PairStatus.WRITTEN}
        assert preview_activity_count(ATHLETE) == 0
    for run, text in before.items():
        now = description(emulator, run)
        assert now.startswith(text + "\n\n") and now.endswith(SIGNATURE)
    for lift in made["lifts"]:
        assert SIGNATURE not in description(emulator, lift)
    puts = [c for c in calls(emulator) if c["method"] == "PUT"]
    assert sorted(int(c["path"].rsplit("/", 1)[1]) for c in puts) == sorted(made["runs"])
    with product.app_context():
        assert write_connect_advice(ATHLETE).written == 0
    assert len([c for c in calls(emulator) if c["method"] == "PUT"]) == 3


def test_write_stops_when_the_budget_runs_out_and_resumes_without_writing_twice(product, emulator, redis_client):
    made = four_weeks(emulator)
    with product.app_context():
        backfill_athlete(ATHLETE)
    usage = requests.get(f"{emulator.url}/sandbox/api/rate-limit").json()["usage_15min"]
    # Room for one activity (a read and a write) and the next read, which hits the limit.
    requests.post(f"{emulator.url}/sandbox/api/rate-limit", json={"limit_15min": usage + 3})
    with product.app_context(), pytest.raises(RateLimitDeferred):
        write_connect_advice(ATHLETE)
    with product.app_context():
        assert preview_activity_count(ATHLETE) == 2
    requests.post(f"{emulator.url}/sandbox/api/rate-limit", json={"limit_15min": 600})
    redis_client.flushdb()  # the recorded budget would still say "spent" until the window ends
    with product.app_context():
        assert write_connect_advice(ATHLETE).written == 2
    puts = [int(c["path"].rsplit("/", 1)[1]) for c in calls(emulator) if c["method"] == "PUT"]
    assert sorted(puts) == sorted(made["runs"])
    for run in made["runs"]:
        assert description(emulator, run).count(SIGNATURE) == 1


def test_look_back_leaves_pairs_an_event_already_judged(product, emulator):
    made = four_weeks(emulator)
    with product.app_context():
        make_pair(made["lifts"][0], made["runs"][0], gap_minutes=10, tier="short", verdict="cooldown_ok",
                  status=PairStatus.WRITTEN)
        db.session.commit()
        assert backfill_athlete(ATHLETE).pairs == 2
        kept = db.session.scalars(select(Pair).where(Pair.run_id == made["runs"][0])).one()
        assert (kept.origin, kept.status, kept.verdict) == (PairOrigin.EVENT, PairStatus.WRITTEN, "cooldown_ok")


@pytest.mark.parametrize("mode", ["preview", "paused"])
def test_no_writes_unless_in_write_mode(product, emulator, mode):
    four_weeks(emulator)
    with product.app_context():
        backfill_athlete(ATHLETE)
        db.session.get(Athlete, ATHLETE).settings.mode = mode
        db.session.commit()
        assert write_connect_advice(ATHLETE) is None
        assert preview_activity_count(ATHLETE) == 3
    assert not [c for c in calls(emulator) if c["method"] == "PUT"]


def test_empty_account_is_looked_at_and_marked_done(product, emulator):
    with product.app_context():
        report = backfill_athlete(ATHLETE)
        assert (report.activities, report.pairs) == (0, 0)
        assert db.session.get(Athlete, ATHLETE).backfilled_at is not None


def test_missing_athlete_is_a_no_op(product):
    with product.app_context():
        assert backfill_athlete(1) is None and write_connect_advice(1) is None


def test_tasks_run_the_services_and_clear_the_writing_note(sqlite_url, redis_url, redis_client, emulator):
    import worker.tasks as tasks  # registers the tasks before the app that runs them is built
    from plugin.history import progress

    product = build_app(sqlite_url, redis_url, STRAVA_BASE_URL=emulator.url)
    assert connect_through_oauth(product.test_client()).headers["Location"] == "/settings"
    made = four_weeks(emulator)
    assert tasks.backfill_athlete.apply(args=[ATHLETE]).get() == "done"
    with product.app_context():
        progress.start(progress.WRITING, ATHLETE, 3)
    assert tasks.write_connect_advice.apply(args=[ATHLETE]).get() == "done"
    assert not redis_client.exists(progress.MARKER_KEY.format(kind=progress.WRITING, athlete_id=ATHLETE))
    assert all(description(emulator, run).endswith(SIGNATURE) for run in made["runs"])
    assert tasks.backfill_athlete.apply(args=[1]).get() == "missing"


def deliver(product, object_id, event_time):
    """Play the webhook and the task for one create event."""
    from plugin.models import InboxEvent
    from plugin.services.events import process_event

    resp = product.test_client().post("/webhook", json=strava.activity_event(object_id, event_time))
    assert resp.status_code == 200
    with product.app_context():
        event_id = db.session.scalar(select(InboxEvent.id).where(InboxEvent.event_time == event_time))
        process_event(event_id)
        db.session.commit()


def test_a_late_upload_near_previews_does_not_write_them(product, emulator):
    made = four_weeks(emulator)
    with product.app_context():
        backfill_athlete(ATHLETE)
    requests.delete(f"{emulator.url}/sandbox/api/requests")
    # An older session uploaded late, inside the range of the day -10 preview but pairing with nothing.
    yoga = upload(emulator, "Yoga", NOW - dt.timedelta(days=10, hours=3), 30)
    deliver(product, yoga, 1_000)
    assert not [c for c in calls(emulator) if c["method"] == "PUT"]
    with product.app_context():
        assert preview_activity_count(ATHLETE) == 3
    assert SIGNATURE not in description(emulator, made["runs"][1])


def test_an_upload_the_look_back_saw_first_still_gets_its_advice(product, emulator):
    made = four_weeks(emulator)
    lift = upload(emulator, "WeightTraining", NOW - dt.timedelta(hours=3), 50, description="Deadlifts")
    run = upload(emulator, "Run", NOW - dt.timedelta(hours=1, minutes=50), 30, description="Easy 5k")
    with product.app_context():
        backfill_athlete(ATHLETE)  # the look back ran after the upload, before the upload's event
        assert preview_activity_count(ATHLETE) == 4
    requests.delete(f"{emulator.url}/sandbox/api/requests")
    deliver(product, lift, 1_001)
    deliver(product, run, 1_002)
    puts = [int(c["path"].rsplit("/", 1)[1]) for c in calls(emulator) if c["method"] == "PUT"]
    assert puts == [run]
    assert description(emulator, run).startswith("Easy 5k\n\n")
    assert description(emulator, run).endswith(SIGNATURE)
    with product.app_context():
        assert preview_activity_count(ATHLETE) == 3
        written = db.session.scalars(select(Pair).where(Pair.run_id == run)).one()
        assert written.status == PairStatus.WRITTEN
    for older in made["runs"]:
        assert SIGNATURE not in description(emulator, older)
