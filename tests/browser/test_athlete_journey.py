"""An athlete's whole visit in a real browser: connect, set a goal, record a lift
and a run on the emulator, read the advice there, see the pair in the history,
download the data, disconnect."""

from __future__ import annotations

import json
import re
import time

import pytest
import requests
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ATHLETE = 123456789
ADVICE = "may blunt the muscle-building signal"


def signature(stack) -> str:
    return f"— LiftRun Coach · settings: {stack.product}/settings"


def test_connect_advise_history_export_disconnect(stack, page, shoot):
    stack.subscribe()

    # 1. Landing, logged out.
    page.goto(stack.product + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lift and run without losing your gains")
    connect = page.get_by_role("link", name="Connect with Strava")
    expect(connect).to_be_visible()
    expect(page.locator("footer")).to_contain_text("Powered by Strava")
    expect(page.locator(".badge-sandbox")).to_have_text("Sandbox")
    expect(page.locator("pre.strava-description")).to_contain_text(signature(stack))
    shoot("01-landing", mobile=True)

    # 2. Connect: the emulator's authorize page is clicked through, like Strava's.
    connect.click()
    page.wait_for_url(f"{stack.emu}/oauth/authorize*")
    expect(page.get_by_role("heading", level=1)).to_have_text("Authorize LiftRun Coach")
    shoot("02-strava-authorize")
    page.get_by_role("button", name="Authorize").click()

    # 3. Back on the product's settings page, logged in: the welcome step asks for the goal only.
    page.wait_for_url(f"{stack.product}/settings")
    expect(page.get_by_role("heading", level=1)).to_contain_text("one question first")
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("History")
    expect(page.locator("main")).to_contain_text("Until you choose, General fitness is in use")
    expect(page.locator("input[name=goal]:checked")).to_have_count(0)
    assert stack.sql("SELECT id FROM athletes") == [(ATHLETE,)]
    shoot("03-welcome", mobile=True)

    # 3a. Saving without a choice is refused: focus goes to the summary, whose link focuses the first choice.
    page.get_by_role("button", name="Save my goal").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Nothing was saved")
    expect(summary).to_be_focused()
    summary.get_by_role("link").click()
    expect(page.get_by_label("Strength — lift heavier")).to_be_focused()
    assert stack.sql("SELECT goal_chosen_at FROM athlete_settings") == [(None,)]

    # 3b. Goal: strength. Saving re-evaluates in the background and shows the rest of the settings.
    page.get_by_label("Strength — lift heavier").check()
    page.get_by_role("button", name="Save my goal").click()
    page.wait_for_url(f"{stack.product}/settings")
    expect(page.get_by_role("heading", level=1)).to_have_text("Settings")
    expect(page.get_by_role("status")).to_contain_text("your goal is Strength")
    expect(page.get_by_label("Strength — lift heavier")).to_be_checked()
    assert stack.sql("SELECT goal FROM athlete_settings") == [("strength",)]
    shoot("04-settings", mobile=True)

    # 3c. Without JavaScript the server refuses a bad form as a whole: no lifting type ticked.
    page.get_by_text("Sport types", exact=True).click()
    page.get_by_label("Weight training").uncheck()
    page.get_by_label("CrossFit").uncheck()
    page.get_by_label("Hypertrophy — build muscle").check()
    page.get_by_role("button", name="Save sport types").click()
    expect(page.locator("#lift_types-error")).to_have_text("Tick at least one lifting type.")
    expect(page.get_by_role("alert").first).to_contain_text("Nothing was saved")
    expect(page.locator("#section-sports")).to_have_attribute("open", "")
    assert stack.sql("SELECT goal, lift_types FROM athlete_settings") == [("strength", "WeightTraining,Crossfit")]
    shoot("04b-settings-refused", mobile=True)
    page.goto(stack.product + "/settings")

    # 4. A folded section saved on its own: the pairing window.
    page.get_by_text("Pairing window", exact=True).click()
    page.get_by_label("Pairing window (hours)").fill("20")
    page.get_by_role("button", name="Save pairing window").click()
    page.wait_for_url(f"{stack.product}/settings")
    expect(page.get_by_role("status")).to_contain_text("re-evaluated in the background")
    assert stack.sql("SELECT goal, window_hours FROM athlete_settings") == [("strength", 20)]
    shoot("04c-settings-saved")

    # 5. On the emulator: a lift, then a 40-min run 10 min after it ends.
    page.goto(stack.emu + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Strava emulator")
    page.fill("#lift-offset", "-120")
    page.get_by_role("button", name="Save lift").click()
    expect(page.locator("p.muted").first).to_contain_text("WeightTraining")
    page.goto(stack.emu + "/")
    page.fill("#run-offset", "10")
    page.fill("#run-duration", "40")
    page.get_by_role("button", name="Save run").click()
    page.wait_for_url(re.compile(rf"{re.escape(stack.emu)}/activities/\d+"))
    run_url = page.url.split("?")[0]
    run_id = int(run_url.rsplit("/", 1)[1])
    shoot("05-emulator-run-saved")

    # 6. The worker pairs them and writes the advice into the run's description.
    deadline = time.monotonic() + 60
    description = page.locator("#description")
    while signature(stack) not in description.inner_text():
        assert time.monotonic() < deadline, "no advice on the run within 60 s"
        time.sleep(1)
        page.goto(run_url)
    expect(description).to_contain_text(ADVICE)
    shoot("06-emulator-run-with-advice")

    # 7. History shows the pair, its advice, the weekly line and one dot on the chart.
    page.goto(stack.product + "/history")
    expect(page.locator("#weekly-summary")).to_have_text("This week: 1 pair, 1 cool-down too long")
    pair = page.locator("li.pair")
    expect(pair).to_have_count(1)
    expect(pair).to_contain_text("Long run right after lifting")
    expect(pair).to_contain_text("Written to Strava")
    expect(pair).to_contain_text("Lift, then run")
    expect(pair).to_contain_text(ADVICE)
    expect(pair.get_by_role("link", name=re.compile("View run"))).to_have_attribute(
        "href", f"{stack.emu}/activities/{run_id}")
    expect(page.locator("svg.chart circle.pair-dot")).to_have_count(1)
    expect(page.locator("svg.chart circle.pair-dot")).to_have_attribute("data-verdict", "interference_risk")
    shoot("07-history", mobile=True)

    # 8. Account: download my data (no token material), then disconnect.
    page.get_by_role("link", name="Account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Account")
    shoot("08-account")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download my data").click()
    download = download_info.value
    assert download.suggested_filename == f"liftrun-coach-data-{ATHLETE}.json"
    exported = open(download.path(), encoding="utf-8").read()
    assert "token" not in exported.lower()
    data = json.loads(exported)
    assert data["athlete"]["id"] == ATHLETE
    assert [p["later_id"] for p in data["pairs"]] == [run_id]

    requests.delete(f"{stack.emu}/sandbox/api/requests", timeout=5)
    page.get_by_role("link", name="Disconnect…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Disconnect from Strava")
    page.get_by_label("Also remove LiftRun Coach advice from my 1 activity").uncheck()  # this athlete keeps it
    page.get_by_role("button", name="Disconnect and delete my data").click()
    page.wait_for_url(f"{stack.product}/")
    expect(page.get_by_role("status")).to_contain_text("You are disconnected")
    expect(page.get_by_role("link", name="Connect with Strava")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).not_to_contain_text("History")
    shoot("09-disconnected")

    calls = requests.get(f"{stack.emu}/sandbox/api/requests", timeout=5).json()
    assert any(c["path"].endswith("/oauth/deauthorize") and c["status"] == 200 for c in calls), calls
    for table in ("athletes", "athlete_settings", "activities", "pairs"):
        assert stack.sql(f"SELECT count(*) FROM {table}") == [(0,)], table
    assert stack.sql("SELECT count(*) FROM inbox_events WHERE owner_id = :a", a=ATHLETE) == [(0,)]
