"""The full settings form: every field, refusals, re-evaluation, accessibility."""

import datetime as dt
import re

import pytest

from plugin.coaching import LANGUAGES
from plugin.extensions import db
from plugin.models import Athlete
from tests.support.tasks import queued_tasks
from tests.support.forms import csrf_token_from
from tests.support.factories import login, make_athlete, make_pair

ATHLETE = 123456789
REEVALUATE = {"task": "liftrun.reevaluate_athlete", "args": [ATHLETE]}
FIELDS = ("goal", "mode", "window_hours", "training_status", "lift_types", "run_types", "language", "max_hr",
          "timezone")




@pytest.fixture
def client(csrf_app):
    client = csrf_app.test_client()
    login(client, ATHLETE)
    return client




def snapshot(app) -> dict:
    with app.app_context():
        s = db.session.get(Athlete, ATHLETE).settings
        return {name: getattr(s, name) for name in FIELDS}


def full_form(**changes) -> dict:
    """Return what the page's own form sends for the stored defaults (hidden empty markers included)."""
    form = {
        "goal": "general", "training_status": "", "lift_types": ["", "WeightTraining", "Crossfit"],
        "run_types": ["", "Run", "TrailRun", "VirtualRun"], "window_hours": "24", "language": "en", "mode": "write",
        "max_hr": "", "timezone": "",
    }
    form.update(changes)
    return form


def post(client, **changes):
    return client.post("/settings", data={**full_form(**changes), "csrf_token": csrf_token_from(client)})


def test_defaults_are_shown(client):
    page = client.get("/settings").get_data(as_text=True)
    for value in ("general", "write"):
        assert f'value="{value}" checked' in page
    assert 'id="training_status-none" name="training_status" value="" checked' in page
    for sport in ("WeightTraining", "Crossfit", "Run", "TrailRun", "VirtualRun"):
        assert f'value="{sport}" checked' in page
    for sport in ("Workout", "HighIntensityIntervalTraining"):
        assert f'value="{sport}">' in page
    assert re.search(r'id="window_hours"[^>]*value="24"', page)
    assert '<option selected value="en">English</option>' in page
    assert "#noliftrun" in page


def test_every_input_has_a_label(client):
    page = client.get("/settings").get_data(as_text=True)
    form = re.search(r'<form class="settings".*?</form>', page, re.S).group(0)
    ids = re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', form)
    visible = [i for i in ids if i != "csrf_token"]
    assert len(visible) >= 5 + 3 + 4 + 3 + 1 + 1 + 1 + 1 + 3
    for input_id in visible:
        assert f'<label for="{input_id}"' in form, input_id
    assert form.count("<legend>") + form.count("<summary>") >= 6  # groups and folded sections are named


def test_every_field_is_saved(csrf_app, client, redis_client):
    lang = LANGUAGES[-1]
    resp = post(client, goal="hypertrophy", training_status="trained", lift_types=["", "Workout", "WeightTraining"],
                run_types=["", "TrailRun"], window_hours="36", language=lang, mode="preview", max_hr="186",
                timezone="America/New_York")
    assert resp.status_code == 302
    assert snapshot(csrf_app) == {
        "goal": "hypertrophy", "training_status": "trained", "lift_types": "WeightTraining,Workout",
        "run_types": "TrailRun", "window_hours": 36, "language": lang, "mode": "preview", "max_hr": 186,
        "timezone": "America/New_York",
    }
    assert queued_tasks(redis_client) == [REEVALUATE]
    page = client.get("/settings").get_data(as_text=True)
    assert "re-evaluated in the background" in page


