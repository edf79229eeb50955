"""Rate-limit headers, 429s and Strava's fixed windows."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import requests
from stravalib import Client, exc
from stravalib.util.limiter import RequestRate, get_rates_from_response_headers

from plugin.sandbox.ratelimit import windows
from plugin.strava.session import BaseUrlSession


def _get(sandbox, token, path="/api/v3/athlete"):
    return requests.get(f"{sandbox.url}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=5)


def test_headers_on_every_api_response(sandbox):
    _, tokens = sandbox.connect()
    first = _get(sandbox, tokens["access_token"])
    assert first.headers["X-RateLimit-Limit"] == "200,2000"
    assert first.headers["X-ReadRateLimit-Limit"] == "100,1000"
    assert first.headers["X-RateLimit-Usage"] == "1,1"
    assert first.headers["X-ReadRateLimit-Usage"] == "1,1"
    missing = _get(sandbox, tokens["access_token"], "/api/v3/activities/1")
    assert missing.status_code == 404 and missing.headers["X-RateLimit-Usage"] == "2,2"
    write = requests.put(f"{sandbox.url}/api/v3/activities/1", json={"description": "x"},
                         headers={"Authorization": f"Bearer {tokens['access_token']}"}, timeout=5)
    assert write.headers["X-RateLimit-Usage"] == "3,3"
    assert write.headers["X-ReadRateLimit-Usage"] == "2,2"  # writes are not reads
    assert get_rates_from_response_headers(first.headers, "GET") == RequestRate(1, 1, 100, 1000)
    assert get_rates_from_response_headers(write.headers, "PUT") == RequestRate(3, 3, 200, 2000)
    token_call = requests.post(f"{sandbox.url}/oauth/token", data={}, timeout=5)
    assert "X-RateLimit-Usage" not in token_call.headers


def test_over_the_limit_is_429_until_the_window_resets(sandbox):
    _, tokens = sandbox.connect()
    sandbox.admin("POST", "rate-limit", json={"read_usage_15min": 100})
    refused = _get(sandbox, tokens["access_token"])
    assert refused.status_code == 429
    assert refused.json() == {"message": "Rate Limit Exceeded", "errors": [
        {"resource": "Application", "field": "rate limit", "code": "exceeded"}]}
    assert refused.headers["X-ReadRateLimit-Usage"] == "100,0"
    # stravalib's default limiter would sleep until the window resets (as it
    # would against Strava); the product uses a non-sleeping limiter instead.
    no_sleep = Client(access_token=tokens["access_token"], requests_session=BaseUrlSession(sandbox.url),
                      rate_limiter=lambda headers, method: None)
    with pytest.raises(exc.Fault) as limited:
        no_sleep.get_athlete()
    assert limited.value.response.status_code == 429
    # Writes still pass: only the read limit is exhausted.
    put = requests.put(f"{sandbox.url}/api/v3/activities/1", json={"description": "x"},
                       headers={"Authorization": f"Bearer {tokens['access_token']}"}, timeout=5)
    assert put.status_code == 404
    # The next quarter hour starts from zero.
    real_clock = sandbox.store.clock
    sandbox.store.clock = lambda: real_clock() + 900
    assert _get(sandbox, tokens["access_token"]).status_code == 200


def test_overall_limit_applies_to_writes(sandbox):
    _, tokens = sandbox.connect()
    sandbox.admin("POST", "rate-limit", json={"limit_15min": 5, "usage_15min": 5})
    put = requests.put(f"{sandbox.url}/api/v3/activities/1", json={"description": "x"},
                       headers={"Authorization": f"Bearer {tokens['access_token']}"}, timeout=5)
    assert put.status_code == 429
    assert put.headers["X-RateLimit-Limit"] == "5,2000"


def test_windows_align_to_quarter_hours_and_utc_days():
    at = lambda *args: datetime(*args, tzinfo=timezone.utc).timestamp()  # noqa: E731
    assert windows(at(2024, 5, 1, 10, 14, 59))[0] != windows(at(2024, 5, 1, 10, 15, 0))[0]
    assert windows(at(2024, 5, 1, 10, 15, 0))[0] == windows(at(2024, 5, 1, 10, 29, 59))[0]
    assert windows(at(2024, 5, 1, 23, 59, 59))[1] == "2024-05-01"
    assert windows(at(2024, 5, 2, 0, 0, 0))[1] == "2024-05-02"


def test_rate_limit_admin_rejects_unknown_keys(sandbox):
    response = sandbox.admin("POST", "rate-limit", json={"bogus": 1})
    assert response.status_code == 400
