"""`liftrun subscription` against the emulator, which really calls our webhook to verify it."""

import os

import pytest
from click.testing import CliRunner

from plugin.cli import main
from plugin.config import external_url_config
from tests.support.apps import build_app
from tests.support.servers import ThreadedServer, start_emulator


@pytest.fixture
def stack(tmp_path, redis_url, monkeypatch):
    db_url = f"sqlite:///{tmp_path / 'sub.sqlite'}"
    with start_emulator() as emu:
        app = build_app(db_url, redis_url, STRAVA_BASE_URL=emu.url)
        with ThreadedServer(app) as web:
            for key, value in {"DATABASE_URL": db_url, "STRAVA_BASE_URL": emu.url, "PUBLIC_URL": web.url,
                               "REDIS_URL": redis_url}.items():
                monkeypatch.setenv(key, value)
            for key in [k for k in os.environ if k.startswith("STRAVA_CLIENT")]:
                monkeypatch.delenv(key)
            yield emu, web, app


def test_create_list_delete(stack):
    emu, web, app = stack
    runner = CliRunner()
    created = runner.invoke(main, ["subscription", "create"])
    assert created.exit_code == 0, created.output
    assert f"→ {web.url}/webhook" in created.output
    sub_id = int(created.output.split()[2])

    listed = runner.invoke(main, ["subscription", "list"])
    assert f"{sub_id}\t{web.url}/webhook (stored)" in listed.output

    again = runner.invoke(main, ["subscription", "create"])
    assert again.exit_code == 1
    assert "error:" in again.output

    deleted = runner.invoke(main, ["subscription", "delete", str(sub_id)])
    assert deleted.exit_code == 0, deleted.output
    assert runner.invoke(main, ["subscription", "list"]).output.strip() == "no subscription"


def test_create_fails_cleanly_when_verification_fails(stack, monkeypatch):
    monkeypatch.setenv("STRAVA_VERIFY_TOKEN", "not-what-the-web-app-expects")
    result = CliRunner().invoke(main, ["subscription", "create"])
    assert result.exit_code == 1
    assert "error: Strava refused" in result.output


def test_create_registers_the_secret_path_when_one_is_set(tmp_path, redis_url):
    """The emulator verifies the secret URL through our running web app, as Strava would.

    Run through Flask's own CLI runner: the command uses the app it is handed, not the environment.
    """
    from plugin.cli.subscription import subscription

    secret = "Zx8-q_Lm2.Wv~9rT4kPa"
    with start_emulator() as emu:
        app = build_app(f"sqlite:///{tmp_path / 'secret.sqlite'}", redis_url, STRAVA_BASE_URL=emu.url,
                        STRAVA_WEBHOOK_SECRET=secret)
        with ThreadedServer(app) as web:
            app.config.update(external_url_config(web.url), PUBLIC_URL=web.url)
            runner = app.test_cli_runner()
            created = runner.invoke(subscription, ["create"])
            assert created.exit_code == 0, created.output
            assert f"→ {web.url}/webhook/{secret}" in created.output
            listed = runner.invoke(subscription, ["list"])
            assert f"{web.url}/webhook/{secret} (stored)" in listed.output
            assert runner.invoke(subscription, ["delete", created.output.split()[2]]).exit_code == 0
            assert runner.invoke(subscription, ["list"]).output.strip() == "no subscription"
