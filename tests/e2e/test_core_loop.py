"""An athlete's whole path: connect, set a goal, upload a lift and a run, read the advice on Strava."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
import requests

from tests.support import strava
from tests.support.forms import csrf_token
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e

ATHLETE = 123456789
STRENGTH_TEXT = "40-min run 30 min after lifting may have"  # either wording of interference_risk
ENDURANCE_TEXT = "key run"  # endurance, lift first: "for a key run, run first or on a fresh day"


def signature(stack) -> str:
    return f"— LiftRun Coach · {stack.web}/settings"


def upload(stack, sport_type, start, minutes, description=""):
    return strava.upload(stack.emu, sport_type, start, minutes, description, name=sport_type)


def deliver(stack, object_id, *, aspect="create", object_type="activity", updates=None, event_time=None):
    body = strava.activity_event(object_id, event_time or int(time.time()), aspect, updates, object_type=object_type)
    resp = requests.post(f"{stack.web}/webhook", json=body, timeout=2)
    assert resp.status_code == 200, resp.text
    return resp.json()["status"]


def description(stack, activity_id) -> str:
    return strava.description(stack.emu, activity_id)


def save_goal(browser: requests.Session, stack, goal: str) -> None:
    page = browser.get(f"{stack.web}/settings", timeout=5)
    token = csrf_token(page.text, action="/settings")
    resp = browser.post(f"{stack.web}/settings", data={"goal": goal, "csrf_token": token}, timeout=5)
    assert resp.status_code == 200 and resp.url.endswith("/settings"), resp.status_code
    assert f'value="{goal}" checked' in resp.text or re.search(rf'checked[^>]*value="{goal}"', resp.text)


def test_connect_advise_change_goal_and_deauthorize(stack):
    browser = requests.Session()
    # 1. Connect through the real OAuth redirect chain (the emulator approves).
    landing = browser.get(f"{stack.web}/auth/strava", timeout=10)
    assert landing.url == f"{stack.web}/settings"
    assert stack.sql("SELECT id FROM athletes") == [(ATHLETE,)]
    stored_token = stack.sql("SELECT access_token_enc FROM athletes")[0][0]
    assert "access" not in stored_token and len(stored_token) > 60  # encrypted at rest

    # 2. Goal: strength.
    save_goal(browser, stack, "strength")

    # 3. A lift, then a 40-minute run starting 30 minutes after the lift ends.
    lift_start = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) - dt.timedelta(hours=4)
    lift = upload(stack, "WeightTraining", lift_start, 60)
    run = upload(stack, "Run", lift_start + dt.timedelta(minutes=90), 40, description="Felt good")
    t0 = int(time.time())
    for object_id, event_time in ((lift, t0), (lift, t0), (run, t0 + 1), (run, t0 + 1)):
        deliver(stack, object_id, event_time=event_time)

    text = wait_until(lambda: (d := description(stack, run)) and signature(stack) in d and d, what="advice on the run")
    assert text.startswith("Felt good\n\n")
    assert text.count(signature(stack)) == 1
    assert STRENGTH_TEXT in text
    assert stack.sql("SELECT verdict, later_id FROM pairs") == [("interference_risk", run)]
    assert description(stack, lift) == ""

    # 4. Goal: endurance; re-delivered events give the endurance verdict, still one block.
    save_goal(browser, stack, "endurance")
    for object_id, event_time in ((lift, t0 + 10), (run, t0 + 11), (run, t0 + 11)):
        deliver(stack, object_id, aspect="update", event_time=event_time)
    text = wait_until(lambda: (d := description(stack, run)) and ENDURANCE_TEXT in d and d, what="endurance advice")
    assert text.startswith("Felt good\n\n")
    assert text.count(signature(stack)) == 1
    assert STRENGTH_TEXT not in text
    wait_until(lambda: stack.sql("SELECT verdict FROM pairs") == [("fits_goal_lift_first",)], what="pair verdict")

    # 5. Deauthorization deletes the athlete's data; later events make no Strava call.
    # Let the work of step 4 (re-evaluation, re-delivered events) finish first:
    # a task already running when the athlete leaves may still finish its call.
    wait_until(stack.worker_idle, what="the worker to settle")
    assert deliver(stack, ATHLETE, object_type="athlete", aspect="update", updates={"authorized": "false"}) == "deauthorized"
    for table in ("athletes", "athlete_settings", "activities", "pairs"):
        assert stack.sql(f"SELECT count(*) FROM {table}") == [(0,)], table
    assert stack.sql("SELECT count(*) FROM inbox_events WHERE owner_id = :a", a=ATHLETE) == [(0,)]
    requests.delete(f"{stack.emu}/sandbox/api/requests", timeout=5)
    assert deliver(stack, run, aspect="update", event_time=t0 + 20) == "ignored: unknown athlete"
    time.sleep(2)
    calls = requests.get(f"{stack.emu}/sandbox/api/requests", timeout=5).json()
    assert [c for c in calls if c["path"].startswith(("/api/", "/oauth/"))] == []
    assert description(stack, run) == text  # the athlete's text and our last block stay as they were
