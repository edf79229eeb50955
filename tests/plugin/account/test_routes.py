import json
import logging

import pytest
import requests

from tests.plugin.account.rows import ATHLETE, OTHER, add_rows, counts
from tests.support.apps import build_app
from tests.support.factories import login, make_athlete
from tests.support.forms import csrf_token_from
from tests.support.servers import connect_through_oauth, start_emulator

@pytest.fixture
def csrf_app(csrf_app):
    """Give the shared CSRF app's athlete rows in every table."""
    with csrf_app.app_context():
        add_rows(ATHLETE)
    return csrf_app


@pytest.mark.parametrize("method, path", [("get", "/account"), ("get", "/account/export"),
                                          ("post", "/account/disconnect")])
def test_logged_out_is_sent_to_landing(sqlite_app, method, path):
    resp = getattr(sqlite_app.test_client(), method)(path)
    assert resp.status_code == 302
    assert resp.headers["Location"].split("?")[0] == "/"


def test_account_page(csrf_app):
    client = csrf_app.test_client()
    login(client, ATHLETE)
    text = client.get("/account").get_data(as_text=True)
    assert "Download my data" in text and 'href="/account/export"' in text
    assert 'href="/account/disconnect"' in text and 'method="post"' not in text.split("Disconnect from Strava")[1]
    assert "2 activities and 1 pair" in text


def test_export_is_a_json_attachment_without_token_material(app):
    with app.app_context():
        athlete = make_athlete(ATHLETE)
        add_rows(ATHLETE)
        make_athlete(OTHER)
        add_rows(OTHER)
        encrypted = [athlete.access_token_enc, athlete.refresh_token_enc]
    client = app.test_client()
    login(client, ATHLETE)
    resp = client.get("/account/export")
    assert resp.status_code == 200
    assert resp.mimetype == "application/json"
    assert resp.headers["Content-Disposition"] == f'attachment; filename="liftrun-coach-data-{ATHLETE}.json"'
    raw = resp.get_data(as_text=True)
    for secret in encrypted + [f"access-{ATHLETE}", f"refresh-{ATHLETE}"]:
        assert secret not in raw
    assert "token" not in raw.lower() and "expires_at" not in raw
    data = json.loads(raw)
    assert data["athlete"]["id"] == ATHLETE and data["athlete"]["firstname"] == "Sam"
    assert data["settings"]["goal"] == "general" and data["settings"]["window_hours"] == 24
    assert sorted(a["id"] for a in data["activities"]) == [ATHLETE * 10 + 1, ATHLETE * 10 + 2]
    assert [p["verdict"] for p in data["pairs"]] == ["interference_risk"]
    assert data["pairs"][0]["advice"] == "Separate them next time."
    assert str(OTHER) not in raw  # nobody else's data


def _connected(tmp_path, redis_url, emulator, **overrides):
    app = build_app(f"sqlite:///{tmp_path / 'd.sqlite'}", redis_url, STRAVA_BASE_URL=emulator.url, **overrides)
    client = app.test_client()
    assert connect_through_oauth(client).status_code == 302
    with app.app_context():
        add_rows(ATHLETE)
        make_athlete(OTHER)
        add_rows(OTHER)
    return app, client


def test_disconnect_deauthorizes_at_strava_deletes_everything_and_logs_out(tmp_path, redis_url, redis_client):
    with start_emulator() as emulator:
        app, client = _connected(tmp_path, redis_url, emulator, WTF_CSRF_ENABLED=True)
        assert counts(app, ATHLETE) == {"athletes": 1, "athlete_settings": 1, "activities": 2, "pairs": 1,
                                        "inbox_events": 1}
        requests.delete(f"{emulator.url}/sandbox/api/requests", timeout=5)
        resp = client.post("/account/disconnect", data={"csrf_token": csrf_token_from(client, "/account/disconnect", action="/account/disconnect")})
        assert resp.status_code == 302 and resp.headers["Location"] == "/"
        calls = requests.get(f"{emulator.url}/sandbox/api/requests", timeout=5).json()
        deauth = [c for c in calls if c["path"].endswith("/oauth/deauthorize")]
        assert len(deauth) == 1 and deauth[0]["method"] == "POST" and deauth[0]["status"] == 200
        assert deauth[0]["athlete_id"] == ATHLETE
        athlete = requests.get(f"{emulator.url}/sandbox/api/athletes/{ATHLETE}", timeout=5).json()
        assert athlete["connected"] is False
    assert set(counts(app, ATHLETE).values()) == {0}
    assert counts(app, OTHER)["activities"] == 2  # other athletes untouched
    landing = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "You are disconnected" in landing and "Connect with Strava" in landing
    assert client.get("/settings").status_code == 302  # logged out


def test_disconnect_deletes_even_when_strava_fails(tmp_path, redis_url, redis_client, caplog):
    with start_emulator() as emulator:
        app, client = _connected(tmp_path, redis_url, emulator)
    # The emulator is gone now: the deauthorize call cannot reach Strava.
    with caplog.at_level(logging.ERROR, logger="plugin.services.athletes"):
        resp = client.post("/account/disconnect")
    assert resp.status_code == 302 and resp.headers["Location"] == "/"
    assert set(counts(app, ATHLETE).values()) == {0}
    assert "could not deauthorize" in caplog.text


@pytest.mark.parametrize("token", [None, "forged"])
def test_disconnect_needs_csrf(csrf_app, token):
    client = csrf_app.test_client()
    login(client, ATHLETE)
    resp = client.post("/account/disconnect", data={"csrf_token": token} if token else {})
    assert resp.status_code == 400
    assert counts(csrf_app, ATHLETE)["athletes"] == 1


@pytest.mark.parametrize("token", [None, "forged"])
def test_logout_needs_csrf(csrf_app, token):
    client = csrf_app.test_client()
    login(client, ATHLETE)
    resp = client.post("/logout", data={"csrf_token": token} if token else {})
    assert resp.status_code == 400
    assert client.get("/settings").status_code == 200


def test_logout(csrf_app):
    client = csrf_app.test_client()
    login(client, ATHLETE)
    token = csrf_token_from(client, "/account", action="/logout")
    resp = client.post("/logout", data={"csrf_token": token})
    assert resp.status_code == 302 and resp.headers["Location"] == "/"
    assert client.get("/settings").status_code == 302
    assert counts(csrf_app, ATHLETE)["athletes"] == 1  # logging out keeps the data


def test_get_is_not_allowed_for_state_changes(csrf_app):
    client = csrf_app.test_client()
    login(client, ATHLETE)
    assert client.get("/logout").status_code == 405
