import time

from plugin.ops import heartbeat
from tests.support.apps import build_app


def test_ready_when_database_redis_and_a_fresh_worker_heartbeat(client, redis_client):
    heartbeat.beat(redis_client, "celery@test")
    resp = client.get("/readyz")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["status"] == "ready"
    assert body["down"] == []
    assert body["checks"] == {"database": "ok", "redis": "ok", "worker": "ok"}
    assert 0 <= body["worker_heartbeat_age_seconds"] < 5


def test_not_ready_names_the_missing_worker(client, redis_client):
    resp = client.get("/readyz")
    assert resp.status_code == 503
    body = resp.get_json()
    assert body["down"] == ["worker"]
    assert body["checks"]["worker"] == "no heartbeat"
    assert body["worker_heartbeat_age_seconds"] is None


def test_a_stale_heartbeat_is_not_ready(client, redis_client):
    heartbeat.beat(redis_client, "celery@old", now=time.time() - heartbeat.HEARTBEAT_STALE_SECONDS - 5)
    resp = client.get("/readyz")
    assert resp.status_code == 503
    assert resp.get_json()["checks"]["worker"].startswith("stale heartbeat")


def test_the_freshest_of_several_workers_counts(redis_client):
    now = time.time()
    heartbeat.beat(redis_client, "celery@a", now=now - 300)
    heartbeat.beat(redis_client, "celery@b", now=now - 2)
    assert round(heartbeat.freshest_age(redis_client, now=now)) == 2
    assert set(heartbeat.heartbeats(redis_client, now=now)) == {"celery@a", "celery@b"}


def test_long_gone_workers_are_forgotten(redis_client):
    now = time.time()
    heartbeat.beat(redis_client, "celery@gone", now=now - heartbeat.FORGET_AFTER_SECONDS - 10)
    heartbeat.beat(redis_client, "celery@here", now=now)
    assert set(heartbeat.heartbeats(redis_client, now=now)) == {"celery@here"}


def test_redis_down_names_redis_and_cannot_vouch_for_the_worker(tmp_path, redis_url):
    app = build_app(f"sqlite:///{tmp_path / 'r.sqlite'}", "redis://127.0.0.1:1/0")
    resp = app.test_client().get("/readyz")
    assert resp.status_code == 503
    body = resp.get_json()
    assert body["down"] == ["redis", "worker"]
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"] == "unavailable"


def test_database_down_is_named(tmp_path, redis_url, redis_client):
    heartbeat.beat(redis_client, "celery@test")
    missing_dir = tmp_path / "no-such-dir" / "x.sqlite"
    from plugin import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{missing_dir}", "REDIS_URL": redis_url})
    resp = app.test_client().get("/readyz")
    assert resp.status_code == 503
    assert resp.get_json()["down"] == ["database"]