def test_fields_left_out_of_a_submission_keep_their_values(csrf_app, client):
    post(client, training_status="beginner", lift_types=["", "Crossfit"], window_hours="12")
    before = snapshot(csrf_app)
    resp = client.post("/settings", data={"goal": "endurance", "csrf_token": csrf_token_from(client)})
    assert resp.status_code == 302
    assert snapshot(csrf_app) == {**before, "goal": "endurance"}


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"goal": "bulking"}, "goal"),
        ({"goal": ""}, "goal"),
        ({"training_status": "elite"}, "training_status"),
        ({"lift_types": [""]}, "lift_types"),
        ({"lift_types": ["", "WeightTraining", "Yoga"]}, "lift_types"),
        ({"lift_types": ["", "Run"]}, "lift_types"),
        ({"run_types": [""]}, "run_types"),
        ({"run_types": ["", "Run", "Swim"]}, "run_types"),
        ({"window_hours": "0"}, "window_hours"),
        ({"window_hours": "73"}, "window_hours"),
        ({"window_hours": "12.5"}, "window_hours"),
        ({"window_hours": ""}, "window_hours"),
        ({"window_hours": "abc"}, "window_hours"),
        ({"language": "xx"}, "language"),
        ({"mode": "loud"}, "mode"),
        ({"max_hr": "99"}, "max_hr"),
        ({"max_hr": "231"}, "max_hr"),
        ({"max_hr": "180.5"}, "max_hr"),
        ({"max_hr": "fast"}, "max_hr"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
    ],
)
def test_any_invalid_value_refuses_everything(csrf_app, client, redis_client, changes, field):
    # Valid changes to every other field ride along and must not be saved either.
    others = {"goal": "strength", "training_status": "trained", "window_hours": "8", "mode": "preview"}
    data = {**{k: v for k, v in others.items() if k != field}, **changes}
    before = snapshot(csrf_app)
    resp = post(client, **data)
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "Nothing was saved" in page
    # The message sits at the field.
    assert re.search(rf'<p class="error" id="{field}-error">', page), page
    assert snapshot(csrf_app) == before
    assert queued_tasks(redis_client) == []


def test_refused_form_shows_what_was_typed(client):
    page = post(client, window_hours="99").get_data(as_text=True)
    assert re.search(r'id="window_hours"[^>]*value="99"', page)
    assert "1 to 72" in page


@pytest.mark.parametrize("token", [None, "forged"])
def test_csrf_missing_or_wrong(csrf_app, client, token, redis_client):
    data = full_form(goal="strength", window_hours="10")
    if token:
        data["csrf_token"] = token
    before = snapshot(csrf_app)
    assert client.post("/settings", data=data).status_code == 400
    assert snapshot(csrf_app) == before
    assert queued_tasks(redis_client) == []


@pytest.mark.parametrize(
    "changes",
    [
        {"goal": "strength"},
        {"training_status": "beginner"},
        {"lift_types": ["", "WeightTraining", "Crossfit", "Workout"]},
        {"run_types": ["", "Run"]},
        {"window_hours": "48"},
        {"max_hr": "185"},
        {"language": LANGUAGES[-1]} if len(LANGUAGES) > 1 else {"goal": "endurance"},
    ],
)
def test_verdict_relevant_change_enqueues_reevaluation(client, redis_client, changes):
    assert post(client, **changes).status_code == 302
    assert queued_tasks(redis_client) == [REEVALUATE]


def test_unchanged_form_does_not_enqueue(client, redis_client):
    assert post(client).status_code == 302
    assert queued_tasks(redis_client) == []
    assert "Saved." in client.get("/settings").get_data(as_text=True)


def test_preview_to_write_alone_does_not_enqueue(csrf_app, client, redis_client):
    post(client, mode="preview")
    assert queued_tasks(redis_client) == []
    assert post(client, mode="write").status_code == 302
    assert snapshot(csrf_app)["mode"] == "write"
    assert queued_tasks(redis_client) == []


def test_paused_changes_do_not_enqueue(csrf_app, client, redis_client):
    assert post(client, mode="paused", goal="strength").status_code == 302
    assert snapshot(csrf_app)["goal"] == "strength"
    assert queued_tasks(redis_client) == []
    assert "paused" in client.get("/settings").get_data(as_text=True)


