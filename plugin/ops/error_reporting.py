"""Optional error reporting to Sentry, for operators who already run one.

Off unless SENTRY_DSN is set, and sentry-sdk stays an optional extra
(`pip install "liftrun-coach[sentry]"`): a deployment without it loses nothing
but this. Request bodies, cookies and user details are never sent; messages
pass the same credential mask as the logs.
"""

from __future__ import annotations

import logging

from plugin.ops.logs import redact

log = logging.getLogger(__name__)


def _masked(value):
    """Every string in the event through the log mask: messages, exception values, source
    lines and local variables of the stack frames alike."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_masked(item) for item in value]
    return value


def _scrub(event: dict, hint: dict) -> dict:
    request = event.get("request")
    if isinstance(request, dict):
        request.pop("data", None)
        request.pop("cookies", None)
        if isinstance(request.get("query_string"), str):
            request["query_string"] = redact("?" + request["query_string"])[1:]
    return _masked(event)


def init_error_reporting(dsn: str | None, environment: str) -> bool:
    """Start Sentry with the Flask and Celery integrations; True when it is on."""
    if not dsn:
        return False
    try:
        import sentry_sdk
        from sentry_sdk.integrations.celery import CeleryIntegration
        from sentry_sdk.integrations.flask import FlaskIntegration
    except ImportError:
        log.warning("SENTRY_DSN is set but sentry-sdk is not installed (pip install 'liftrun-coach[sentry]'); "
                    "errors are not reported")
        return False
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[FlaskIntegration(), CeleryIntegration()],
        send_default_pii=False,
        before_send=_scrub,
    )
    log.info("error reporting to Sentry is on")
    return True
