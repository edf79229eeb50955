"""/readyz and /metrics: probes for the operator's tools, no login, no templates."""

from __future__ import annotations

import hmac
import logging

from flask import Blueprint, Response, abort, current_app, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST

from plugin.ops.metrics import RedisStateCollector, render
from plugin.ops.readiness import check_readiness
from plugin.redis_client import get_redis

log = logging.getLogger(__name__)

bp = Blueprint("ops", __name__)


@bp.get("/readyz")
def readyz():
    readiness = check_readiness()
    return jsonify(readiness.as_json()), 200 if readiness.ready else 503


@bp.get("/metrics")
def metrics():
    """Prometheus exposition, only for a scraper that knows METRICS_TOKEN (404 when unset)."""
    token = current_app.config.get("METRICS_TOKEN")
    if not token:
        abort(404)
    offered = request.headers.get("Authorization", "")
    if not hmac.compare_digest(offered.encode(), f"Bearer {token}".encode()):
        log.warning("refused a metrics scrape from %s without the right token", request.remote_addr)
        refusal = jsonify(error="metrics need 'Authorization: Bearer <METRICS_TOKEN>'")
        return refusal, 401, {"WWW-Authenticate": "Bearer"}
    celery_app = current_app.extensions["celery"]
    queue = celery_app.conf.task_default_queue or "celery"
    body = render([RedisStateCollector(get_redis(), queue)])
    return Response(body, mimetype=CONTENT_TYPE_LATEST)
