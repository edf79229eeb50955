"""The athlete's account: data export, disconnect, log out."""

from flask import Blueprint

bp = Blueprint("account", __name__)

from plugin.account import routes  # noqa: E402,F401
