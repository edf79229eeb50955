import datetime as dt
import io
import json
import logging

import pytest
import requests
from sqlalchemy import select

from plugin.extensions import db
from plugin.models import Athlete, InboxEvent
from plugin.ops.logs import ContextFilter, JsonFormatter, log_context, prepare_handler, redact
from tests.support import strava
from tests.support.apps import build_app
from tests.support.servers import connect_through_oauth, start_emulator

ATHLETE = 123456789


def record(message: str, *args, exc_info=None) -> logging.LogRecord:
    return logging.LogRecord("plugin.test", logging.INFO, __file__, 1, message, args, exc_info)


def test_json_lines_carry_the_task_context():
    formatter, context = JsonFormatter(), ContextFilter()
    with log_context(event_id=7, athlete_id=42, task="liftrun.process_event"):
        inside = record("reading activity %s", 99)
        context.filter(inside)
    outside = record("idle")
    context.filter(outside)
    line = json.loads(formatter.format(inside))
    assert line["message"] == "reading activity 99"
    assert (line["event_id"], line["athlete_id"], line["task"]) == (7, 42, "liftrun.process_event")
    assert line["level"] == "INFO" and line["logger"] == "plugin.test"
    assert json.loads(formatter.format(outside))["event_id"] is None


def test_json_keeps_exceptions_on_one_line():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        text = JsonFormatter().format(record("failed", exc_info=sys.exc_info()))
    assert "\n" not in text
    assert "ValueError: boom" in json.loads(text)["exception"]


@pytest.mark.parametrize(
    "leaky",
    [
        "POST /oauth/token refresh_token=abc123def456&client_secret=s3cr3t",
        "{'access_token': 'abc123def456', 'expires_at': 1}",
        '{"refresh_token": "abc123def456"}',
        "headers {'Authorization': 'Bearer abc123def456'}",
        "GET /exchange_token?state=x&code=abc123def456&scope=read",
    ],
)
def test_credentials_are_masked(leaky):
    assert "abc123def456" not in redact(leaky)
    assert "s3cr3t" not in redact(leaky)


def test_ordinary_words_are_not_masked():
    plain = "Strava answered status code: 404 for activity 12"
    assert redact(plain) == plain


def test_no_token_in_the_logs_of_connect_advice_and_disconnect(tmp_path, redis_url, redis_client):
    """The whole cycle at DEBUG, through the handler an operator's LOG_FORMAT=json uses."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    prepare_handler(handler, "json")
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    secrets = {"sandbox-secret"}
    try:
        with start_emulator() as emulator:
            app = build_app(f"sqlite:///{tmp_path / 'l.sqlite'}", redis_url, STRAVA_BASE_URL=emulator.url)
            web = app.test_client()
            assert connect_through_oauth(web).status_code == 302
            cipher = app.extensions["token_cipher"]
            with app.app_context():
                athlete = db.session.get(Athlete, ATHLETE)
                secrets |= {cipher.decrypt(athlete.access_token_enc), cipher.decrypt(athlete.refresh_token_enc)}
                athlete.expires_at = 0  # the event's task must refresh the token first
                db.session.commit()
            start = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=3)
            ids = [strava.upload(emulator.url, sport, start + dt.timedelta(minutes=offset), minutes, "mine")
                   for sport, offset, minutes in (("WeightTraining", 0, 60), ("Run", 90, 40))]
            from plugin.services.events import process_event

            for n, activity_id in enumerate(ids):
                assert web.post("/webhook", json=strava.activity_event(activity_id, 1_700_000_000 + n)).status_code == 200
                with app.app_context():
                    event_id = db.session.scalar(select(InboxEvent.id).where(InboxEvent.object_id == activity_id))
                    assert process_event(event_id) == "done"
            with app.app_context():
                athlete = db.session.get(Athlete, ATHLETE)
                secrets |= {cipher.decrypt(athlete.access_token_enc), cipher.decrypt(athlete.refresh_token_enc)}
            run = requests.get(f"{emulator.url}/sandbox/api/activities/{ids[1]}").json()
            assert "LiftRun Coach" in run["description"]  # the advice was really written
            assert web.post("/account/disconnect").status_code == 302
            with app.app_context():
                assert db.session.get(Athlete, ATHLETE) is None
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    output = stream.getvalue()
    # The demo client secret and the tokens (like Strava, the emulator may hand back unexpired ones on refresh).
    assert len(secrets) >= 3
    assert "refreshed Strava token" in output and "deleted all data" in output  # the cycle really was logged
    lines = output.splitlines()
    assert all(json.loads(line) for line in lines)
    for secret in secrets:
        assert secret not in output, f"a secret was logged: {[line for line in lines if secret in line][:3]}"
