import re

import pytest

from plugin.extensions import db
from plugin.models import Athlete
from tests.conftest import queued_tasks
from tests.plugin.settings.conftest import csrf_token
from tests.plugin.factories import login, make_athlete

ATHLETE = 123456789






def stored(app, field):
    with app.app_context():
        return getattr(db.session.get(Athlete, ATHLETE).settings, field)


def test_logged_out_is_sent_to_landing(csrf_app):
    resp = csrf_app.test_client().get("/settings")
    assert resp.status_code == 302
    assert resp.headers["Location"].startswith("/")
    landing = csrf_app.test_client().get("/").get_data(as_text=True)
    assert "Connect with Strava" in landing


def test_shows_current_goal(csrf_app):
    client = csrf_app.test_client()
    login(client, ATHLETE)
    page = client.get("/settings").get_data(as_text=True)
    assert re.search(r'value="general"[^>]*checked|checked[^>]*value="general"', page)


def test_saving_goal_with_csrf_token(csrf_app, redis_client):
    client = csrf_app.test_client()
    login(client, ATHLETE)
    resp = client.post("/settings", data={"goal": "strength", "csrf_token": csrf_token(client)})
    assert resp.status_code == 302
    assert stored(csrf_app, "goal") == "strength"
    assert {"task": "liftrun.reevaluate_athlete", "args": [ATHLETE]} in queued_tasks(redis_client)


def test_saving_same_goal_does_not_reevaluate(csrf_app, redis_client):
    client = csrf_app.test_client()
    login(client, ATHLETE)
    client.post("/settings", data={"goal": "general", "csrf_token": csrf_token(client)})
    assert queued_tasks(redis_client) == []


@pytest.mark.parametrize("token", [None, "forged"])
def test_missing_or_wrong_csrf_is_refused(csrf_app, token):
    client = csrf_app.test_client()
    login(client, ATHLETE)
    data = {"goal": "strength"}
    if token:
        data["csrf_token"] = token
    resp = client.post("/settings", data=data)
    assert resp.status_code == 400
    assert stored(csrf_app, "goal") == "general"


@pytest.mark.parametrize(
    "data, field",
    [
        ({"goal": "bulking"}, "goal"),
        ({"goal": ""}, "goal"),
        ({"goal": "strength", "window_hours": "0"}, "window_hours"),
        ({"goal": "strength", "window_hours": "73"}, "window_hours"),
        ({"goal": "strength", "window_hours": "abc"}, "window_hours"),
        ({"goal": "strength", "mode": "loud"}, "mode"),
    ],
)
def test_bad_values_refuse_the_whole_form(csrf_app, data, field):
    client = csrf_app.test_client()
    login(client, ATHLETE)
    resp = client.post("/settings", data={**data, "csrf_token": csrf_token(client)})
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert 'class="error"' in page
    assert stored(csrf_app, "goal") == "general"
    assert stored(csrf_app, "window_hours") == 24
    assert stored(csrf_app, "mode") == "write"


def test_mode_and_window_are_saved(csrf_app):
    client = csrf_app.test_client()
    login(client, ATHLETE)
    client.post("/settings", data={"goal": "general", "mode": "preview", "window_hours": "12", "csrf_token": csrf_token(client)})
    assert stored(csrf_app, "mode") == "preview"
    assert stored(csrf_app, "window_hours") == 12


def test_postgres_settings_round_trip(app):
    with app.app_context():
        make_athlete(ATHLETE)
    client = app.test_client()
    login(client, ATHLETE)
    assert client.post("/settings", data={"goal": "hypertrophy"}).status_code == 302
    assert stored(app, "goal") == "hypertrophy"
