"""`liftrun subscription create|list|delete`: manage the Strava push subscription."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from plugin.cli.app_context import provide_app
from plugin.cli.errors import EXIT_INTERNAL, fail


@click.group(cls=AppGroup)
@click.pass_context
def subscription(ctx: click.Context) -> None:
    """Create, list or delete the app's Strava push subscription."""
    provide_app(ctx)


@subscription.command()
@click.option("--callback-url", default=None,
              help="Defaults to PUBLIC_URL/webhook (PUBLIC_URL/webhook/<secret> with STRAVA_WEBHOOK_SECRET).")
def create(callback_url: str | None) -> None:
    """Register PUBLIC_URL/webhook[/<secret>] with Strava (the web app must be reachable)."""
    from stravalib.exc import Fault

    from plugin.services.subscriptions import create_subscription

    try:
        row = create_subscription(callback_url)
    except Fault as err:
        fail("subscription create", f"Strava refused the subscription: {err}", EXIT_INTERNAL)
    click.echo(f"created subscription {row.id} → {row.callback_url}")


@subscription.command(name="list")
def list_() -> None:
    """Show the subscriptions Strava has for this app."""
    from plugin.services.subscriptions import list_subscriptions, stored_subscription_ids

    stored = set(stored_subscription_ids())
    subs = list_subscriptions()
    if not subs:
        click.echo("no subscription")
    for sub in subs:
        marker = " (stored)" if sub.id in stored else ""
        click.echo(f"{sub.id}\t{sub.callback_url}{marker}")


@subscription.command()
@click.argument("subscription_id", type=int)
def delete(subscription_id: int) -> None:
    """Delete a subscription at Strava and forget it here."""
    from stravalib.exc import Fault

    from plugin.services.subscriptions import delete_subscription

    try:
        delete_subscription(subscription_id)
    except Fault as err:
        fail("subscription delete", f"Strava refused: {err}", EXIT_INTERNAL)
    click.echo(f"deleted subscription {subscription_id}")
