"""The athlete's history: judged pairs, a gap chart and this week's summary."""

from flask import Blueprint

bp = Blueprint("history", __name__)

from plugin.history import routes  # noqa: E402,F401
