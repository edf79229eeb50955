"""The webhook answers within Strava's 2 s: it validates, stores and enqueues;
it never calls Strava while Strava waits.

With STRAVA_WEBHOOK_SECRET set, Strava is given `/webhook/<secret>` and only
that path is served: the POSTs are unsigned, so an address nobody can guess is
the one check a stranger cannot pass. Without it, the bare `/webhook` serves.
"""

from __future__ import annotations

import hmac
import logging

from flask import abort, current_app, jsonify, request

from plugin.ops.metrics import count_event_received
from plugin.queue import PROCESS_EVENT, enqueue
from plugin.security import loads_bounded
from plugin.services.athletes import forget_athlete
from plugin.services.subscriptions import accepted_subscription_ids
from plugin.webhook import bp
from plugin.webhook.events import InvalidEvent, parse_event
from plugin.webhook.intake import Ack, is_known_athlete, store_activity_event

log = logging.getLogger(__name__)

# Strava's challenge is a short token; nothing legitimate comes near these.
MAX_CHALLENGE_CHARS = 255
VALIDATION_PARAMS = ("hub.mode", "hub.verify_token", "hub.challenge")


def _check_secret(secret: str | None) -> None:
    configured = current_app.config.get("STRAVA_WEBHOOK_SECRET") or None
    if configured is None and secret is None:
        return
    if configured is not None and secret is not None and hmac.compare_digest(secret.encode(), configured.encode()):
        return
    log.warning("webhook %s on %s: %s", request.method,
                "the bare path" if secret is None else "a wrong secret path",
                "a secret path is configured" if configured else "no secret path is configured")
    abort(404)


@bp.get("/webhook", defaults={"secret": None})
@bp.get("/webhook/<secret>")
def validate_subscription(secret: str | None):
    _check_secret(secret)
    args = request.args
    if any(len(args.getlist(name)) > 1 for name in VALIDATION_PARAMS):
        log.warning("webhook validation with repeated parameters")
        return jsonify(error="each hub.* parameter may appear once"), 400
    mode = args.get("hub.mode")
    token = args.get("hub.verify_token", "")
    challenge = args.get("hub.challenge")
    if mode != "subscribe" or challenge is None:
        log.warning("webhook validation without hub.mode=subscribe or hub.challenge")
        return jsonify(error="expected hub.mode=subscribe and hub.challenge"), 400
    if len(challenge) > MAX_CHALLENGE_CHARS:
        log.warning("webhook validation with a %d-character challenge", len(challenge))
        return jsonify(error=f"hub.challenge longer than {MAX_CHALLENGE_CHARS} characters"), 400
    if not hmac.compare_digest(token.encode(), current_app.config["STRAVA_VERIFY_TOKEN"].encode()):
        log.warning("webhook validation with a wrong verify token from %s", request.remote_addr)
        return jsonify(error="verify token mismatch"), 403
    return jsonify({"hub.challenge": challenge})


def _ack(status: Ack):
    count_event_received(status.value)
    return jsonify(status=status.value), 200


def _read_body():
    """Parse the JSON body, refusing deep nesting before parsing (the size limit applies earlier)."""
    raw = request.get_data(cache=False)
    try:
        return loads_bounded(raw)
    except (ValueError, UnicodeDecodeError) as err:
        raise InvalidEvent(f"body is not usable JSON: {err}") from None


@bp.post("/webhook", defaults={"secret": None})
@bp.post("/webhook/<secret>")
def receive_event(secret: str | None):
    _check_secret(secret)
    try:
        event = parse_event(_read_body())
    except InvalidEvent as err:
        log.warning("rejected webhook body: %s", err)
        return jsonify(error=str(err)), 400

    accepted = accepted_subscription_ids()
    if accepted and event.subscription_id not in accepted:
        log.warning("ignored event for subscription %s (ours: %s)", event.subscription_id, sorted(accepted))
        return _ack(Ack.OTHER_SUBSCRIPTION)

    if event.object_type != "activity":
        if not is_known_athlete(event.owner_id):
            log.info("ignored %s event from unknown athlete %s", event.object_type, event.owner_id)
            return _ack(Ack.UNKNOWN_ATHLETE)
        if event.is_deauthorization:
            forget_athlete(event.owner_id)
            return _ack(Ack.DEAUTHORIZED)
        log.info("ignored athlete %s event of athlete %s", event.aspect_type, event.owner_id)
        return _ack(Ack.NOT_AN_ACTIVITY)

    stored = store_activity_event(event)
    if stored.needs_queueing:
        enqueue(PROCESS_EVENT, stored.inbox_id)
    return _ack(stored.ack)
