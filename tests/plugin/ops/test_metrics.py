import json

import pytest
import redis as redis_lib
import requests
from prometheus_client import REGISTRY

from plugin.ops.metrics import RedisStateCollector, endpoint_label, render
from plugin.strava.ratelimit import LONG_KEY, SHORT_KEY
from plugin.strava.session import BaseUrlSession
from tests.support.apps import REDIS_BASE, build_app
from tests.support.factories import make_athlete
from tests.support.servers import start_emulator

TOKEN = "scrape-me"


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def metrics_app(make_app):
    return make_app(athletes=(), METRICS_TOKEN=TOKEN)


def scrape(app) -> str:
    resp = app.test_client().get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert resp.status_code == 200
    assert resp.mimetype == "text/plain"
    return resp.get_data(as_text=True)


def test_metrics_are_off_without_a_token(client):
    assert client.get("/metrics").status_code == 404


def test_metrics_refuse_a_wrong_token(metrics_app, caplog):
    resp = metrics_app.test_client().get("/metrics", headers={"Authorization": "Bearer nope"})
    assert resp.status_code == 401
    assert "Bearer" in resp.headers["WWW-Authenticate"]
    assert "refused a metrics scrape" in caplog.text


@pytest.fixture
def quiet_redis():
    """Use a database no other test writes to: threads left over from other tests' emulators and
    servers may still record rate usage or queue tasks in the unit tests' database."""
    client = redis_lib.Redis.from_url(f"{REDIS_BASE}/12")
    client.flushdb()
    yield client
    client.flushdb()


def test_rate_budget_and_queue_depth_come_from_redis(quiet_redis):
    quiet_redis.set(SHORT_KEY, json.dumps({"usage": 42, "limit": 200, "read_usage": 40, "read_limit": 100}))
    quiet_redis.set(LONG_KEY, json.dumps({"usage": 420, "limit": 2000, "read_usage": 400, "read_limit": 1000}))
    quiet_redis.rpush("celery", "a", "b", "c")
    text = render([RedisStateCollector(quiet_redis, "celery")]).decode()
    assert 'liftrun_strava_rate_used{kind="all",window="15m"} 42.0' in text
    assert 'liftrun_strava_rate_used{kind="read",window="day"} 400.0' in text
    assert 'liftrun_strava_rate_limit{kind="all",window="day"} 2000.0' in text
    assert 'liftrun_queue_depth{queue="celery"} 3.0' in text


def test_the_endpoint_shows_counters_and_redis_state(metrics_app):
    text = scrape(metrics_app)
    for name in ("liftrun_strava_rate_used", "liftrun_queue_depth", "# TYPE liftrun_events_received_total counter",
                 "# TYPE liftrun_task_duration_seconds histogram"):
        assert name in text


def test_a_scrape_without_redis_still_shows_the_counters(tmp_path, redis_url):
    app = build_app(f"sqlite:///{tmp_path / 'x.sqlite'}", "redis://127.0.0.1:1/0", METRICS_TOKEN=TOKEN)
    text = scrape(app)
    assert "liftrun_strava_calls_total" in text or "liftrun_strava_calls" in text
    assert "liftrun_queue_depth" not in text


def test_webhook_deliveries_are_counted_by_outcome(metrics_app):
    with metrics_app.app_context():
        make_athlete(777)
    before = sample("liftrun_events_received_total", outcome="queued")
    unknown_before = sample("liftrun_events_received_total", outcome="ignored")
    web = metrics_app.test_client()
    event = {"object_type": "activity", "object_id": 5, "aspect_type": "create", "owner_id": 777,
             "subscription_id": 1, "event_time": 1_700_000_000}
    assert web.post("/webhook", json=event).status_code == 200
    assert web.post("/webhook", json={**event, "owner_id": 1}).status_code == 200
    assert sample("liftrun_events_received_total", outcome="queued") == before + 1
    assert sample("liftrun_events_received_total", outcome="ignored") == unknown_before + 1
    assert "liftrun_events_received_total" in scrape(metrics_app)


def test_strava_calls_are_counted_by_endpoint_and_status():
    with start_emulator() as emulator:
        session = BaseUrlSession(emulator.url)
        before = sample("liftrun_strava_calls_total", method="GET", endpoint="/api/v3/activities/{id}", status="401")
        response = session.get("https://www.strava.com/api/v3/activities/98765")
        assert response.status_code == 401
        after = sample("liftrun_strava_calls_total", method="GET", endpoint="/api/v3/activities/{id}", status="401")
        assert after == before + 1


def test_unreachable_strava_is_counted_as_error():
    session = BaseUrlSession("http://127.0.0.1:9")
    before = sample("liftrun_strava_calls_total", method="GET", endpoint="/api/v3/athlete", status="error")
    with pytest.raises(requests.ConnectionError):
        session.get("https://www.strava.com/api/v3/athlete")
    assert sample("liftrun_strava_calls_total", method="GET", endpoint="/api/v3/athlete", status="error") == before + 1


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("/api/v3/activities/123/zones", "/api/v3/activities/{id}/zones"),
        ("/api/v3/push_subscriptions/7?x=1", "/api/v3/push_subscriptions/{id}"),
        ("/oauth/token", "/oauth/token"),
        ("/api/v3/athletes/12/stats", "/api/v3/athletes/{id}/stats"),
    ],
)
def test_endpoint_labels_do_not_grow_with_ids(path, label):
    assert endpoint_label(path) == label


def test_processes_add_up_in_a_multiprocess_folder_that_did_not_exist(tmp_path):
    """Two processes count, a third renders their sum; the folder is created on first use."""
    import subprocess
    import sys

    folder = tmp_path / "not" / "yet"
    env = {"PATH": "/usr/bin:/bin", "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    count = "from plugin.ops.metrics import count_event_received as c; c('queued'); c('queued')"
    for _ in range(2):
        subprocess.run([sys.executable, "-c", count], env=env, check=True, timeout=60)
    shown = subprocess.run([sys.executable, "-c", "from plugin.ops.metrics import render; print(render().decode())"],
                           env=env, check=True, timeout=60, capture_output=True, text=True).stdout
    assert 'liftrun_events_received_total{outcome="queued"} 4.0' in shown
