import re

import pytest

from plugin.extensions import db
from plugin.models import Athlete
from tests.support.tasks import queued_tasks
from tests.support.forms import csrf_token_from
from tests.support.factories import login, make_athlete

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
    resp = client.post("/settings", data={"goal": "strength", "csrf_token": csrf_token_from(client)})
    assert resp.status_code == 302
    assert stored(csrf_app, "goal") == "strength"
    assert {"task": "liftrun.reevaluate_athlete", "args": [ATHLETE]} in queued_tasks(redis_client)


def test_re_evaluation_is_shown_in_progress_until_the_task_ends(csrf_app, redis_client):
    from plugin.history import progress
    from worker.tasks import reevaluate_athlete

    client = csrf_app.test_client()
    login(client, ATHLETE)
    client.post("/settings", data={"goal": "strength", "csrf_token": csrf_token_from(client)})
    with csrf_app.test_request_context():
        kinds = [note.kind for note in progress.work_in_progress(db.session.get(Athlete, ATHLETE))]
        assert progress.REEVALUATING in kinds
        db.session.get(Athlete, ATHLETE).settings.mode = "paused"  # the task then makes no Strava call
        db.session.commit()
        reevaluate_athlete.run(ATHLETE)
        kinds = [note.kind for note in progress.work_in_progress(db.session.get(Athlete, ATHLETE))]
        assert progress.REEVALUATING not in kinds


def test_saving_same_goal_does_not_reevaluate(csrf_app, redis_client):
    client = csrf_app.test_client()
    login(client, ATHLETE)
    client.post("/settings", data={"goal": "general", "csrf_token": csrf_token_from(client)})
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
    resp = client.post("/settings", data={**data, "csrf_token": csrf_token_from(client)})
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert 'class="error"' in page
    assert stored(csrf_app, "goal") == "general"
    assert stored(csrf_app, "window_hours") == 24
    assert stored(csrf_app, "mode") == "write"


def test_mode_and_window_are_saved(csrf_app):
    client = csrf_app.test_client()
    login(client, ATHLETE)
    client.post("/settings", data={"goal": "general", "mode": "preview", "window_hours": "12", "csrf_token": csrf_token_from(client)})
    assert stored(csrf_app, "mode") == "preview"
    assert stored(csrf_app, "window_hours") == 12


def test_postgres_settings_round_trip(app):
    with app.app_context():
        make_athlete(ATHLETE)
    client = app.test_client()
    login(client, ATHLETE)
    assert client.post("/settings", data={"goal": "hypertrophy"}).status_code == 302
    assert stored(app, "goal") == "hypertrophy"


# --- The welcome step: the first visit after connecting asks for the goal only.

def welcome_client(app):
    client = app.test_client()
    login(client, ATHLETE)
    return client


def chosen_at(app):
    return stored(app, "goal_chosen_at")


def test_first_visit_asks_only_for_the_goal(new_athlete_app):
    resp = welcome_client(new_athlete_app).get("/settings")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert "one question first" in page
    assert "Until you choose, <strong>General fitness</strong> is in use" in page
    form = re.search(r'<form class="settings".*?</form>', page, re.S).group(0)
    assert set(re.findall(r'<input type="radio" id="[^"]+" name="([^"]+)"', form)) == {"goal"}
    assert "checked" not in form  # no goal is preset
    assert 'name="window_hours"' not in form and 'name="mode"' not in form
    # The seed's one-line explanation for each goal.
    assert "6–8 h between lifting and a run" in page
    assert "Lifting first is viable" in page
    assert 'href="/settings?all=1"' in page


def test_welcome_goal_alone_sets_goal_and_keeps_everything_else(new_athlete_app, redis_client):
    with new_athlete_app.app_context():
        settings = db.session.get(Athlete, ATHLETE).settings
        settings.window_hours, settings.mode, settings.language = 12, "preview", "de"
        db.session.commit()
    client = welcome_client(new_athlete_app)
    token = csrf_token_from(client)
    resp = client.post("/settings", data={"goal": "endurance", "step": "welcome", "csrf_token": token})
    assert resp.status_code == 302
    assert stored(new_athlete_app, "goal") == "endurance"
    assert chosen_at(new_athlete_app) is not None
    assert (stored(new_athlete_app, "window_hours"), stored(new_athlete_app, "mode"),
            stored(new_athlete_app, "language")) == (12, "preview", "de")
    page = client.get("/settings").get_data(as_text=True)
    assert "<h1>Settings</h1>" in page and "one question first" not in page
    assert "your goal is Endurance" in page
    assert re.search(r'value="endurance"[^>]*checked', page)
    assert {"task": "liftrun.reevaluate_athlete", "args": [ATHLETE]} in queued_tasks(redis_client)


def test_welcome_without_a_goal_is_refused_on_the_welcome_step(new_athlete_app):
    client = welcome_client(new_athlete_app)
    resp = client.post("/settings", data={"step": "welcome", "csrf_token": csrf_token_from(client)})
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "one question first" in page and "Nothing was saved" in page
    assert '<a href="#goal-strength" data-focus-input>' in page  # the link leads to the first choice
    assert chosen_at(new_athlete_app) is None


