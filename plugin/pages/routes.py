from __future__ import annotations

import logging

from flask import current_app, jsonify, render_template
from sqlalchemy import text

from plugin.extensions import db
from plugin.pages import bp
from plugin.pages.example import example_block
from plugin.redis_client import get_redis

log = logging.getLogger(__name__)


@bp.get("/")
def landing():
    return render_template("landing.html", example=example_block(current_app.config["PUBLIC_URL"]))


@bp.get("/privacy")
def privacy():
    return render_template("privacy.html")


@bp.get("/healthz")
def healthz():
    checks = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as err:  # noqa: BLE001
        log.error("health: database unavailable: %s", err)
        checks["database"] = "unavailable"
    try:
        get_redis().ping()
        checks["redis"] = "ok"
    except Exception as err:  # noqa: BLE001
        log.error("health: redis unavailable: %s", err)
        checks["redis"] = "unavailable"
    healthy = all(v == "ok" for v in checks.values())
    return jsonify(status="ok" if healthy else "degraded", **checks), 200 if healthy else 503
