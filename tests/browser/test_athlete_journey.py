"""An athlete's whole visit in a real browser: connect, set a goal, record a lift
and a run on the emulator, read the advice there, see the pair in the history,
download the data, disconnect."""

from __future__ import annotations

import datetime as dt
import json
import re
import time

import pytest
import requests
from playwright.sync_api import expect

from tests.support.browser import SCREENSHOTS

pytestmark = pytest.mark.browser

ATHLETE = 123456789
# Either wording of the strength goal's interference_risk advice (picked per pair).
ADVICE = re.compile(r"may have (blunted some of the strength signal|taken the edge off today's strength work)")
HEADLINE = re.compile(r"This run may cost some strength|Strength gains at some risk")


def signature(stack) -> str:
    return f"— LiftRun Coach · {stack.product}/settings"


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
    expect(page.get_by_role("status").filter(has_text="your goal is Strength")).to_be_visible()
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
    expect(page.get_by_role("status").filter(has_text="re-evaluated in the background")).to_be_visible()
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
    expect(pair).to_contain_text(HEADLINE)
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


# ---------------------------------------------------------------- the first week

FIRST_WEEK_TEXTS = {  # run descriptions as the athlete wrote them: CRLF, trailing spaces, non-ASCII
    3: "Tempo 🙂\r\nlegs ok  ",
    10: "Easy one",
    17: "Intervals\n- 6x400\n  - jog back",
}


def fits(page, width: int) -> None:
    """Check the page is no wider than the viewport (no sideways scrolling)."""
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll} px wide at a {width} px viewport"


