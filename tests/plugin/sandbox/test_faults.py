"""Fault spells and call counting in the emulator, through stravalib over HTTP."""

from __future__ import annotations

import time

import pytest
from stravalib.exc import AccessUnauthorized, Fault, ObjectNotFound

from plugin.sandbox import create_app
from plugin.sandbox.faults import Faults, call_kind

from tests.support.sandbox import CLIENT_ID, CLIENT_SECRET, DEMO_ATHLETE_ID


def _activity(sandbox) -> int:
    created = sandbox.admin("POST", "activities", json={
        "athlete_id": DEMO_ATHLETE_ID, "sport_type": "Run", "deliver": False})
    assert created.status_code == 201
    return created.json()["id"]


def test_call_kind_names_the_route_template():
    assert call_kind("get", "/api/v3/activities/<int:activity_id>", "/api/v3/activities/5") == "GET /activities/{id}"
    assert call_kind("POST", "/oauth/token", "/oauth/token") == "POST /oauth/token"


def test_spell_for_a_count_then_normal_answers(sandbox):
    client, _ = sandbox.connect()
    activity_id = _activity(sandbox)
    spell = sandbox.admin("POST", "faults", json={"kind": "500", "endpoint": "GET /activities/{id}", "count": 2})
    assert spell.status_code == 201 and spell.json()["remaining"] == 2
    for _ in range(2):
        with pytest.raises(Fault) as err:
            client.get_activity(activity_id)
        assert err.value.response.status_code == 500
    assert client.get_activity(activity_id).id == activity_id
    assert sandbox.admin("GET", "faults").json() == []
    counts = sandbox.admin("GET", "calls").json()
    assert counts["calls"]["GET /activities/{id}"] == 3
    assert counts["statuses"]["GET /activities/{id} 500"] == 2
    assert counts["statuses"]["GET /activities/{id} 200"] == 1


def test_spell_only_hits_its_endpoint_and_athlete(sandbox):
    client, tokens = sandbox.connect()
    activity_id = _activity(sandbox)
    sandbox.admin("POST", "faults", json={"kind": "404", "endpoint": "GET /activities/{id}"})
    sandbox.admin("POST", "faults", json={"kind": "401", "athlete_id": 999})
    with pytest.raises(ObjectNotFound):
        client.get_activity(activity_id)
    assert client.get_athlete().id == DEMO_ATHLETE_ID  # other endpoint, and 999's spell is not ours
    sandbox.admin("DELETE", "faults")
    assert client.get_activity(activity_id).id == activity_id


def test_401_spell_and_refused_refresh(sandbox):
    client, tokens = sandbox.connect()
    sandbox.admin("POST", "faults", json={"kind": "401", "count": 1})
    with pytest.raises(AccessUnauthorized):
        client.get_athlete()
    assert client.get_athlete().id == DEMO_ATHLETE_ID
    sandbox.admin("POST", "faults", json={"kind": "401", "endpoint": "POST /oauth/token",
                                          "athlete_id": DEMO_ATHLETE_ID})
    with pytest.raises(Fault) as err:
        client.refresh_access_token(CLIENT_ID, CLIENT_SECRET, tokens["refresh_token"])
    assert err.value.response.status_code == 401


def test_429_spell_reports_the_window_used_up(sandbox):
    client, _ = sandbox.connect()
    seen = []
    client.protocol.rate_limiter = lambda headers, method: seen.append(dict(headers))
    sandbox.admin("POST", "faults", json={"kind": "429", "seconds": 30})
    with pytest.raises(Fault) as err:
        client.get_athlete()
    assert err.value.response.status_code == 429
    usage, limit = seen[-1]["X-RateLimit-Usage"], seen[-1]["X-RateLimit-Limit"]
    assert usage.split(",")[0] == limit.split(",")[0]


def test_slow_spell_and_base_latency(sandbox):
    client, _ = sandbox.connect()
    assert sandbox.admin("POST", "latency", json={"ms": 150}).json() == {"ms": 150}
    started = time.monotonic()
    client.get_athlete()
    assert time.monotonic() - started >= 0.15
    sandbox.admin("POST", "latency", json={"ms": 0})
    sandbox.admin("POST", "faults", json={"kind": "slow", "latency_ms": 200, "count": 1})
    started = time.monotonic()
    client.get_athlete()
    assert time.monotonic() - started >= 0.2
    started = time.monotonic()
    client.get_athlete()
    assert time.monotonic() - started < 0.2


def test_duration_bound_spell_expires():
    now = [1000.0]
    faults = Faults(clock=lambda: now[0])
    faults.add({"kind": "503", "seconds": 10})
    assert faults.cast("GET /athlete", None) == (0, 503)
    now[0] += 11
    assert faults.cast("GET /athlete", None) == (0, None)
    assert faults.active() == []


@pytest.mark.parametrize("body", [
    {"kind": "418"},
    {"kind": "slow"},
    {"kind": "500", "count": 0},
    {"kind": "500", "seconds": -1},
    {"kind": "500", "endpoint": "activities"},
    {"kind": "500", "count": "many"},
])
def test_bad_spells_are_refused_with_400(body):
    web = create_app({}).test_client()
    answer = web.post("/sandbox/api/faults", json=body)
    assert answer.status_code == 400 and answer.get_json()["error"]
    assert web.get("/sandbox/api/faults").get_json() == []


def test_reads_and_writes_counted_apart_and_reset(sandbox):
    client, _ = sandbox.connect()
    activity_id = _activity(sandbox)
    client.get_activity(activity_id)
    client.update_activity(activity_id, description="hello")
    counts = sandbox.admin("GET", "calls").json()
    assert counts["reads"] == 1 and counts["writes"] == 1
    assert counts["calls"]["POST /oauth/token"] == 1
    assert sandbox.admin("DELETE", "calls").status_code == 204
    assert sandbox.admin("GET", "calls").json()["total"] == 0
