"""OAuth flow against the emulator, driven through stravalib where it can be."""

from __future__ import annotations

import time

import pytest
import requests
from stravalib import exc, model

from tests.support.sandbox import ALL_SCOPES, CLIENT_ID, CLIENT_SECRET, DEMO_ATHLETE_ID


def test_authorize_page_lists_each_requested_scope_ticked(sandbox):
    url = sandbox.client().authorization_url(
        client_id=CLIENT_ID, redirect_uri="http://127.0.0.1:9/cb",
        scope=["read", "activity:read_all", "activity:write", "profile:read_all"], state="s1",
    ).replace("https://www.strava.com", sandbox.url)
    page = requests.get(url, timeout=5)
    assert page.status_code == 200
    assert "Authorize LiftRun Coach" in page.text
    assert "Strava emulator (sandbox)" in page.text
    for scope in ("activity:read_all", "activity:write", "profile:read_all"):
        assert f'name="granted" value="{scope}" checked' in page.text
    assert "Sam Sandbox" in page.text
    assert 'name="decision" value="cancel"' in page.text


def test_bad_client_id_is_a_400_page(sandbox):
    page = requests.get(f"{sandbox.url}/oauth/authorize", params={
        "client_id": "999", "redirect_uri": "http://x/cb", "response_type": "code"}, timeout=5)
    assert page.status_code == 400
    assert "client_id" in page.text


def test_code_exchange_returns_tokens_and_summary_athlete(sandbox):
    query = sandbox.authorize(state="abc")
    assert query["state"] == ["abc"]
    assert query["scope"] == [ALL_SCOPES]
    client = sandbox.client()
    tokens, athlete = client.exchange_code_for_token(CLIENT_ID, CLIENT_SECRET, query["code"][0], return_athlete=True)
    assert isinstance(athlete, model.SummaryAthlete)
    assert athlete.id == DEMO_ATHLETE_ID and athlete.firstname == "Sam"
    assert tokens["expires_at"] > time.time() + 21000
    raw_log = sandbox.admin("GET", "requests").json()
    assert raw_log[-1]["path"] == "/oauth/token" and raw_log[-1]["athlete_id"] == DEMO_ATHLETE_ID
    assert raw_log[-1]["status"] == 200


def test_token_response_shape(sandbox):
    query = sandbox.authorize()
    body = requests.post(f"{sandbox.url}/oauth/token", data={
        "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "code": query["code"][0],
        "grant_type": "authorization_code"}, timeout=5).json()
    assert body["token_type"] == "Bearer"
    assert set(body) >= {"access_token", "refresh_token", "expires_at", "expires_in", "athlete"}
    assert 21500 < body["expires_in"] <= 21600
    assert body["athlete"]["resource_state"] == 2


def test_codes_are_single_use_and_secret_is_checked(sandbox):
    code = sandbox.authorize()["code"][0]
    client = sandbox.client()
    with pytest.raises(exc.Fault) as wrong_secret:
        client.exchange_code_for_token(CLIENT_ID, "nope", code)
    assert wrong_secret.value.response.status_code == 400
    assert wrong_secret.value.response.json()["errors"][0]["field"] == "client_secret"
    client.exchange_code_for_token(CLIENT_ID, CLIENT_SECRET, code)
    with pytest.raises(exc.Fault) as reused:
        client.exchange_code_for_token(CLIENT_ID, CLIENT_SECRET, code)
    assert reused.value.response.status_code == 400
    assert reused.value.response.json() == {
        "message": "Bad Request",
        "errors": [{"resource": "AuthorizationCode", "field": "code", "code": "invalid"}],
    }


def test_cancel_redirects_with_access_denied(sandbox):
    response = requests.post(f"{sandbox.url}/oauth/authorize", data={
        "client_id": CLIENT_ID, "redirect_uri": "http://127.0.0.1:9/cb?next=x", "state": "s",
        "scope": ALL_SCOPES, "decision": "cancel"}, allow_redirects=False, timeout=5)
    assert response.status_code == 302
    assert response.headers["Location"] == "http://127.0.0.1:9/cb?next=x&state=s&error=access_denied"