def test_leaving_pause_with_a_verdict_change_enqueues(client, redis_client):
    post(client, mode="paused")
    assert post(client, mode="write", goal="endurance").status_code == 302
    assert queued_tasks(redis_client) == [REEVALUATE]


def test_full_round_trip_on_both_databases(app, redis_client):
    with app.app_context():
        make_athlete(ATHLETE)
    client = app.test_client()
    login(client, ATHLETE)
    resp = client.post("/settings", data=full_form(goal="strength", lift_types=["", "HighIntensityIntervalTraining"],
                                                 window_hours="72", training_status="beginner"))
    assert resp.status_code == 302
    snap = snapshot(app)
    assert snap["lift_types"] == "HighIntensityIntervalTraining"
    assert snap["window_hours"] == 72 and snap["training_status"] == "beginner"
    assert queued_tasks(redis_client) == [REEVALUATE]


def test_empty_max_hr_clears_it(csrf_app, client):
    post(client, max_hr="190")
    assert snapshot(csrf_app)["max_hr"] == 190
    assert post(client, max_hr=" ").status_code == 302
    assert snapshot(csrf_app)["max_hr"] is None


def test_time_zone_is_not_verdict_relevant_and_automatic_clears_it(csrf_app, client, redis_client):
    assert post(client, timezone="Asia/Tokyo").status_code == 302
    assert snapshot(csrf_app)["timezone"] == "Asia/Tokyo"
    assert queued_tasks(redis_client) == []
    assert post(client, timezone="").status_code == 302
    assert snapshot(csrf_app)["timezone"] is None


def test_chosen_time_zone_is_used_by_the_history(csrf_app, client):
    with csrf_app.app_context():
        make_pair(1, 2, later_start=dt.datetime(2026, 11, 20, 23, 30, tzinfo=dt.timezone.utc))
        db.session.commit()
    post(client, timezone="Asia/Tokyo")
    page = client.get("/history").get_data(as_text=True)
    assert "times in Asia/Tokyo" in page
    assert "21 Nov 2026" in page  # 23:30 UTC is the next morning in Tokyo


@pytest.mark.parametrize("value", ["9" * 400, "9" * 5000, "1e400", "٣", "２４", "24\x00", "0x10", "+24", "-0",
                                   "nan", "inf", "24 24", "9999999"])
@pytest.mark.parametrize("field", ["window_hours", "max_hr"])
def test_numbers_are_parsed_defensively(csrf_app, client, redis_client, field, value):
    before = snapshot(csrf_app)
    resp = post(client, **{field: value})
    assert resp.status_code == 400
    assert re.search(rf'<p class="error" id="{field}-error">', resp.get_data(as_text=True))
    assert snapshot(csrf_app) == before


def test_surrounding_spaces_are_fine(csrf_app, client):
    assert post(client, window_hours=" 12 ").status_code == 302
    assert snapshot(csrf_app)["window_hours"] == 12


@pytest.mark.parametrize("field, values", [("window_hours", ["24", "48"]), ("goal", ["strength", "general"]),
                                           ("mode", ["write", "paused"]), ("language", ["en", "en"])])
def test_a_single_value_field_sent_twice_is_refused(csrf_app, client, field, values):
    before = snapshot(csrf_app)
    resp = post(client, **{field: values})
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert re.search(rf'<p class="error" id="{field}-error">', page)
    assert "more than once" in page
    assert snapshot(csrf_app) == before


def test_every_bad_field_gets_its_own_message_at_once(csrf_app, client):
    bad = {"goal": "fame", "mode": "loud", "window_hours": "9" * 400, "max_hr": "٣٣٣", "language": "xx",
           "timezone": "Mars/Olympus_Mons", "training_status": "god", "lift_types": ["", "Run"],
           "run_types": ["", "Swim"]}
    before = snapshot(csrf_app)
    resp = post(client, **bad)
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    for field in bad:
        assert re.search(rf'<p class="error" id="{field}-error">', page), field
    assert snapshot(csrf_app) == before
