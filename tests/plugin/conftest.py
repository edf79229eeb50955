"""Fixtures the web app's tests share."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.support.factories import ATHLETE_ID, make_athlete


@pytest.fixture
def csrf_app(make_app):
    """CSRF is on, as in production; one athlete with the default settings who is past the welcome step."""
    app = make_app(WTF_CSRF_ENABLED=True, athletes=())
    with app.app_context():
        make_athlete(ATHLETE_ID, goal="general", goal_chosen_at=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc))
    return app
