from tests.support.apps import build_app


def test_healthz_reports_database_and_redis(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.get_json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_healthz_degraded_when_redis_is_down(tmp_path, redis_url):
    app = build_app(f"sqlite:///{tmp_path / 'h.sqlite'}", "redis://127.0.0.1:1/0")
    resp = app.test_client().get("/healthz")
    assert resp.status_code == 503
    assert resp.get_json()["redis"] == "unavailable"