def shoot_widths(page, name: str) -> None:
    """Screenshots at 1280 and 360 px, each with the no-sideways-scroll check."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        fits(page, width)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size(size)


def emulator_descriptions(stack, athlete_id: int) -> dict[int, str]:
    found = requests.get(f"{stack.emu}/sandbox/api/activities", params={"athlete_id": athlete_id}, timeout=5).json()
    return {a["id"]: a["description"] for a in found}


def wait_until(check, what: str, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        assert time.monotonic() < deadline, f"{what} within {timeout:.0f} s"
        time.sleep(0.5)


def test_first_week_judged_on_connect_written_on_request_undone_on_disconnect(stack, page):
    stack.subscribe()
    fia = requests.post(f"{stack.emu}/sandbox/api/athletes", json={"firstname": "Fia", "lastname": "Firstweek"},
                        timeout=5).json()["id"]
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    runs, lifts = {}, {}
    for days_ago, text in FIRST_WEEK_TEXTS.items():
        lift_start = now - dt.timedelta(days=days_ago, hours=3)
        for sport, start, description, into in (
                ("WeightTraining", lift_start, f"Squats, day -{days_ago}", lifts),
                ("Run", lift_start + dt.timedelta(minutes=70), text, runs)):
            resp = requests.post(f"{stack.emu}/sandbox/api/activities", timeout=5, json={
                "athlete_id": fia, "sport_type": sport, "start_date": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "elapsed_time": 45 * 60, "description": description, "deliver": False, "average_heartrate": 150})
            into[resp.json()["id"]] = description
    originals = {**lifts, **runs}
    requests.delete(f"{stack.emu}/sandbox/api/requests", timeout=5)

    # 1. Connect as Fia: the look back starts in the background; the welcome step asks for the goal.
    page.goto(stack.product + "/")
    page.get_by_role("link", name="Connect with Strava").click()
    page.wait_for_url(f"{stack.emu}/oauth/authorize*")
    page.select_option("#athlete_id", str(fia))
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{stack.product}/settings")
    expect(page.get_by_role("heading", level=1)).to_contain_text("one question first")
    shoot_widths(page, "fw-01-welcome")
    page.get_by_label("Strength — lift heavier").check()
    page.get_by_role("button", name="Save my goal").click()
    page.wait_for_url(f"{stack.product}/settings")

    # 2. History: what the look back found, judged but not written.
    def found():
        page.goto(stack.product + "/history")
        return "3 pairs" in page.locator("#first-look").inner_text() if page.locator("#first-look").count() else False

    wait_until(found, "the look back's pairs in history")
    expect(page.locator("#first-look-summary")).to_contain_text("We looked at your last 4 weeks: 3 pairs")
    pairs = page.locator("li.pair")
    expect(pairs).to_have_count(3)
    for index in range(3):
        expect(pairs.nth(index)).to_contain_text("Judged on connect")
        expect(pairs.nth(index)).to_contain_text("Preview only")
    calls = requests.get(f"{stack.emu}/sandbox/api/requests", timeout=5).json()
    assert not [c for c in calls if c["method"] == "PUT"], "the look back wrote to Strava"
    assert [c["path"] for c in calls if c["path"].startswith("/api/v3/activities")] == []  # summaries only
    assert emulator_descriptions(stack, fia) == originals
    shoot_widths(page, "fw-02-history-judged-on-connect")

    # 3. "Write advice on these 3 activities": the worker writes each run's block once.
    page.get_by_role("button", name="Write advice on these 3 activities").click()
    expect(page.locator(".flash")).to_contain_text("Writing advice on 3 activities")
    block_signature = signature(stack)

    def all_written():
        now_texts = emulator_descriptions(stack, fia)
        return all(block_signature in now_texts[run] for run in runs) and now_texts

    written = wait_until(all_written, "advice on the three runs")
    for run, text in runs.items():
        assert written[run].startswith(text + "\n\n") and written[run].count(block_signature) == 1
    for lift, text in lifts.items():
        assert written[lift] == text
    page.goto(stack.product + "/history")
    expect(page.locator("li.pair .status-written")).to_have_count(3)
    shoot_widths(page, "fw-03-history-written")

    # 4. On the emulator: #noliftrun in a title takes our block off that run (one update event).
    opted = next(run for run, text in runs.items() if text == "Easy one")  # the form would turn CRLF into LF
    page.goto(f"{stack.emu}/activities/{opted}")
    shoot_widths(page, "fw-04-emulator-activity")
    page.fill("#edit-name", "Tempo #noliftrun")
    page.get_by_role("button", name="Save", exact=True).click()
    wait_until(lambda: emulator_descriptions(stack, fia)[opted] == runs[opted], "our block off the opted-out run")

    # 5. The emulator as a demo: a lift, then a run "after the last saved activity"; the run's page
    #    reloads by itself until the advice is there.
    page.goto(stack.emu + "/")
    page.select_option("#lift-athlete", str(fia))
    page.fill("#lift-offset", "-300")
    page.get_by_role("button", name="Save lift").click()
    page.goto(stack.emu + "/")
    expect(page.locator(".chain-preview").first).to_contain_text("a 30-min gap starts this run at")
    shoot_widths(page, "fw-05-emulator-home")
    page.select_option("#run-athlete", str(fia))
    page.fill("#run-offset", "5")
    page.fill("#run-duration", "40")
    page.get_by_role("button", name="Save run").click()
    page.wait_for_url(re.compile(rf"{re.escape(stack.emu)}/activities/\d+\?"))
    demo_run = int(page.url.split("/activities/")[1].split("?")[0])
    expect(page.locator("#description")).to_contain_text(block_signature, timeout=60_000)  # no reload by the test
    expect(page.locator("#waiting")).to_contain_text("advice has arrived")
    originals.update({a: "" for a in emulator_descriptions(stack, fia) if a not in originals})
    assert demo_run in originals

    # 6. Disconnect, removing our advice: every description is back to exactly what the athlete wrote.
    page.goto(stack.product + "/account")
    page.get_by_role("link", name="Disconnect…").click()
    removal = page.get_by_label(re.compile(r"Also remove LiftRun Coach advice from my \d+ activit"))
    expect(removal).to_be_checked()
    shoot_widths(page, "fw-06-disconnect-confirm")
    page.get_by_role("button", name="Disconnect and delete my data").click()
    page.wait_for_url(f"{stack.product}/")
    expect(page.locator(".flash")).to_contain_text("taking LiftRun Coach's advice off")
    wait_until(lambda: stack.sql("SELECT count(*) FROM athletes WHERE id = :a", a=fia) == [(0,)],
               "the athlete's data deleted")
    assert emulator_descriptions(stack, fia) == originals
    grant = requests.get(f"{stack.emu}/sandbox/api/athletes/{fia}", timeout=5).json()
    assert grant["connected"] is False
    for table, column in (("activities", "athlete_id"), ("pairs", "athlete_id"), ("inbox_events", "owner_id")):
        assert stack.sql(f"SELECT count(*) FROM {table} WHERE {column} = :a", a=fia) == [(0,)], table
