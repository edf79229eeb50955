"""Connect with Strava: the OAuth authorization-code flow."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

from plugin.auth import routes  # noqa: E402,F401