def test_all_settings_before_choosing_say_general_is_in_use(new_athlete_app):
    client = welcome_client(new_athlete_app)
    page = client.get("/settings?all=1").get_data(as_text=True)
    assert "<h1>Settings</h1>" in page
    assert 'id="goal-notice"' in page and "General fitness</strong> is in use" in page
    assert re.search(r'value="general"[^>]*checked', page)
    for other in ("/history", "/account", "/"):
        assert 'id="goal-notice"' in client.get(other).get_data(as_text=True), other


def test_once_chosen_no_notice_and_no_welcome(csrf_app):
    client = csrf_app.test_client()
    login(client, ATHLETE)
    page = client.get("/settings").get_data(as_text=True)
    assert "<h1>Settings</h1>" in page and 'id="goal-notice"' not in page
    assert 'id="goal-notice"' not in client.get("/history").get_data(as_text=True)


def test_saving_the_full_page_counts_as_choosing(new_athlete_app):
    client = welcome_client(new_athlete_app)
    token = csrf_token_from(client, "/settings?all=1")
    assert client.post("/settings", data={"goal": "general", "csrf_token": token}).status_code == 302
    assert chosen_at(new_athlete_app) is not None


def test_a_post_without_goal_does_not_mark_it_chosen(new_athlete_app):
    client = welcome_client(new_athlete_app)
    token = csrf_token_from(client)
    client.post("/settings", data={"mode": "preview", "csrf_token": token})
    assert chosen_at(new_athlete_app) is None


def test_advanced_settings_are_folded_and_each_section_has_a_save_button(csrf_app):
    client = csrf_app.test_client()
    login(client, ATHLETE)
    page = client.get("/settings").get_data(as_text=True)
    sections = re.findall(r'<details class="section" id="section-([a-z-]+)"( open)?>', page)
    assert [name for name, _ in sections] == ["sports", "pairing", "heart-rate", "language", "mode"]
    assert all(not is_open for _, is_open in sections)
    buttons = re.findall(r'<button class="btn btn-primary" type="submit">([^<]+)</button>', page)
    assert buttons == ["Save goal", "Save training status", "Save sport types", "Save pairing window",
                       "Save heart rate", "Save language and time zone", "Save mode"]


def test_a_refused_field_opens_its_folded_section(csrf_app):
    client = csrf_app.test_client()
    login(client, ATHLETE)
    resp = client.post("/settings", data={"goal": "general", "window_hours": "99", "csrf_token": csrf_token_from(client)})
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert '<details class="section" id="section-pairing" open>' in page
    assert '<details class="section" id="section-mode">' in page
    assert 'data-focus-on-load' in page and '<a href="#window_hours" data-focus-input>' in page


# --- Heart-rate zones: what Strava gave us, or which estimate is used.

STRAVA_ZONES = {"heart_rate": {"custom_zones": False, "zones": [
    {"min": 0, "max": 123}, {"min": 123, "max": 153}, {"min": 153, "max": 169},
    {"min": 169, "max": 184}, {"min": 184, "max": -1}]}}


@pytest.mark.parametrize("hr_zones, max_hr, source, words", [
    (STRAVA_ZONES, None, "strava", "Zone 2 is 123–153 bpm"),
    (STRAVA_ZONES, 200, "strava", "Zone 2 is 123–153 bpm"),
    ({}, None, "none", "Strava has no heart-rate zones for you"),
    ({}, 180, "estimate", "Zone 2 up to 126 bpm (70 % of your maximum of 180 bpm)"),
    (None, None, "unread", "We have not read your heart-rate zones from Strava yet"),
])
def test_settings_show_the_zones_in_use(csrf_app, hr_zones, max_hr, source, words):
    with csrf_app.app_context():
        athlete = db.session.get(Athlete, ATHLETE)
        athlete.hr_zones, athlete.max_hr = hr_zones, max_hr
        db.session.commit()
    client = csrf_app.test_client()
    login(client, ATHLETE)
    page = client.get("/settings").get_data(as_text=True)
    zones = re.search(r'<p class="zones" id="zones" data-zone-source="([a-z]+)">([^<]+)</p>', page)
    assert zones.group(1) == source
    assert words in zones.group(2)


# --- What is happening on the athlete's behalf, also on settings (notes from plugin.history).

def test_welcome_says_the_look_back_is_under_way(new_athlete_app):
    page = welcome_client(new_athlete_app).get("/settings").get_data(as_text=True)
    assert re.search(r'id="first-look-summary">We are looking at your last 4 weeks on Strava', page)


def test_settings_show_a_refused_token_with_the_reconnect_button(csrf_app):
    with csrf_app.app_context():
        db.session.get(Athlete, ATHLETE).needs_reconnect = True
        db.session.commit()
    client = csrf_app.test_client()
    login(client, ATHLETE)
    page = client.get("/settings").get_data(as_text=True)
    note = re.search(r'<p class="card progress-reconnect" role="alert">(.*?)</p>', page, re.S).group(1)
    assert "Strava refused our access" in note
    assert 'href="/auth/strava">Reconnect with Strava</a>' in note


def test_settings_say_what_the_look_back_found(csrf_app):
    import datetime as dt

    with csrf_app.app_context():
        db.session.get(Athlete, ATHLETE).backfilled_at = dt.datetime.now(dt.timezone.utc)
        db.session.commit()
    client = csrf_app.test_client()
    login(client, ATHLETE)
    page = client.get("/settings").get_data(as_text=True)
    assert re.search(r'id="first-look-summary">We looked at your last 4 weeks and found no lifts or runs yet', page)
