"""The webhook answers within Strava's 2 s: it validates, stores and enqueues;
it never calls Strava while Strava waits."""

from __future__ import annotations

import hmac
import logging

from flask import current_app, jsonify, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from plugin.extensions import db
from plugin.models import Athlete, InboxEvent
from plugin.ops.metrics import count_event_received
from plugin.queue import PROCESS_EVENT, enqueue
from plugin.services.athletes import forget_athlete
from plugin.services.subscriptions import stored_subscription_ids
from plugin.webhook import bp
from plugin.webhook.events import InvalidEvent, parse_event

log = logging.getLogger(__name__)


@bp.get("/webhook")
def validate_subscription():
    mode = request.args.get("hub.mode")
    token = request.args.get("hub.verify_token", "")
    challenge = request.args.get("hub.challenge")
    if mode != "subscribe" or challenge is None:
        log.warning("webhook validation without hub.mode=subscribe or hub.challenge")
        return jsonify(error="expected hub.mode=subscribe and hub.challenge"), 400
    if not hmac.compare_digest(token, current_app.config["STRAVA_VERIFY_TOKEN"]):
        log.warning("webhook validation with a wrong verify token from %s", request.remote_addr)
        return jsonify(error="verify token mismatch"), 403
    return jsonify({"hub.challenge": challenge})


def _ack(status: str, code: int = 200):
    count_event_received(status)
    return jsonify(status=status), code


@bp.post("/webhook")
def receive_event():
    body = request.get_json(silent=True)
    try:
        event = parse_event(body)
    except InvalidEvent as err:
        log.warning("rejected webhook body: %s", err)
        return jsonify(error=str(err)), 400

    stored_ids = stored_subscription_ids()
    if stored_ids and event.subscription_id not in stored_ids:
        log.warning("ignored event for subscription %s (ours: %s)", event.subscription_id, stored_ids)
        return _ack("ignored: other subscription")

    athlete = db.session.get(Athlete, event.owner_id)
    if athlete is None:
        log.info("ignored %s event from unknown athlete %s", event.object_type, event.owner_id)
        return _ack("ignored: unknown athlete")

    if event.is_deauthorization:
        forget_athlete(athlete.id)
        return _ack("deauthorized")
    if event.object_type != "activity":
        log.info("ignored athlete %s event of athlete %s", event.aspect_type, athlete.id)
        return _ack("ignored: not an activity")
    if athlete.settings is not None and athlete.settings.mode == "paused":
        log.info("dropped event for paused athlete %s", athlete.id)
        return _ack("ignored: paused")

    inbox = InboxEvent(
        object_type=event.object_type,
        object_id=event.object_id,
        aspect_type=event.aspect_type,
        owner_id=event.owner_id,
        subscription_id=event.subscription_id,
        event_time=event.event_time,
        updates=event.updates,
    )
    db.session.add(inbox)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        inbox = db.session.scalars(
            select(InboxEvent).where(
                InboxEvent.object_type == event.object_type,
                InboxEvent.object_id == event.object_id,
                InboxEvent.aspect_type == event.aspect_type,
                InboxEvent.event_time == event.event_time,
            )
        ).one()
        if inbox.status != "pending":
            log.info("duplicate delivery of event %s (already %s)", inbox.id, inbox.status)
            return _ack("duplicate")
        log.info("duplicate delivery of pending event %s; queueing it again", inbox.id)

    enqueue(PROCESS_EVENT, inbox.id)
    return _ack("queued")
