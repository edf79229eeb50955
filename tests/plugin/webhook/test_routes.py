import logging

import pytest
from sqlalchemy import func, select

from plugin.extensions import db
from plugin.models import Activity, Athlete, InboxEvent, Pair, Subscription
from tests.conftest import queued_tasks
from tests.plugin.factories import make_athlete

ATHLETE = 123456789


def event(**overrides):
    body = {
        "object_type": "activity",
        "object_id": 10_000_000_001,
        "aspect_type": "create",
        "updates": {},
        "owner_id": ATHLETE,
        "subscription_id": 7,
        "event_time": 1_760_000_000,
    }
    body.update(overrides)
    return body


@pytest.fixture
def athlete(app):
    with app.app_context():
        make_athlete(ATHLETE)
    return ATHLETE


def inbox_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(InboxEvent))


def test_validation_echoes_challenge_with_right_token(client):
    resp = client.get("/webhook?hub.mode=subscribe&hub.challenge=abc123&hub.verify_token=sandbox-verify-token")
    assert resp.status_code == 200
    assert resp.get_json() == {"hub.challenge": "abc123"}


def test_validation_refuses_wrong_token(client, caplog):
    with caplog.at_level(logging.WARNING):
        resp = client.get("/webhook?hub.mode=subscribe&hub.challenge=abc&hub.verify_token=nope")
    assert resp.status_code == 403
    assert "wrong verify token" in caplog.text


def test_validation_without_challenge_is_400(client):
    assert client.get("/webhook?hub.verify_token=sandbox-verify-token").status_code == 400


def test_event_is_stored_and_queued_by_name(app, client, athlete, redis_client):
    resp = client.post("/webhook", json=event())
    assert resp.status_code == 200
    assert inbox_count(app) == 1
    tasks = queued_tasks(redis_client)
    assert [t["task"] for t in tasks] == ["liftrun.process_event"]
    with app.app_context():
        stored = db.session.scalars(select(InboxEvent)).one()
        assert stored.object_id == 10_000_000_001  # > 2**31 survives
        assert tasks[0]["args"] == [stored.id]


def test_duplicate_delivery_stores_one_row(app, client, athlete, redis_client):
    for _ in range(3):
        assert client.post("/webhook", json=event()).status_code == 200
    assert inbox_count(app) == 1
    with app.app_context():
        row = db.session.scalars(select(InboxEvent)).one()
        row.status = "done"
        db.session.commit()
    redis_client.delete("celery")
    assert client.post("/webhook", json=event()).get_json() == {"status": "duplicate"}
    assert queued_tasks(redis_client) == []


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[]",
        '{"object_type": "activity"}',
        '{"object_type": "gear", "object_id": 1, "aspect_type": "create", "owner_id": 1, "event_time": 1}',
        '{"object_type": "activity", "object_id": "1", "aspect_type": "create", "owner_id": 1, "event_time": 1}',
        '{"object_type": "activity", "object_id": 1, "aspect_type": "explode", "owner_id": 1, "event_time": 1}',
        '{"object_type": "activity", "object_id": -5, "aspect_type": "create", "owner_id": 1, "event_time": 1}',
        '{"object_type": "activity", "object_id": 1, "aspect_type": "create", "owner_id": 1, "event_time": 1, "updates": [1]}',
    ],
)
def test_malformed_bodies_are_400_and_logged(app, client, athlete, body, caplog):
    with caplog.at_level(logging.WARNING):
        resp = client.post("/webhook", data=body, content_type="application/json")
    assert resp.status_code == 400
    assert "error" in resp.get_json()
    assert "rejected webhook body" in caplog.text
    assert inbox_count(app) == 0


def test_unknown_athlete_is_acknowledged_not_stored(app, client, redis_client):
    resp = client.post("/webhook", json=event(owner_id=42))
    assert resp.status_code == 200
    assert resp.get_json()["status"] == "ignored: unknown athlete"
    assert inbox_count(app) == 0
    assert queued_tasks(redis_client) == []


def test_event_for_another_subscription_is_ignored(app, client, athlete):
    with app.app_context():
        db.session.add(Subscription(id=99, callback_url="http://x/webhook"))
        db.session.commit()
    resp = client.post("/webhook", json=event(subscription_id=7))
    assert resp.status_code == 200
    assert resp.get_json()["status"] == "ignored: other subscription"
    assert inbox_count(app) == 0
    assert client.post("/webhook", json=event(subscription_id=99)).get_json()["status"] == "queued"


def test_paused_athlete_events_are_dropped(app, client, redis_client):
    with app.app_context():
        make_athlete(ATHLETE, mode="paused")
    assert client.post("/webhook", json=event()).get_json()["status"] == "ignored: paused"
    assert inbox_count(app) == 0
    assert queued_tasks(redis_client) == []


def test_deauthorization_deletes_everything_about_the_athlete(app, client, athlete):
    other = 555
    with app.app_context():
        make_athlete(other)
        db.session.add(Activity(id=1, athlete_id=ATHLETE, sport_type="Run"))
        db.session.add(Activity(id=2, athlete_id=other, sport_type="Run"))
        db.session.add(
            Pair(athlete_id=ATHLETE, lift_id=3, run_id=1, later_id=1, order="lift_first", gap_minutes=5,
                 tier="same_session", verdict="cooldown_ok", goal="strength")
        )
        db.session.commit()
    client.post("/webhook", json=event())
    resp = client.post(
        "/webhook",
        json=event(object_type="athlete", object_id=ATHLETE, aspect_type="update", updates={"authorized": "false"}),
    )
    assert resp.get_json()["status"] == "deauthorized"
    with app.app_context():
        assert db.session.get(Athlete, ATHLETE) is None
        assert db.session.scalars(select(Activity.id)).all() == [2]
        assert db.session.scalar(select(func.count()).select_from(Pair)) == 0
        assert db.session.scalar(select(func.count()).select_from(InboxEvent)) == 0
        assert db.session.get(Athlete, other) is not None
    # Further events of that athlete are now from an unknown athlete.
    assert client.post("/webhook", json=event(event_time=2)).get_json()["status"] == "ignored: unknown athlete"


def test_athlete_update_other_than_deauth_is_ignored(app, client, athlete):
    resp = client.post(
        "/webhook", json=event(object_type="athlete", object_id=ATHLETE, aspect_type="update", updates={"name": "x"})
    )
    assert resp.get_json()["status"] == "ignored: not an activity"
    with app.app_context():
        assert db.session.get(Athlete, ATHLETE) is not None


def test_broker_down_still_stores_and_answers_200(tmp_path, redis_url, caplog):
    from tests.conftest import build_app

    app = build_app(f"sqlite:///{tmp_path / 'x.sqlite'}", "redis://127.0.0.1:1/0")
    with app.app_context():
        make_athlete(ATHLETE)
    with caplog.at_level(logging.ERROR):
        resp = app.test_client().post("/webhook", json=event())
    assert resp.status_code == 200
    assert "stays pending" in caplog.text
    assert inbox_count(app) == 1


def test_oversized_body_is_refused_with_413(app, client, athlete):
    body = '{"object_type": "activity", "padding": "' + "x" * 300_000 + '"}'
    resp = client.post("/webhook", data=body, content_type="application/json")
    assert resp.status_code == 413
    assert resp.get_json()["error"] == "Too large"
    assert inbox_count(app) == 0
