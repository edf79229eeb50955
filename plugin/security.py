"""Secure defaults for every response and bounded parsing of every request.

Headers and cookie flags are applied in one after-request hook rather than per
view, so a page added later cannot forget them. JSON is depth-checked before
the parser sees it: Python's parser recurses per nesting level, and a few
thousand `[` would otherwise end as a RecursionError (a 500) instead of a 400.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from flask import Flask, Response, abort, request
from flask.json.provider import DefaultJSONProvider

log = logging.getLogger(__name__)

# No legitimate body we accept nests deeper than a few levels (a webhook event is 2).
MAX_JSON_DEPTH = 32
# Query strings we accept are short (OAuth callback, webhook validation); cap them all.
MAX_QUERY_BYTES = 2048
MAX_QUERY_PARAMS = 16

_JSON_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')


class JSONTooDeep(ValueError):
    """The document nests deeper than MAX_JSON_DEPTH."""


def json_depth(raw: bytes | str) -> int:
    """Deepest nesting of arrays/objects, skipping brackets inside strings."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    depth = deepest = 0
    for match in _JSON_TOKENS.finditer(data):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > deepest:
                deepest = depth
        elif token in (b"]", b"}"):
            depth -= 1
    return deepest


def loads_bounded(raw: bytes | str, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """json.loads that refuses deep nesting and non-standard constants (NaN, Infinity) first."""
    if json_depth(raw) > max_depth:
        raise JSONTooDeep(f"JSON nests deeper than {max_depth} levels")
    return json.loads(raw, parse_constant=_refuse_constant)


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider with a depth limit, so every `request.get_json()` is bounded."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return loads_bounded(s)


def content_security_policy() -> str:
    # Only our own static files: templates must not carry inline scripts or styles.
    return "; ".join((
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ))


def hardened_response_class(base: type[Response], secure: bool) -> type[Response]:
    """Build a response class whose every cookie is HttpOnly and SameSite=Lax (Secure on https).

    At the one place cookies are made, so the session, Flask-Login's
    remember_token and any cookie a future view sets all get the flags.
    """

    class HardenedResponse(base):  # type: ignore[misc, valid-type]
        def set_cookie(self, key: str, *args: Any, **kwargs: Any) -> None:
            kwargs["httponly"] = True
            kwargs["samesite"] = kwargs.get("samesite") or "Lax"
            kwargs["secure"] = bool(kwargs.get("secure")) or secure
            super().set_cookie(key, *args, **kwargs)

    return HardenedResponse


def _bound_query_string() -> None:
    raw = request.query_string
    if len(raw) > MAX_QUERY_BYTES:
        log.warning("refused %s %s: query string of %d bytes", request.method, request.path, len(raw))
        abort(400)
    if raw.count(b"&") + 1 > MAX_QUERY_PARAMS:
        log.warning("refused %s %s: too many query parameters", request.method, request.path)
        abort(400)


def install_security(app: Flask) -> None:
    """Bound every request's input and harden every response, this app's pages and errors alike."""
    app.json = BoundedJSONProvider(app)
    secure = str(app.config.get("PUBLIC_URL", "")).startswith("https://")
    csp = content_security_policy()
    headers = {
        "Content-Security-Policy": csp,
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        # same-origin, not no-referrer: Flask-WTF's CSRF check on https needs our own Referer.
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    }
    if secure:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"

    for prefix in ("SESSION", "REMEMBER"):
        app.config[f"{prefix}_COOKIE_HTTPONLY"] = True
        app.config[f"{prefix}_COOKIE_SAMESITE"] = "Lax"
        app.config[f"{prefix}_COOKIE_SECURE"] = secure or bool(app.config.get(f"{prefix}_COOKIE_SECURE"))
    app.response_class = hardened_response_class(app.response_class, secure)
    app.before_request(_bound_query_string)

    @app.after_request
    def harden(response: Response) -> Response:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response
