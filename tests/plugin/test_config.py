import pytest

from plugin.config import ConfigError, load_settings


def test_no_settings_means_sandbox_with_local_defaults(tmp_path):
    s = load_settings({}, instance_path=tmp_path)
    assert s.sandbox
    assert s.strava_base_url == "http://127.0.0.1:5055"
    assert s.strava_client_id == 12345
    assert s.database_url == f"sqlite:///{tmp_path.resolve()}/liftrun.sqlite"
    assert s.redis_url == "redis://127.0.0.1:6379/0"
    assert s.public_url == "http://127.0.0.1:5000"
    assert not s.secure_cookies


def test_production_needs_every_setting(tmp_path):
    with pytest.raises(ConfigError) as err:
        load_settings({"STRAVA_CLIENT_ID": "4242", "SECRET_KEY": "x"}, instance_path=tmp_path)
    message = str(err.value)
    for name in ("STRAVA_CLIENT_SECRET", "STRAVA_VERIFY_TOKEN", "PUBLIC_URL"):
        assert name in message
    assert "SECRET_KEY" not in message.split("needs:")[1]


def test_production_defaults_to_real_strava_and_secure_cookies(tmp_path):
    s = load_settings(
        {"STRAVA_CLIENT_ID": "4242", "STRAVA_CLIENT_SECRET": "s", "STRAVA_VERIFY_TOKEN": "v",
         "SECRET_KEY": "k", "PUBLIC_URL": "https://coach.example/", "DATABASE_URL": "postgres://u@db/liftrun"},
        instance_path=tmp_path,
    )
    assert not s.sandbox
    assert s.strava_base_url == "https://www.strava.com"
    assert s.public_url == "https://coach.example"
    assert s.database_url == "postgresql+psycopg://u@db/liftrun"
    assert s.secure_cookies
    assert s.flask_config()["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize(
    "env, fragment",
    [
        ({"STRAVA_CLIENT_ID": "abc"}, "integer"),
        ({"PUBLIC_URL": "coach.example"}, "PUBLIC_URL"),
        ({"STRAVA_BASE_URL": "ftp://x"}, "STRAVA_BASE_URL"),
    ],
)
def test_malformed_settings_are_named(tmp_path, env, fragment):
    with pytest.raises(ConfigError, match=fragment):
        load_settings(env, instance_path=tmp_path)


def test_webhook_secret_is_optional_and_checked(tmp_path):
    assert load_settings({}, instance_path=tmp_path).flask_config()["STRAVA_WEBHOOK_SECRET"] is None
    secret = "Zx8-q_Lm2.Wv~9rT4kPa"
    assert load_settings({"STRAVA_WEBHOOK_SECRET": secret}, instance_path=tmp_path).webhook_secret == secret
    for bad in ("short", "has/slash-in-it-long-enough", "x" * 200):
        with pytest.raises(ConfigError, match="STRAVA_WEBHOOK_SECRET"):
            load_settings({"STRAVA_WEBHOOK_SECRET": bad}, instance_path=tmp_path)
