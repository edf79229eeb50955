"""`liftrun subscription` against the emulator, which really calls our webhook to verify it.

The commands are Flask commands: most tests hand them an app through Flask's
CLI runner; one runs the installed `liftrun` in a child process, configured
only by its environment, as an operator would.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from plugin.cli.subscription import subscription
from plugin.config import external_url_config
from plugin.devtools import ThreadedServer
from tests.support.apps import build_app
from tests.support.servers import start_emulator

LIFTRUN = Path(sys.executable).with_name("liftrun")


def serve_at_own_address(app, web):
    """PUBLIC_URL must be the server's own address: bind first, then tell the app."""
    app.config.update(external_url_config(web.url), PUBLIC_URL=web.url)


@pytest.fixture
def stack(tmp_path, redis_url):
    db_url = f"sqlite:///{tmp_path / 'sub.sqlite'}"
    with start_emulator() as emu:
        app = build_app(db_url, redis_url, STRAVA_BASE_URL=emu.url)
        with ThreadedServer(app) as web:
            serve_at_own_address(app, web)
            yield emu, web, app, db_url


def test_create_list_delete(stack):
    emu, web, app, _ = stack
    runner = app.test_cli_runner()
    created = runner.invoke(subscription, ["create"])
    assert created.exit_code == 0, created.output
    assert f"→ {web.url}/webhook" in created.output
    sub_id = int(created.output.split()[2])

    listed = runner.invoke(subscription, ["list"])
    assert f"{sub_id}\t{web.url}/webhook (stored)" in listed.output

    again = runner.invoke(subscription, ["create"])
    assert again.exit_code == 1
    assert "error:" in again.output

    deleted = runner.invoke(subscription, ["delete", str(sub_id)])
    assert deleted.exit_code == 0, deleted.output
    assert runner.invoke(subscription, ["list"]).output.strip() == "no subscription"


def test_create_fails_cleanly_when_verification_fails(stack, redis_url):
    emu, web, _, db_url = stack
    # The command's app expects another verify token than the running web app answers to.
    cli_app = build_app(db_url, redis_url, STRAVA_BASE_URL=emu.url, PUBLIC_URL=web.url,
                        STRAVA_VERIFY_TOKEN="not-what-the-web-app-expects")
    result = cli_app.test_cli_runner().invoke(subscription, ["create"])
    assert result.exit_code == 1
    assert "error: Strava refused" in result.output


def test_from_the_shell_the_command_builds_its_app_from_the_environment(stack, redis_url):
    emu, web, _, db_url = stack
    env = {key: value for key, value in os.environ.items() if not key.startswith(("STRAVA_", "FLASK_"))}
    env.update(DATABASE_URL=db_url, STRAVA_BASE_URL=emu.url, PUBLIC_URL=web.url, REDIS_URL=redis_url)

    def liftrun(*args):
        return subprocess.run([str(LIFTRUN), "subscription", *args], env=env, capture_output=True, text=True,
                              timeout=60)

    assert liftrun("list").stdout.strip() == "no subscription"
    created = liftrun("create")
    assert created.returncode == 0, created.stderr
    assert f"→ {web.url}/webhook" in created.stdout
    assert "(stored)" in liftrun("list").stdout


def test_create_registers_the_secret_path_when_one_is_set(tmp_path, redis_url):
    """The emulator verifies the secret URL through our running web app, as Strava would."""
    secret = "Zx8-q_Lm2.Wv~9rT4kPa"
    with start_emulator() as emu:
        app = build_app(f"sqlite:///{tmp_path / 'secret.sqlite'}", redis_url, STRAVA_BASE_URL=emu.url,
                        STRAVA_WEBHOOK_SECRET=secret)
        with ThreadedServer(app) as web:
            serve_at_own_address(app, web)
            runner = app.test_cli_runner()
            created = runner.invoke(subscription, ["create"])
            assert created.exit_code == 0, created.output
            assert f"→ {web.url}/webhook/{secret}" in created.output
            listed = runner.invoke(subscription, ["list"])
            assert f"{web.url}/webhook/{secret} (stored)" in listed.output
            assert runner.invoke(subscription, ["delete", created.output.split()[2]]).exit_code == 0
            assert runner.invoke(subscription, ["list"]).output.strip() == "no subscription"
