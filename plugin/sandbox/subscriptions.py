"""Strava's push-subscription endpoints, including the callback handshake.

Strava only creates a subscription after the callback answers a GET with the
challenge within 2 s; doing the same here catches a webhook endpoint that
is slow, checks the wrong verify token, or echoes the wrong JSON.
"""

from __future__ import annotations

import secrets
from typing import Any

import requests
from flask import Blueprint, jsonify

from . import shapes
from .auth import bad_request, fail, request_values
from .emulator import current

bp = Blueprint("strava_push", __name__, url_prefix="/api/v3")


def _check_client(values: dict[str, Any]) -> str:
    emu = current()
    if str(values.get("client_id", "")).strip() != emu.client_id:
        fail(401, shapes.fault("Authorization Error", "Application", "client_id", "invalid"))
    if values.get("client_secret") != emu.config["CLIENT_SECRET"]:
        fail(401, shapes.fault("Authorization Error", "Application", "client_secret", "invalid"))
    return emu.client_id


def verify_callback(callback_url: str, verify_token: str, timeout: float) -> bool:
    challenge = secrets.token_urlsafe(12)
    try:
        response = requests.get(
            callback_url,
            params={
                "hub.mode": "subscribe",
                "hub.challenge": challenge,
                "hub.verify_token": verify_token,
            },
            timeout=timeout,
        )
        return response.status_code == 200 and response.json().get("hub.challenge") == challenge
    except (requests.RequestException, ValueError, AttributeError):
        return False


@bp.post("/push_subscriptions")
def create_subscription():
    values = request_values()
    client_id = _check_client(values)
    callback_url = str(values.get("callback_url") or "")
    verify_token = str(values.get("verify_token") or "")
    if not callback_url:
        bad_request("PushSubscription", "callback_url", "missing")
    if not verify_token:
        bad_request("PushSubscription", "verify_token", "missing")
    emu = current()
    if emu.store.subscriptions(client_id):
        bad_request("PushSubscription", "", "already exists")
    if not verify_callback(callback_url, verify_token, emu.config["VERIFY_TIMEOUT"]):
        bad_request("PushSubscription", "callback url", "not verifiable")
    sub = emu.store.add_subscription(client_id, callback_url, verify_token)
    if sub is None:
        bad_request("PushSubscription", "", "already exists")
    return jsonify(shapes.subscription(sub)), 201


@bp.get("/push_subscriptions")
def list_subscriptions():
    client_id = _check_client(request_values())
    return jsonify([shapes.subscription(s) for s in current().store.subscriptions(client_id)])


@bp.delete("/push_subscriptions/<int:sub_id>")
def delete_subscription(sub_id: int):
    client_id = _check_client(request_values())
    if not current().store.delete_subscription(sub_id, client_id):
        fail(404, shapes.fault("Record Not Found", "PushSubscription", "id", "invalid"))
    return "", 204
