"""The athlete's settings page."""

from flask import Blueprint

bp = Blueprint("settings", __name__)

from plugin.settings import routes  # noqa: E402,F401
