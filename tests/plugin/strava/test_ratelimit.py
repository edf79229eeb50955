import datetime as dt

import pytest

from plugin.strava.ratelimit import RateBudget, RateLimitDeferred, seconds_to_midnight, seconds_to_next_quarter

NOW = dt.datetime(2026, 11, 25, 10, 7, 30, tzinfo=dt.timezone.utc)


def headers(usage="10,100", limit="200,2000", read_usage="5,50", read_limit="100,1000"):
    return {"X-RateLimit-Usage": usage, "X-RateLimit-Limit": limit,
            "X-ReadRateLimit-Usage": read_usage, "X-ReadRateLimit-Limit": read_limit}


@pytest.fixture
def budget(redis_client):
    return RateBudget(redis_client, clock=lambda: NOW)


def test_window_arithmetic():
    assert seconds_to_next_quarter(NOW) == 7 * 60 + 30 + 1
    assert seconds_to_midnight(NOW) == 13 * 3600 + 52 * 60 + 30 + 1


def test_usage_is_shared_through_redis_with_window_expiry(budget, redis_client):
    budget.record(headers())
    budget.check()
    assert 0 < redis_client.ttl("liftrun:strava-rate:15m") <= 451
    assert redis_client.ttl("liftrun:strava-rate:day") > 13 * 3600
    other_worker = RateBudget(redis_client, clock=lambda: NOW)
    other_worker.record(headers(usage="199,300"))
    with pytest.raises(RateLimitDeferred) as err:
        budget.check()
    assert err.value.countdown == 451


def test_read_limit_defers_reads(budget):
    with pytest.raises(RateLimitDeferred):
        budget.record(headers(read_usage="100,120"), "GET")
    with pytest.raises(RateLimitDeferred):
        budget.check()


def test_daily_limit_defers_until_midnight(budget):
    with pytest.raises(RateLimitDeferred) as err:
        budget.record(headers(usage="10,2000"))
    assert err.value.countdown == seconds_to_midnight(NOW)


def test_responses_without_headers_are_ignored(budget, redis_client):
    budget.record({"Content-Type": "application/json"})
    assert redis_client.get("liftrun:strava-rate:15m") is None
    budget.check()
