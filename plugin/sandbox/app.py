"""Assemble the emulator's Flask app.

Cross-cutting Strava behaviour lives in request hooks rather than in each
view: every /api/v3 call is counted against the rate limits and carries the
limit headers (errors included), every /api/v3 and /oauth call is logged
so tests can assert which calls the product made, or that it made none, and
injected faults (see `faults`) are cast there before any view runs.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, g, jsonify, request

from . import admin, api, oauth, pages, subscriptions
from .auth import bearer_token
from .emulator import Emulator
from .faults import call_kind
from .shapes import fault

_REDACTED = {"client_secret", "access_token", "refresh_token", "code"}


def _is_api(path: str) -> bool:
    return path.startswith("/api/v3") and "/oauth/" not in path


def _is_logged(path: str) -> bool:
    return path.startswith("/api/v3") or path.startswith("/oauth/")


# What Strava says with each status; the bodies are the shapes stravalib parses.
_INJECTED_BODIES = {
    401: ("Authorization Error", "Athlete", "access_token", "invalid"),
    404: ("Record Not Found", "Activity", "id", "invalid"),
    429: ("Rate Limit Exceeded", "Application", "rate limit", "exceeded"),
}


def _injected(status: int):
    g.injected = status
    if status in _INJECTED_BODIES:
        return jsonify(fault(*_INJECTED_BODIES[status])), status
    return jsonify({"message": "error", "errors": []}), status


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    emulator = Emulator(config)
    app.extensions["strava_sandbox"] = emulator
    app.config["SANDBOX"] = emulator.config
    app.json.sort_keys = False

    for blueprint in (oauth.bp, api.bp, subscriptions.bp, admin.bp, pages.bp):
        app.register_blueprint(blueprint)

    @app.before_request
    def count_and_identify():
        if not _is_logged(request.path):
            return None
        g.started = time.time()
        info = emulator.store.token(bearer_token())
        g.athlete_id = info["athlete_id"] if info else None
        if g.athlete_id is None and request.path.startswith("/oauth/token"):
            g.athlete_id = emulator.store.refresh_token_owner(request.values.get("refresh_token"))
        g.call_kind = call_kind(request.method, request.url_rule.rule if request.url_rule else None, request.path)
        latency_ms, status = emulator.faults.cast(g.call_kind, g.athlete_id)
        if latency_ms:
            time.sleep(latency_ms / 1000)
        if status is not None:
            return _injected(status)
        if _is_api(request.path):
            admitted, headers = emulator.limiter.admit(is_read=request.method in ("GET", "HEAD"))
            g.rate_headers = headers
            if not admitted:
                return jsonify(fault("Rate Limit Exceeded", "Application", "rate limit", "exceeded")), 429
        return None

    @app.after_request
    def headers_and_log(response):
        if not _is_logged(request.path):
            return response
        if _is_api(request.path):
            headers = getattr(g, "rate_headers", None) or emulator.limiter.headers()
            if getattr(g, "injected", None) == 429:
                headers = emulator.limiter.headers_at_limit()
            for name, value in headers.items():
                response.headers[name] = value
        if getattr(g, "call_kind", None):
            emulator.faults.answered(g.call_kind, response.status_code)
        query = {
            key: ("***" if key in _REDACTED else value)
            for key, value in request.args.items()
        }
        emulator.store.log_request({
            "method": request.method,
            "path": request.path,
            "query": query,
            "athlete_id": getattr(g, "athlete_id", None),
            "status": response.status_code,
            "time": emulator.store.now_iso(),
            "duration_ms": round((time.time() - getattr(g, "started", time.time())) * 1000, 1),
        })
        return response

    @app.errorhandler(404)
    def not_found(error):
        if getattr(error, "response", None) is not None:
            return error.response
        if _is_logged(request.path):
            return jsonify(fault("Record Not Found", "resource", "path", "invalid")), 404
        return pages.not_found_page(), 404

    @app.errorhandler(405)
    def method_not_allowed(error):
        if getattr(error, "response", None) is not None:
            return error.response
        if _is_logged(request.path):
            return jsonify(fault("Bad Request", "resource", "method", "invalid")), 405
        return error

    @app.get("/healthz")
    def healthz():
        return jsonify({"status": "ok", "service": "strava-sandbox"})

    return app