def test_unticked_scopes_are_not_granted(sandbox):
    query = sandbox.authorize(granted=["activity:read_all"])
    assert query["scope"] == ["read,activity:read_all"]
    client = sandbox.client()
    client.exchange_code_for_token(CLIENT_ID, CLIENT_SECRET, query["code"][0])
    assert client.get_athlete().resource_state == 2  # summary without profile:read_all
    with pytest.raises(exc.AccessUnauthorized) as denied:
        client.get_athlete_zones()
    assert denied.value.response.json()["errors"][0] == {
        "resource": "AccessToken", "field": "profile:read_all_permission", "code": "missing"}


@pytest.mark.parametrize("sandbox_config", [{"AUTO_APPROVE": True}])
def test_auto_approve_redirects_at_once(sandbox):
    response = requests.get(f"{sandbox.url}/oauth/authorize", params={
        "client_id": CLIENT_ID, "redirect_uri": "http://127.0.0.1:9/cb", "response_type": "code",
        "approval_prompt": "auto", "scope": "read,activity:write", "state": "q"},
        allow_redirects=False, timeout=5)
    assert response.status_code == 302
    assert "code=" in response.headers["Location"]
    assert "scope=read,activity:write" in response.headers["Location"]
    forced = requests.get(f"{sandbox.url}/oauth/authorize", params={
        "client_id": CLIENT_ID, "redirect_uri": "http://127.0.0.1:9/cb", "response_type": "code",
        "approval_prompt": "force", "scope": "read"}, allow_redirects=False, timeout=5)
    assert forced.status_code == 200


def test_refresh_keeps_a_fresh_token_and_renews_an_expiring_one(sandbox):
    client, tokens = sandbox.connect()
    same = client.refresh_access_token(CLIENT_ID, CLIENT_SECRET, tokens["refresh_token"])
    assert same["access_token"] == tokens["access_token"]  # more than an hour left: Strava reuses it
    sandbox.admin("POST", "tokens/expire", json={"athlete_id": DEMO_ATHLETE_ID})
    with pytest.raises(exc.AccessUnauthorized):
        sandbox.client(tokens["access_token"]).get_athlete()
    fresh = client.refresh_access_token(CLIENT_ID, CLIENT_SECRET, tokens["refresh_token"])
    assert fresh["access_token"] != tokens["access_token"]
    assert fresh["refresh_token"] == tokens["refresh_token"]
    assert sandbox.client(fresh["access_token"]).get_athlete().id == DEMO_ATHLETE_ID
    with pytest.raises(exc.Fault) as bad:
        client.refresh_access_token(CLIENT_ID, CLIENT_SECRET, "not-a-token")
    assert bad.value.response.json()["errors"][0]["resource"] == "RefreshToken"


@pytest.mark.parametrize("sandbox_config", [{"TOKEN_TTL": 0}])
def test_expired_token_is_401(sandbox):
    _, tokens = sandbox.connect()
    response = requests.get(f"{sandbox.url}/api/v3/athlete",
                            headers={"Authorization": f"Bearer {tokens['access_token']}"}, timeout=5)
    assert response.status_code == 401
    assert response.json() == {"message": "Authorization Error", "errors": [
        {"resource": "Athlete", "field": "access_token", "code": "invalid"}]}


def test_stravalib_deauthorize_uses_api_path_and_revokes(sandbox):
    client, tokens = sandbox.connect()
    client.deauthorize()
    log = sandbox.admin("GET", "requests").json()
    assert log[-1]["path"] == "/api/v3/oauth/deauthorize" and log[-1]["status"] == 200
    with pytest.raises(exc.AccessUnauthorized):
        client.get_athlete()
    with pytest.raises(exc.Fault):
        client.refresh_access_token(CLIENT_ID, CLIENT_SECRET, tokens["refresh_token"])
    assert sandbox.admin("GET", f"athletes/{DEMO_ATHLETE_ID}").json()["connected"] is False


def test_oauth_deauthorize_with_form_token(sandbox):
    _, tokens = sandbox.connect()
    response = requests.post(f"{sandbox.url}/oauth/deauthorize",
                             data={"access_token": tokens["access_token"]}, timeout=5)
    assert response.status_code == 200
    assert response.json() == {"access_token": tokens["access_token"]}
    again = requests.post(f"{sandbox.url}/oauth/deauthorize",
                          data={"access_token": tokens["access_token"]}, timeout=5)
    assert again.status_code == 401
