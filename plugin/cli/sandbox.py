"""`liftrun sandbox`: the Strava emulator used by sandbox mode and e2e tests."""

from __future__ import annotations

import click


@click.group()
def sandbox() -> None:
    """Strava emulator (sandbox) for local demos and tests."""


@sandbox.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5055, show_default=True, type=int)
@click.option("--state-file", default=None, type=click.Path(dir_okay=False),
              help="Persist the emulator's state in this JSON file across restarts.")
@click.option("--auto-approve", is_flag=True,
              help="Skip the consent page when the app sends approval_prompt=auto.")
def serve(host: str, port: int, state_file: str | None, auto_approve: bool) -> None:
    """Run the emulator (threaded werkzeug server)."""
    from plugin.sandbox.server import serve as run

    config: dict = {}
    if state_file:
        config["STATE_FILE"] = state_file
    if auto_approve:
        config["AUTO_APPROVE"] = True
    run(host, port, config)
