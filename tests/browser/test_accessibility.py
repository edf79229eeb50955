"""Every page of the product, at a desktop and a phone width: axe-core finds no
serious or critical violation, nothing is wider than the screen, and refused
forms move focus where a keyboard user needs it.

Screenshots of each page at both widths go to test-artifacts/screenshots/
(a11y-<page>-<width>.png), and each page's size to test-artifacts/page-sizes.txt.
The emulator's pages are not the product's and are not checked here.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.axe import axe_source, blocking_violations
from tests.support.browser import REPO, SCREENSHOTS

pytestmark = pytest.mark.browser

WIDTHS = (1280, 360)
ATHLETE = 123456789


class PageCheck:
    """Checks one page at every width and keeps every problem, so one run reports them all."""

    def __init__(self, page, source: str):
        self.page = page
        self.source = source
        self.problems: list[str] = []
        self.sizes: list[str] = []
        self.checked: list[str] = []

    def __call__(self, name: str) -> None:
        page = self.page
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            wide, high = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
            self.sizes.append(f"{name} @{width}: {high} px tall, {wide} px wide")
            page.screenshot(path=str(SCREENSHOTS / f"a11y-{name}-{width}.png"), full_page=True)
            if wide > width:
                self.problems.append(f"{name} is {wide} px wide at a {width} px viewport")
            self.problems.extend(f"{name} @{width}: {line}" for line in blocking_violations(page, self.source))
        page.set_viewport_size({"width": WIDTHS[0], "height": 800})
        self.checked.append(name)


def _iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _lift_and_run(stack) -> None:
    """Deliver a lift two hours ago and a 40-min run ten minutes after it as webhooks."""
    lift_start = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=2)
    for body in (
        {"sport_type": "WeightTraining", "name": "Squats", "start_date": _iso(lift_start), "elapsed_time": 3600},
        {"sport_type": "Run", "name": "Jog", "start_date": _iso(lift_start + dt.timedelta(minutes=70)),
         "elapsed_time": 2400},
    ):
        body.update(athlete_id=ATHLETE, moving_time=body["elapsed_time"])
        resp = requests.post(f"{stack.emu}/sandbox/api/activities", json=body, timeout=10)
        assert resp.status_code == 201, resp.text
    deadline = time.monotonic() + 60
    while stack.sql("SELECT count(*) FROM pairs") == [(0,)]:
        assert time.monotonic() < deadline, f"no pair within 60 s\n{stack.worker_output()}"
        time.sleep(0.5)


def _authorize(page, stack, *, untick: str | None = None) -> None:
    page.goto(stack.product + "/auth/strava")
    page.wait_for_url(f"{stack.emu}/oauth/authorize*")
    if untick:
        page.locator(f'input[name="granted"][value="{untick}"]').uncheck()
    page.get_by_role("button", name="Authorize").click()


def test_every_page_passes_axe_and_fits_a_360_px_screen(stack, browser):
    source = axe_source()
    stack.subscribe()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 800}, bypass_csp=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    check = PageCheck(page, source)
    try:
        # Logged out.
        page.goto(stack.product + "/")
        check("landing")
        page.goto(stack.product + "/privacy")
        check("privacy")
        assert page.goto(stack.product + "/no-such-page").status == 404
        check("not-found")
        assert page.goto(stack.product + "/auth/strava/callback?state=forged&code=x").status == 400
        check("auth-error")

        # Connecting without the write permission: Strava's checkbox named in words.
        _authorize(page, stack, untick="activity:write")
        page.wait_for_url(f"{stack.product}/auth/strava/callback*")
        expect(page.get_by_role("heading", level=1)).to_have_text("One more tick, please")
        expect(page.locator("main")).not_to_contain_text("activity:write")
        check("auth-scopes")

        # Connected: the welcome step, refused once.
        _authorize(page, stack)
        page.wait_for_url(f"{stack.product}/settings")
        check("welcome")
        page.get_by_role("button", name="Save my goal").click()
        expect(page.locator(".error-summary")).to_be_focused()
        check("welcome-refused")
        page.get_by_label("Strength — lift heavier").check()
        page.get_by_role("button", name="Save my goal").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Settings")
        check("settings")

        # A refused field inside a folded section: the server opens it, focus goes to the
        # summary, and the summary's link focuses the input itself.
        page.goto(stack.product + "/settings")
        page.get_by_text("Heart rate", exact=True).click()
        page.get_by_label("Maximum heart rate (optional)").fill("99")
        page.get_by_role("button", name="Save heart rate").click()
        summary = page.locator(".error-summary")
        expect(summary).to_be_focused()
        expect(page.locator("#section-heart-rate")).to_have_attribute("open", "")
        summary.get_by_role("link").click()
        expect(page.locator("#max_hr")).to_be_focused()
        check("settings-refused")

        page.goto(stack.product + "/history")
        check("history-empty")
        _lift_and_run(stack)
        page.goto(stack.product + "/history")
        expect(page.locator("li.pair")).to_have_count(1)
        check("history")

        page.goto(stack.product + "/account")
        check("account")
        if page.goto(stack.product + "/account/disconnect").status == 200:
            check("disconnect")
        page.goto(stack.product + "/")
        check("landing-connected")
    finally:
        (REPO / "test-artifacts").mkdir(exist_ok=True)
        (REPO / "test-artifacts" / "page-sizes.txt").write_text("\n".join(check.sizes) + "\n", encoding="utf-8")
        context.close()

    assert len(check.checked) >= 13, check.checked
    assert not check.problems, "\n".join(check.problems)
