"""The app's one Strava push subscription.

We keep its id so events for any other subscription can be told apart and
ignored (webhook POSTs are unsigned).
"""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import delete, select

from plugin.extensions import db
from plugin.models import Subscription
from plugin.strava.client import app_client

log = logging.getLogger(__name__)


def callback_url() -> str:
    return f"{current_app.config['PUBLIC_URL']}/webhook"


def _credentials() -> dict:
    return {
        "client_id": current_app.config["STRAVA_CLIENT_ID"],
        "client_secret": current_app.config["STRAVA_CLIENT_SECRET"],
    }


def create_subscription(url: str | None = None) -> Subscription:
    """Strava calls our GET /webhook to verify before it answers, so the web app must be up."""
    url = url or callback_url()
    created = app_client().create_subscription(
        callback_url=url, verify_token=current_app.config["STRAVA_VERIFY_TOKEN"], **_credentials()
    )
    row = remember_subscription(int(created.id), url)
    log.info("created Strava push subscription %s → %s", created.id, url)
    return row


def remember_subscription(subscription_id: int, url: str) -> Subscription:
    """Store (or refresh) the subscription whose events the webhook accepts."""
    row = db.session.merge(Subscription(id=subscription_id, callback_url=url))
    db.session.commit()
    return row


def list_subscriptions() -> list:
    return list(app_client().list_subscriptions(**_credentials()))


def delete_subscription(subscription_id: int) -> None:
    app_client().delete_subscription(subscription_id=subscription_id, **_credentials())
    db.session.execute(delete(Subscription).where(Subscription.id == subscription_id))
    db.session.commit()
    log.info("deleted Strava push subscription %s", subscription_id)


def stored_subscription_ids() -> list[int]:
    return list(db.session.scalars(select(Subscription.id)))
