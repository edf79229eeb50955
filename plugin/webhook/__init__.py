"""Strava's push-subscription callback: validation handshake and events."""

from flask import Blueprint

bp = Blueprint("webhook", __name__)

from plugin.webhook import routes  # noqa: E402,F401
