"""`liftrun dev`: the whole product on one machine with one command.

It brings the database to the current schema, starts the Strava emulator when
no real credentials are configured, the web app and a Celery worker (with the
inbox sweep scheduled), registers the push subscription in sandbox mode, and
stops everything on Ctrl-C.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from urllib.parse import urlsplit

import click

from plugin.cli.errors import fail
from plugin.devtools import (
    ProcessGroup,
    StartError,
    emulator_command,
    flask_command,
    port_in_use,
    worker_command,
)


def _wait_for(processes: ProcessGroup, url: str, what: str) -> None:
    try:
        processes.wait_for_url(url, timeout=30.0)
    except StartError as err:
        raise click.ClickException(f"{what} ({err})") from None


@click.command()
@click.option("--web-port", type=int, default=None, help="Defaults to the port of PUBLIC_URL (5000).")
@click.option("--sandbox-port", type=int, default=None, help="Defaults to the port of STRAVA_BASE_URL in sandbox mode (5055).")
@click.option("--concurrency", type=int, default=2, show_default=True)
def dev(web_port: int | None, sandbox_port: int | None, concurrency: int) -> None:
    """Run web + worker (+ the Strava emulator in sandbox mode) until Ctrl-C."""
    from flask_migrate import upgrade

    from plugin import create_app

    app = create_app()  # a bad setting stops here, in one line (see plugin.cli main)
    instance = Path(app.instance_path)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
    sandbox = app.config["SANDBOX"]
    public = urlsplit(app.config["PUBLIC_URL"])
    web_port = web_port or public.port or 5000
    env = dict(os.environ, PYTHONUNBUFFERED="1", SILENCE_TOKEN_WARNINGS="true")
    if not env.get("PUBLIC_URL"):
        env["PUBLIC_URL"] = f"http://127.0.0.1:{web_port}"
    ports = [("web app", web_port, "--web-port")]
    if sandbox:
        sandbox_port = sandbox_port or urlsplit(app.config["STRAVA_BASE_URL"]).port or 5055
        env["STRAVA_BASE_URL"] = f"http://127.0.0.1:{sandbox_port}"
        ports.append(("Strava emulator", sandbox_port, "--sandbox-port"))
    for label, port, option in ports:
        if port_in_use(port):
            fail("dev", f"port {port} for the {label} is already in use (another `liftrun dev`?). "
                 f"Stop it, or choose another port with {option}.")
    processes = ProcessGroup(env)

    def _terminate(signum, frame):
        raise KeyboardInterrupt

    # Also SIGINT: a launcher started from a script may inherit it ignored.
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, _terminate)

    def start(name: str, argv: list[str]) -> None:
        click.echo(f"starting {name}: {' '.join(argv)}")
        # A session of its own: stopping signals the process with its children (the worker's pool
        # and embedded beat), so none is left behind when one is killed after the grace period.
        processes.start(name, argv, new_session=True)

    try:
        if sandbox:
            state_file = str(instance / "sandbox-state.json")
            start("Strava emulator", emulator_command(sandbox_port, "--state-file", state_file))
            _wait_for(processes, f"{env['STRAVA_BASE_URL']}/healthz", "the Strava emulator did not start")
        start("web", flask_command(web_port))
        start("worker", worker_command(concurrency, "-B", "-s", str(instance / "celerybeat-schedule")))
        _wait_for(processes, f"http://127.0.0.1:{web_port}/healthz", "the web app did not start (is Redis running?)")
        if sandbox:
            _ensure_sandbox_subscription(env, instance)
        click.echo("")
        click.echo(f"LiftRun Coach is running: open {env['PUBLIC_URL']}/")
        if sandbox:
            click.echo(f"Sandbox Strava (emulator): {env['STRAVA_BASE_URL']}/  — simulate a lift and a run there.")
        click.echo("Press Ctrl-C to stop.")
        while processes.all_running():
            time.sleep(0.5)
        raise click.ClickException("a process exited; stopping the others")
    except KeyboardInterrupt:
        click.echo("stopping…")
    finally:
        processes.stop(timeout=10)


def _ensure_sandbox_subscription(env: dict, instance: Path) -> None:
    """Register our webhook with the emulator so its simulated uploads reach us."""
    from plugin import create_app
    from plugin.config import load_settings
    from plugin.services.subscriptions import (
        callback_url,
        create_subscription,
        delete_subscription,
        list_subscriptions,
        remember_subscription,
    )

    # The children's environment describes this app too; read it instead of changing ours.
    app = create_app(settings=load_settings(env, instance_path=instance))
    with app.app_context():
        wanted = callback_url()
        subs = list_subscriptions()
        for stale in (s for s in subs if s.callback_url != wanted):
            delete_subscription(int(stale.id))
        existing = [s for s in subs if s.callback_url == wanted]
        if existing:
            click.echo(f"push subscription {existing[0].id} already points at {wanted}")
            remember_subscription(int(existing[0].id), wanted)
            return
        row = create_subscription(wanted)
        click.echo(f"created push subscription {row.id} → {wanted}")
