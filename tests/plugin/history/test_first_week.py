"""History in the first week: what the look back found, its write button, work in progress, earlier goals."""

from __future__ import annotations

import datetime as dt

import pytest

from plugin.extensions import db
from plugin.history import progress
from plugin.history.first_look import EMPTY, FOUND, LOOKING, NO_PAIRS, connect_summary, look_back_line
from plugin.history.progress import about, reason_words, waiting_notes, work_in_progress
from plugin.models import Athlete, InboxEvent, Pair
from plugin.statuses import DeferReason, EventStatus, PairOrigin, PairStatus
from tests.support.factories import login, make_activity, make_athlete, make_inbox_event, make_pair
from tests.support.tasks import queued_tasks

ATHLETE = 123456789
UTC = dt.timezone.utc
NOW = dt.datetime.now(UTC).replace(microsecond=0)


def add_activity(activity_id, sport_type, start):
    make_activity(activity_id, sport_type, start, name=f"{sport_type} {activity_id}", minutes=60, moving_time=3600)


def add_pair(lift_id, run_id, start, verdict="well_separated", status=PairStatus.PREVIEW,
             origin=PairOrigin.CONNECT, goal="general"):
    add_activity(lift_id, "WeightTraining", start - dt.timedelta(hours=8))
    add_activity(run_id, "Run", start)
    make_pair(lift_id, run_id, later_start=start, verdict=verdict, goal=goal, status=status, origin=origin,
              headline=verdict.replace("_", " ").capitalize(), advice=f"Advice {run_id}.")


def looked_back(days_ago_pairs=(2, 9, 16), verdicts=None, **settings):
    athlete = make_athlete(ATHLETE, **settings)
    verdicts = verdicts or ["well_separated"] * len(days_ago_pairs)
    for index, (days, verdict) in enumerate(zip(days_ago_pairs, verdicts)):
        add_pair(100 + 2 * index, 101 + 2 * index, NOW - dt.timedelta(days=days), verdict=verdict,
                 goal=athlete.settings.goal)
    athlete.backfilled_at = NOW
    db.session.commit()
    return athlete


def client_for(app):
    client = app.test_client()
    login(client, ATHLETE)
    return client


def history(app) -> str:
    resp = client_for(app).get("/history")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


# ---------------------------------------------------------------- wording (pure)

def test_look_back_line_counts_pairs_in_words():
    state, text = look_back_line(["well_separated"] * 4 + ["interference_risk"] * 2, 12, 24)
    assert state == FOUND
    assert text == "We looked at your last 4 weeks: 6 pairs, 4 well separated, 2 cool-downs too long."


def test_look_back_line_without_pairs_or_activities_says_what_happens_next():
    assert look_back_line([], 3, 24)[0] == NO_PAIRS
    assert "3 lifts and runs, but no lift and run within 24 h" in look_back_line([], 3, 24)[1]
    state, text = look_back_line([], 0, 12)
    assert state == EMPTY
    assert "found no lifts or runs yet" in text and "within 12 h of each other" in text


def test_waiting_events_grouped_by_reason_with_the_longest_wait():
    def event(object_id, seconds, reason):
        until = NOW + dt.timedelta(seconds=seconds) if seconds is not None else None
        return InboxEvent(object_id=object_id, deferred_until=until, deferred_reason=reason)

    notes = waiting_notes([
        event(1, 200, DeferReason.RATE_LIMIT), event(2, 360, DeferReason.RATE_LIMIT),
        event(2, 100, DeferReason.RATE_LIMIT), event(3, 20, DeferReason.ATHLETE_BUSY), event(4, None, None),
        event(5, -30, DeferReason.RATE_LIMIT),
    ], NOW)
    assert [n.text for n in notes] == [
        "1 activity waiting for another update of yours to finish, about 1 min",
        "2 activities waiting for Strava's rate limit, about 6 min",
        "2 activities being judged now",
    ]


def test_reason_words_and_about():
    worded = {reason: reason_words(reason) for reason in DeferReason}
    assert worded.pop(DeferReason.STRAVA_ERROR) == progress.OTHER_REASON
    assert len(set(worded.values())) == len(worded) and progress.OTHER_REASON not in worded.values()
    assert reason_words("strava_fault") == progress.OTHER_REASON
    assert reason_words(None) == progress.OTHER_REASON
    assert about(1) == "about 1 min" and about(389) == "about 7 min" and about(3 * 3600) == "about 3 h"


# ---------------------------------------------------------------- history page

def test_fresh_connect_says_the_look_back_is_under_way(app):
    with app.app_context():
        make_athlete(ATHLETE)
        assert connect_summary(db.session.get(Athlete, ATHLETE)).state == LOOKING
    text = history(app)
    assert "We are looking at your last 4 weeks on Strava" in text
    assert "Write advice on these" not in text


def test_old_account_without_look_back_says_nothing_about_it(app):
    with app.app_context():
        athlete = make_athlete(ATHLETE)
        athlete.created_at = NOW - dt.timedelta(days=30)
        db.session.commit()
        assert connect_summary(athlete) is None
    assert 'id="first-look"' not in history(app)


def test_found_pairs_are_marked_and_offered_for_writing(app):
    with app.app_context():
        looked_back(verdicts=["well_separated", "well_separated", "interference_risk"])
    text = history(app)
    assert "We looked at your last 4 weeks: 3 pairs, 2 well separated, 1 cool-down too long." in text
    assert text.count("Judged on connect") == 3 + 1  # each pair, and the sentence pointing at them
    assert "has <strong>not</strong> been written to Strava" in text
    assert "Write advice on these 3 activities</button>" in text


