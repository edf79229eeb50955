import logging

import pytest
from sqlalchemy import func, select

from plugin.extensions import db
from plugin.models import Activity, Athlete, InboxEvent, Pair, Subscription
from tests.support.factories import make_activity, make_athlete, make_pair
from tests.support.tasks import queued_tasks

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
        make_activity(1, athlete_id=ATHLETE)
        make_activity(2, athlete_id=other)
        make_pair(3, 1, athlete_id=ATHLETE)
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


def test_broker_down_still_stores_and_answers_200(make_app, caplog):
    app = make_app(redis_url="redis://127.0.0.1:1/0")
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


def test_deeply_nested_body_is_a_400_not_a_500(app, client, athlete, caplog):
    with caplog.at_level(logging.WARNING):
        resp = client.post("/webhook", data="[" * 5000, content_type="application/json")
    assert resp.status_code == 400
    assert "rejected webhook body" in caplog.text
    assert inbox_count(app) == 0


@pytest.mark.parametrize("query", [
    "hub.mode=subscribe&hub.challenge=" + "c" * 300 + "&hub.verify_token=sandbox-verify-token",
    "hub.mode=subscribe&hub.challenge=a&hub.challenge=b&hub.verify_token=sandbox-verify-token",
])
def test_validation_refuses_oversized_or_repeated_parameters(client, query):
    resp = client.get(f"/webhook?{query}")
    assert resp.status_code == 400
    assert "error" in resp.get_json()


def test_a_new_subscription_reaches_every_process_through_the_version_key(tmp_path, redis_url, redis_client,
                                                                          monkeypatch):
    """Two web processes on one database: a change made through one is seen by the other at its next check."""
    from plugin.services import subscriptions
    from plugin.services.subscriptions import remember_subscription
    from tests.support.apps import build_app

    monkeypatch.setattr(subscriptions, "VERSION_CHECK_INTERVAL_S", 0.0)
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    web_a, web_b = build_app(url, redis_url), build_app(url, redis_url)
    with web_a.app_context():
        make_athlete(ATHLETE)
        remember_subscription(7, "http://x/webhook")
    client_a = web_a.test_client()
    assert client_a.post("/webhook", json=event(subscription_id=7)).get_json()["status"] == "queued"
    assert client_a.post("/webhook", json=event(subscription_id=8, object_id=2)).get_json()["status"] == (
        "ignored: other subscription")
    with web_b.app_context():
        from plugin.services.subscriptions import subscription_cache

        subscription_cache().ids()
        db.session.execute(Subscription.__table__.delete())
        db.session.commit()
        remember_subscription(8, "http://x/webhook")
    assert client_a.post("/webhook", json=event(subscription_id=8, object_id=3)).get_json()["status"] == "queued"
    assert client_a.post("/webhook", json=event(subscription_id=7, object_id=4)).get_json()["status"] == (
        "ignored: other subscription")


def test_cached_subscriptions_are_read_once_per_version(app, client, athlete, monkeypatch):
    from plugin.services import subscriptions

    monkeypatch.setattr(subscriptions, "VERSION_CHECK_INTERVAL_S", 0.0)  # Redis asked each time: still one read
    with app.app_context():
        subscriptions.remember_subscription(7, "http://x/webhook")
    reads = []
    real = subscriptions.stored_subscription_ids
    monkeypatch.setattr(subscriptions, "stored_subscription_ids", lambda: reads.append(1) or real())
    for n in range(5):
        assert client.post("/webhook", json=event(object_id=100 + n)).get_json()["status"] == "queued"
    assert len(reads) == 1


def test_a_row_edited_by_hand_is_seen_after_the_cache_age(app, client, athlete, monkeypatch):
    from plugin.services import subscriptions

    assert client.post("/webhook", json=event(subscription_id=7)).get_json()["status"] == "queued"
    with app.app_context():
        db.session.add(Subscription(id=99, callback_url="http://x/webhook"))  # no version bump
        db.session.commit()
    monkeypatch.setattr(subscriptions, "CACHE_MAX_AGE_S", 0.0)
    monkeypatch.setattr(subscriptions, "VERSION_CHECK_INTERVAL_S", 0.0)
    assert client.post("/webhook", json=event(subscription_id=7, object_id=5)).get_json()["status"] == (
        "ignored: other subscription")


def test_redis_down_reads_the_table(make_app):
    app = make_app(redis_url="redis://127.0.0.1:1/0")
    with app.app_context():
        db.session.add(Subscription(id=99, callback_url="http://x/webhook"))
        db.session.commit()
    client = app.test_client()
    assert client.post("/webhook", json=event(subscription_id=7)).get_json()["status"] == "ignored: other subscription"
    assert client.post("/webhook", json=event(subscription_id=99)).get_json()["status"] == "queued"


@pytest.fixture
def secret_app(make_app):
    return make_app(STRAVA_WEBHOOK_SECRET="s3cr3t-path")


def test_with_a_secret_only_the_secret_path_serves(secret_app, caplog):
    client = secret_app.test_client()
    validation = "hub.mode=subscribe&hub.challenge=abc&hub.verify_token=sandbox-verify-token"
    assert client.get(f"/webhook/s3cr3t-path?{validation}").get_json() == {"hub.challenge": "abc"}
    assert client.post("/webhook/s3cr3t-path", json=event()).get_json()["status"] == "queued"
    with caplog.at_level(logging.WARNING):
        for path in ("/webhook", "/webhook/wrong"):
            assert client.get(f"{path}?{validation}").status_code == 404
            assert client.post(path, json=event(object_id=9)).status_code == 404
    assert "wrong secret path" in caplog.text and "the bare path" in caplog.text
    assert inbox_count(secret_app) == 1


def test_without_a_secret_a_secret_path_is_not_served(client, athlete):
    assert client.post("/webhook/guess", json=event()).status_code == 404


def test_callback_url_carries_the_secret(secret_app, app):
    from plugin.services.subscriptions import callback_url

    with secret_app.app_context():
        assert callback_url() == "http://127.0.0.1:5000/webhook/s3cr3t-path"
    with app.app_context():
        assert callback_url() == "http://127.0.0.1:5000/webhook"


def test_the_version_key_is_not_asked_on_every_event(app, client, athlete, monkeypatch):
    from plugin.services import subscriptions

    client.post("/webhook", json=event(object_id=1))
    asked = []
    cache = app.extensions["subscription_cache"]
    real = cache._current_version
    monkeypatch.setattr(cache, "_current_version", lambda: asked.append(1) or real())
    # The interval, not the machine's speed, decides: five events well within it ask nothing.
    monkeypatch.setattr(subscriptions, "VERSION_CHECK_INTERVAL_S", 3600.0)
    for n in range(5):
        assert client.post("/webhook", json=event(object_id=10 + n)).get_json()["status"] == "queued"
    assert asked == []
    monkeypatch.setattr(subscriptions, "VERSION_CHECK_INTERVAL_S", 0.0)
    client.post("/webhook", json=event(object_id=99))
    assert asked == [1]
