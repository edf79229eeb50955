"""create_app with a Settings object, and PUBLIC_URL's links built by url_for."""

import dataclasses

import pytest
from flask import url_for

from plugin import create_app
from plugin.config import load_settings
from plugin.services.advice_sync import settings_url


@pytest.fixture
def settings(tmp_path, redis_url):
    base = load_settings({}, instance_path=tmp_path)
    return dataclasses.replace(base, public_url="https://coach.example.org/lr", redis_url=redis_url,
                               database_url=f"sqlite:///{tmp_path / 'f.sqlite'}")


def test_settings_object_replaces_the_environment(settings, monkeypatch):
    # An environment that would refuse to start is not even read.
    monkeypatch.setenv("STRAVA_CLIENT_ID", "not-a-number")
    app = create_app(settings=settings)
    assert app.config["PUBLIC_URL"] == "https://coach.example.org/lr"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == settings.database_url
    assert app.config["CELERY"]["broker_url"] == settings.redis_url
    assert create_app(settings).config["PUBLIC_URL"] == settings.public_url  # positional too


def test_a_bad_environment_is_one_line_at_start_up(monkeypatch):
    monkeypatch.setenv("STRAVA_CLIENT_ID", "not-a-number")
    with pytest.raises(SystemExit) as stop:
        create_app()
    assert str(stop.value).startswith("LiftRun Coach cannot start: STRAVA_CLIENT_ID must be an integer")


def test_the_settings_link_comes_from_public_url_in_the_worker_and_in_requests(settings):
    app = create_app(settings=settings)
    with app.app_context():  # the worker: no request at all
        assert settings_url() == "https://coach.example.org/lr/settings"
    # Behind a proxy: plain http inside, the prefix in SCRIPT_NAME as ProxyFix(x_prefix) sets it.
    with app.test_request_context("/", base_url="http://10.0.0.7:8000/lr"):
        assert settings_url() == "https://coach.example.org/lr/settings"
        assert url_for("pages.landing") == "/lr/"
    # The app answers whatever address it is reached on.
    assert app.test_client().get("/healthz", base_url="http://10.0.0.7:8000").status_code in (200, 503)
