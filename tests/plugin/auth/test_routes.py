import logging
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import func, select

from plugin.extensions import db
from plugin.models import Athlete
from tests.support.apps import build_app
from tests.support.factories import login, make_activity, make_athlete
from tests.support.servers import connect_through_oauth, start_emulator

ATHLETE = 123456789


@pytest.fixture
def emulator_settings():
    """Consent is given on the emulator's page, as a person gives it."""
    return {"AUTO_APPROVE": False}


@pytest.fixture
def product_database_url(sqlite_url):
    return sqlite_url


def athletes(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Athlete))


def authorize(emulator, location, granted=None, decision="authorize"):
    """Submit the emulator's consent form as a person would."""
    params = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    scopes = params["scope"].split(",")
    form = {**params, "decision": decision, "granted": granted if granted is not None else scopes}
    resp = requests.post(f"{emulator.url}/oauth/authorize", data=form, allow_redirects=False)
    assert resp.status_code == 302, resp.text
    callback = urlsplit(resp.headers["Location"])
    return f"{callback.path}?{callback.query}"


def test_start_redirects_to_strava_authorize_with_everything_needed(unconnected_product, emulator):
    client = unconnected_product.test_client()
    resp = client.get("/auth/strava")
    assert resp.status_code == 302
    url = urlsplit(resp.headers["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{emulator.url}/oauth/authorize"
    query = parse_qs(url.query)
    assert query["client_id"] == ["12345"]
    assert query["redirect_uri"] == ["http://127.0.0.1:5000/auth/strava/callback"]
    assert query["response_type"] == ["code"]
    assert query["approval_prompt"] == ["auto"]
    assert query["scope"] == ["read,activity:read_all,activity:write,profile:read_all"]
    assert len(query["state"][0]) >= 20


def test_full_flow_stores_encrypted_tokens_and_logs_in(unconnected_product, emulator):
    client = unconnected_product.test_client()
    start = client.get("/auth/strava")
    resp = client.get(authorize(emulator, start.headers["Location"]))
    assert resp.status_code == 302 and resp.headers["Location"] == "/settings"
    with client.session_transaction() as session:
        assert session["_user_id"] == str(ATHLETE)
    with unconnected_product.app_context():
        athlete = db.session.get(Athlete, ATHLETE)
        assert athlete.settings.goal == "general"
        assert "activity:write" in athlete.scopes
        cipher = unconnected_product.extensions["token_cipher"]
        token = cipher.decrypt(athlete.access_token_enc)
        assert token not in athlete.access_token_enc
        me = requests.get(f"{emulator.url}/api/v3/athlete", headers={"Authorization": f"Bearer {token}"})
        assert me.json()["id"] == ATHLETE


def test_forged_state_is_refused_and_logged(unconnected_product, emulator, caplog):
    client = unconnected_product.test_client()
    start = client.get("/auth/strava")
    callback = authorize(emulator, start.headers["Location"]).replace("state=", "state=forged")
    with caplog.at_level(logging.WARNING):
        resp = client.get(callback)
    assert resp.status_code == 400
    assert "forged state" in caplog.text
    assert athletes(unconnected_product) == 0


def test_callback_from_another_browser_is_refused(unconnected_product, emulator):
    start = unconnected_product.test_client().get("/auth/strava")
    callback = authorize(emulator, start.headers["Location"])
    assert unconnected_product.test_client().get(callback).status_code == 400
    assert athletes(unconnected_product) == 0


def test_missing_write_scope_explains_what_to_tick(unconnected_product, emulator):
    client = unconnected_product.test_client()
    start = client.get("/auth/strava")
    resp = client.get(authorize(emulator, start.headers["Location"], granted=["read", "activity:read_all"]))
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "activity:write" not in page  # Strava's checkbox in its own words, not the raw scope
    assert "“Upload your activities from LiftRun Coach to Strava”" in page
    assert "View data about your private activities" not in page  # that one was ticked
    assert athletes(unconnected_product) == 0


def test_both_missing_scopes_are_named_by_their_checkbox(unconnected_product, emulator):
    client = unconnected_product.test_client()
    start = client.get("/auth/strava")
    resp = client.get(authorize(emulator, start.headers["Location"], granted=["read"]))
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "“View data about your private activities”" in page
    assert "“Upload your activities from LiftRun Coach to Strava”" in page
    assert ":read_all" not in page and ":write" not in page


def test_cancel_on_strava_stores_nothing(unconnected_product, emulator):
    client = unconnected_product.test_client()
    start = client.get("/auth/strava")
    resp = client.get(authorize(emulator, start.headers["Location"], decision="cancel"))
    assert resp.status_code == 400
    assert "cancelled" in resp.get_data(as_text=True)
    assert athletes(unconnected_product) == 0


def test_used_code_is_a_clean_400(unconnected_product, emulator):
    client = unconnected_product.test_client()
    start = client.get("/auth/strava")
    callback = authorize(emulator, start.headers["Location"])
    assert client.get(callback).status_code == 302
    client.get("/auth/strava")  # a new state in this session …
    with client.session_transaction() as session:
        state = session["oauth_state"]
    replay = callback.split("state=")[0] + f"state={state}&" + "&".join(
        p for p in callback.split("?", 1)[1].split("&") if not p.startswith("state=")
    )
    assert client.get(replay).status_code == 400  # … but the code was already exchanged


def test_strava_unreachable_is_not_a_500(tmp_path, redis_url):
    app = build_app(f"sqlite:///{tmp_path / 'u.sqlite'}", redis_url, STRAVA_BASE_URL="http://127.0.0.1:9")
    client = app.test_client()
    client.get("/auth/strava")
    with client.session_transaction() as session:
        state = session["oauth_state"]
    resp = client.get(f"/auth/strava/callback?state={state}&code=abc&scope=read,activity:read_all,activity:write")
    assert resp.status_code == 502
    assert athletes(app) == 0


def test_reconnect_updates_the_same_athlete(unconnected_product, emulator):
    for _ in range(2):
        client = unconnected_product.test_client()
        start = client.get("/auth/strava")
        assert client.get(authorize(emulator, start.headers["Location"])).status_code == 302
    assert athletes(unconnected_product) == 1


def test_connect_helper_follows_auto_approval(tmp_path, redis_url):
    with start_emulator() as emu:
        app = build_app(f"sqlite:///{tmp_path / 'c.sqlite'}", redis_url, STRAVA_BASE_URL=emu.url)
        assert connect_through_oauth(app.test_client()).headers["Location"] == "/settings"


def exchanges(emulator) -> int:
    """Token exchanges the emulator has seen (its request log)."""
    seen = requests.get(f"{emulator.url}/sandbox/api/requests").json()
    return sum(1 for r in seen if "oauth/token" in str(r.get("path", r)))


def test_replay_with_the_cookie_from_before_the_callback_is_refused_without_calling_strava(
        unconnected_product, emulator, caplog):
    client = unconnected_product.test_client()
    start = client.get("/auth/strava")
    callback = authorize(emulator, start.headers["Location"])
    # The test client talks to SERVER_NAME (PUBLIC_URL's host), so its cookies live there.
    host = unconnected_product.config["SERVER_NAME"].split(":")[0]
    old_cookie = client.get_cookie("session", domain=host).value  # the browser's cookie before the callback
    assert client.get(callback).status_code == 302
    before = exchanges(emulator)
    assert before >= 1

    attacker = unconnected_product.test_client()
    attacker.set_cookie("session", old_cookie, domain=host)
    with caplog.at_level(logging.WARNING):
        resp = attacker.get(callback)
    assert resp.status_code == 400
    assert "used or expired state" in caplog.text
    assert exchanges(emulator) == before  # the used code never went to Strava again
    with attacker.session_transaction() as session:
        assert "_user_id" not in session


def test_state_is_stored_server_side_and_expires(unconnected_product, emulator, monkeypatch):
    from plugin.auth import states
    from plugin.models import OAuthState

    client = unconnected_product.test_client()
    start = client.get("/auth/strava")
    state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
    with unconnected_product.app_context():
        row = db.session.get(OAuthState, state)
        assert row is not None and row.used_at is None
    monkeypatch.setattr(states, "STATE_TTL", states.STATE_TTL * 0)
    assert client.get(authorize(emulator, start.headers["Location"])).status_code == 400
    assert athletes(unconnected_product) == 0


@pytest.mark.parametrize("extra", ["&state=second", "&code=" + "c" * 400, "&scope=" + "s" * 400])
def test_malformed_callback_queries_are_refused(unconnected_product, emulator, extra):
    client = unconnected_product.test_client()
    start = client.get("/auth/strava")
    resp = client.get(authorize(emulator, start.headers["Location"]) + extra)
    assert resp.status_code == 400
    assert athletes(unconnected_product) == 0


def test_one_athlete_never_sees_another(unconnected_product, emulator):
    with unconnected_product.app_context():
        make_athlete(111)
        make_athlete(222)
        make_activity(9_111_000_001, athlete_id=111, name="Mine-111")
        make_activity(9_222_000_001, athlete_id=222, name="Theirs-222")
        db.session.commit()
    client = unconnected_product.test_client()
    login(client, 111)
    export = client.get("/account/export")
    assert export.status_code == 200
    body = export.get_data(as_text=True)
    assert "9111000001" in body and "9222000001" not in body and "Theirs-222" not in body
    for path in ("/history", "/settings", "/account"):
        page = client.get(path).get_data(as_text=True)
        assert "9222000001" not in page and "Theirs-222" not in page, path
    # A forged session cookie (no signature) logs nobody in.
    forged = unconnected_product.test_client()
    forged.set_cookie("session", '{"_user_id": "222"}')
    assert forged.get("/account/export").status_code in (302, 401)
