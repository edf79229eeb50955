"""Fixtures of the settings page's tests (`csrf_app` is shared: tests/plugin/conftest.py)."""

import pytest


@pytest.fixture
def new_athlete_app(make_app):
    """CSRF on; an athlete who has just connected and not chosen a goal yet."""
    return make_app(WTF_CSRF_ENABLED=True)
