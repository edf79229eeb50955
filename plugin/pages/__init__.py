"""Public pages: landing and health."""

from flask import Blueprint

bp = Blueprint("pages", __name__)

from plugin.pages import routes  # noqa: E402,F401
