"""Sandbox pages, the admin JSON API, persistence and the launchers."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import time

import pytest
import requests
from click.testing import CliRunner

from plugin.cli.sandbox import sandbox as sandbox_cli
from plugin.sandbox import create_app

from tests.support.sandbox import CLIENT_ID, CLIENT_SECRET, DEMO_ATHLETE_ID


@pytest.fixture
def web():
    return create_app({"DELIVERY_RETRY_DELAY": 0.01}).test_client()


def test_home_page_labels_and_demo_athlete(web):
    page = web.get("/").get_data(as_text=True)
    assert "Strava emulator (sandbox)" in page
    assert "Sam Sandbox" in page and str(DEMO_ATHLETE_ID) in page
    assert "Simulate a lift" in page and "Simulate a run" in page
    for field in ("sport_type", "start_offset_minutes", "duration_minutes", "average_heartrate", "name", "description"):
        assert f'name="{field}"' in page
    # Every visible input has a label pointing at it.
    for input_id in re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', page):
        assert f'for="{input_id}"' in page, input_id


def test_simulate_lift_then_run_after_it(web):
    lift = web.post("/simulate", data={
        "athlete_id": DEMO_ATHLETE_ID, "sport_type": "WeightTraining", "start_mode": "now",
        "start_offset_minutes": "-120", "duration_minutes": "60", "name": "Heavy legs",
        "description": "Squat 5x5\nDeadlift 3x3"})
    assert lift.status_code == 303
    lift_id = int(lift.headers["Location"].split("/activities/")[1].split("?")[0])
    run = web.post("/simulate", data={
        "athlete_id": DEMO_ATHLETE_ID, "sport_type": "Run", "start_mode": "after_last",
        "start_offset_minutes": "30", "duration_minutes": "40", "average_heartrate": "150"})
    run_id = int(run.headers["Location"].split("/activities/")[1].split("?")[0])
    stored_lift = web.get(f"/sandbox/api/activities/{lift_id}").get_json()
    stored_run = web.get(f"/sandbox/api/activities/{run_id}").get_json()
    assert stored_run["has_heartrate"] is True and stored_run["average_heartrate"] == 150
    assert stored_lift["has_heartrate"] is False
    from plugin.sandbox.shapes import parse_utc
    gap = parse_utc(stored_run["start_date"]) - parse_utc(stored_lift["start_date"])
    assert gap.total_seconds() == 3600 + 30 * 60
    home = web.get("/").get_data(as_text=True)
    assert home.index(f"/activities/{run_id}") < home.index(f"/activities/{lift_id}")  # newest first
    page = web.get(f"/activities/{lift_id}").get_data(as_text=True)
    assert "Heavy legs" in page and "WeightTraining" in page
    assert '<div class="description" id="description">Squat 5x5\nDeadlift 3x3</div>' in page
    assert "white-space: pre-wrap" in page


def test_activity_page_edit_and_delete(web):
    activity = web.post("/sandbox/api/activities", json={"sport_type": "Run", "description": "a"}).get_json()
    response = web.post(f"/activities/{activity['id']}/edit", data={
        "name": "Tempo", "sport_type": "Run", "description": "a\r\nb"})
    assert response.status_code == 303
    stored = web.get(f"/sandbox/api/activities/{activity['id']}").get_json()
    assert stored["name"] == "Tempo" and stored["description"] == "a\nb" and stored["private"] is False
    assert web.post(f"/activities/{activity['id']}/delete").status_code == 303
    assert web.get(f"/activities/{activity['id']}").status_code == 404


def test_revoke_button_only_for_connected_athletes(web):
    assert "Revoke access" not in web.get("/").get_data(as_text=True)
    emu = web.application.extensions["strava_sandbox"]
    emu.store.issue_tokens(DEMO_ATHLETE_ID, str(CLIENT_ID), ["read"], 60)
    assert "Revoke access" in web.get("/").get_data(as_text=True)
    web.post(f"/athletes/{DEMO_ATHLETE_ID}/revoke")
    assert emu.store.grant(DEMO_ATHLETE_ID, str(CLIENT_ID)) is None


def test_admin_request_log_and_reset(web):
    web.get("/api/v3/athlete")
    log = web.get("/sandbox/api/requests").get_json()
    assert log[-1]["method"] == "GET" and log[-1]["path"] == "/api/v3/athlete" and log[-1]["status"] == 401
    web.get("/oauth/authorize", query_string={"client_id": CLIENT_ID, "redirect_uri": "http://x/cb",
                                              "client_secret": CLIENT_SECRET})
    assert web.get("/sandbox/api/requests").get_json()[-1]["query"]["client_secret"] == "***"
    assert web.delete("/sandbox/api/requests").status_code == 204
    assert web.get("/sandbox/api/requests").get_json() == []
    web.get("/")  # sandbox pages are not Strava calls
    assert web.get("/sandbox/api/requests").get_json() == []
    web.post("/sandbox/api/athletes", json={"firstname": "Extra"})
    web.post("/sandbox/api/activities", json={"sport_type": "Run"})
    assert web.post("/sandbox/api/reset").status_code == 200
    assert [a["id"] for a in web.get("/sandbox/api/athletes").get_json()] == [DEMO_ATHLETE_ID]
    assert web.get("/sandbox/api/activities").get_json() == []


def test_admin_activity_full_control(web):
    created = web.post("/sandbox/api/activities", json={
        "athlete_id": DEMO_ATHLETE_ID, "sport_type": "Crossfit", "name": "WOD",
        "start_date": "2024-02-01T06:00:00Z", "elapsed_time": 1800, "moving_time": 1700,
        "average_heartrate": 160, "description": "21-15-9", "manual": True, "private": True,
        "timezone": "(GMT-08:00) America/Los_Angeles"}).get_json()
    assert created["timezone"] == "America/Los_Angeles" and created["manual"] is True
    assert created["start_date"] == "2024-02-01T06:00:00Z"
    patched = web.patch(f"/sandbox/api/activities/{created['id']}", json={"description": "x"}).get_json()
    assert patched["changed"] == ["description"]
    offset = web.post("/sandbox/api/activities", json={"sport_type": "Run", "utc_offset": 3600,
                                                        "start_offset_minutes": -30}).get_json()
    assert offset["timezone"] == "Etc/GMT-1"
    bad = web.post("/sandbox/api/activities", json={"sport_type": "Teleport"})
    assert bad.status_code == 400 and bad.get_json()["field"] == "sport_type"
    assert web.get("/sandbox/api/activities/1").status_code == 404
    assert web.get("/healthz").get_json()["status"] == "ok"


def test_state_file_survives_restart(tmp_path):
    path = tmp_path / "state.json"
    first = create_app({"STATE_FILE": str(path)}).test_client()
    activity = first.post("/sandbox/api/activities", json={"sport_type": "Run", "description": "kept"}).get_json()
    code_page = first.post("/oauth/authorize", data={
        "client_id": CLIENT_ID, "redirect_uri": "http://x/cb", "scope": "read,activity:read_all",
        "decision": "authorize", "granted": ["activity:read_all"]})
    code = code_page.headers["Location"].split("code=")[1].split("&")[0]
    token = first.post("/oauth/token", data={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                                             "code": code, "grant_type": "authorization_code"}).get_json()
    second = create_app({"STATE_FILE": str(path)}).test_client()
    assert second.get(f"/sandbox/api/activities/{activity['id']}").get_json()["description"] == "kept"
    me = second.get("/api/v3/athlete", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert me.status_code == 200 and me.get_json()["id"] == DEMO_ATHLETE_ID
    next_id = second.post("/sandbox/api/activities", json={"sport_type": "Run"}).get_json()["id"]
    assert next_id == activity["id"] + 1


def test_config_from_environment(monkeypatch):
    monkeypatch.setenv("SANDBOX_CLIENT_ID", "777")
    monkeypatch.setenv("SANDBOX_CLIENT_SECRET", "s3")
    app = create_app({"TOKEN_TTL": "60"})
    settings = app.config["SANDBOX"]
    assert (settings["CLIENT_ID"], settings["CLIENT_SECRET"], settings["TOKEN_TTL"]) == ("777", "s3", 60)


def test_cli_help_lists_serve():
    result = CliRunner().invoke(sandbox_cli, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--port" in result.output and "--host" in result.output


def test_python_m_serves(tmp_path):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "plugin.sandbox", "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                response = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except requests.ConnectionError:
                assert process.poll() is None, process.stdout.read().decode()
                assert time.monotonic() < deadline, "emulator did not start"
                time.sleep(0.1)
        assert response.json()["status"] == "ok"
    finally:
        process.terminate()
        process.wait(5)


def _saved_id(response) -> int:
    return int(response.headers["Location"].split("/activities/")[1].split("?")[0])


def test_start_after_means_after_the_activity_just_saved(web):
    from plugin.sandbox.shapes import parse_utc, zone_for

    # A later-starting activity saved first, then a lift that started earlier: the run chains onto the lift.
    web.post("/simulate", data={"athlete_id": DEMO_ATHLETE_ID, "sport_type": "Run", "start_mode": "now",
                                "start_offset_minutes": "-30", "duration_minutes": "20"})
    lift = web.post("/simulate", data={"athlete_id": DEMO_ATHLETE_ID, "sport_type": "WeightTraining",
                                       "start_mode": "now", "start_offset_minutes": "-300", "duration_minutes": "60"})
    lift_id = _saved_id(lift)
    home = web.get("/").get_data(as_text=True)
    stored_lift = web.get(f"/sandbox/api/activities/{lift_id}").get_json()
    expected = parse_utc(stored_lift["start_date"]) + dt.timedelta(minutes=60 + 30)
    local = expected.astimezone(zone_for(stored_lift["timezone"]))
    assert re.search(rf"after <strong>{re.escape(stored_lift['name'])}</strong> \(ends [^)]+\), a 30-min gap "
                     rf"starts this run at <strong>{local:%a %d %b, %H:%M}</strong>", home)
    run = web.post("/simulate", data={"athlete_id": DEMO_ATHLETE_ID, "sport_type": "Run", "start_mode": "after_last",
                                      "start_offset_minutes": "30", "duration_minutes": "40"})
    stored_run = web.get(f"/sandbox/api/activities/{_saved_id(run)}").get_json()
    assert parse_utc(stored_run["start_date"]) == expected


def test_saved_activity_page_reloads_until_the_advice_arrives(web):
    saved = web.post("/simulate", data={"athlete_id": DEMO_ATHLETE_ID, "sport_type": "Run", "start_mode": "now",
                                        "start_offset_minutes": "-40", "duration_minutes": "40"})
    assert "waiting=1" in saved.headers["Location"]
    activity_id = _saved_id(saved)
    page = web.get(saved.headers["Location"]).get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "Waiting for LiftRun Coach's advice" in page
    assert "<script" not in page  # a content security policy may forbid inline scripts
    # Without the flag (an ordinary visit) the page never reloads.
    assert "http-equiv" not in web.get(f"/activities/{activity_id}").get_data(as_text=True)
    web.patch(f"/sandbox/api/activities/{activity_id}",
              json={"description": "\n\nGood.\n— LiftRun Coach · settings: http://x/settings"})
    page = web.get(saved.headers["Location"]).get_data(as_text=True)
    assert "http-equiv" not in page and "advice has arrived" in page


def test_reloading_gives_up_after_a_minute(web):
    from plugin.sandbox import pages

    emu = web.application.extensions["strava_sandbox"]
    saved = web.post("/simulate", data={"athlete_id": DEMO_ATHLETE_ID, "sport_type": "WeightTraining",
                                        "start_mode": "now", "duration_minutes": "40"})
    started = emu.store.now()
    emu.store.clock = lambda: started + pages.WAIT_FOR_ADVICE_SECONDS + 1
    page = web.get(saved.headers["Location"]).get_data(as_text=True)
    assert "http-equiv" not in page and "No advice arrived on this activity within 60 s" in page
