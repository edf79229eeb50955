"""Log lines an operator can search: optional JSON, the event and athlete a task
works for on every line, and no secret ever written.

The context lives in a ContextVar so it follows the code that runs for one task
(or request) without being passed around; a filter copies it onto each record.
A second filter masks credentials wherever a library or a careless message
would print them, so "never log a token" does not depend on every call site.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import json
import logging
import re
from collections.abc import Iterator

CONTEXT_FIELDS = ("event_id", "athlete_id", "task")
_context: contextvars.ContextVar[dict[str, object] | None] = contextvars.ContextVar("liftrun_log_context", default=None)

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MASK = "***"

# key=value, key: value and "key": "value" forms of anything credential-like.
_SECRET_KEYS = r"(?:access_token|refresh_token|client_secret|verify_token|password|secret_key|api_key|dsn)"
_SECRET_PATTERNS = (
    # The OAuth code only as a query parameter: "status code: 404" is not a secret.
    re.compile(r"([?&]code=)([^&\s'\"]+)"),
    re.compile(r"(?i)(\b" + _SECRET_KEYS + r"['\"]?\s*[=:]\s*['\"]?)([^'\"&\s,;}]+)"),
    re.compile(r"(?i)(\bauthorization['\"]?\s*[=:]\s*['\"]?(?:bearer|basic)\s+)([^'\"\s,;}]+)"),
    re.compile(r"(?i)(\bbearer\s+)([A-Za-z0-9._~+/=-]{8,})"),
)


def current_context() -> dict[str, object]:
    return dict(_context.get() or {})


def bind(**fields: object) -> contextvars.Token:
    """Add fields to the log context until `reset(token)`."""
    return _context.set({**(_context.get() or {}), **{k: v for k, v in fields.items() if v is not None}})


def reset(token: contextvars.Token) -> None:
    _context.reset(token)


@contextlib.contextmanager
def log_context(**fields: object) -> Iterator[None]:
    token = bind(**fields)
    try:
        yield
    finally:
        reset(token)


def redact(text: str) -> str:
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + MASK, text)
    return text


class ContextFilter(logging.Filter):
    """Puts the current event id, athlete id and task on the record (None when outside a task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = _context.get() or {}
        for name in CONTEXT_FIELDS:
            if not hasattr(record, name):
                setattr(record, name, context.get(name))
        return True


class RedactFilter(logging.Filter):
    """Masks credentials in the final message (arguments included)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string is logged as is
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, context, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in CONTEXT_FIELDS:
            entry[name] = getattr(record, name, None)
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, default=str)


def formatter_for(log_format: str) -> logging.Formatter:
    return JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)


def prepare_handler(handler: logging.Handler, log_format: str, keep_text_format: bool = False) -> None:
    """Give a handler our filters and format (idempotent); `keep_text_format` leaves a
    text handler's own format alone (Celery's names the task on each line)."""
    if log_format == "json" or not keep_text_format:
        handler.setFormatter(formatter_for(log_format))
    for kind in (ContextFilter, RedactFilter):
        if not any(isinstance(f, kind) for f in handler.filters):
            handler.addFilter(kind())


def configure_logging(log_format: str = "text", level: int = logging.INFO) -> None:
    """Root logging for the web app and the CLI; the worker adjusts Celery's own handlers instead."""
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler())
    root.setLevel(level)
    for handler in root.handlers:
        prepare_handler(handler, log_format)
