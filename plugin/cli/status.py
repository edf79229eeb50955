"""`liftrun status`: the deployment at a glance, or as JSON for scripts."""

from __future__ import annotations

import json
import sys

import click
from flask.cli import ScriptInfo


def _load_app(ctx: click.Context):
    # `app.test_cli_runner()` hands us its app through Flask's ScriptInfo; from the shell we build it.
    info = ctx.find_object(ScriptInfo)
    if info is not None:
        return info.load_app()
    from plugin import create_app

    return create_app()


@click.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of text.")
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Inbox by status, oldest pending event, recent failures, rate budget, athletes, worker heartbeat.

    Exits 1 when the database or Redis is unreachable or no worker beat recently.
    """
    from plugin.ops.status import collect_status, format_status

    app = _load_app(ctx)
    with app.app_context():
        snapshot = collect_status()
    click.echo(json.dumps(snapshot, indent=2) if as_json else format_status(snapshot))
    healthy = not snapshot["unavailable"] and snapshot.get("worker_alive", False)
    sys.exit(0 if healthy else 1)
