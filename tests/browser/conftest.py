"""Fixtures for the browser tests: Chromium driven by Playwright against the real stack
(see tests/support/browser.py)."""

from __future__ import annotations

import pytest

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, Stack, require_chromium


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    require_chromium()
    s = Stack(tmp_path_factory.mktemp("browser"))
    try:
        s.start()
        yield s
    finally:
        s.stop()


@pytest.fixture(scope="module")
def browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 900}, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def shoot(page):
    """shoot("01-landing") saves a full-page screenshot; mobile=True also one at phone width."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str, *, mobile: bool = False) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        if mobile:
            size = page.viewport_size
            page.set_viewport_size({"width": 390, "height": 844})
            page.screenshot(path=str(SCREENSHOTS / f"{name}-mobile.png"), full_page=True)
            page.set_viewport_size(size)

    return take
