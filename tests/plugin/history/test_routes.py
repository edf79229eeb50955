import datetime as dt
import re

import pytest

from plugin.extensions import db
from plugin.history import routes as history_routes
from plugin.models import Pair
from tests.support.factories import login, make_activity, make_athlete, make_pair

ATHLETE = 123456789
UTC = dt.timezone.utc
NOW = dt.datetime(2024, 3, 13, 12, tzinfo=UTC)  # Wednesday
LIFT, RUN = 10_000_000_001, 10_000_000_002


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr(history_routes, "now_utc", lambda: NOW)


def add_activity(activity_id, sport_type, start, name=None, timezone="(GMT+01:00) Europe/Berlin", minutes=60):
    make_activity(activity_id, sport_type, start, name=name or sport_type, timezone=timezone, minutes=minutes,
                  moving_time=minutes * 60)


def add_pair(lift_id, run_id, later_start, verdict="well_separated", gap=420, headline=None, advice=None, **fields):
    """Add a strength athlete's pair whose headline and advice name it."""
    make_pair(lift_id, run_id, later_start=later_start, verdict=verdict, gap_minutes=gap, goal="strength",
              headline=headline or verdict.replace("_", " ").capitalize(),
              advice=advice or f"Advice for {lift_id}/{run_id}.", **fields)


def page(app, athlete=ATHLETE):
    client = app.test_client()
    login(client, athlete)
    resp = client.get("/history")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def test_logged_out_is_sent_to_landing(app):
    resp = app.test_client().get("/history")
    assert resp.status_code == 302
    assert resp.headers["Location"].startswith("/?") or resp.headers["Location"] == "/"


def test_empty_state(app):
    with app.app_context():
        make_athlete(ATHLETE)
    text = page(app)
    assert "No pairs yet" in text
    assert "This week: no pairs yet" in text
    assert "<svg" not in text


def test_pairs_newest_first_with_everything_shown(app):
    with app.app_context():
        make_athlete(ATHLETE, goal="strength")
        add_activity(LIFT, "WeightTraining", NOW - dt.timedelta(hours=3), name="Leg day")
        add_activity(RUN, "Run", NOW - dt.timedelta(hours=1), name="Shake-out jog")
        add_pair(LIFT, RUN, NOW - dt.timedelta(hours=1), verdict="interference_risk", gap=60, status="written",
                 headline="Long run right after lifting",
                 advice="A 40-min run right after lifting may blunt the muscle-building signal & more.")
        add_pair(3, 4, NOW - dt.timedelta(days=2), verdict="acceptable_gap", status="preview")
        add_pair(5, 6, NOW - dt.timedelta(days=9), verdict="cooldown_ok", status="opted_out", order="run_first")
        add_pair(7, 8, NOW - dt.timedelta(days=1), verdict="warmup_ok", status="superseded")
        db.session.commit()
    text = page(app)
    ids = [(int(a), int(b)) for a, b in re.findall(r'data-lift-id="(\d+)" data-run-id="(\d+)"', text)]
    assert ids == [(LIFT, RUN), (7, 8), (3, 4), (5, 6)]
    # Links to both activities on Strava (the emulator's page in the sandbox).
    for activity_id in (LIFT, RUN, 3, 4, 5, 6, 7, 8):
        assert f'href="http://127.0.0.1:9/activities/{activity_id}"' in text
    # Exact advice text (HTML-escaped once), headline, names, order and gap.
    assert "may blunt the muscle-building signal &amp; more." in text
    assert "Long run right after lifting" in text
    assert "Leg day" in text and "Shake-out jog" in text
    assert "Lift, then run" in text and "Run, then lift" in text
    assert "1 h</dd>" in text and "7 h</dd>" in text
    for label in ("Written to Strava", "Preview only (not written to Strava)", "Opted out (#noliftrun)",
                  "Not written: a closer pair"):
        assert label in text


def test_dates_in_the_athletes_time_zone(app):
    late = dt.datetime(2024, 3, 12, 23, 30, tzinfo=UTC)  # Wed 00:30 in Berlin, Tue in UTC
    with app.app_context():
        make_athlete(ATHLETE)
        add_activity(LIFT, "WeightTraining", late - dt.timedelta(hours=2))
        add_activity(RUN, "Run", late)
        add_pair(LIFT, RUN, late)
        db.session.commit()
    text = page(app)
    assert "Wed 13 Mar 2024, 00:30" in text
    assert "times in Europe/Berlin" in text


def test_time_zone_setting_wins_and_utc_is_the_fallback(app):
    late = dt.datetime(2024, 3, 12, 23, 30, tzinfo=UTC)
    with app.app_context():
        make_athlete(ATHLETE, timezone="America/New_York")
        add_activity(RUN, "Run", late)
        add_pair(LIFT, RUN, late)
        db.session.commit()
    assert "Tue 12 Mar 2024, 19:30" in page(app)
    with app.app_context():
        make_athlete(ATHLETE + 1)
        make_pair(1, 2, athlete_id=ATHLETE + 1, later_start=late, headline="Well separated", advice="x")
        db.session.commit()
    text = page(app, ATHLETE + 1)
    assert "Tue 12 Mar 2024, 23:30" in text and "times in UTC" in text


