"""`liftrun status`: the deployment at a glance, or as JSON for scripts."""

from __future__ import annotations

import json
import sys

import click

from plugin.cli.app_context import with_product_app


@click.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of text.")
@with_product_app
def status(as_json: bool) -> None:
    """Inbox by status, oldest pending event, recent failures, rate budget, athletes, worker heartbeat.

    Exits 1 when the database or Redis is unreachable or no worker beat recently.
    """
    from plugin.ops.status import collect_status, format_status

    snapshot = collect_status()
    click.echo(json.dumps(snapshot, indent=2) if as_json else format_status(snapshot))
    healthy = not snapshot["unavailable"] and snapshot.get("worker_alive", False)
    sys.exit(0 if healthy else 1)
