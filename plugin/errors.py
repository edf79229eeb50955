"""Error pages: people get a readable page, scripts get JSON, and every 4xx/5xx
leaves a log line.

Bad input must never surface as a bare 500 or a framework page, and a failed
CSRF check (an expired form, a forged post) deserves words a person can act on.
"""

from __future__ import annotations

import logging

from flask import jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("That request could not be used", "Something in it was missing or malformed. Go back and try again."),
    403: ("Not allowed", "You do not have access to this."),
    404: ("Page not found", "There is no page at this address."),
    405: ("Not allowed here", "This address does not accept that kind of request."),
    413: ("Too large", "That request was larger than anything this site accepts."),
    500: ("Something went wrong on our side", "It has been logged. Please try again in a minute."),
}


def _wants_json() -> bool:
    return request.path.startswith("/webhook") or request.accept_mimetypes.best == "application/json"


def _respond(code: int, title: str, detail: str):
    if _wants_json():
        return jsonify(error=title, detail=detail), code
    return render_template("error.html", code=code, title=title, detail=detail), code


def register_error_handlers(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(err: CSRFError):
        log.warning("refused %s %s: %s", request.method, request.path, err.description)
        return _respond(400, "This form expired", "For your safety each form works once and for a limited time. "
                        "Go back, reload the page and submit it again.")

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        code = err.code or 500
        if code >= 500:
            log.error("%s %s → %s", request.method, request.path, code)
        else:
            log.info("%s %s → %s", request.method, request.path, code)
        title, detail = MESSAGES.get(code, (err.name, err.description or ""))
        return _respond(code, title, detail)

    @app.errorhandler(Exception)
    def unexpected(err: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        # The failure may have left the transaction unusable; the page itself loads the
        # athlete for its header, which must not fail a second time.
        from plugin.extensions import db

        db.session.rollback()
        return _respond(500, *MESSAGES[500])