def test_only_own_pairs(app):
    with app.app_context():
        make_athlete(ATHLETE)
        make_athlete(ATHLETE + 1)
        make_pair(1, 2, athlete_id=ATHLETE + 1, later_start=NOW, headline="Someone else's pair", advice="x")
        db.session.commit()
    text = page(app)
    assert "Someone else" not in text and "No pairs yet" in text


def test_weekly_line_uses_the_calendar_week_in_local_time(app):
    with app.app_context():
        make_athlete(ATHLETE)
        add_activity(RUN, "Run", NOW)  # gives the athlete Europe/Berlin
        # This week in Berlin starts Sun 10 Mar 23:00 UTC.
        add_pair(1, 2, dt.datetime(2024, 3, 10, 23, 30, tzinfo=UTC), verdict="well_separated")
        add_pair(3, 4, dt.datetime(2024, 3, 12, 8, tzinfo=UTC), verdict="well_separated")
        add_pair(5, 6, dt.datetime(2024, 3, 13, 7, tzinfo=UTC), verdict="interference_risk", gap=30)
        add_pair(7, 8, dt.datetime(2024, 3, 10, 22, 30, tzinfo=UTC), verdict="cooldown_ok")  # Sunday in Berlin
        db.session.commit()
    text = page(app)
    assert re.search(r'id="weekly-summary">This week: 3 pairs, 2 well separated, 1 cool-down too long<', text)


def test_chart_has_one_dot_per_pair_in_the_last_eight_weeks(app):
    with app.app_context():
        make_athlete(ATHLETE, goal="endurance")
        add_pair(1, 2, NOW - dt.timedelta(days=1), verdict="fits_goal_lift_first", gap=50)
        add_pair(3, 4, NOW - dt.timedelta(days=30), verdict="lift_first_next_time", gap=20, order="run_first")
        add_pair(5, 6, NOW - dt.timedelta(days=70), verdict="well_separated")  # older than 8 weeks
        db.session.commit()
    text = page(app)
    svg = re.search(r"<svg.*?</svg>", text, re.S).group(0)
    dots = re.findall(r'<circle class="pair-dot" data-verdict="([a-z_]+)"[^>]*fill="(#[0-9a-f]{6})"', svg)
    assert sorted(dots) == [("fits_goal_lift_first", "#2e7d32"), ("lift_first_next_time", "#c62828")]
    assert "recommended ≥ 3 h" in svg
    assert "2 pairs" in text and "at least 3 h" in text  # the text alternative, also visible
    assert text.count("data-pair-id=") == 3  # the list still shows the old pair


def test_status_preview_page_note(app):
    with app.app_context():
        make_athlete(ATHLETE, mode="preview")
    assert "Preview mode" in page(app)


def test_long_history_is_capped_with_a_pointer_to_the_export(sqlite_app, monkeypatch):
    monkeypatch.setattr(history_routes, "LIST_LIMIT", 2)
    with sqlite_app.app_context():
        make_athlete(ATHLETE)
        for i in range(3):
            add_pair(100 + i, 200 + i, NOW - dt.timedelta(days=i))
        db.session.commit()
    text = page(sqlite_app)
    assert text.count("data-pair-id=") == 2
    assert "Showing the newest 2 of 3 pairs" in text
    assert len(re.findall(r'class="pair-dot"', text)) == 3


def test_the_page_loads_only_the_rows_and_weeks_it_shows(sqlite_app, monkeypatch):
    from sqlalchemy import event

    monkeypatch.setattr(history_routes, "LIST_LIMIT", 3)
    with sqlite_app.app_context():
        make_athlete(ATHLETE)
        for i in range(4):  # this week and the weeks before, inside the chart
            add_pair(100 + i, 200 + i, NOW - dt.timedelta(days=i * 5))
        for i in range(2):  # long before the chart's 8 weeks
            add_pair(300 + i, 400 + i, NOW - dt.timedelta(weeks=20 + i))
        db.session.commit()
    loaded: list[int] = []

    def on_load(pair, _context):
        loaded.append(pair.lift_id)

    event.listen(Pair, "load", on_load)
    try:
        text = page(sqlite_app)
    finally:
        event.remove(Pair, "load", on_load)
    assert "Showing the newest 3 of 6 pairs" in text
    assert len(re.findall(r'class="pair-dot"', text)) == 4
    assert sorted(set(loaded)) == [100, 101, 102, 103]  # the old pairs never left the database


def test_lift_focus_is_shown_when_the_exercises_told_it(app):
    with app.app_context():
        make_athlete(ATHLETE)
        add_pair(1, 2, NOW - dt.timedelta(days=1), lift_focus="lower")
        add_pair(3, 4, NOW - dt.timedelta(days=2), lift_focus="unknown")
        add_pair(5, 6, NOW - dt.timedelta(days=3))
        db.session.commit()
    html = page(app)
    assert html.count("<dt>Lift focus</dt>") == 1
    assert re.search(r"<dt>Lift focus</dt><dd>Lower body <span", html)
