"""Push subscriptions and webhook delivery, with a real callback server."""

from __future__ import annotations

import pytest
import requests
from stravalib import exc, model

from tests.support.sandbox import CLIENT_ID, CLIENT_SECRET, DEMO_ATHLETE_ID


def _subscribe(sandbox, callback):
    return sandbox.client().create_subscription(CLIENT_ID, CLIENT_SECRET, callback.url, callback.verify_token)


def _deliveries(sandbox):
    return sandbox.admin("GET", "deliveries", params={"wait": 5}).json()


def test_create_list_delete_subscription(sandbox, callback):
    sub = _subscribe(sandbox, callback)
    assert isinstance(sub, model.Subscription)
    assert sub.id == 1 and sub.callback_url == callback.url and sub.application_id == CLIENT_ID
    handshake = callback.gets[0]
    assert handshake["hub.mode"] == "subscribe" and handshake["hub.verify_token"] == callback.verify_token
    listed = list(sandbox.client().list_subscriptions(CLIENT_ID, CLIENT_SECRET))
    assert [s.id for s in listed] == [sub.id]
    assert listed[0].created_at is not None
    with pytest.raises(exc.Fault) as twice:
        _subscribe(sandbox, callback)
    assert twice.value.response.status_code == 400
    assert twice.value.response.json()["errors"][0]["code"] == "already exists"
    sandbox.client().delete_subscription(sub.id, CLIENT_ID, CLIENT_SECRET)
    assert list(sandbox.client().list_subscriptions(CLIENT_ID, CLIENT_SECRET)) == []


def test_delete_with_query_credentials_returns_204(sandbox, callback):
    sub = _subscribe(sandbox, callback)
    response = requests.delete(f"{sandbox.url}/api/v3/push_subscriptions/{sub.id}",
                               params={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}, timeout=5)
    assert response.status_code == 204
    again = requests.delete(f"{sandbox.url}/api/v3/push_subscriptions/{sub.id}",
                            params={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}, timeout=5)
    assert again.status_code == 404


def test_wrong_secret_is_refused(sandbox, callback):
    with pytest.raises(exc.AccessUnauthorized):
        sandbox.client().create_subscription(CLIENT_ID, "wrong", callback.url, callback.verify_token)
    assert callback.gets == []


@pytest.mark.parametrize("breakage", ["wrong_token", "wrong_challenge", "slow", "unreachable"])
def test_unverifiable_callback_is_refused(sandbox, callback, breakage):
    url = callback.url
    token = callback.verify_token
    if breakage == "wrong_token":
        token = "other"
    elif breakage == "wrong_challenge":
        callback.echo_challenge = False
    elif breakage == "slow":
        sandbox.emu.config["VERIFY_TIMEOUT"] = 0.3
        callback.get_delay = 0.6
    else:
        url = "http://127.0.0.1:9/nothing"
    with pytest.raises(exc.Fault) as refused:
        sandbox.client().create_subscription(CLIENT_ID, CLIENT_SECRET, url, token)
    assert refused.value.response.status_code == 400
    assert refused.value.response.json() == {"message": "Bad Request", "errors": [
        {"resource": "PushSubscription", "field": "callback url", "code": "not verifiable"}]}
    assert sandbox.store.subscriptions() == []


def test_create_update_delete_events(sandbox, callback):
    sub = _subscribe(sandbox, callback)
    sandbox.connect()
    activity = sandbox.admin("POST", "activities", json={"athlete_id": DEMO_ATHLETE_ID, "sport_type": "Run"}).json()
    sandbox.admin("PATCH", f"activities/{activity['id']}", json={"name": "Renamed", "private": True})
    sandbox.admin("PATCH", f"activities/{activity['id']}", json={"description": "only text"})
    sandbox.admin("DELETE", f"activities/{activity['id']}")
    posts = callback.wait_for_posts(3)
    assert len(posts) == 3
    create, update, delete = sorted(posts, key=lambda p: ["create", "update", "delete"].index(p["aspect_type"]))
    assert create == {"object_type": "activity", "object_id": activity["id"], "aspect_type": "create",
                      "updates": {}, "owner_id": DEMO_ATHLETE_ID, "subscription_id": sub.id,
                      "event_time": create["event_time"]}
    assert update["updates"] == {"title": "Renamed", "private": "true"}
    assert delete["aspect_type"] == "delete"
    parsed = sandbox.client().handle_subscription_update(update)
    assert isinstance(parsed, model.SubscriptionUpdate) and parsed.object_id == activity["id"]
    assert all(d["state"] == "delivered" for d in _deliveries(sandbox))


def test_description_only_put_sends_no_event(sandbox, callback):
    _subscribe(sandbox, callback)
    client, _ = sandbox.connect()
    activity = sandbox.admin("POST", "activities", json={"sport_type": "Run", "deliver": False}).json()
    client.update_activity(activity["id"], description="advice")
    assert _deliveries(sandbox) == []
    client.update_activity(activity["id"], name="New title")
    posts = callback.wait_for_posts(1)
    assert [p["updates"] for p in posts] == [{"title": "New title"}]


def test_retries_until_success_and_records_attempts(sandbox, callback):
    _subscribe(sandbox, callback)
    sandbox.connect()
    callback.post_statuses = [500, 503]
    sandbox.admin("POST", "activities", json={"sport_type": "WeightTraining"})
    (delivery,) = _deliveries(sandbox)
    assert [a["status"] for a in delivery["attempts"]] == [500, 503, 200]
    assert delivery["state"] == "delivered"
    assert len(callback.posts) == 3 and callback.posts[0] == callback.posts[2]


def test_gives_up_after_three_attempts(sandbox, callback):
    _subscribe(sandbox, callback)
    sandbox.connect()
    callback.post_statuses = [500, 500, 500, 500]
    sandbox.admin("POST", "activities", json={"sport_type": "Run"})
    (delivery,) = _deliveries(sandbox)
    assert [a["status"] for a in delivery["attempts"]] == [500, 500, 500]
    assert delivery["state"] == "failed"


def test_no_events_for_athletes_who_did_not_authorize(sandbox, callback):
    _subscribe(sandbox, callback)
    sandbox.admin("POST", "activities", json={"sport_type": "Run"})
    assert _deliveries(sandbox) == []


def test_private_activity_events_need_read_all(sandbox, callback):
    _subscribe(sandbox, callback)
    sandbox.connect(scope="read,activity:read,activity:write")
    sandbox.admin("POST", "activities", json={"sport_type": "Run", "private": True})
    assert _deliveries(sandbox) == []


def test_revoke_sends_deauthorization_event(sandbox, callback):
    _subscribe(sandbox, callback)
    client, _ = sandbox.connect()
    revoked = sandbox.admin("POST", f"athletes/{DEMO_ATHLETE_ID}/revoke").json()
    assert revoked["revoked"] is True
    (event,) = callback.wait_for_posts(1)
    assert event["object_type"] == "athlete" and event["aspect_type"] == "update"
    assert event["updates"] == {"authorized": "false"}
    assert event["object_id"] == event["owner_id"] == DEMO_ATHLETE_ID
    with pytest.raises(exc.AccessUnauthorized):
        client.get_athlete()


def test_app_deauthorize_also_notifies(sandbox, callback):
    _subscribe(sandbox, callback)
    client, _ = sandbox.connect()
    client.deauthorize()
    (event,) = callback.wait_for_posts(1)
    assert event["updates"] == {"authorized": "false"}