def test_write_button_hidden_outside_write_mode(app):
    with app.app_context():
        looked_back(mode="preview")
    text = history(app)
    assert "Write advice on these" not in text
    assert "switch to \"write\" mode" in text


def test_write_button_queues_the_task_and_shows_progress(app, redis_client):
    with app.app_context():
        looked_back()
    client = client_for(app)
    resp = client.post("/history/write-connect-advice")
    assert resp.status_code == 303 and resp.headers["Location"] == "/history"
    assert queued_tasks(redis_client) == [{"task": "liftrun.write_connect_advice", "args": [ATHLETE]}]
    text = client.get("/history").get_data(as_text=True)
    assert "Writing advice on 3 activities in the background" in text  # the flash
    assert "Writing advice on 3 activities (within Strava" in text  # the progress note
    assert "Write advice on these" not in text and "Writing is under way" in text  # no second press
    with app.app_context():
        progress.finish(progress.WRITING, ATHLETE)
    assert "Writing advice on 3 activities (within" not in client.get("/history").get_data(as_text=True)


def test_write_refused_outside_write_mode_and_when_nothing_waits(app, redis_client, caplog):
    caplog.set_level("INFO")
    with app.app_context():
        looked_back(mode="paused")
    client = client_for(app)
    resp = client.post("/history/write-connect-advice", follow_redirects=True)
    assert "not in write mode, so nothing was written" in resp.get_data(as_text=True)
    assert "in paused mode; refused" in caplog.text
    with app.app_context():
        for pair in db.session.query(Pair):
            pair.status = PairStatus.WRITTEN
        db.session.get(Athlete, ATHLETE).settings.mode = "write"
        db.session.commit()
    resp = client.post("/history/write-connect-advice", follow_redirects=True)
    assert "no advice from the look back waiting" in resp.get_data(as_text=True)
    assert queued_tasks(redis_client) == []


def test_write_needs_login(app):
    resp = app.test_client().post("/history/write-connect-advice")
    assert resp.status_code == 302


def test_empty_account_gets_what_happens_next(app):
    with app.app_context():
        looked_back(days_ago_pairs=())
    text = history(app)
    assert "found no lifts or runs yet" in text
    assert "What happens next." in text and "No pairs yet" not in text


def test_activities_without_pairs_are_counted(app):
    with app.app_context():
        looked_back(days_ago_pairs=())
        add_activity(7, "Run", NOW - dt.timedelta(days=3))
        add_activity(8, "Run", NOW - dt.timedelta(days=60))  # before the look back
        db.session.commit()
    assert "We looked at your last 4 weeks: 1 lift or run, but no lift and run within 24 h" in history(app)


def test_waiting_events_and_refused_access_are_shown(app):
    with app.app_context():
        athlete = looked_back()
        athlete.needs_reconnect = True
        for object_id in (101, 103):
            make_inbox_event(object_id, status=EventStatus.PENDING, deferred_reason="rate_limit",
                             deferred_until=dt.datetime.now(UTC) + dt.timedelta(minutes=5, seconds=30))
        make_inbox_event(9, status=EventStatus.DONE, deferred_until=NOW + dt.timedelta(minutes=5),
                         deferred_reason="rate_limit")
        db.session.commit()
    text = history(app)
    assert "2 activities waiting for Strava&#39;s rate limit, about 6 min" in text
    assert 'role="alert">\n      Strava refused our access' in text
    assert '<a class="btn btn-strava" href="/auth/strava">Reconnect with Strava</a>' in text


def test_reevaluation_marker_is_shown_until_finished(app):
    with app.app_context():
        athlete = looked_back()
        progress.start(progress.REEVALUATING, ATHLETE)
        assert [n.kind for n in work_in_progress(athlete)] == ["reevaluating"]
    assert "being re-evaluated after your settings change" in history(app)
    with app.app_context():
        progress.finish(progress.REEVALUATING, ATHLETE)
        assert work_in_progress(db.session.get(Athlete, ATHLETE)) == []


def test_pairs_judged_under_an_earlier_goal_say_so(app):
    with app.app_context():
        athlete = looked_back(days_ago_pairs=(2,), goal="endurance")
        add_pair(200, 201, NOW - dt.timedelta(days=1), goal="strength", origin=PairOrigin.EVENT,
                 status=PairStatus.WRITTEN)
        db.session.commit()
        assert athlete.settings.goal == "endurance"
    text = history(app)
    assert text.count("Judged for your earlier goal") == 1
    assert "Judged for your earlier goal (Strength), not for Endurance." in text


@pytest.mark.parametrize("kind", [progress.WRITING, progress.REEVALUATING])
def test_markers_expire_by_themselves(app, redis_client, kind):
    with app.app_context():
        progress.start(kind, ATHLETE, 2)
    ttl = redis_client.ttl(progress.MARKER_KEY.format(kind=kind, athlete_id=ATHLETE))
    assert 0 < ttl <= progress.MARKER_TTL.total_seconds()


def test_parked_and_failed_events_are_counted_for_the_athlete(app):
    with app.app_context():
        athlete = looked_back()
        athlete.needs_reconnect = True
        old = dt.datetime.now(UTC) - dt.timedelta(days=3)
        for object_id, status, received in ((1, EventStatus.PARKED, None), (2, EventStatus.PARKED, None),
                                            (3, EventStatus.FAILED, None), (4, EventStatus.FAILED, old)):
            make_inbox_event(object_id, status=status, **({"received_at": received} if received else {}))
        db.session.commit()
        with app.test_request_context():
            notes = {note.kind: note.text for note in work_in_progress(athlete)}
    assert notes["reconnect"].endswith("reconnect to carry on. 2 activities wait for it.")
    assert notes["failed"].startswith("1 activity could not be judged in the last day")
