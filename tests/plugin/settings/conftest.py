import datetime as dt

import pytest

from tests.support.apps import build_app
from tests.support.factories import make_athlete

ATHLETE = 123456789


@pytest.fixture
def csrf_app(tmp_path, redis_url, redis_client):
    """CSRF is on, as in production; one athlete with the default settings who is past the welcome step."""
    app = build_app(f"sqlite:///{tmp_path / 's.sqlite'}", redis_url, WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_athlete(ATHLETE, goal="general", goal_chosen_at=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc))
    return app


@pytest.fixture
def new_athlete_app(tmp_path, redis_url, redis_client):
    """CSRF on; an athlete who has just connected and not chosen a goal yet."""
    app = build_app(f"sqlite:///{tmp_path / 'n.sqlite'}", redis_url, WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_athlete(ATHLETE)
    return app
