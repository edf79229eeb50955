import datetime as dt
import json

import pytest

from plugin.cli.status import status
from plugin.extensions import db
from plugin.models import InboxEvent
from plugin.ops import heartbeat
from plugin.strava.ratelimit import SHORT_KEY
from tests.support.apps import build_app
from tests.support.factories import make_athlete, make_inbox_event

def add_event(object_id: int, status: str, received_ago: dt.timedelta, error: str | None = None) -> int:
    # Now, not at import: the full suite collects this module minutes before it runs.
    now = dt.datetime.now(dt.timezone.utc)
    event = make_inbox_event(object_id, owner_id=42, status=status, error=error, received_at=now - received_ago,
                             processed_at=None if status == "pending" else now - received_ago)
    db.session.commit()
    return event.id


@pytest.fixture
def busy_app(app, redis_client):
    with app.app_context():
        make_athlete(42)
        athlete = make_athlete(43)
        athlete.needs_reconnect = True
        db.session.commit()
        add_event(1, "pending", dt.timedelta(minutes=7))
        deferred = add_event(2, "pending", dt.timedelta(minutes=1))
        db.session.get(InboxEvent, deferred).deferred_until = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=9)
        db.session.get(InboxEvent, deferred).deferred_reason = "rate_limit"
        db.session.commit()
        add_event(3, "done", dt.timedelta(hours=1))
        add_event(4, "failed", dt.timedelta(hours=2), "unauthorized: token revoked")
        add_event(5, "failed", dt.timedelta(hours=1), "ConnectionError('strava down')")
    redis_client.set(SHORT_KEY, json.dumps({"usage": 12, "limit": 200, "read_usage": 10, "read_limit": 100}))
    heartbeat.beat(redis_client, "celery@box")
    return app


def test_status_json_has_everything_an_operator_needs(busy_app):
    result = busy_app.test_cli_runner().invoke(status, ["--json"])
    assert result.exit_code == 0, result.output
    snapshot = json.loads(result.output)
    assert snapshot["inbox"] == {"done": 1, "failed": 2, "pending": 2}
    assert snapshot["deferred"] == {"rate_limit": 1}
    assert 7 * 60 - 5 <= snapshot["oldest_pending_age_seconds"] <= 7 * 60 + 60
    assert [f["reason"] for f in snapshot["recent_failures"]] == ["ConnectionError('strava down')",
                                                                   "unauthorized: token revoked"]
    assert snapshot["athletes"] == {"connected": 2, "needs_reconnect": 1}
    assert snapshot["rate_budget"]["15m"]["usage"] == 12
    assert snapshot["rate_budget"]["day"] is None
    assert list(snapshot["workers"]) == ["celery@box"]
    assert snapshot["worker_alive"] is True
    assert snapshot["unavailable"] == {}


def test_status_text_reads_like_a_report(busy_app):
    result = busy_app.test_cli_runner().invoke(status, [])
    assert result.exit_code == 0, result.output
    assert "inbox: done 1, failed 2, pending 2" in result.output
    assert "athletes connected: 2 (1 must reconnect)" in result.output
    assert "waiting (deferred): rate_limit 1" in result.output
    assert "unauthorized: token revoked" in result.output
    assert "15m: 12/200 requests, 10/100 reads" in result.output
    assert "worker heartbeat: alive" in result.output


def test_status_without_a_worker_exits_1(sqlite_app):
    result = sqlite_app.test_cli_runner().invoke(status, [])
    assert result.exit_code == 1
    assert "worker heartbeat: NOT ALIVE (no worker ever beat)" in result.output
    assert "oldest pending event: none" in result.output


def test_status_with_redis_down_still_shows_the_database(tmp_path, redis_url):
    app = build_app(f"sqlite:///{tmp_path / 's.sqlite'}", "redis://127.0.0.1:1/0")
    result = app.test_cli_runner().invoke(status, ["--json"])
    assert result.exit_code == 1
    snapshot = json.loads(result.output)
    assert "redis" in snapshot["unavailable"]
    assert snapshot["inbox"] == {}
    assert "rate_budget" not in snapshot


def test_liftrun_lists_status():
    from click.testing import CliRunner

    from plugin.cli import main

    result = CliRunner().invoke(main, ["--help"])
    assert "status" in result.output
