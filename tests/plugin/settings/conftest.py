import re

import pytest

from tests.conftest import build_app
from tests.plugin.factories import make_athlete

ATHLETE = 123456789


@pytest.fixture
def csrf_app(tmp_path, redis_url, redis_client):
    """CSRF is on, as in production; one athlete with the default settings."""
    app = build_app(f"sqlite:///{tmp_path / 's.sqlite'}", redis_url, WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_athlete(ATHLETE, goal="general")
    return app


def csrf_token(client) -> str:
    page = client.get("/settings").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
