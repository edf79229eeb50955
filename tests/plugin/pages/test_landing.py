import re

import pytest

from tests.support.apps import build_app
from tests.support.factories import login, make_athlete

ATHLETE = 123456789


@pytest.fixture
def site(tmp_path, redis_url, redis_client):
    app = build_app(f"sqlite:///{tmp_path / 'p.sqlite'}", redis_url, WTF_CSRF_ENABLED=True,
                    PUBLIC_URL="https://coach.example", STRAVA_BASE_URL="http://127.0.0.1:5055")
    with app.app_context():
        make_athlete(ATHLETE)
    return app


def test_landing_logged_out_explains_and_connects(site):
    page = site.test_client().get("/").get_data(as_text=True)
    assert "Connect with Strava" in page
    assert 'class="btn-strava" href="/auth/strava"' in page
    assert "Powered by Strava" in page
    assert 'href="/privacy"' in page
    # The example block is what the worker writes: headline, advice, then the signature line.
    example = re.search(r'<pre class="strava-description"[^>]*>(.*?)</pre>', page, re.S).group(1)
    lines = [line for line in example.splitlines() if line.strip()]
    assert lines[-1] == "— LiftRun Coach · https://coach.example/settings"
    assert "40-min run 30 min after lifting" in lines[-2] and "may have" in lines[-2]
    assert lines[-3] and len(lines[-3]) <= 60
    assert 'href="/settings"' not in page


def test_landing_css_has_strava_orange(site):
    css = site.test_client().get("/static/style.css").get_data(as_text=True)
    assert re.search(r"\.btn-strava \{[^}]*background: #fc4c02", css)


def test_landing_logged_in_links_to_settings_and_history(site):
    client = site.test_client()
    login(client, ATHLETE)
    resp = client.get("/")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert 'href="/settings"' in page and 'href="/history"' in page and 'href="/account"' in page
    assert "Sam Sandbox" in page
    assert 'action="/logout"' in page


def test_sandbox_mode_explains_the_walkthrough(site):
    page = site.test_client().get("/").get_data(as_text=True)
    assert site.config["SANDBOX"] is True
    assert "Sandbox" in page
    assert 'href="http://127.0.0.1:5055/"' in page
    assert "simulate a lift" in page


def test_production_mode_has_no_sandbox_box(tmp_path, redis_url, redis_client):
    app = build_app(f"sqlite:///{tmp_path / 'q.sqlite'}", redis_url, SANDBOX=False,
                    STRAVA_BASE_URL="https://www.strava.com")
    page = app.test_client().get("/").get_data(as_text=True)
    assert "Sandbox" not in page
    assert "Connect with Strava" in page


def test_privacy_page(site):
    resp = site.test_client().get("/privacy")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    for words in ("What we store", "encrypted", "Disconnect", "Download my data", "Powered by Strava"):
        assert words in page


@pytest.mark.parametrize("path", ["/", "/privacy", "/settings", "/history", "/account"])
def test_every_page_says_powered_by_strava(site, path):
    client = site.test_client()
    login(client, ATHLETE)
    resp = client.get(path)
    assert resp.status_code == 200
    assert "Powered by Strava" in resp.get_data(as_text=True)


def test_auth_error_pages_still_render(site):
    resp = site.test_client().get("/auth/strava/callback?state=x&code=y")
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "Connect with Strava" in page and "Powered by Strava" in page
